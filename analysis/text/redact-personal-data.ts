import { createHash } from 'node:crypto';

export type PersonalDataKind = 'EMAIL' | 'PHONE' | 'CARD' | 'WALLET' | 'TXHASH' | 'ORDER_ID';

/** The placeholder that replaces each kind of personal data, e.g. `<EMAIL>`. */
export function placeholder(kind: PersonalDataKind): string {
  return `<${kind}>`;
}

interface Rule {
  kind: PersonalDataKind;
  pattern: RegExp;
  /** When present, a match is replaced only if it passes (checksums keep look-alikes such as other numbers). */
  accept?: (match: string) => boolean;
  /** Replace only this capture group (the id after "order no."), keeping the words around it. */
  group?: number;
  /** Text every match contains: a text without it is not searched (most questions have no e-mail or phone). */
  contains?: RegExp;
}

// Order matters: longer hex strings first (a transaction hash contains an address-length prefix), card numbers
// before phone numbers (both are digit runs), order ids last (their keywords would otherwise swallow the others).
const RULES: readonly Rule[] = [
  { kind: 'TXHASH', pattern: /(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])/g },
  { kind: 'WALLET', pattern: /(?<![0-9A-Za-z])0x[0-9a-fA-F]{40}(?![0-9A-Za-z])/g, contains: /0x/ },
  { kind: 'EMAIL', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, contains: /@/ },
  { kind: 'WALLET', pattern: /(?<![0-9A-Za-z])bc1[02-9ac-hj-np-z]{11,71}(?![0-9A-Za-z])/gi, accept: isBech32Shaped, contains: /bc1/i },
  {
    kind: 'WALLET',
    pattern: /(?<![0-9A-Za-z])[13T][1-9A-HJ-NP-Za-km-z]{25,34}(?![0-9A-Za-z])/g,
    accept: isBase58CheckAddress,
  },
  { kind: 'CARD', pattern: /(?<![\dA-Za-z-])\d(?:[ -]?\d){12,18}(?![\dA-Za-z-])/g, accept: isLuhnCardNumber },
  {
    kind: 'PHONE',
    pattern: /(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}(?!\d)/g,
    accept: (match) => digitCount(match) >= 8 && digitCount(match) <= 15,
    contains: /\+/,
  },
  // Chinese mobile numbers: 11 digits starting 13-19, optionally grouped 3-4-4.
  { kind: 'PHONE', pattern: /(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g },
  // North American style without a country code: (415) 555-2671, 415-555-2671, 415.555.2671.
  { kind: 'PHONE', pattern: /(?<![\w-])(?:\(\d{3}\) ?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w-])/g },
  {
    kind: 'ORDER_ID',
    pattern:
      /((?:\b(?:order|ticket|case|reference|ref|invoice|withdrawal|deposit|transaction|txn)\s*(?:no\.?|number|num|id|#)?\s*[:#]?\s*)|(?:订单|工单|提现单|充值单|交易)(?:号|编号|号码|id|ID)?\s*[:：#]?\s*)([A-Za-z]{0,6}[-_]?\d[\dA-Za-z-]{4,})/gi,
    group: 2,
    accept: (id) => /\d{4,}/.test(id.replace(/-/g, '')),
  },
  { kind: 'ORDER_ID', pattern: /(?<![0-9A-Za-z])(?:ORD|ORDER|INV|TKT)[-_]?\d{5,}(?![0-9A-Za-z])/g },
];

const LETTERS_ONLY_RULES = RULES.filter((rule) => rule.accept === isBase58CheckAddress);

/**
 * Replaces personal data with placeholders: e-mail addresses (`<EMAIL>`), phone numbers with a country code,
 * Chinese mobile and North American numbers (`<PHONE>`), card numbers that pass the Luhn check (`<CARD>`), BTC
 * (base58check and bc1), 0x and TRON (base58check) addresses (`<WALLET>`), 64-hex transaction hashes
 * (`<TXHASH>`) and order, ticket and reference ids (`<ORDER_ID>`). Dates, amounts and numbers that fail their
 * checksum stay.
 *
 * @example
 * redactPersonalData('mail me at ann@example.com') // 'mail me at <EMAIL>'
 */
export function redactPersonalData(text: string): string {
  // Every kind but a TRON address needs a digit or an @; most questions have neither.
  if (!/[0-9@]/.test(text)) {
    return text.includes('T') ? applyRules(text, LETTERS_ONLY_RULES) : text;
  }
  return applyRules(text, RULES);
}

function applyRules(text: string, rules: readonly Rule[]): string {
  let result = text;
  for (const rule of rules) {
    if (rule.contains && !rule.contains.test(result)) continue;
    rule.pattern.lastIndex = 0;
    result = result.replace(rule.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      if (rule.group === undefined) return rule.accept && !rule.accept(match) ? match : placeholder(rule.kind);
      const id = args[rule.group] as string | undefined;
      const prefix = args[1] as string;
      if (id === undefined || (rule.accept && !rule.accept(id))) return match;
      return `${prefix}${placeholder(rule.kind)}`;
    });
  }
  return result;
}

function digitCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}

/** The Luhn check digit test, on 13 to 19 digits. */
export function isLuhnCardNumber(text: string): boolean {
  const digits = text.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || /^(\d)\1+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A legacy BTC (1..., 3...) or TRON (T...) address whose base58check checksum is right. */
export function isBase58CheckAddress(text: string): boolean {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) return false;
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.unshift(0);
  }
  if (bytes.length !== 25) return false;
  const payload = Buffer.from(bytes.slice(0, 21));
  const checksum = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  return bytes.slice(21).every((byte, i) => byte === checksum[i]);
}

function isBech32Shaped(text: string): boolean {
  // bech32 is single-case; the common lengths are 42 (P2WPKH) and 62 (P2WSH, taproot).
  return (text === text.toLowerCase() || text === text.toUpperCase()) && text.length >= 14 && text.length <= 74;
}
