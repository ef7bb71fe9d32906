import type { EngineTarget } from '../../db/engine-statements.js';
import { calibrateCoveredThreshold, type CoveredThreshold } from './calibrate-covered-threshold.js';
import { DEFAULT_COVERED_THRESHOLD, type FaqMatchingConfig } from './faq-matching-config.js';
import { listCurrentFaqEntries, listStoredQuestions, saveFaqMatches, type FaqMatchToSave } from './faq-store.js';
import { rankDistinctQuestions, rankingAt, type QuestionRanking, type RankedQuestions } from './rank-distinct-questions.js';
import { chooseFaqMatch } from './rank-faq-entries.js';

export interface ComputeFaqMatchesContext {
  /** The `analysis_runs` row this computation belongs to. */
  analysisRunId: number;
  /** Worker threads for ranking many distinct questions (default 2; 0: in the calling thread). */
  workers?: number;
  /**
   * Rankings the topics step of the same run made from its own tokens (see `computeTopics`): used when they are
   * against the current entries; a question they lack is ranked here.
   */
  ranked?: RankedQuestions;
}

export interface FaqMatchesSummary {
  questions: number;
  entries: number;
  covered: number;
  /** Questions covered only by an entry in another language. */
  coveredAcrossLanguages: number;
  /** The covered threshold of the run (configured, or calibrated to the FAQ and the questions). */
  coveredThreshold: number;
  thresholdSource: CoveredThreshold['source'];
  /** Distinct question texts ranked, and the worker threads that ranked them (0: the calling thread). */
  distinctQuestions: number;
  rankingThreads: number;
  durationMs: number;
}

/**
 * FAQ matching for `supportlens analyze`, after topics (which store the redacted questions): each conversation's
 * question is matched against the current version of every FAQ entry, in its language and across languages; the
 * covered threshold is calibrated to the FAQ and the questions (see `calibrateCoveredThreshold`) unless configured;
 * each question's chosen entry (see `chooseFaqMatch`), score, covered flag and whether the entry is in another
 * language are stored for the run.
 *
 * @example
 * const summary = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run.id });
 */
export async function computeFaqMatches(handle: EngineTarget, config: FaqMatchingConfig, context: ComputeFaqMatchesContext): Promise<FaqMatchesSummary> {
  const started = Date.now();
  const entries = await listCurrentFaqEntries(handle.db);
  const questions = await listStoredQuestions(handle, context.analysisRunId);
  // Support questions repeat word for word ("hi", "withdrawal pending"): each distinct text is ranked once.
  const counts = new Map<string, number>();
  for (const text of questions.questions) counts.set(text, (counts.get(text) ?? 0) + 1);
  const texts = [...counts.keys()];
  const rankingOf = rankedEarlier(entries, questions, context.ranked);
  const unranked = rankingOf.size === 0 ? texts : texts.filter((text) => !rankingOf.has(text));
  let threads = 0;
  if (unranked.length > 0) {
    const ranked = await rankDistinctQuestions(entries, config, unranked, { workers: context.workers ?? 2 });
    unranked.forEach((text, i) => {
      rankingOf.set(text, ranked.rankings[i]!);
    });
    threads = ranked.threads;
  }
  const bestScores = texts.map((text) => ({ score: rankingOf.get(text)!.best?.score ?? 0, count: counts.get(text)! }));
  const threshold = calibrateCoveredThreshold(bestScores, config.coveredThreshold, DEFAULT_COVERED_THRESHOLD);

  const matches: FaqMatchToSave[] = [];
  let covered = 0;
  let coveredAcrossLanguages = 0;
  for (let i = 0; i < questions.conversationIds.length; i++) {
    const { best, ownLanguage } = rankingOf.get(questions.questions[i]!)!;
    const candidates = [...(best ? [best] : []), ...(ownLanguage ? [{ ...ownLanguage, crossLanguage: false }] : [])];
    const chosen = chooseFaqMatch(candidates, threshold.value);
    const entry = chosen === undefined ? undefined : entries[chosen.entry];
    const isCovered = chosen !== undefined && chosen.score >= threshold.value;
    if (isCovered) covered++;
    if (isCovered && chosen.crossLanguage) coveredAcrossLanguages++;
    matches.push({
      conversationId: questions.conversationIds[i]!,
      entryId: entry?.entryId ?? null,
      entryVersion: entry?.version ?? null,
      score: chosen?.score ?? 0,
      covered: isCovered,
      crossLanguage: chosen?.crossLanguage ?? false,
    });
  }
  await saveFaqMatches(handle, context.analysisRunId, matches);
  return {
    questions: matches.length,
    entries: entries.length,
    covered,
    coveredAcrossLanguages,
    coveredThreshold: threshold.value,
    thresholdSource: threshold.source,
    distinctQuestions: texts.length,
    rankingThreads: threads,
    durationMs: Date.now() - started,
  };
}

/**
 * The earlier rankings of the stored questions, by text (a ranking depends on the text alone); none when they were made
 * against other entries or versions than the current ones.
 */
function rankedEarlier(
  entries: readonly { entryId: number; version: number }[],
  questions: { conversationIds: readonly number[]; questions: readonly string[] },
  ranked: RankedQuestions | undefined,
): Map<string, QuestionRanking> {
  const rankingOf = new Map<string, QuestionRanking>();
  if (ranked === undefined) return rankingOf;
  const sameEntries =
    ranked.entries.length === entries.length &&
    ranked.entries.every((entry, i) => entry.entryId === entries[i]!.entryId && entry.version === entries[i]!.version);
  if (!sameEntries) return rankingOf;
  const { conversationIds } = questions;
  const aligned = ranked.conversationIds.length === conversationIds.length && ranked.conversationIds.every((id, i) => id === conversationIds[i]);
  const slotOf = aligned ? undefined : new Map(ranked.conversationIds.map((id, i) => [id, i]));
  for (let i = 0; i < conversationIds.length; i++) {
    const text = questions.questions[i]!;
    if (rankingOf.has(text)) continue;
    const slot = aligned ? i : slotOf!.get(conversationIds[i]!);
    if (slot !== undefined) rankingOf.set(text, rankingAt(ranked.rankings, slot));
  }
  return rankingOf;
}
