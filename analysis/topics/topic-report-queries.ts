import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import type { Database } from '../../db/schema.js';
import { conversationInFilter, type ConversationFilter } from '../../db/conversation-filter.js';

/**
 * Conversations per topic and channel of the run in the filter (start in [from, to), its channels).
 *
 * @example
 * const current = await countTopicConversationsByChannel(db, runId, { from, to });
 */
export async function countTopicConversationsByChannel(db: Kysely<Database>, runId: number, filter: ConversationFilter) {
  const query = db
    .selectFrom('topic_assignments as ta')
    .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
    .select((eb) => ['ta.topic_id', 'c.channel', eb.fn.countAll<number>().as('conversations')])
    .where('ta.analysis_run_id', '=', runId)
    .where(conversationInFilter(filter, runId, db))
    .groupBy(['ta.topic_id', 'c.channel']);
  return query.execute();
}

/**
 * The run's topics: id, label and top terms (JSON).
 *
 * @example
 * const topics = await listTopicLabels(db, runId);
 */
export async function listTopicLabels(db: Kysely<Database>, runId: number) {
  return db.selectFrom('topics').select(['topic_id', 'label', 'top_terms']).where('analysis_run_id', '=', runId).execute();
}

/**
 * Each conversation's topic in the run, with its similarity to the topic's centre and its question's language, for
 * the conversations in the filter.
 *
 * @example
 * const topicOf = new Map((await listTopicAssignmentsInPeriod(db, runId, filter)).map((row) => [row.conversation_id, row.topic_id]));
 */
export async function listTopicAssignmentsInPeriod(db: Kysely<Database>, runId: number, filter: ConversationFilter) {
  const assignmentQuery = db
    .selectFrom('topic_assignments as ta')
    .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
    .leftJoin('conversation_questions as q', (join) =>
      join.onRef('q.conversation_id', '=', 'ta.conversation_id').onRef('q.analysis_run_id', '=', 'ta.analysis_run_id'),
    )
    .select(['ta.conversation_id', 'ta.topic_id', 'ta.similarity', 'q.language'])
    .where('ta.analysis_run_id', '=', runId)
    .where(conversationInFilter(filter, runId, db));
  return assignmentQuery.execute();
}

/**
 * The redacted question and external id of each of these conversations in the run.
 *
 * @example
 * const rows = await listTopicQuestions(db, runId, [12, 40]);
 */
export async function listTopicQuestions(db: Kysely<Database>, runId: number, conversationIds: readonly number[]) {
  if (conversationIds.length === 0) return [];
  return db
    .selectFrom('conversation_questions as q')
    .innerJoin('conversations as c', 'c.id', 'q.conversation_id')
    .select(['q.conversation_id', 'c.external_id', 'q.question'])
    .where('q.analysis_run_id', '=', runId)
    .where('q.conversation_id', 'in', [...conversationIds])
    .execute();
}

export interface ConversationTopic {
  conversationId: number;
  topicId: number;
  topicLabel: string;
}

/**
 * Each conversation's topic id and label in the latest succeeded run (or the given one): for the conversation export.
 *
 * @example
 * const byConversation = new Map((await listConversationTopics(db)).map((row) => [row.conversationId, row]));
 */
export async function listConversationTopics(
  db: Kysely<Database>,
  options: { analysisRunId?: number; conversationIds?: readonly number[] } = {},
): Promise<ConversationTopic[]> {
  const runId = options.analysisRunId ?? (await findLatestSucceededAnalysisRunId(db));
  if (runId === undefined) return [];
  let query = db
    .selectFrom('topic_assignments as ta')
    .innerJoin('topics as t', (join) => join.onRef('t.analysis_run_id', '=', 'ta.analysis_run_id').onRef('t.topic_id', '=', 'ta.topic_id'))
    .select(['ta.conversation_id as conversationId', 'ta.topic_id as topicId', 't.label as topicLabel'])
    .where('ta.analysis_run_id', '=', runId)
    .orderBy('ta.conversation_id');
  if (options.conversationIds !== undefined) {
    if (options.conversationIds.length === 0) return [];
    query = query.where('ta.conversation_id', 'in', [...options.conversationIds]);
  }
  return query.execute();
}
