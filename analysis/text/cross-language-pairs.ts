import type { QuestionLanguage } from './detect-language.js';

/**
 * One way of telling which item is nearest another: the index among `candidates` nearest `item`, or -1 when this view
 * has no evidence for any (it abstains, and then no pair with `item` is made).
 */
export type NearestView = (item: number, candidates: readonly number[]) => number;

/**
 * Cross-language matching, built once for topics and for the FAQ-gap report: items asked in one language (topics,
 * groups of missing articles) are paired with items in another when, in every view given, each is the other's nearest
 * among the items of the other's language; then, round after round, an item whose nearest of all is still unpaired
 * pairs with it when it is that one's nearest among the unpaired (that one's nearer ones went to their own mutual
 * partners: "充币没到账，哈希" is nearest "withdrawal not arrived, TXID" until that pairs with "提币没到账，交易哈希";
 * then it pairs with "deposit not credited, tx hash", whose nearest of all it is). No score threshold: questions in two languages share few words (the dictionary gives
 * only some senses), so their scores sit below any same-language cut, but their order still holds. Each item joins at
 * most one other, so no chain of partial matches joins unlike things, and an item whose nearest was taken stays alone
 * rather than joining whatever is left.
 * Items without a language (`undefined`: mixed or neither English nor Chinese) take no part.
 *
 * @example
 * pairAcrossLanguages(['en', 'zh', 'en'], [(item, candidates) => nearestByText(item, candidates)]) // [[0, 1]]
 */
export function pairAcrossLanguages(languages: readonly (QuestionLanguage | undefined)[], views: readonly NearestView[]): [number, number][] {
  const items = languages.map((_, i) => i).filter((i) => languages[i] !== undefined);
  if (views.length === 0 || new Set(items.map((i) => languages[i])).size < 2) return [];
  const paired = new Set<number>();
  /** The nearest of `a` among the other language's items not yet paired, in every view (-1: the views disagree or abstain). */
  const nearestFree = (a: number): number => {
    const others = items.filter((b) => languages[b] !== languages[a] && !paired.has(b));
    const found = views.map((view) => view(a, others));
    return found.every((b) => b === found[0]) ? found[0]! : -1;
  };
  const first = new Map(items.map((a) => [a, nearestFree(a)]));
  const pairs: [number, number][] = [];
  for (const a of items) {
    const b = first.get(a)!;
    if (b > a && first.get(b) === a) pairs.push([a, b]);
  }
  // Later rounds: an item whose nearest of all is still free joins it when it is that item's nearest among the free
  // ones: the item's nearer ones were taken by their own mutual partners. Repeated until no pair is added.
  for (let added = pairs.length; added > 0; ) {
    for (const [a, b] of pairs) paired.add(a).add(b);
    added = 0;
    for (const a of items) {
      const b = first.get(a)!;
      if (paired.has(a) || b < 0 || paired.has(b) || nearestFree(b) !== a) continue;
      pairs.push(a < b ? [a, b] : [b, a]);
      paired.add(a).add(b);
      added += 1;
    }
  }
  return pairs;
}

/**
 * The candidate with the highest positive score, or -1 when none is positive; ties go to the earlier candidate.
 *
 * @example
 * nearestByScore([3, 5], (b) => (b === 5 ? 0.2 : 0.1)) // 5
 */
export function nearestByScore(candidates: readonly number[], score: (candidate: number) => number): number {
  let best = -1;
  let bestScore = 0;
  for (const candidate of candidates) {
    const value = score(candidate);
    if (value > bestScore) [best, bestScore] = [candidate, value];
  }
  return best;
}
