import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import { slot } from '../../db/compiled-statement.js';
import { type EngineTarget, prepareStatement, rowWriter } from '../../db/engine-statements.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';

/** Rows written between turns of the event loop, inside the one transaction. */
const WRITE_CHUNK = 50_000;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The current version of one FAQ entry. */
export interface CurrentFaqEntry {
  entryId: number;
  externalId: string;
  version: number;
  title: string;
  question: string | null;
  body: string;
  language: string | null;
  updatedAt: number;
}

/**
 * Every FAQ entry at its current version, in entry id order.
 *
 * @example
 * const entries = await listCurrentFaqEntries(db);
 */
export async function listCurrentFaqEntries(db: Kysely<Database>): Promise<CurrentFaqEntry[]> {
  const rows = await db
    .selectFrom('faq_entries as e')
    .innerJoin('faq_entry_versions as v', (join) => join.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.current_version'))
    .select(['e.id', 'e.external_id', 'v.version', 'v.title', 'v.question', 'v.body', 'v.language', 'v.updated_at'])
    .orderBy('e.id')
    .execute();
  return rows.map((row) => ({
    entryId: row.id,
    externalId: row.external_id,
    version: row.version,
    title: row.title,
    question: row.question,
    body: row.body,
    language: row.language,
    updatedAt: row.updated_at,
  }));
}

export interface StoredQuestions {
  conversationIds: number[];
  /** Redacted, as the topics analysis stored them. */
  questions: string[];
}

/**
 * Every conversation's (redacted) question stored by the analysis run, in conversation id order.
 *
 * @example
 * const { conversationIds, questions } = await listStoredQuestions(handle, runId);
 */
export async function listStoredQuestions(handle: EngineTarget, analysisRunId: number): Promise<StoredQuestions> {
  const select = prepareStatement(
    handle,
    handle.db
      .selectFrom('conversation_questions')
      .select(['conversation_id', 'question'])
      .where('analysis_run_id', '=', slot<number>('run'))
      .orderBy('conversation_id'),
    ['run'],
  );
  const result: StoredQuestions = { conversationIds: [], questions: [] };
  for (const row of (await select.allRaw({ run: analysisRunId })) as [number, string][]) {
    result.conversationIds.push(row[0]);
    result.questions.push(row[1]);
  }
  return result;
}

export interface FaqMatchToSave {
  conversationId: number;
  entryId: number | null;
  entryVersion: number | null;
  score: number;
  covered: boolean;
  /** The entry is in another language than the question. */
  crossLanguage: boolean;
}

/**
 * Writes one analysis run's matches in one transaction; a re-run of the same analysis run replaces its rows.
 *
 * @example
 * await saveFaqMatches(handle, runId, [{ conversationId: 1, entryId: 3, entryVersion: 2, score: 0.8, covered: true, crossLanguage: false }]);
 */
export async function saveFaqMatches(handle: EngineTarget, analysisRunId: number, matches: readonly FaqMatchToSave[]): Promise<void> {
  await inTransaction(handle, async (db) => {
    const insert = rowWriter({ db, sqlite: handle.sqlite }, 'faq_matches', [
      'analysis_run_id',
      'conversation_id',
      'entry_id',
      'entry_version',
      'score',
      'covered',
      'cross_language',
    ]);
    await db.deleteFrom('faq_matches').where('analysis_run_id', '=', analysisRunId).execute();
    for (let start = 0; start < matches.length; start += WRITE_CHUNK) {
      const end = Math.min(matches.length, start + WRITE_CHUNK);
      for (let i = start; i < end; i++) {
        const match = matches[i]!;
        insert.add({
          analysis_run_id: analysisRunId,
          conversation_id: match.conversationId,
          entry_id: match.entryId,
          entry_version: match.entryVersion,
          score: match.score,
          covered: match.covered ? 1 : 0,
          cross_language: match.crossLanguage ? 1 : 0,
        });
      }
      await insert.flush();
      await yieldToEventLoop();
    }
  });
}

/** One conversation's best FAQ entry, for the conversation export. */
export interface ConversationFaqMatch {
  conversationId: number;
  /** The conversation's id in its source. */
  conversationExternalId: string;
  faqEntryId: string | null;
  faqEntryTitle: string | null;
  faqScore: number;
  faqCovered: boolean;
}

/**
 * Each conversation's best-matching FAQ entry, its score and whether it counts as covered, from the given analysis
 * run (default: the latest succeeded). The conversation export joins these columns by `conversationId`.
 *
 * @example
 * const byConversation = new Map((await listConversationFaqMatches(db)).map((m) => [m.conversationId, m]));
 */
export async function listConversationFaqMatches(db: Kysely<Database>, options: { analysisRunId?: number } = {}): Promise<ConversationFaqMatch[]> {
  const runId = options.analysisRunId ?? (await findLatestSucceededAnalysisRunId(db));
  if (runId === undefined) return [];
  const rows = await db
    .selectFrom('faq_matches as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .leftJoin('faq_entries as e', 'e.id', 'm.entry_id')
    .leftJoin('faq_entry_versions as v', (join) => join.onRef('v.entry_id', '=', 'm.entry_id').onRef('v.version', '=', 'm.entry_version'))
    .select(['m.conversation_id', 'c.external_id', 'e.external_id as entry_external_id', 'v.title', 'm.score', 'm.covered'])
    .where('m.analysis_run_id', '=', runId)
    .orderBy('m.conversation_id')
    .execute();
  return rows.map((row) => ({
    conversationId: row.conversation_id,
    conversationExternalId: row.external_id,
    faqEntryId: row.entry_external_id,
    faqEntryTitle: row.title,
    faqScore: row.score,
    faqCovered: row.covered === 1,
  }));
}
