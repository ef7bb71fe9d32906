import type { Kysely } from '#kysely';

// Frozen in time: never import application code here.
// The dashboard's conversation lists filter one analysis run's facts by channel or agent within a date range, newest
// first, and page by (start, conversation): these indexes answer such a page without reading the rest of the range.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('conversation_facts_run_channel_start_idx').on('conversation_facts').columns(['run_id', 'channel', 'start_at']).execute();
  await db.schema.createIndex('conversation_facts_run_agent_start_idx').on('conversation_facts').columns(['run_id', 'agent', 'start_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversation_facts_run_agent_start_idx').execute();
  await db.schema.dropIndex('conversation_facts_run_channel_start_idx').execute();
}
