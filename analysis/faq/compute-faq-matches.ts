import type { DatabaseHandle } from '../../db/connection.js';
import { buildFaqIndex } from './faq-index.js';
import { calibrateCoveredThreshold, type CoveredThreshold } from './calibrate-covered-threshold.js';
import { DEFAULT_COVERED_THRESHOLD, type FaqMatchingConfig } from './faq-matching-config.js';
import { listCurrentFaqEntries, listStoredQuestions, saveFaqMatches, type FaqMatchToSave } from './faq-store.js';
import { chooseFaqMatch, rankFaqEntries, type RankedFaqEntry } from './rank-faq-entries.js';

export interface ComputeFaqMatchesContext {
  /** The `analysis_runs` row this computation belongs to. */
  analysisRunId: number;
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
  durationMs: number;
}

/** Entries ranked per question: enough to find the best one in the question's language beside the best overall. */
const RANKED_PER_QUESTION = 10;

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
export async function computeFaqMatches(
  handle: DatabaseHandle,
  config: FaqMatchingConfig,
  context: ComputeFaqMatchesContext,
): Promise<FaqMatchesSummary> {
  const started = Date.now();
  const entries = await listCurrentFaqEntries(handle.db);
  const questions = await listStoredQuestions(handle, context.analysisRunId);
  const index = buildFaqIndex(entries, config);
  // Support questions repeat word for word ("hi", "withdrawal pending"): each distinct text is ranked once.
  const rankedByText = new Map<string, { ranked: RankedFaqEntry[]; count: number }>();
  for (const text of questions.questions) {
    const seen = rankedByText.get(text);
    if (seen !== undefined) seen.count++;
    else rankedByText.set(text, { ranked: rankFaqEntries(index, text, { limit: RANKED_PER_QUESTION }), count: 1 });
  }
  const bestScores = [...rankedByText.values()].map(({ ranked, count }) => ({ score: ranked[0]?.score ?? 0, count }));
  const threshold = calibrateCoveredThreshold(bestScores, config.coveredThreshold, DEFAULT_COVERED_THRESHOLD);

  const matches: FaqMatchToSave[] = [];
  let covered = 0;
  let coveredAcrossLanguages = 0;
  for (let i = 0; i < questions.conversationIds.length; i++) {
    const chosen = chooseFaqMatch(rankedByText.get(questions.questions[i]!)!.ranked, threshold.value);
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
    durationMs: Date.now() - started,
  };
}
