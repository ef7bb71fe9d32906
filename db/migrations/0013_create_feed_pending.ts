import type { Kysely } from '#kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  // Helpdesk records that arrived before what they need: a comment or part before its ticket or conversation, a
  // message whose author's role is not known yet. Kept (never dropped) until a later file or run brings it.
  await db.schema
    .createTable('pending_items')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('conversation_external_id', 'text', (c) => c.notNull())
    // 'message:<id>' or 'event:<kind>:<time>': one row per item of a conversation.
    .addColumn('item_key', 'text', (c) => c.notNull())
    // 'conversation' (its ticket or conversation is not loaded) or 'author' (its author's role is not known).
    .addColumn('waits_for', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    // The item as JSON, in the stored shape.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('first_run_id', 'integer', (c) => c.notNull())
    .addColumn('last_run_id', 'integer', (c) => c.notNull())
    .addUniqueConstraint('pending_items_item', ['source', 'conversation_external_id', 'item_key'])
    .execute();
  await db.schema.createIndex('pending_items_author').on('pending_items').columns(['source', 'author_id']).execute();

  // People as the helpdesk lists them (Zendesk users, Intercom admins and contacts): the role of a message's author
  // when the message does not say it.
  await db.schema
    .createTable('source_users')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('first_run_id', 'integer', (c) => c.notNull())
    .addColumn('last_run_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_users_pk', ['source', 'external_id'])
    .execute();

  // The time of the latest version of a conversation's fields applied from a helpdesk record (a ticket's updated_at, a
  // webhook event's time): an older version arriving later (a replayed or late event) adds its messages and events
  // but does not turn the conversation's status or assignee back.
  await db.schema
    .createTable('feed_versions')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_versions_pk', ['source', 'external_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('feed_versions').execute();
  await db.schema.dropTable('source_users').execute();
  await db.schema.dropIndex('pending_items_author').execute();
  await db.schema.dropTable('pending_items').execute();
}
