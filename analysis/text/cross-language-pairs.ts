import type { QuestionLanguage } from './detect-language.js';

/**
 * One way of telling which item is nearest another: the index among `candidates` nearest `item`, or -1 when this view
 * has no evidence for any (it abstains, and then no pair with `item` is made).
 */
export type NearestView = (item: number, candidates: readonly number[]) => number;

/**
 * Cross-language matching, built once for topics and for the FAQ-gap report: items asked in one language (topics,
 * groups of missing articles) are paired with items in another when, in every view given, each is the other's nearest
 * among the items of the other's language. No score threshold: questions in two languages share few words (the
 * dictionary gives only some senses), so their scores sit below any same-language cut, but their order still holds.
 * Mutual nearness makes each item join at most one other and no chain of partial matches joins unlike things.
 * Items without a language (`undefined`: mixed or neither English nor Chinese) take no part.
 *
 * @example
 * pairAcrossLanguages(['en', 'zh', 'en'], [(item, candidates) => nearestByText(item, candidates)]) // [[0, 1]]
 */
export function pairAcrossLanguages(languages: readonly (QuestionLanguage | undefined)[], views: readonly NearestView[]): [number, number][] {
  const items = languages.map((_, i) => i).filter((i) => languages[i] !== undefined);
  if (views.length === 0 || new Set(items.map((i) => languages[i])).size < 2) return [];
  const nearest = new Map<number, number[]>();
  const nearestOf = (a: number): number[] => {
    let found = nearest.get(a);
    if (found === undefined) {
      const others = items.filter((b) => languages[b] !== languages[a]);
      found = views.map((view) => view(a, others));
      nearest.set(a, found);
    }
    return found;
  };
  const pairs: [number, number][] = [];
  for (const a of items) {
    const mine = nearestOf(a);
    const b = mine[0]!;
    if (b <= a || !mine.every((other) => other === b)) continue;
    if (nearestOf(b).every((other) => other === a)) pairs.push([a, b]);
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
