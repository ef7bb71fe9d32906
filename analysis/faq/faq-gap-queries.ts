import type { Kysely } from '#kysely';
import type { Database } from '../../db/schema.js';
import { conversationInFilter, type ConversationFilter } from '../../db/conversation-filter.js';

/** Conversation ids per reply query (well under SQLite's bound-parameter limit). */
const REPLY_QUERY_IDS = 500;

/**
 * The run's topics with what a gap finding shows of them, by topic id.
 *
 * @example
 * const topics = await listGapTopics(db, runId);
 */
export async function listGapTopics(db: Kysely<Database>, runId: number) {
  return db
    .selectFrom('topics')
    .select(['topic_id', 'label', 'top_terms', 'representative_question'])
    .where('analysis_run_id', '=', runId)
    .orderBy('topic_id')
    .execute();
}

/**
 * Every matched conversation in the filter with its topic, best FAQ match and question, in creation order.
 *
 * @example
 * const rows = await listGapQuestions(db, runId, { from, to });
 */
export async function listGapQuestions(db: Kysely<Database>, runId: number, filter: ConversationFilter) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('faq_matches as m', (join) => join.onRef('m.conversation_id', '=', 'c.id').on('m.analysis_run_id', '=', runId))
    .leftJoin('topic_assignments as ta', (join) => join.onRef('ta.conversation_id', '=', 'c.id').on('ta.analysis_run_id', '=', runId))
    .leftJoin('faq_entries as e', 'e.id', 'm.entry_id')
    .leftJoin('conversation_questions as q', (join) => join.onRef('q.conversation_id', '=', 'c.id').on('q.analysis_run_id', '=', runId))
    .select([
      'c.id',
      'c.external_id',
      'ta.topic_id',
      'm.score',
      'm.covered',
      'm.cross_language',
      'e.external_id as entry_external_id',
      'q.question',
      'q.language',
    ])
    .where(conversationInFilter(filter, runId, db))
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
}

/**
 * Conversations per topic of the run in the filter (start in [from, to), its channels).
 *
 * @example
 * const previous = await countGapTopicConversations(db, runId, { from: previousFrom, to: from });
 */
export async function countGapTopicConversations(db: Kysely<Database>, runId: number, filter: ConversationFilter): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('topic_assignments as ta')
    .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
    .select((eb) => ['ta.topic_id', eb.fn.countAll<number>().as('conversations')])
    .where('ta.analysis_run_id', '=', runId)
    .where(conversationInFilter(filter, runId, db))
    .groupBy('ta.topic_id')
    .execute();
  return new Map(rows.map((row) => [row.topic_id, Number(row.conversations)]));
}

/**
 * The public agent replies of the given conversations, per conversation in message order.
 *
 * @example
 * const replies = await listAgentReplies(db, [1, 2, 3]); // Map { 1 => ['Hello, ...'], ... }
 */
export async function listAgentReplies(db: Kysely<Database>, conversationIds: readonly number[]): Promise<Map<number, string[]>> {
  const replyByConversation = new Map<number, string[]>();
  for (let start = 0; start < conversationIds.length; start += REPLY_QUERY_IDS) {
    const replies = await db
      .selectFrom('messages as m')
      .select(['m.conversation_id', 'm.body'])
      .where('m.conversation_id', 'in', conversationIds.slice(start, start + REPLY_QUERY_IDS))
      .where('m.author_role', '=', 'agent')
      .where('m.internal', '=', 0)
      .orderBy('m.conversation_id')
      .orderBy('m.created_at')
      .execute();
    for (const reply of replies) {
      const list = replyByConversation.get(reply.conversation_id) ?? [];
      list.push(reply.body);
      replyByConversation.set(reply.conversation_id, list);
    }
  }
  return replyByConversation;
}

/**
 * The covered threshold the run's FAQ matching used (from its summary); undefined for runs that did not record it.
 *
 * @example
 * const threshold = (await findRunCoveredThreshold(db, runId)) ?? 0.5;
 */
export async function findRunCoveredThreshold(db: Kysely<Database>, runId: number): Promise<number | undefined> {
  const row = await db.selectFrom('analysis_runs').select('summary').where('id', '=', runId).executeTakeFirst();
  try {
    const summary = JSON.parse(row?.summary ?? 'null') as { analyses?: { faq?: { coveredThreshold?: unknown } } } | null;
    const threshold = summary?.analyses?.faq?.coveredThreshold;
    return typeof threshold === 'number' ? threshold : undefined;
  } catch {
    return undefined;
  }
}
