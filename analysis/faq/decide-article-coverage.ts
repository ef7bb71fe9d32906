import { type CalibrationMethod, calibrateCoveredThreshold } from './calibrate-covered-threshold.js';
import { buildFaqIndex } from './faq-index.js';
import { groupParaphrases } from './paraphrase-communities.js';
import { rankFaqEntries } from './rank-faq-entries.js';

/** One question of a group (a topic) with the score of its best FAQ entry. */
export interface CoverageQuestion {
  question: string;
  score: number;
  /** Matched only across languages: its score is not comparable with its siblings' and its flag is kept. */
  crossLanguage?: boolean;
  /** The entry the score is against (its best entry): questions of one entry are gathered across topics. */
  entryId?: string | null;
}

export interface ArticleCoverageOptions {
  /** The run's covered threshold: the fallback of the second cut, and the rule for the questions not compared. */
  threshold: number;
  /** A group of questions is covered when at least this share of them reaches the second cut (the topic rule). */
  minCoveredShare: number;
  /** Distinct questions per topic compared with each other, evenly spread (default `NEIGHBOUR_QUESTIONS`). */
  neighbourQuestions?: number;
  /** How the second cut splits the doubtful questions' scores (default `otsu`). */
  calibration?: CalibrationMethod;
  /**
   * Decide by the entries' claims on groups of paraphrases across the report (`claimByEntry`, default true); false
   * keeps the rule within topics alone (see `decideArticleCoverage`).
   */
  entryClaims?: boolean;
}

export interface ArticleCoverage {
  /** Per topic, per question: covered by an entry at the grain of one FAQ article. */
  covered: boolean[][];
  /** The second cut: where the best scores of the questions no entry is nearest to separate (Otsu), or `threshold`. */
  groupThreshold: number;
  /** Questions whose best entry is nearer than any other customer's question. */
  anchored: number;
}

/**
 * Distinct questions per topic that are compared with each other: a topic's questions are ranked against an index of
 * at most this many of its distinct questions (spread evenly over the period), so that the cost stays bounded: about
 * 0.5 ms of CPU per question compared, some 25 ms a topic (`npm run bench:faq-article-cost`); the questions beyond it
 * keep the per-question rule. Chosen for cost, not fitted to any data: an FAQ article's wordings are few, and 50
 * distinct questions show a topic's main ones.
 */
export const NEIGHBOUR_QUESTIONS = 50;

/**
 * Distinct questions of the whole report grouped for the entries' claims (`claimByEntry`): beyond it each topic gives
 * its share, spread evenly, and the questions left out keep the rules within topics. Chosen for cost, not fitted:
 * grouping 2,000 questions takes about 2 s of CPU (`npm run bench:faq-article-cost`), and the time grows faster than
 * the count.
 */
export const CLAIM_QUESTIONS = 2000;

/**
 * Whether each question is covered, decided at the grain of one FAQ article rather than one question or one topic.
 * Within each topic every distinct question is scored, as an FAQ entry would be (`rankFaqEntries`), against the
 * topic's other questions:
 * - a question whose best entry scores at least as high as its nearest other question, and at least the second cut
 *   (below), is **anchored**: the entry is closer to it than any other customer's wording, the mark of an entry
 *   written for that question; it is covered;
 * - every other question is linked to its nearest question, and the links make groups (first-neighbour clustering:
 *   paraphrases of one article are each other's nearest questions far more often than not, and no count of groups
 *   is set); a group is covered when at least `minCoveredShare` of its questions reach the second cut, calibrated
 *   like the run's threshold (Otsu) but on the questions that are not anchored only: those are the ones in doubt,
 *   and their scores separate at their own level, lower than the run's.
 * A question no other question shares a word with is a group of its own. Then, by default, the entries' claims decide
 * instead (`claimByEntry`): the compared questions of all topics are grouped into paraphrases of one article, and a
 * question is covered when its group holds the best match of an entry. The rules within topics are what
 * `entryClaims: false` keeps; they make the second cut and the anchored count either way. Questions matched across
 * languages, those beyond `neighbourQuestions` and topics of one distinct question keep the per-question rule (score
 * at least `threshold`). No setting is fitted to labelled data.
 *
 * @example
 * decideArticleCoverage([[{ question: 'reset 2fa', score: 0.7 }, { question: 'NOVA listing date', score: 0.3 }, ...]], { threshold: 0.45, minCoveredShare: 0.5 })
 * // { covered: [[true, false, ...]], groupThreshold: 0.38, anchored: 1 }
 */
export function decideArticleCoverage(topics: readonly (readonly CoverageQuestion[])[], options: ArticleCoverageOptions): ArticleCoverage {
  const limit = options.neighbourQuestions ?? NEIGHBOUR_QUESTIONS;
  const perTopic = topics.map((questions) => compareWithinTopic(questions, limit));
  const doubtful: { score: number; count: number }[] = [];
  for (const compared of perTopic) {
    compared?.distinct.forEach((d, j) => {
      if (!compared.anchored[j]) doubtful.push({ score: d.score, count: d.members.length });
    });
  }
  const groupThreshold = calibrateCoveredThreshold(doubtful, 'auto', options.threshold, options.calibration).value;
  // Nearer an entry than any other question, but scoring below the second cut: an entry that shares little with a
  // question no one else asks does not answer it; the question is decided with its group instead.
  let anchored = 0;
  for (const compared of perTopic) {
    compared?.distinct.forEach((d, j) => {
      if (compared.anchored[j] && d.score < groupThreshold) compared.anchored[j] = false;
      if (compared.anchored[j]) anchored += d.members.length;
    });
  }
  const covered = topics.map((questions, t) => {
    const flags = questions.map((question) => question.score >= options.threshold);
    const compared = perTopic[t];
    if (compared === undefined) return flags;
    const { distinct, nearest } = compared;
    const parent = distinct.map((_, j) => j);
    const find = (j: number): number => (parent[j] === j ? j : (parent[j] = find(parent[j]!)));
    distinct.forEach((_, j) => {
      if (!compared.anchored[j] && nearest[j]! >= 0) parent[find(j)] = find(nearest[j]!);
    });
    const reached = new Map<number, [number, number]>();
    distinct.forEach((d, j) => {
      const tally = reached.get(find(j)) ?? [0, 0];
      tally[0] += d.score >= groupThreshold ? d.members.length : 0;
      tally[1] += d.members.length;
      reached.set(find(j), tally);
    });
    distinct.forEach((d, j) => {
      const [above, all] = reached.get(find(j))!;
      const isCovered = compared.anchored[j]! || above >= options.minCoveredShare * all;
      for (const member of d.members) flags[member] = isCovered;
    });
    return flags;
  });
  if (options.entryClaims ?? true) claimByEntry(perTopic, covered, options.threshold);
  return { covered, groupThreshold, anchored };
}

/**
 * An entry answers one article. The questions compared across the report are grouped into paraphrases of one article
 * (`groupParaphrases`: communities of the nearest-question graph, as many as its silhouette shows, no count given),
 * and each entry claims the group that holds its best match in the report, when that match reaches the run's
 * `threshold`. A question with a best entry is then covered exactly when its group is claimed:
 * - a group no entry claims is a missing article, also when its questions share words with an entry and score above
 *   the threshold: they are nearer each other than to that entry's own wording, which went to another group;
 * - a claimed group is covered whole, also its wordings that share few words with the entry.
 * An entry asked in two unlike wordings (two groups) covers the one nearer its text; the other is a NEW candidate,
 * which replies that show the entry's answer still cover (`decideGapVerdicts`). No setting: the claim is the single
 * best match, the groups the silhouette's.
 */
function claimByEntry(perTopic: readonly (ComparedTopic | undefined)[], covered: boolean[][], threshold: number): void {
  const total = perTopic.reduce((sum, compared) => sum + (compared?.distinct.length ?? 0), 0);
  const nodes: { t: number; j: number }[] = [];
  perTopic.forEach((compared, t) => {
    if (compared === undefined) return;
    const quota = total <= CLAIM_QUESTIONS ? compared.distinct.length : Math.max(2, Math.floor((CLAIM_QUESTIONS * compared.distinct.length) / total));
    for (const j of spread(
      compared.distinct.map((_, j) => j),
      quota,
    ))
      nodes.push({ t, j });
  });
  const distinctOf = (node: { t: number; j: number }): DistinctQuestion => perTopic[node.t]!.distinct[node.j]!;
  if (!nodes.some((node) => distinctOf(node).entryId !== null)) return;
  const { group } = groupParaphrases(
    nodes.map((node) => distinctOf(node).text),
    threshold,
  );
  const topOfEntry = new Map<string, number>();
  nodes.forEach((node, k) => {
    const { entryId, score } = distinctOf(node);
    if (entryId === null) return;
    const top = topOfEntry.get(entryId);
    if (top === undefined || score > distinctOf(nodes[top]!).score) topOfEntry.set(entryId, k);
  });
  const claimed = new Set([...topOfEntry.values()].filter((k) => distinctOf(nodes[k]!).score >= threshold).map((k) => group[k]!));
  nodes.forEach((node, k) => {
    const question = distinctOf(node);
    if (question.entryId === null) return;
    for (const member of question.members) covered[node.t]![member] = claimed.has(group[k]!);
  });
}

interface DistinctQuestion {
  text: string;
  score: number;
  entryId: string | null;
  /** Positions of the topic's questions with this text. */
  members: number[];
}

interface ComparedTopic {
  distinct: DistinctQuestion[];
  /** Per distinct question, its nearest other distinct question (-1: none). */
  nearest: Int32Array;
  anchored: boolean[];
}

function compareWithinTopic(questions: readonly CoverageQuestion[], limit: number): ComparedTopic | undefined {
  const byText = new Map<string, DistinctQuestion>();
  questions.forEach((question, i) => {
    if (question.crossLanguage || question.question.trim().length === 0) return;
    const key = question.question.trim().toLowerCase();
    const found = byText.get(key);
    if (found) found.members.push(i);
    else byText.set(key, { text: question.question, score: question.score, entryId: question.entryId ?? null, members: [i] });
  });
  const all = [...byText.values()];
  const distinct = spread(all, limit);
  if (distinct.length < 2) return undefined;
  const index = buildFaqIndex(distinct.map((d) => ({ title: d.text, body: '' })));
  const nearest = new Int32Array(distinct.length).fill(-1);
  const anchored = distinct.map((d, j) => {
    const other = rankFaqEntries(index, d.text, { limit: 2 }).find((ranked) => ranked.entry !== j);
    if (other === undefined || other.score <= 0) return false;
    nearest[j] = other.entry;
    return d.score >= other.score;
  });
  return { distinct, nearest, anchored };
}

function spread<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)]!);
}
