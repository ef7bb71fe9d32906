/**
 * NFKC (full-width letters and digits become ASCII, compatibility ideographs are unified), control characters
 * dropped, runs of white space collapsed to one space.
 *
 * @example
 * normalizeText('ＵＳＤＴ\u00a0 提现') // 'USDT 提现'
 */
export function normalizeText(text: string): string {
  return (
    text
      .normalize('NFKC')
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200d\ufeff]/g, '')
      // Every run of white space becomes one space; a lone space is left as it is (replacing it with itself was most of the cost).
      .replace(/\s{2,}|[^\S ]/g, ' ')
      .trim()
  );
}
