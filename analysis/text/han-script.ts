const HAN = /\p{Script=Han}/u;
/** Below this code point no character is of the Han script (its first block, the CJK radicals, starts here). */
const FIRST_HAN = 0x2e80;

/**
 * Whether the text holds a Han (Chinese) character. Most texts tested are English words and questions: a scan of
 * their code units answers before the Unicode property test is needed.
 *
 * @example
 * hasHan('USDT 提现') // true
 */
export function hasHan(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= FIRST_HAN) return HAN.test(text);
  return false;
}
