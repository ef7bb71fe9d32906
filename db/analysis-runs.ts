import type { Kysely } from '#kysely';
import type { Database } from './schema.js';
import { inTransaction, type TransactionTarget } from './transaction.js';

/**
 * Every table an analysis run writes its results into, with the column naming the run. A run writes beside the
 * results of earlier runs; readers see only the latest succeeded run's rows (`findLatestSucceededAnalysisRunId`).
 * `topics` is not here: its rows are few and keep the history of the stable topic ids.
 */
export const ANALYSIS_RESULT_TABLES = [
  { table: 'conversation_facts', runColumn: 'run_id' },
  { table: 'response_time_daily', runColumn: 'run_id' },
  { table: 'conversation_questions', runColumn: 'analysis_run_id' },
  { table: 'topic_assignments', runColumn: 'analysis_run_id' },
  { table: 'faq_matches', runColumn: 'analysis_run_id' },
  { table: 'alerts', runColumn: 'analysis_run_id' },
] as const;

/**
 * The analysis run whose results every reader shows: the latest that succeeded. A run that is still going, failed
 * or was killed is never read, so a run becomes visible all at once, when its status turns `succeeded`.
 *
 * @example
 * const runId = await findLatestSucceededAnalysisRunId(db); // undefined before the first successful analyze
 */
export async function findLatestSucceededAnalysisRunId(db: Kysely<Database>): Promise<number | undefined> {
  const row = await db.selectFrom('analysis_runs').select('id').where('status', '=', 'succeeded').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id;
}

/**
 * Deletes the result rows of every analysis run but the given ones (killed, failed and superseded runs).
 *
 * @example
 * await pruneAnalysisResults(db, { keep: [latestRunId, previousRunId] });
 */
export async function pruneAnalysisResults(db: Kysely<Database>, options: { keep: readonly number[] }): Promise<void> {
  for (const { table, runColumn } of ANALYSIS_RESULT_TABLES) {
    await db
      .deleteFrom(table)
      .where(runColumn, 'not in', options.keep.length > 0 ? [...options.keep] : [-1])
      .execute();
  }
}

/** Records the start of an analysis run (status `running`) and returns its id. */
export async function insertAnalysisRun(db: Kysely<Database>, run: { startedAt: number; pid: number; hostname: string }): Promise<number> {
  const row = await db
    .insertInto('analysis_runs')
    .values({ started_at: run.startedAt, status: 'running', pid: run.pid, hostname: run.hostname })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** An analysis run's end, as `finishAnalysisRun` records it. */
export interface AnalysisRunOutcome {
  runId: number;
  finishedAt: number;
  status: 'succeeded' | 'failed';
  /** The run summary, stored as JSON. */
  summary: unknown;
  error: string | null;
}

/**
 * Records how an analysis run ended, in one transaction; a run that succeeded becomes the one readers show, and the
 * results of older runs but the previous one (which a reader may still be reading) are pruned.
 */
export async function finishAnalysisRun(handle: TransactionTarget, outcome: AnalysisRunOutcome): Promise<void> {
  await inTransaction(handle, async (db) => {
    // Readers that looked up the previous run just before this commit still find its rows.
    const previous = await findLatestSucceededAnalysisRunId(db);
    await db
      .updateTable('analysis_runs')
      .set({ finished_at: outcome.finishedAt, status: outcome.status, summary: JSON.stringify(outcome.summary), error: outcome.error })
      .where('id', '=', outcome.runId)
      .execute();
    if (outcome.status === 'succeeded') await pruneAnalysisResults(db, { keep: previous === undefined ? [outcome.runId] : [outcome.runId, previous] });
  });
}
