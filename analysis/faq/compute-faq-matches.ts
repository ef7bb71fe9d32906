import type { DatabaseHandle } from '../../db/connection.js';
import { buildFaqIndex } from './faq-index.js';
import type { FaqMatchingConfig } from './faq-matching-config.js';
import { listCurrentFaqEntries, listStoredQuestions, saveFaqMatches, type FaqMatchToSave } from './faq-store.js';
import { rankFaqEntries } from './rank-faq-entries.js';

export interface ComputeFaqMatchesContext {
  /** The `analysis_runs` row this computation belongs to. */
  analysisRunId: number;
}

export interface FaqMatchesSummary {
  questions: number;
  entries: number;
  covered: number;
  durationMs: number;
}

/**
 * FAQ matching for `supportlens analyze`, after topics (which store the redacted questions): each conversation's
 * question is matched against the current version of every FAQ entry, and its best entry, score and covered flag
 * are stored for the run.
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
  // Support questions repeat word for word ("hi", "withdrawal pending"): each distinct text is scored once.
  const bestByText = new Map<string, { entry: number; score: number } | null>();
  const matches: FaqMatchToSave[] = [];
  let covered = 0;
  for (let i = 0; i < questions.conversationIds.length; i++) {
    const text = questions.questions[i]!;
    let best = bestByText.get(text);
    if (best === undefined) {
      const [top] = rankFaqEntries(index, text, { limit: 1 });
      best = top === undefined || top.score <= 0 ? null : { entry: top.entry, score: top.score };
      bestByText.set(text, best);
    }
    const entry = best === null ? undefined : entries[best.entry];
    const isCovered = best !== null && best.score >= config.coveredThreshold;
    if (isCovered) covered++;
    matches.push({
      conversationId: questions.conversationIds[i]!,
      entryId: entry?.entryId ?? null,
      entryVersion: entry?.version ?? null,
      score: best?.score ?? 0,
      covered: isCovered,
    });
  }
  await saveFaqMatches(handle, context.analysisRunId, matches);
  return { questions: matches.length, entries: entries.length, covered, durationMs: Date.now() - started };
}
