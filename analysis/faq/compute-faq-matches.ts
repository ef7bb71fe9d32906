import type { EngineTarget } from '../../db/engine-statements.js';
import { calibrateCoveredThreshold, type CoveredThreshold } from './calibrate-covered-threshold.js';
import { DEFAULT_COVERED_THRESHOLD, type FaqMatchingConfig } from './faq-matching-config.js';
import { listCurrentFaqEntries, listStoredQuestions, saveFaqMatches, type FaqMatchToSave } from './faq-store.js';
import { rankDistinctQuestions, type QuestionRanking } from './rank-distinct-questions.js';
import { chooseFaqMatch } from './rank-faq-entries.js';

export interface ComputeFaqMatchesContext {
  /** The `analysis_runs` row this computation belongs to. */
  analysisRunId: number;
  /** Worker threads for ranking many distinct questions (default 2; 0: in the calling thread). */
  workers?: number;
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
  const { rankings, threads } = await rankDistinctQuestions(entries, config, texts, { workers: context.workers ?? 2 });
  const rankingOf = new Map<string, QuestionRanking>(texts.map((text, i) => [text, rankings[i]!]));
  const bestScores = texts.map((text, i) => ({ score: rankings[i]!.best?.score ?? 0, count: counts.get(text)! }));
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
