import type { Kysely, Updateable } from '#kysely';
import type { Database, JobRunsTable, NewJobRun } from './schema.js';

/** Records a run of the scheduled job (or its skip) and returns its id. */
export async function insertJobRun(db: Kysely<Database>, run: NewJobRun): Promise<number> {
  const row = await db.insertInto('job_runs').values(run).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Records how a job run ended. */
export async function updateJobRun(db: Kysely<Database>, id: number, changes: Updateable<JobRunsTable>): Promise<void> {
  await db.updateTable('job_runs').set(changes).where('id', '=', id).execute();
}

/** Marks every job run still `running` as `interrupted` (only the lock holder calls it: such runs were left by a dead holder). */
export async function markRunningJobRunsInterrupted(db: Kysely<Database>, options: { at: number; error: string }): Promise<void> {
  await db.updateTable('job_runs').set({ status: 'interrupted', finished_at: options.at, error: options.error }).where('status', '=', 'running').execute();
}

/** The summary JSON of a job's last finished run (not running, not skipped), if any. */
export async function findLastFinishedJobRunSummary(db: Kysely<Database>, job: string): Promise<string | null | undefined> {
  const last = await db
    .selectFrom('job_runs')
    .select('summary')
    .where('job', '=', job)
    .where('status', 'not in', ['running', 'skipped'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.summary;
}

/**
 * True when files were loaded after the last successful analysis started: the analysis failed or never ran since
 * (an earlier attempt, or a plain `supportlens ingest`, loaded them).
 */
export async function isAnalysisBehindIngest(db: Kysely<Database>): Promise<boolean> {
  const loaded = await db
    .selectFrom('ingest_files')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('status', '=', 'loaded')
    .executeTakeFirst();
  if (loaded?.at == null) return false;
  const analysed = await db
    .selectFrom('analysis_runs')
    .select((eb) => eb.fn.max('started_at').as('at'))
    .where('status', '=', 'succeeded')
    .executeTakeFirst();
  return analysed?.at == null || analysed.at < loaded.at;
}
