import { normalizeText } from '../text/normalize-text.js';

/**
 * What an answer states that can go out of date: percentages, amounts with a unit or currency, durations, counts
 * of confirmations, networks (TRC20, ERC20, BEP20 ...), product names (KYC, USDT, Binance Pay-style CamelCase) and
 * links.
 */
export type AnswerFactKind = 'percentage' | 'amount' | 'duration' | 'network' | 'name' | 'link';

export interface AnswerFact {
  kind: AnswerFactKind;
  /** Normalized value, what two texts are compared by: `0.1%`, `10 USDT`, `30 minutes`, `TRC20`, `https://x.io/fees`. */
  value: string;
  /**
   * What the value measures, so a different value of the same dimension reads as a contradiction: `%`, the unit
   * (`USDT`, `minutes`), or the kind itself for networks, names and links (which are only ever missing, never contradicting).
   */
  dimension: string;
}

const DURATION_UNITS: Record<string, string> = {
  second: 'seconds',
  seconds: 'seconds',
  sec: 'seconds',
  secs: 'seconds',
  s: 'seconds',
  minute: 'minutes',
  minutes: 'minutes',
  min: 'minutes',
  mins: 'minutes',
  hour: 'hours',
  hours: 'hours',
  hr: 'hours',
  hrs: 'hours',
  h: 'hours',
  day: 'days',
  days: 'days',
  'business day': 'business days',
  'business days': 'business days',
  'working days': 'business days',
  'working day': 'business days',
  week: 'weeks',
  weeks: 'weeks',
  confirmation: 'confirmations',
  confirmations: 'confirmations',
  block: 'confirmations',
  blocks: 'confirmations',
  秒: 'seconds',
  分钟: 'minutes',
  小时: 'hours',
  天: 'days',
  个工作日: 'business days',
  工作日: 'business days',
  周: 'weeks',
  个确认: 'confirmations',
  个区块: 'confirmations',
};

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const LINK = /\bhttps?:\/\/[^\s<>()"'，。]+/gi;
const PERCENTAGE = new RegExp(String.raw`(${NUMBER})\s?(?:%|percent\b)`, 'gi');
const DURATION = new RegExp(
  String.raw`(${NUMBER})\s?(business days?|working days?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|confirmations?|blocks?|个工作日|工作日|分钟|小时|个确认|个区块|秒|天|周)(?![A-Za-z])`,
  'gi',
);
const CURRENCY_SYMBOL = new RegExp(String.raw`([$€£¥])\s?(${NUMBER})`, 'g');
const AMOUNT = new RegExp(String.raw`(${NUMBER})\s?([A-Z]{2,6})\b`, 'g');
const NETWORK = /\b(?:[A-Z]{2,5}-?\d{2,3}|Solana|Arbitrum|Optimism|Polygon|Lightning|Avalanche(?: C-Chain)?|Tron|Ethereum|Bitcoin)\b/g;
const ACRONYM = /(?<![\w/.-])[A-Z][A-Z0-9]{1,9}(?![\w/-])/g;
const CAMEL = /(?<![\w/.-])[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+(?![\w/-])/g;
/** Capitalized words that are sentence furniture, not product names. */
const NOT_NAMES = new Set(['I', 'OK', 'FAQ', 'PS', 'AM', 'PM', 'UTC', 'ID', 'USD', 'EUR', 'GBP', 'CNY', 'HTTP', 'HTTPS', 'URL', 'PDF']);

/**
 * The facts an answer text states, each once, in order of appearance. Amount units are upper-case tickers or
 * currency symbols, so `10 USDT` and `$10` are amounts while `10 users` is not.
 *
 * @example
 * extractAnswerFacts('The fee is 0.2% and USDT withdrawals on TRC20 take 30 minutes')
 * // [{ kind: 'percentage', value: '0.2%', dimension: '%' }, { kind: 'network', value: 'TRC20', ... }, ...]
 */
export function extractAnswerFacts(text: string): AnswerFact[] {
  const found: { at: number; fact: AnswerFact }[] = [];
  const normalized = normalizeText(text);
  const links = [...normalized.matchAll(LINK)];
  for (const match of links) {
    const url = match[0].replace(/[.,;:!?)]+$/, '');
    found.push({ at: match.index, fact: { kind: 'link', value: url.toLowerCase().replace(/\/$/, ''), dimension: 'link' } });
  }
  // Numbers and names inside a link are part of the link.
  const plain = normalized.replace(LINK, (url) => ' '.repeat(url.length));
  for (const match of plain.matchAll(PERCENTAGE)) {
    found.push({ at: match.index, fact: { kind: 'percentage', value: `${number(match[1]!)}%`, dimension: '%' } });
  }
  for (const match of plain.matchAll(DURATION)) {
    const unit = DURATION_UNITS[match[2]!.toLowerCase()] ?? match[2]!.toLowerCase();
    found.push({ at: match.index, fact: { kind: 'duration', value: `${number(match[1]!)} ${unit}`, dimension: unit } });
  }
  for (const match of plain.matchAll(CURRENCY_SYMBOL)) {
    found.push({ at: match.index, fact: { kind: 'amount', value: `${match[1]!}${number(match[2]!)}`, dimension: match[1]! } });
  }
  const networks = new Set<string>();
  for (const match of plain.matchAll(NETWORK)) {
    const network = match[0].replace('-', '').toUpperCase() === match[0].replace('-', '') ? match[0].replace('-', '') : match[0];
    networks.add(network);
    found.push({ at: match.index, fact: { kind: 'network', value: network, dimension: 'network' } });
  }
  const units = new Set<string>();
  for (const match of plain.matchAll(AMOUNT)) {
    if (networks.has(match[2]!)) continue;
    units.add(match[2]!);
    found.push({ at: match.index, fact: { kind: 'amount', value: `${number(match[1]!)} ${match[2]!}`, dimension: match[2]! } });
  }
  for (const pattern of [ACRONYM, CAMEL]) {
    for (const match of plain.matchAll(pattern)) {
      const name = match[0];
      if (NOT_NAMES.has(name) || networks.has(name) || units.has(name) || /^[A-Z]{2,5}\d{2,3}$/.test(name)) continue;
      found.push({ at: match.index, fact: { kind: 'name', value: name, dimension: 'name' } });
    }
  }
  found.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  const facts: AnswerFact[] = [];
  for (const { fact } of found) {
    const key = factKey(fact);
    if (seen.has(key)) continue;
    seen.add(key);
    facts.push(fact);
  }
  return facts;
}

/**
 * The identity of a fact across texts.
 *
 * @example
 * factKey({ kind: 'percentage', value: '0.1%', dimension: '%' }) // 'percentage:0.1%'
 */
export function factKey(fact: AnswerFact): string {
  return `${fact.kind}:${fact.value}`;
}

function number(text: string): string {
  return String(Number(text.replace(',', '.')));
}
