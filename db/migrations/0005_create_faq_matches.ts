import type { Kysely } from 'kysely';

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
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('faq_matches').execute();
}
