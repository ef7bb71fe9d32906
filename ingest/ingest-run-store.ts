import type { Kysely } from '#kysely';
import type { Database, IngestRunRow, NewIngestFile, NewIngestRun } from '../db/schema.js';

/**
 * Records the start of an ingest run; returns its id.
 *
 * @example
 * const runId = await insertIngestRun(db, { started_at: Date.now(), pid: process.pid, hostname: hostname(), timezone: 'UTC' });
 */
export async function insertIngestRun(db: Kysely<Database>, run: Pick<NewIngestRun, 'started_at' | 'pid' | 'hostname' | 'timezone'>): Promise<number> {
  const row = await db
    .insertInto('ingest_runs')
    .values({ ...run, status: 'running', summary: null, error: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Records how an ingest run ended: its status, finish time, summary (JSON) and error text.
 *
 * @example
 * await finishIngestRun(db, runId, { finished_at: Date.now(), status: 'succeeded', summary: '{}', error: null });
 */
export async function finishIngestRun(
  db: Kysely<Database>,
  runId: number,
  outcome: Pick<IngestRunRow, 'finished_at' | 'status' | 'summary' | 'error'>,
): Promise<void> {
  await db.updateTable('ingest_runs').set(outcome).where('id', '=', runId).execute();
}

/**
 * Records how one file of a run went (its counts, status and error).
 *
 * @example
 * await insertIngestFile(db, { run_id: runId, path: 'day.csv', status: 'loaded', ... });
 */
export async function insertIngestFile(db: Kysely<Database>, file: NewIngestFile): Promise<void> {
  await db.insertInto('ingest_files').values(file).execute();
}
