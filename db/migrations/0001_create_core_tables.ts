import { sql, type Kysely } from '#kysely';

// Frozen in time: never import application code here.
// High-volume tables use plain INTEGER PRIMARY KEY (the rowid): AUTOINCREMENT would write sqlite_sequence on every
// insert, and ids are never reused while rows are never deleted.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ingest_runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('started_at', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('error', 'text')
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('created_at_derived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text')
    .addColumn('resolved_at', 'integer')
    .addColumn('customer_id', 'text')
    .addColumn('assignee', 'text')
    .addColumn('subject', 'text')
    .addColumn('language', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('first_run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addColumn('last_run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addUniqueConstraint('conversations_source_external_id_unique', ['source', 'external_id'])
    .execute();
  await db.schema.createIndex('conversations_created_at_idx').on('conversations').columns(['created_at']).execute();
  await db.schema.createIndex('conversations_channel_created_at_idx').on('conversations').columns(['channel', 'created_at']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('author_role', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_length', 'integer', (c) => c.notNull())
    .addColumn('body_truncated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addColumn('last_run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addUniqueConstraint('messages_conversation_external_id_unique', ['conversation_id', 'external_id'])
    .execute();

  await db.schema
    .createTable('conversation_events')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addUniqueConstraint('conversation_events_unique', ['conversation_id', 'kind', 'created_at'])
    .execute();

  await db.schema
    .createTable('faq_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('external_id', 'text', (c) => c.notNull().unique())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('first_run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addColumn('last_run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .execute();

  await db.schema
    .createTable('faq_entry_versions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('faq_entries.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('question', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('language', 'text')
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('source_path', 'text', (c) => c.notNull())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addUniqueConstraint('faq_entry_versions_entry_version_unique', ['entry_id', 'version'])
    .execute();

  await db.schema
    .createTable('ingest_files')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text')
    .addColumn('format', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('records_read', 'integer', (c) => c.notNull())
    .addColumn('records_inserted', 'integer', (c) => c.notNull())
    .addColumn('records_updated', 'integer', (c) => c.notNull())
    .addColumn('records_unchanged', 'integer', (c) => c.notNull())
    .addColumn('records_rejected', 'integer', (c) => c.notNull())
    .addColumn('messages_read', 'integer', (c) => c.notNull())
    .addColumn('messages_inserted', 'integer', (c) => c.notNull())
    .addColumn('messages_updated', 'integer', (c) => c.notNull())
    .addColumn('messages_unchanged', 'integer', (c) => c.notNull())
    .addColumn('messages_rejected', 'integer', (c) => c.notNull())
    .addColumn('warnings', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ingest_files_run_id_idx').on('ingest_files').columns(['run_id']).execute();
  await db.schema.createIndex('ingest_files_sha256_idx').on('ingest_files').columns(['sha256']).execute();

  await db.schema
    .createTable('rejects')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('raw_truncated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(unixepoch() * 1000)`))
    .execute();
  await db.schema.createIndex('rejects_run_id_idx').on('rejects').columns(['run_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['rejects', 'ingest_files', 'faq_entry_versions', 'faq_entries', 'conversation_events', 'messages', 'conversations', 'ingest_runs']) {
    await db.schema.dropTable(table).execute();
  }
}
