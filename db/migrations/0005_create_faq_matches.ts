import type { Kysely } from '#kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('faq_matches')
    .addColumn('analysis_run_id', 'integer', (c) => c.notNull().references('analysis_runs.id').onDelete('cascade'))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.references('faq_entries.id').onDelete('cascade'))
    .addColumn('entry_version', 'integer')
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('covered', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('faq_matches_pk', ['analysis_run_id', 'conversation_id'])
    .execute();
  await db.schema.createIndex('faq_matches_run_entry_idx').on('faq_matches').columns(['analysis_run_id', 'entry_id', 'score']).execute();

  // Each FAQ gap report made, and its findings' ids, so the next report can say what is new and what is gone.
  await db.schema
    .createTable('faq_gap_reports')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('period_from', 'integer', (c) => c.notNull())
    .addColumn('period_to', 'integer', (c) => c.notNull())
    .addColumn('analysis_run_id', 'integer', (c) => c.references('analysis_runs.id').onDelete('set null'))
    .execute();
  await db.schema
    .createTable('faq_gap_findings')
    .addColumn('report_id', 'integer', (c) => c.notNull().references('faq_gap_reports.id').onDelete('cascade'))
    .addColumn('finding_id', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('priority', 'real', (c) => c.notNull())
    .addPrimaryKeyConstraint('faq_gap_findings_pk', ['report_id', 'finding_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('faq_gap_findings').execute();
  await db.schema.dropTable('faq_gap_reports').execute();
  await db.schema.dropTable('faq_matches').execute();
}
