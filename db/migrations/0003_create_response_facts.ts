import type { Kysely } from '#kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversation_facts')
    // No foreign key on purpose: the table is rewritten whole by every analysis, and SQLite empties a table at once
    // only when no foreign key involves it (otherwise it deletes row by row).
    .addColumn('conversation_id', 'integer', (c) => c.primaryKey())
    .addColumn('run_id', 'integer')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('start_at', 'integer', (c) => c.notNull())
    .addColumn('initiated_by', 'text', (c) => c.notNull())
    .addColumn('first_customer_message_at', 'integer')
    .addColumn('clock_start_at', 'integer')
    .addColumn('first_response_at', 'integer')
    .addColumn('first_response_ms', 'integer')
    .addColumn('first_response_business_ms', 'integer')
    .addColumn('first_responder_id', 'text')
    .addColumn('agent', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reply_count', 'integer', (c) => c.notNull())
    .addColumn('reply_times_ms', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reply_business_times_ms', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reply_median_ms', 'real')
    .addColumn('reply_business_median_ms', 'real')
    .addColumn('resolution_count', 'integer', (c) => c.notNull())
    .addColumn('first_resolved_at', 'integer')
    .addColumn('last_resolved_at', 'integer')
    .addColumn('first_resolution_ms', 'integer')
    .addColumn('first_resolution_business_ms', 'integer')
    .addColumn('resolution_ms', 'integer')
    .addColumn('resolution_business_ms', 'integer')
    .addColumn('is_resolved', 'integer', (c) => c.notNull())
    .addColumn('reopen_count', 'integer', (c) => c.notNull())
    .addColumn('unanswered', 'integer', (c) => c.notNull())
    .addColumn('awaiting_reply_since_at', 'integer')
    .execute();
  await db.schema.createIndex('conversation_facts_start_at_idx').on('conversation_facts').columns(['start_at']).execute();

  // Pre-aggregated per local day (in the reporting time zone at analysis time) and channel: every duration of the
  // day's conversations packed as float64 values, so reports over weeks read a few rows yet stay exact.
  await db.schema
    .createTable('response_time_daily')
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('run_id', 'integer')
    .addColumn('conversations', 'integer', (c) => c.notNull())
    .addColumn('answered', 'integer', (c) => c.notNull())
    .addColumn('unanswered', 'integer', (c) => c.notNull())
    .addColumn('waiting', 'integer', (c) => c.notNull())
    .addColumn('reopened', 'integer', (c) => c.notNull())
    .addColumn('first_response_ms', 'blob', (c) => c.notNull())
    .addColumn('first_response_business_ms', 'blob', (c) => c.notNull())
    .addColumn('reply_ms', 'blob', (c) => c.notNull())
    .addColumn('reply_business_ms', 'blob', (c) => c.notNull())
    .addColumn('resolution_ms', 'blob', (c) => c.notNull())
    .addColumn('resolution_business_ms', 'blob', (c) => c.notNull())
    .addColumn('unanswered_since_at', 'blob', (c) => c.notNull())
    .addColumn('open_since_at', 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('response_time_daily_pk', ['time_zone', 'day', 'channel'])
    .execute();

  // Covers the analysis's read of every conversation's timeline, in order, without touching the message bodies.
  await db.schema
    .createIndex('messages_conversation_timeline_idx')
    .on('messages')
    .columns(['conversation_id', 'created_at', 'id', 'author_role', 'internal', 'author_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_conversation_timeline_idx').execute();
  await db.schema.dropTable('response_time_daily').execute();
  await db.schema.dropTable('conversation_facts').execute();
}
