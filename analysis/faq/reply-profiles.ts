import { termSenses } from '../text/term-senses.js';
import { textTerms } from './faq-index.js';
import { medianOf } from '../response-times/duration-statistics.js';

/** A unit-length sparse vector over senses. */
export type ReplyProfile = Map<string, number>;

/** A topic needs this many agent replies for its profile to say how agents answer it. */
export const MIN_PROFILE_REPLIES = 4;
/** Below this many profiles, no word is too common to count. */
const MIN_TOPICS_FOR_COMMON = 4;

/**
 * How agents answer each topic: the mean of its replies' TF-IDF vectors over word senses (a Chinese word counts for
 * itself and, with a share of its weight, for its English senses), unit length. Agents answer one question with the
 * same macro or the same facts whatever the customer's wording, so two topics with near profiles ask the same thing.
 * Topics with fewer than `MIN_PROFILE_REPLIES` replies get no profile.
 *
 * @example
 * const profiles = buildReplyProfiles(new Map([[1, ['TRC20 needs 20 confirmations', ...]]]));
 */
export function buildReplyProfiles(repliesByTopic: ReadonlyMap<number, readonly string[]>): {
  profiles: Map<number, ReplyProfile>;
  weigh: (replies: readonly string[]) => ReplyProfile;
} {
  const counted = new Map<number, Map<string, number>[]>();
  const documentFrequency = new Map<string, number>();
  for (const [topic, replies] of repliesByTopic) {
    if (replies.length < MIN_PROFILE_REPLIES) continue;
    const bags = replies.map(senseCounts);
    counted.set(topic, bags);
    const seen = new Set<string>();
    for (const bag of bags) for (const sense of bag.keys()) seen.add(sense);
    for (const sense of seen) documentFrequency.set(sense, (documentFrequency.get(sense) ?? 0) + 1);
  }
  const topics = counted.size;
  // A word most topics' replies use ("checking", "thanks", "sorry") says nothing about which question they answer:
  // with enough topics to tell, such words are left out, so generic holding replies make no profile alike.
  const common = (sense: string): boolean => topics >= MIN_TOPICS_FOR_COMMON && (documentFrequency.get(sense) ?? 0) * 2 > topics;
  const idf = (sense: string): number => (common(sense) ? 0 : Math.log((1 + topics) / (1 + (documentFrequency.get(sense) ?? 0))) + 1);
  const profileOf = (bags: readonly Map<string, number>[]): ReplyProfile => {
    const sum = new Map<string, number>();
    for (const bag of bags) {
      const vector = normalize(new Map([...bag].map(([sense, count]) => [sense, (count < 1 ? count : 1 + Math.log(count)) * idf(sense)])));
      for (const [sense, weight] of vector) sum.set(sense, (sum.get(sense) ?? 0) + weight);
    }
    for (const [sense, weight] of sum) if (weight === 0) sum.delete(sense);
    return normalize(sum);
  };
  const profiles = new Map<number, ReplyProfile>();
  for (const [topic, bags] of counted) profiles.set(topic, profileOf(bags));
  return { profiles, weigh: (replies) => profileOf(replies.map(senseCounts)) };
}

/**
 * Cosine of two profiles, 0..1.
 *
 * @example
 * profileSimilarity(profiles.get(1)!, profiles.get(2)!) // 0.93: agents answer both the same way
 */
export function profileSimilarity(a: ReplyProfile, b: ReplyProfile): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [sense, weight] of small) dot += weight * (large.get(sense) ?? 0);
  return Math.min(1, dot);
}

function senseCounts(reply: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of textTerms(reply)) {
    const senses = termSenses(term);
    counts.set(term, (counts.get(term) ?? 0) + 1);
    // A Chinese word's English senses share one more unit, so replies in two languages meet without drowning either.
    for (let i = 1; i < senses.length; i++) counts.set(senses[i]!, (counts.get(senses[i]!) ?? 0) + 1 / (senses.length - 1));
  }
  return counts;
}

function normalize(vector: Map<string, number>): Map<string, number> {
  let norm = 0;
  for (const weight of vector.values()) norm += weight * weight;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [key, weight] of vector) vector.set(key, weight / norm);
  return vector;
}

/** How alike agents' answers are here: the same answer, different answers, and the cut between them. */
export interface AnswerSimilarity {
  /** Median similarity of two halves of one covered topic's replies. */
  same: number;
  /** The highest similarity of two topics covered by different entries. */
  different: number;
  /** Halfway between: from here two topics are answered alike. */
  cut: number;
}

/**
 * The profile similarity from which two topics count as answered alike, learnt from the topics the FAQ already covers
 * (no setting): halfway between how alike two halves of one covered topic's replies are (the median over topics:
 * what "the same answer" looks like here) and the most alike two topics covered by different entries ever are (what
 * "a different answer" can reach). Undefined when the data cannot tell the two apart (no two entries cover topics, too
 * few replies, or different answers look at least as alike as the same one).
 *
 * @example
 * const answers = calibrateSameAnswer(profiles, weigh, coveredBy, repliesByTopic); // e.g. { same: 0.97, different: 0.41, cut: 0.69 }
 */
export function calibrateSameAnswer(
  profiles: ReadonlyMap<number, ReplyProfile>,
  weigh: (replies: readonly string[]) => ReplyProfile,
  coveredBy: ReadonlyMap<number, string>,
  repliesByTopic: ReadonlyMap<number, readonly string[]>,
): AnswerSimilarity | undefined {
  const covered = [...coveredBy].filter(([topic]) => profiles.has(topic));
  let different = -1;
  for (let i = 0; i < covered.length; i++) {
    for (let j = i + 1; j < covered.length; j++) {
      if (covered[i]![1] === covered[j]![1]) continue;
      different = Math.max(different, profileSimilarity(profiles.get(covered[i]![0])!, profiles.get(covered[j]![0])!));
    }
  }
  const halves: number[] = [];
  for (const [topic] of covered) {
    const replies = repliesByTopic.get(topic) ?? [];
    if (replies.length < 2 * MIN_PROFILE_REPLIES) continue;
    halves.push(profileSimilarity(weigh(replies.filter((_, i) => i % 2 === 0)), weigh(replies.filter((_, i) => i % 2 === 1))));
  }
  if (different < 0 || halves.length === 0) return undefined;
  const same = medianOf(halves)!;
  return same > different ? { same, different, cut: (same + different) / 2 } : undefined;
}

/** A topic's replies in one language, and the entry family (an entry and its translations) its questions match. */
export interface CoveredReplies {
  profile: ReplyProfile;
  family: string;
  language: string;
}

/** An entry's own text as a profile (see `buildReplyProfiles`' `weigh`), with its family and language. */
export interface EntryProfile {
  family: string;
  language: string;
  profile: ReplyProfile;
}

/**
 * The profile similarity from which agents' replies quote or paraphrase an entry's own text (so the entry answers
 * their topic), learnt from the topics the FAQ covers by their questions, as `calibrateSameAnswer` learns its cut (no
 * setting): halfway between how near such replies come to their own entry (the median over covered topics, each
 * against its entry family's versions in the replies' language) and the nearest they ever come to another family's
 * entry in that language. Undefined when there is nothing to compare with, or other entries come at least as near.
 *
 * @example
 * calibrateQuotedEntry(coveredReplies, entryProfiles) // e.g. { same: 0.85, different: 0.27, cut: 0.56 }
 */
export function calibrateQuotedEntry(covered: readonly CoveredReplies[], entries: readonly EntryProfile[]): AnswerSimilarity | undefined {
  const own: number[] = [];
  let different = -1;
  for (const replies of covered) {
    let nearestOwn = -1;
    for (const entry of entries) {
      if (entry.language !== replies.language) continue;
      const similarity = profileSimilarity(replies.profile, entry.profile);
      if (entry.family === replies.family) nearestOwn = Math.max(nearestOwn, similarity);
      else different = Math.max(different, similarity);
    }
    if (nearestOwn >= 0) own.push(nearestOwn);
  }
  if (own.length === 0 || different < 0) return undefined;
  const same = medianOf(own)!;
  return same > different ? { same, different, cut: (same + different) / 2 } : undefined;
}
