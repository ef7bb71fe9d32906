import type { Kysely } from '#kysely';

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  // 1 when a question's chosen entry is in another language than the question (an entry to translate).
  await db.schema
    .alterTable('faq_matches')
    .addColumn('cross_language', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // What a report covered besides its period (window length, filters), so it is compared only with one like it.
  await db.schema.alterTable('faq_gap_reports').addColumn('scope', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('faq_gap_reports').dropColumn('scope').execute();
  await db.schema.alterTable('faq_matches').dropColumn('cross_language').execute();
}
