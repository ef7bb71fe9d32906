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
 * Conversations per topic and question language of the run in the filter.
 *
 * @example
 * const languages = await countTopicConversationsByLanguage(db, runId, { from, to });
 */
export async function countTopicConversationsByLanguage(db: Kysely<Database>, runId: number, filter: ConversationFilter) {
  const languageQuery = db
    .selectFrom('topic_assignments as ta')
    .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
    .innerJoin('conversation_questions as q', (join) =>
      join.onRef('q.conversation_id', '=', 'ta.conversation_id').onRef('q.analysis_run_id', '=', 'ta.analysis_run_id'),
    )
    .select((eb) => ['ta.topic_id', 'q.language', eb.fn.countAll<number>().as('conversations')])
    .where('ta.analysis_run_id', '=', runId)
    .where(conversationInFilter(filter, runId, db))
    .groupBy(['ta.topic_id', 'q.language']);
  return languageQuery.execute();
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
 * Each conversation's topic in the run, for the conversations in the filter.
 *
 * @example
 * const topicOf = new Map((await listTopicAssignmentsInPeriod(db, runId, filter)).map((row) => [row.conversation_id, row.topic_id]));
 */
export async function listTopicAssignmentsInPeriod(db: Kysely<Database>, runId: number, filter: ConversationFilter) {
  const assignmentQuery = db
    .selectFrom('topic_assignments as ta')
    .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
    .select(['ta.conversation_id', 'ta.topic_id'])
    .where('ta.analysis_run_id', '=', runId)
    .where(conversationInFilter(filter, runId, db));
  return assignmentQuery.execute();
}

/**
 * A topic's questions in the filter, nearest its centroid first, at most `limit`.
 *
 * @example
 * const rows = await listTopicQuestionsNearestCentre(db, { runId, topicId: 3, filter: { from, to }, limit: 24 });
 */
export async function listTopicQuestionsNearestCentre(
  db: Kysely<Database>,
  options: { runId: number; topicId: number; filter: ConversationFilter; limit: number; language?: string },
) {
  const { runId, topicId, filter } = options;
  let query = db
    .selectFrom('topic_assignments as ta')
    .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
    .innerJoin('conversation_questions as q', (join) =>
      join.onRef('q.conversation_id', '=', 'ta.conversation_id').onRef('q.analysis_run_id', '=', 'ta.analysis_run_id'),
    )
    .select(['c.external_id', 'q.question', 'q.language'])
    .where('ta.analysis_run_id', '=', runId)
    .where('ta.topic_id', '=', topicId)
    .where(conversationInFilter(filter, runId, db))
    .orderBy('ta.similarity', 'desc')
    .orderBy('ta.conversation_id')
    .limit(options.limit);
  if (options.language !== undefined) query = query.where('q.language', '=', options.language);
  return query.execute();
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
