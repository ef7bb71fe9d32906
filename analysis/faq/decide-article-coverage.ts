import { type CalibrationMethod, calibrateCoveredThreshold } from './calibrate-covered-threshold.js';
import { buildFaqIndex } from './faq-index.js';
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
   * Also cover the questions an entry claims across the report (`claimByEntry`, default true): see
   * `decideArticleCoverage`.
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
 * A question no other question shares a word with is a group of its own. Questions matched across languages, those
 * beyond `neighbourQuestions` and topics of one distinct question keep the per-question rule (score at least
 * `threshold`). No setting is fitted to labelled data.
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
 * An entry answers one article, so among the questions whose best entry it is, the group of paraphrases its best
 * match belongs to is the one it was written for; another group matched to it is that article asked differently when
 * its questions score like covered ones, and otherwise a neighbouring question no entry answers. Groups are made by
 * the first-neighbour links within topics (`compareWithinTopic`), kept only between questions with the same best
 * entry (a question whose nearest question finds another entry is not that entry's paraphrase). A group is covered
 * when the entry claims it (it holds the entry's best-scoring question in the report) or when its median score
 * reaches the Otsu cut of all such groups' medians (fewer than 50 groups: `threshold`). It only adds coverage: a
 * question covered by the topic-level decision stays covered. No setting: the claim is the single best match, the cut
 * Otsu's.
 */
function claimByEntry(perTopic: readonly (ComparedTopic | undefined)[], covered: boolean[][], threshold: number): void {
  const nodes: { t: number; j: number }[] = [];
  const nodeOf = perTopic.map((compared) => compared?.distinct.map(() => -1));
  perTopic.forEach((compared, t) => {
    compared?.distinct.forEach((d, j) => {
      if (d.entryId === null) return;
      nodeOf[t]![j] = nodes.length;
      nodes.push({ t, j });
    });
  });
  if (nodes.length === 0) return;
  const distinctOf = (node: { t: number; j: number }): DistinctQuestion => perTopic[node.t]!.distinct[node.j]!;
  const parent = nodes.map((_, k) => k);
  const find = (k: number): number => (parent[k] === k ? k : (parent[k] = find(parent[k]!)));
  nodes.forEach((node, k) => {
    const next = perTopic[node.t]!.nearest[node.j]!;
    const other = next >= 0 ? nodeOf[node.t]![next]! : -1;
    if (other >= 0 && distinctOf(nodes[other]!).entryId === distinctOf(node).entryId) parent[find(k)] = find(other);
  });
  const groups = new Map<number, number[]>();
  for (let k = 0; k < nodes.length; k++) groups.set(find(k), [...(groups.get(find(k)) ?? []), k]);
  const topOfEntry = new Map<string, number>();
  nodes.forEach((node, k) => {
    const entryId = distinctOf(node).entryId!;
    const top = topOfEntry.get(entryId);
    if (top === undefined || distinctOf(node).score > distinctOf(nodes[top]!).score) topOfEntry.set(entryId, k);
  });
  const medians = new Map([...groups].map(([root, members]) => [root, weightedMedian(members.map((k) => distinctOf(nodes[k]!)))]));
  const cut = calibrateCoveredThreshold(
    [...medians.values()].map((score) => ({ score, count: 1 })),
    'auto',
    threshold,
  ).value;
  // Only a best match the entry is nearer to than any other customer's wording (anchored) stakes a claim: an entry
  // whose best match is one of many near-copies of another question claims nothing.
  const claimed = new Set([...topOfEntry.values()].filter((k) => perTopic[nodes[k]!.t]!.anchored[nodes[k]!.j]).map((k) => find(k)));
  nodes.forEach((node, k) => {
    const root = find(k);
    if (!claimed.has(root) && medians.get(root)! < cut) return;
    for (const member of distinctOf(node).members) covered[node.t]![member] = true;
  });
}

/** The median score of distinct questions, each counted as often as it is asked. */
function weightedMedian(questions: readonly DistinctQuestion[]): number {
  const sorted = [...questions].sort((a, b) => a.score - b.score);
  const total = sorted.reduce((sum, d) => sum + d.members.length, 0);
  let seen = 0;
  for (const d of sorted) {
    seen += d.members.length;
    if (seen * 2 >= total) return d.score;
  }
  return sorted[sorted.length - 1]?.score ?? 0;
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
