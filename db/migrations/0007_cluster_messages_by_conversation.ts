import { sql, type Kysely } from '#kysely';

// Frozen in time: never import application code here.
//
// Messages become a WITHOUT ROWID table keyed by (conversation_id, external_id): the key that already had to be
// unique is now the table itself, so a message is written into one B-tree instead of three (the rowid table, the
// unique index and 0003's covering timeline index), and a conversation's messages sit together on disk, which is
// what the analysis reads. Small columns come before the body so that reading them never touches a long body's
// overflow pages.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('messages_clustered')
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('author_role', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('body_length', 'integer', (c) => c.notNull())
    .addColumn('body_truncated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addColumn('last_run_id', 'integer', (c) => c.notNull().references('ingest_runs.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('messages_pk', ['conversation_id', 'external_id'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await sql`
    insert into messages_clustered
      (conversation_id, external_id, author_role, author_id, created_at, internal, body_length, body_truncated,
       first_run_id, last_run_id, body)
    select conversation_id, external_id, author_role, author_id, created_at, internal, body_length, body_truncated,
       first_run_id, last_run_id, body
    from messages
    order by conversation_id, external_id
  `.execute(db);
  await db.schema.dropTable('messages').execute();
  await db.schema.alterTable('messages_clustered').renameTo('messages').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('messages_rowid')
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
  await sql`
    insert into messages_rowid
      (conversation_id, external_id, author_role, author_id, created_at, body, body_length, body_truncated, internal,
       first_run_id, last_run_id)
    select conversation_id, external_id, author_role, author_id, created_at, body, body_length, body_truncated, internal,
       first_run_id, last_run_id
    from messages
    order by conversation_id, created_at, external_id
  `.execute(db);
  await db.schema.dropTable('messages').execute();
  await db.schema.alterTable('messages_rowid').renameTo('messages').execute();
  await db.schema
    .createIndex('messages_conversation_timeline_idx')
    .on('messages')
    .columns(['conversation_id', 'created_at', 'id', 'author_role', 'internal', 'author_id'])
    .execute();
}
