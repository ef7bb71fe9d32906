import type { Kysely } from '#kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  // The team or group the conversation was routed to, as the source names it.
  await db.schema.alterTable('conversations').addColumn('team', 'text').execute();
  // The satisfaction rating as the source gave it ("5", "great", "good", "4/5"), and normalised to good / neutral / bad.
  await db.schema.alterTable('conversations').addColumn('csat_rating', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('csat', 'text').execute();
  await db.schema.createIndex('conversations_team').on('conversations').column('team').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversations_team').execute();
  await db.schema.alterTable('conversations').dropColumn('csat').execute();
  await db.schema.alterTable('conversations').dropColumn('csat_rating').execute();
  await db.schema.alterTable('conversations').dropColumn('team').execute();
}
