import type { Kysely } from '#kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per attempt of a scheduled or manual job (inbox -> ingest -> analyze).
  await db.schema
    .createTable('job_runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('inbox', 'text')
    .addColumn('files', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('files_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('files_waiting', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('records_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('records_inserted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('records_updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('records_rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ingest_run_id', 'integer', (c) => c.references('ingest_runs.id').onDelete('set null'))
    .addColumn('analysis_run_id', 'integer', (c) => c.references('analysis_runs.id').onDelete('set null'))
    .addColumn('summary', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('job_runs_started_idx').on('job_runs').columns(['started_at']).execute();

  // At most one row per job name: whoever holds it may run the job.
  await db.schema
    .createTable('job_locks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('holder_pid', 'integer', (c) => c.notNull())
    .addColumn('holder_hostname', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'integer', (c) => c.notNull())
    .addColumn('heartbeat_at', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_locks').execute();
  await db.schema.dropTable('job_runs').execute();
}
