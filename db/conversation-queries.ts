import type { Kysely } from '#kysely';
import type { Database } from './schema.js';

/** The creation time of the newest stored conversation (epoch ms), or undefined when there is none. */
export async function findLatestConversationCreatedAt(db: Kysely<Database>): Promise<number | undefined> {
  const latest = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .executeTakeFirst();
  return latest?.at === null || latest?.at === undefined ? undefined : Number(latest.at);
}

/** Whether any conversation is stored. */
export async function hasConversations(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('conversations').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Conversations per channel, by channel name. */
export async function countConversationsByChannel(db: Kysely<Database>): Promise<{ channel: string; conversations: number }[]> {
  return db
    .selectFrom('conversations')
    .select(['channel', (eb) => eb.fn.countAll<number>().as('conversations')])
    .groupBy('channel')
    .orderBy('channel')
    .execute();
}
