import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import type { PeriodFilter } from '../../db/conversation-filter.js';
import type { Database } from '../../db/schema.js';
import { medianOf } from '../response-times/duration-statistics.js';
import { listConversationFirstResponses, type ConversationFirstResponse } from '../response-times/response-time-queries.js';
import { countTopicConversationsByChannel, listTopicAssignmentsInPeriod, listTopicLabels, listTopicQuestions } from './topic-report-queries.js';

export interface TopicReportOptions {
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
  /**
   * Median first response (METRIC_DEFINITIONS.firstResponse, calendar time, from the run's response-time facts) over
   * the topic's answered conversations in the range; null when none was answered.
   */
  medianFirstResponseMs: number | null;
  /** The topic's conversations in the range that no agent has answered yet (as the response-time report counts them). */
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
  /** The filter's channels; empty: every channel. */
  channels: string[];
  topics: TopicReportRow[];
}

/**
 * Topics by volume in the range, with growth against the previous period of equal length, median first response,
 * channels and example questions (redacted) with their conversation ids. Uses the latest succeeded run's assignments.
 *
 * @example
 * const report = await getTopicReport(db, { from: Date.parse('2024-05-01'), to: Date.parse('2024-06-01') });
 */
export async function getTopicReport(db: Kysely<Database>, filter: PeriodFilter, options: TopicReportOptions = {}): Promise<TopicReport> {
  const previousFrom = filter.from - (filter.to - filter.from);
  const runId = await findLatestSucceededAnalysisRunId(db);
  const base = { analysisRunId: runId ?? null, from: filter.from, to: filter.to, previousFrom, channels: [...(filter.channels ?? [])] };
  if (runId === undefined) return { ...base, topics: [] };

  const assignments = await listTopicAssignmentsInPeriod(db, runId, filter);
  const figures = assembleTopicFigures({
    topics: await listTopicLabels(db, runId),
    current: await countTopicConversationsByChannel(db, runId, filter),
    previous: await countTopicConversationsByChannel(db, runId, { ...filter, from: previousFrom, to: filter.from }),
    languages: countLanguages(assignments),
    assignments,
    firstResponses: await listConversationFirstResponses(db, runId, filter),
  });
  const wanted = options.examples ?? 3;
  const chosen = new Map(figures.map((figure) => [figure.topicId, [] as PeriodAssignment[]]));
  const figureOf = new Map(figures.map((figure) => [figure.topicId, figure]));
  for (const [topicId, candidates] of nearestFirstByTopic(assignments)) {
    const figure = figureOf.get(topicId);
    if (figure !== undefined)
      chosen.set(
        topicId,
        chooseExamples(
          candidates,
          wanted,
          figure.languages.map((row) => row.language),
        ),
      );
  }
  const texts = new Map(
    (
      await listTopicQuestions(
        db,
        runId,
        [...chosen.values()].flat().map((row) => row.conversation_id),
      )
    ).map((row) => [row.conversation_id, row]),
  );
  const rows: TopicReportRow[] = figures.map((figure) => ({
    ...figure,
    examples: (chosen.get(figure.topicId) ?? []).flatMap((row) => {
      const text = texts.get(row.conversation_id);
      return text === undefined ? [] : [{ conversationId: text.external_id, question: text.question }];
    }),
  }));
  return { ...base, topics: rows };
}

/** A conversation of the period as the topic report reads it. */
type PeriodAssignment = Awaited<ReturnType<typeof listTopicAssignmentsInPeriod>>[number];

/** Conversations per topic and question language (conversations without a stored question are not counted). */
function countLanguages(assignments: readonly PeriodAssignment[]): TopicReportInputs['languages'] {
  const counts = new Map<string, { topic_id: number; language: string; conversations: number }>();
  for (const row of assignments) {
    if (row.language === null) continue;
    const key = `${row.topic_id}\u0000${row.language}`;
    const found = counts.get(key);
    if (found) found.conversations += 1;
    else counts.set(key, { topic_id: row.topic_id, language: row.language, conversations: 1 });
  }
  return [...counts.values()];
}

/** Each topic's conversations of the period with a stored question, nearest its centre first (ties: the lower id). */
function nearestFirstByTopic(assignments: readonly PeriodAssignment[]): Map<number, PeriodAssignment[]> {
  const byTopic = new Map<number, PeriodAssignment[]>();
  for (const row of assignments) {
    if (row.language === null) continue;
    const list = byTopic.get(row.topic_id);
    if (list) list.push(row);
    else byTopic.set(row.topic_id, [row]);
  }
  for (const list of byTopic.values()) list.sort((a, b) => b.similarity - a.similarity || a.conversation_id - b.conversation_id);
  return byTopic;
}

/** What the topic report reads for a period, as its queries return it. */
export interface TopicReportInputs {
  topics: readonly { topic_id: number; label: string; top_terms: string }[];
  /** Conversations per topic and channel in the period, and in the previous period of equal length. */
  current: readonly { topic_id: number; channel: string; conversations: number | string | bigint }[];
  previous: readonly { topic_id: number; channel: string; conversations: number | string | bigint }[];
  languages: readonly { topic_id: number; language: string; conversations: number | string | bigint }[];
  /** Each conversation's topic, for the conversations in the period. */
  assignments: readonly { conversation_id: number; topic_id: number }[];
  firstResponses: readonly ConversationFirstResponse[];
}

/**
 * The topic report's rows without their examples, largest first: per topic with conversations in the period, its
 * channels and languages, growth against the previous period, median first response and unanswered count.
 *
 * @example
 * const [row] = assembleTopicFigures({ topics, current, previous, languages, assignments, firstResponses });
 * row.medianFirstResponseMs;
 */
export function assembleTopicFigures(inputs: TopicReportInputs): Omit<TopicReportRow, 'examples'>[] {
  const topicOf = new Map(inputs.assignments.map((row) => [row.conversation_id, row.topic_id]));
  const responseTimes = new Map<number, number[]>();
  const unanswered = new Map<number, number>();
  for (const response of inputs.firstResponses) {
    const topic = topicOf.get(response.conversationId);
    if (topic === undefined) continue;
    if (response.unanswered) unanswered.set(topic, (unanswered.get(topic) ?? 0) + 1);
    else if (response.firstResponseMs !== null) {
      const list = responseTimes.get(topic) ?? [];
      list.push(response.firstResponseMs);
      responseTimes.set(topic, list);
    }
  }

  const rows: Omit<TopicReportRow, 'examples'>[] = [];
  for (const topic of inputs.topics) {
    const channels = inputs.current
      .filter((row) => row.topic_id === topic.topic_id)
      .map((row) => ({ channel: row.channel, conversations: Number(row.conversations) }))
      .sort((a, b) => b.conversations - a.conversations || (a.channel < b.channel ? -1 : 1));
    const conversations = channels.reduce((sum, row) => sum + row.conversations, 0);
    if (conversations === 0) continue;
    const previousConversations = inputs.previous.filter((row) => row.topic_id === topic.topic_id).reduce((sum, row) => sum + Number(row.conversations), 0);
    const languages = inputs.languages
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
    });
  }
  return rows.sort((a, b) => b.conversations - a.conversations || a.topicId - b.topicId);
}

/** Candidates read per example wanted, so that every language a topic is asked in can have its example. */
const EXAMPLE_CANDIDATES = 8;

/**
 * The examples of a topic: among its conversations in the period, nearest the centre first, the nearest in each of
 * `languages` (a language none of the nearest candidates is in, as when a few Chinese questions joined an English
 * topic, is looked up on its own), then the nearest others, `wanted` in all or one per language if more.
 */
function chooseExamples(nearestFirst: readonly PeriodAssignment[], wanted: number, languages: readonly string[]): PeriodAssignment[] {
  if (wanted === 0) return [];
  const rows = nearestFirst.slice(0, wanted * EXAMPLE_CANDIDATES);
  for (const language of languages) {
    if (rows.some((row) => row.language === language)) continue;
    const nearest = nearestFirst.find((row) => row.language === language);
    if (nearest !== undefined) rows.push(nearest);
  }
  const firstOfLanguage = rows.filter((row, i) => rows.findIndex((other) => other.language === row.language) === i);
  return [...firstOfLanguage, ...rows.filter((row) => !firstOfLanguage.includes(row))].slice(0, Math.max(wanted, firstOfLanguage.length));
}
