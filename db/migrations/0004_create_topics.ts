import type { Kysely } from '#kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversation_questions')
    .addColumn('conversation_id', 'integer', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('analysis_run_id', 'integer', (c) => c.notNull().references('analysis_runs.id'))
    .execute();

  await db.schema
    .createTable('topics')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('analysis_run_id', 'integer', (c) => c.notNull().references('analysis_runs.id').onDelete('cascade'))
    .addColumn('topic_id', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('top_terms', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('representative_conversation_id', 'integer')
    .addColumn('representative_question', 'text')
    .addUniqueConstraint('topics_run_topic_unique', ['analysis_run_id', 'topic_id'])
    .execute();

  await db.schema
    .createTable('topic_assignments')
    .addColumn('analysis_run_id', 'integer', (c) => c.notNull().references('analysis_runs.id').onDelete('cascade'))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('topic_id', 'integer', (c) => c.notNull())
    .addColumn('similarity', 'real', (c) => c.notNull())
    .addPrimaryKeyConstraint('topic_assignments_pk', ['analysis_run_id', 'conversation_id'])
    .execute();
  await db.schema.createIndex('topic_assignments_run_topic_idx').on('topic_assignments').columns(['analysis_run_id', 'topic_id', 'similarity']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('topic_assignments').execute();
  await db.schema.dropTable('topics').execute();
  await db.schema.dropTable('conversation_questions').execute();
}
