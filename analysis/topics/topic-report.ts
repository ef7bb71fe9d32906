import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import type { Database } from '../../db/schema.js';
import { medianOf } from '../response-times/duration-statistics.js';

/** The filter every topic read takes: [from, to) in UTC epoch ms on the conversation's creation, and a channel. */
export interface TopicReportFilter {
  from: number;
  to: number;
  channel?: string | undefined;
  /** Example questions per topic (default 3). */
  examples?: number;
}

export interface TopicExample {
  /** The conversation's id in its source (what people search for). */
  conversationId: string;
  question: string;
}

export interface TopicReportRow {
  topicId: number;
  label: string;
  topTerms: string[];
  conversations: number;
  /** Conversations in the previous period of equal length. */
  previousConversations: number;
  /** (current - previous) / previous; null when the previous period had none. */
  growth: number | null;
  /** Median first response over the topic's answered conversations in the range; null when none was answered. */
  medianFirstResponseMs: number | null;
  unanswered: number;
  /** Conversations per channel, largest first. */
  channels: { channel: string; conversations: number }[];
  /** Conversations per question language (en, zh, other), largest first. */
  languages: { language: string; conversations: number }[];
  /** The questions nearest the topic's centre, the first one in each language it is asked in. */
  examples: TopicExample[];
}

export interface TopicReport {
  analysisRunId: number | null;
  from: number;
  to: number;
  previousFrom: number;
  channel: string | null;
  topics: TopicReportRow[];
}

export interface FirstResponseTime {
  conversationId: number;
  /** First public human-agent message minus the first customer message; null when no agent has answered. */
  firstResponseMs: number | null;
}

/**
 * First response per conversation in the filter, straight from the messages. Kept in one function so it can be
 * swapped for the precomputed response-time facts once they exist.
 */
export async function listFirstResponseTimes(db: Kysely<Database>, filter: TopicReportFilter): Promise<FirstResponseTime[]> {
  let query = db
    .selectFrom('conversations as c')
    .select((eb) => [
      'c.id as conversationId',
      eb
        .selectFrom('messages as m')
        .select((inner) => inner.fn.min('m.created_at').as('at'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .where('m.author_role', '=', 'customer')
        .as('customerAt'),
      eb
        .selectFrom('messages as m')
        .select((inner) => inner.fn.min('m.created_at').as('at'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .where('m.author_role', '=', 'agent')
        .where('m.internal', '=', 0)
        .as('agentAt'),
    ])
    .where('c.created_at', '>=', filter.from)
    .where('c.created_at', '<', filter.to);
  if (filter.channel !== undefined) query = query.where('c.channel', '=', filter.channel);
  const rows = await query.execute();
  return rows.map((row) => ({
    conversationId: row.conversationId,
    firstResponseMs: row.customerAt === null || row.agentAt === null ? null : Math.max(0, Number(row.agentAt) - Number(row.customerAt)),
  }));
}

/**
 * Topics by volume in the range, with growth against the previous period of equal length, median first response,
 * channels and example questions (redacted) with their conversation ids. Uses the latest succeeded run's assignments.
 *
 * @example
 * const report = await getTopicReport(db, { from: Date.parse('2024-05-01'), to: Date.parse('2024-06-01') });
 */
export async function getTopicReport(db: Kysely<Database>, filter: TopicReportFilter): Promise<TopicReport> {
  const previousFrom = filter.from - (filter.to - filter.from);
  const runId = await findLatestSucceededAnalysisRunId(db);
  const base = { analysisRunId: runId ?? null, from: filter.from, to: filter.to, previousFrom, channel: filter.channel ?? null };
  if (runId === undefined) return { ...base, topics: [] };

  const countByTopic = async (from: number, to: number) => {
    let query = db
      .selectFrom('topic_assignments as ta')
      .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
      .select((eb) => ['ta.topic_id', 'c.channel', eb.fn.countAll<number>().as('conversations')])
      .where('ta.analysis_run_id', '=', runId)
      .where('c.created_at', '>=', from)
      .where('c.created_at', '<', to)
      .groupBy(['ta.topic_id', 'c.channel']);
    if (filter.channel !== undefined) query = query.where('c.channel', '=', filter.channel);
    return query.execute();
  };
  const current = await countByTopic(filter.from, filter.to);
  let languageQuery = db
    .selectFrom('topic_assignments as ta')
    .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
    .innerJoin('conversation_questions as q', (join) =>
      join.onRef('q.conversation_id', '=', 'ta.conversation_id').onRef('q.analysis_run_id', '=', 'ta.analysis_run_id'),
    )
    .select((eb) => ['ta.topic_id', 'q.language', eb.fn.countAll<number>().as('conversations')])
    .where('ta.analysis_run_id', '=', runId)
    .where('c.created_at', '>=', filter.from)
    .where('c.created_at', '<', filter.to)
    .groupBy(['ta.topic_id', 'q.language']);
  if (filter.channel !== undefined) languageQuery = languageQuery.where('c.channel', '=', filter.channel);
  const languageCounts = await languageQuery.execute();
  const previous = await countByTopic(previousFrom, filter.from);
  const topics = await db.selectFrom('topics').select(['topic_id', 'label', 'top_terms']).where('analysis_run_id', '=', runId).execute();

  const assignmentQuery = db
    .selectFrom('topic_assignments as ta')
    .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
    .select(['ta.conversation_id', 'ta.topic_id'])
    .where('ta.analysis_run_id', '=', runId)
    .where('c.created_at', '>=', filter.from)
    .where('c.created_at', '<', filter.to);
  const assignments = await (filter.channel !== undefined ? assignmentQuery.where('c.channel', '=', filter.channel) : assignmentQuery).execute();
  const topicOf = new Map(assignments.map((row) => [row.conversation_id, row.topic_id]));
  const responseTimes = new Map<number, number[]>();
  const unanswered = new Map<number, number>();
  for (const response of await listFirstResponseTimes(db, filter)) {
    const topic = topicOf.get(response.conversationId);
    if (topic === undefined) continue;
    if (response.firstResponseMs === null) unanswered.set(topic, (unanswered.get(topic) ?? 0) + 1);
    else {
      const list = responseTimes.get(topic) ?? [];
      list.push(response.firstResponseMs);
      responseTimes.set(topic, list);
    }
  }

  const rows: TopicReportRow[] = [];
  for (const topic of topics) {
    const channels = current
      .filter((row) => row.topic_id === topic.topic_id)
      .map((row) => ({ channel: row.channel, conversations: Number(row.conversations) }))
      .sort((a, b) => b.conversations - a.conversations || (a.channel < b.channel ? -1 : 1));
    const conversations = channels.reduce((sum, row) => sum + row.conversations, 0);
    if (conversations === 0) continue;
    const previousConversations = previous.filter((row) => row.topic_id === topic.topic_id).reduce((sum, row) => sum + Number(row.conversations), 0);
    const languages = languageCounts
      .filter((row) => row.topic_id === topic.topic_id)
      .map((row) => ({ language: row.language, conversations: Number(row.conversations) }))
      .sort((a, b) => b.conversations - a.conversations || (a.language < b.language ? -1 : 1));
    rows.push({
      topicId: topic.topic_id,
      label: topic.label,
      topTerms: JSON.parse(topic.top_terms) as string[],
      conversations,
      previousConversations,
      growth: previousConversations === 0 ? null : (conversations - previousConversations) / previousConversations,
      medianFirstResponseMs: medianOf(responseTimes.get(topic.topic_id) ?? []),
      unanswered: unanswered.get(topic.topic_id) ?? 0,
      channels,
      languages,
      examples: await listTopicExamples(
        db,
        runId,
        topic.topic_id,
        filter,
        languages.map((row) => row.language),
      ),
    });
  }
  rows.sort((a, b) => b.conversations - a.conversations || a.topicId - b.topicId);
  return { ...base, topics: rows };
}

/** Candidates read per example wanted, so that every language a topic is asked in can have its example. */
const EXAMPLE_CANDIDATES = 8;

/**
 * The questions nearest the topic's centroid among its conversations in the filter, first the nearest in each of
 * `languages` (a language none of the nearest candidates is in, as when a few Chinese questions joined an English
 * topic, is looked up on its own).
 */
async function listTopicExamples(
  db: Kysely<Database>,
  runId: number,
  topicId: number,
  filter: TopicReportFilter,
  languages: readonly string[],
): Promise<TopicExample[]> {
  const wanted = filter.examples ?? 3;
  if (wanted === 0) return [];
  const nearest = (limit: number, language?: string) => {
    let query = db
      .selectFrom('topic_assignments as ta')
      .innerJoin('conversations as c', 'c.id', 'ta.conversation_id')
      .innerJoin('conversation_questions as q', (join) =>
        join.onRef('q.conversation_id', '=', 'ta.conversation_id').onRef('q.analysis_run_id', '=', 'ta.analysis_run_id'),
      )
      .select(['c.external_id', 'q.question', 'q.language'])
      .where('ta.analysis_run_id', '=', runId)
      .where('ta.topic_id', '=', topicId)
      .where('c.created_at', '>=', filter.from)
      .where('c.created_at', '<', filter.to)
      .orderBy('ta.similarity', 'desc')
      .orderBy('ta.conversation_id')
      .limit(limit);
    if (filter.channel !== undefined) query = query.where('c.channel', '=', filter.channel);
    if (language !== undefined) query = query.where('q.language', '=', language);
    return query.execute();
  };
  const rows = await nearest(wanted * EXAMPLE_CANDIDATES);
  for (const language of languages) if (!rows.some((row) => row.language === language)) rows.push(...(await nearest(1, language)));
  const firstOfLanguage = rows.filter((row, i) => rows.findIndex((other) => other.language === row.language) === i);
  const picked = [...firstOfLanguage, ...rows.filter((row) => !firstOfLanguage.includes(row))].slice(0, Math.max(wanted, firstOfLanguage.length));
  return picked.map((row) => ({ conversationId: row.external_id, question: row.question }));
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
