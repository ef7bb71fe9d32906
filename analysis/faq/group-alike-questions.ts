import { buildFaqIndex } from './faq-index.js';
import { rankFaqEntries } from './rank-faq-entries.js';
import { nearestByScore, type NearestView } from '../text/cross-language-pairs.js';

export interface GroupAlikeOptions {
  /** A set joins another when most of its questions match that set's questions at least this well. */
  minScore: number;
  /** Which pairs may join at all (default: any). */
  mayJoin?: (a: number, b: number) => boolean;
  /** Pairs known to belong together by other evidence (default: none). */
  alsoJoin?: (a: number, b: number) => boolean;
  /**
   * Join only mutual best matches, so that no chain of pairwise matches (withdrawal, 到账, deposit) makes one group of
   * sets that do not ask the same thing; each set then joins at most one other.
   */
  mutualOnly?: boolean;
}

/**
 * Groups sets of questions that ask the same thing, in any language: each set is read as one FAQ article (its first
 * question the title, the others its wording), and set A joins set B when most of A's questions, matched against all
 * the other sets' articles (across languages, as `rankFaqEntries` does), find B with at least `minScore`: an article
 * written for B would answer A. Groups are the connected components; each lists its sets in the order given.
 *
 * @example
 * groupAlikeQuestionSets([['NOVA listing time?'], ['NOVA 代币什么时候上线？'], ['Reset 2FA']], { minScore: 0.4 }) // [[0, 1], [2]]
 */
export function groupAlikeQuestionSets(sets: readonly (readonly string[])[], options: GroupAlikeOptions): number[][] {
  const parent = sets.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const join = (a: number, b: number): void => {
    const [rootA, rootB] = [find(a), find(b)];
    if (rootA !== rootB) parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
  };
  const mayJoin = options.mayJoin ?? (() => true);
  if (sets.length > 1) {
    const index = buildFaqIndex(sets.map((texts) => ({ title: texts[0] ?? '', question: texts.slice(1).join('. '), body: '' })));
    const best = new Int32Array(sets.length).fill(-1);
    sets.forEach((texts, a) => {
      const votes = new Map<number, { count: number; score: number }>();
      for (const text of texts) {
        const other = rankFaqEntries(index, text, { limit: sets.length }).find((ranked) => ranked.entry !== a && mayJoin(a, ranked.entry));
        if (other === undefined || other.score < options.minScore) continue;
        const vote = votes.get(other.entry) ?? { count: 0, score: 0 };
        vote.count++;
        vote.score += other.score;
        votes.set(other.entry, vote);
      }
      const majority = [...votes].filter(([, vote]) => vote.count * 2 > texts.length);
      if (!options.mutualOnly) for (const [b] of majority) join(a, b);
      best[a] = majority.sort((x, y) => y[1].count - x[1].count || y[1].score - x[1].score || x[0] - y[0])[0]?.[0] ?? -1;
      if (options.alsoJoin) for (let b = a + 1; b < sets.length; b++) if (mayJoin(a, b) && options.alsoJoin(a, b)) join(a, b);
    });
    if (options.mutualOnly)
      best.forEach((b, a) => {
        if (b > a && best[b] === a) join(a, b);
      });
  }
  const groups = new Map<number, number[]>();
  sets.forEach((_, i) => {
    groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  });
  return [...groups.values()];
}

/**
 * The question view of cross-language matching (`pairAcrossLanguages`), shared by topics and the FAQ-gap report: each
 * set of questions is read as one FAQ article (its first question the title, the others its wording), and a set's
 * nearest is the article its questions, matched across languages as `rankFaqEntries` does, score highest in sum.
 *
 * @example
 * const byQuestions = nearestByQuestions([['Reset 2FA'], ['怎么重置二次验证？']]);
 * byQuestions(0, [1]) // 1
 */
export function nearestByQuestions(sets: readonly (readonly string[])[]): NearestView {
  const scores = scoreQuestionSets(sets);
  return (item, candidates) => {
    const mine = scores(item);
    return nearestByScore(candidates, (other) => mine.get(other) ?? 0);
  };
}

/**
 * How well each other set's article answers a set's questions: the sum of their `rankFaqEntries` scores, per set
 * (absent: 0), computed on first use.
 *
 * @example
 * scoreQuestionSets([['Reset 2FA'], ['怎么重置二次验证？']])(0).get(1) // 0.31
 */
export function scoreQuestionSets(sets: readonly (readonly string[])[]): (item: number) => ReadonlyMap<number, number> {
  const index = buildFaqIndex(sets.map((texts) => ({ title: texts[0] ?? '', question: texts.slice(1).join('. '), body: '' })));
  const cache = new Map<number, Map<number, number>>();
  return (item) => {
    let scores = cache.get(item);
    if (scores === undefined) {
      scores = new Map<number, number>();
      for (const text of sets[item]!) {
        for (const ranked of rankFaqEntries(index, text, { limit: sets.length })) scores.set(ranked.entry, (scores.get(ranked.entry) ?? 0) + ranked.score);
      }
      cache.set(item, scores);
    }
    return scores;
  };
}
