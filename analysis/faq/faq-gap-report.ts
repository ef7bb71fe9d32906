import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import type { PeriodFilter } from '../../db/conversation-filter.js';
import type { Database } from '../../db/schema.js';
import { medianOf } from '../response-times/duration-statistics.js';
import { listConversationFirstResponses, type ConversationFirstResponse } from '../response-times/response-time-queries.js';
import { redactPersonalData } from '../text/redact-personal-data.js';
import { countGapTopicConversations, findRunCoveredThreshold, listAgentReplies, listGapQuestions, listGapTopics } from './faq-gap-queries.js';
import { listCurrentFaqEntries } from './faq-store.js';
import {
  DEFAULT_GAP_VERDICT_OPTIONS,
  decideGapVerdicts,
  type GapEntry,
  type GapFinding,
  type GapTopic,
  type GapVerdictOptions,
  type TopicQuestion,
} from './gap-verdicts.js';

/** Conversations per topic whose agents' replies are read (evenly spread over the period when there are more). */
export const REPLIES_PER_TOPIC = 400;

export interface FaqGapReport {
  /** The analysis run whose topics and FAQ matches the report uses; null when none has run. */
  analysisRunId: number | null;
  from: number;
  to: number;
  /** Start of the previous period of equal length, the growth baseline. */
  previousFrom: number;
  findings: GapFinding[];
}

/**
 * The FAQ gap report for a period, from the latest succeeded analysis run's topics and FAQ matches: the inputs of
 * `decideGapVerdicts` (per topic: conversations now and in the previous period, median first response, questions
 * with their best match, agents' public replies, redacted; per entry: its current version and covered questions).
 *
 * @example
 * const report = await getFaqGapReport(db, { from: Date.parse('2024-05-01'), to: Date.parse('2024-06-01') });
 */
export async function getFaqGapReport(
  db: Kysely<Database>,
  filter: PeriodFilter,
  options: Partial<Omit<GapVerdictOptions, 'periodStart'>> = {},
): Promise<FaqGapReport> {
  const previousFrom = filter.from - (filter.to - filter.from);
  const runId = await findLatestSucceededAnalysisRunId(db);
  const base = { analysisRunId: runId ?? null, from: filter.from, to: filter.to, previousFrom };
  if (runId === undefined) return { ...base, findings: [] };

  const questions = groupGapQuestions(await listGapQuestions(db, runId, filter));
  const replies = await listAgentReplies(db, sampleReplyConversations(questions.topicOfConversation));
  const { topics, coveredByEntry } = assembleGapTopics({
    topics: await listGapTopics(db, runId),
    questions,
    previousByTopic: await countGapTopicConversations(db, runId, { ...filter, from: previousFrom, to: filter.from }),
    firstResponses: await listConversationFirstResponses(db, runId, filter),
    replies,
  });
  const entries: GapEntry[] = (await listCurrentFaqEntries(db)).map((entry) => ({
    entryId: entry.externalId,
    title: entry.title,
    body: entry.body,
    updatedAt: entry.updatedAt,
    coveredQuestions: coveredByEntry.get(entry.externalId) ?? 0,
    language: entry.language,
  }));
  const sameArticleScore = (await findRunCoveredThreshold(db, runId)) ?? DEFAULT_GAP_VERDICT_OPTIONS.sameArticleScore;
  const findings = decideGapVerdicts(topics, entries, { ...DEFAULT_GAP_VERDICT_OPTIONS, sameArticleScore, ...options, periodStart: filter.from });
  return { ...base, findings };
}

/** One matched question of the period, as listGapQuestions reads it. */
export type GapQuestionRow = Awaited<ReturnType<typeof listGapQuestions>>[number];

/** The period's questions grouped by topic, and the questions covered per FAQ entry. */
export interface GroupedGapQuestions {
  topicOfConversation: Map<number, number>;
  /** Each grouped question by its conversation's id in the database. */
  questionOfConversation: Map<number, TopicQuestion>;
  questionsByTopic: Map<number, TopicQuestion[]>;
  coveredByEntry: Map<string, number>;
}

/**
 * Groups the period's matched questions by topic, and counts the questions each entry covers.
 *
 * @example
 * const { questionsByTopic } = groupGapQuestions(await listGapQuestions(db, runId, filter));
 */
export function groupGapQuestions(rows: readonly GapQuestionRow[]): GroupedGapQuestions {
  const topicOfConversation = new Map<number, number>();
  const questionOfConversation = new Map<number, TopicQuestion>();
  const questionsByTopic = new Map<number, TopicQuestion[]>();
  const coveredByEntry = new Map<string, number>();
  for (const row of rows) {
    if (row.covered === 1 && row.entry_external_id !== null) coveredByEntry.set(row.entry_external_id, (coveredByEntry.get(row.entry_external_id) ?? 0) + 1);
    if (row.topic_id === null) continue;
    topicOfConversation.set(row.id, row.topic_id);
    const list = questionsByTopic.get(row.topic_id) ?? [];
    const question: TopicQuestion = {
      conversationId: row.external_id,
      question: row.question ?? '',
      entryId: row.entry_external_id,
      score: row.score,
      covered: row.covered === 1,
      crossLanguage: row.cross_language === 1,
      ...(row.language ? { language: row.language } : {}),
    };
    list.push(question);
    questionOfConversation.set(row.id, question);
    questionsByTopic.set(row.topic_id, list);
  }
  return { topicOfConversation, questionOfConversation, questionsByTopic, coveredByEntry };
}

/**
 * The conversations whose agents' replies are read: at most REPLIES_PER_TOPIC a topic, spread evenly over the period,
 * in id order. A profile and the share of replies stating a fact are as well known from 400 replies as from 40,000,
 * and a busy month's every reply redacted and read would take minutes.
 *
 * @example
 * const replies = await listAgentReplies(db, sampleReplyConversations(grouped.topicOfConversation));
 */
export function sampleReplyConversations(topicOfConversation: ReadonlyMap<number, number>): number[] {
  const conversationsByTopic = new Map<number, number[]>();
  for (const [conversationId, topic] of topicOfConversation) {
    const ids = conversationsByTopic.get(topic);
    if (ids === undefined) conversationsByTopic.set(topic, [conversationId]);
    else ids.push(conversationId);
  }
  return [...conversationsByTopic.values()].flatMap((ids) => spreadEvenly(ids, REPLIES_PER_TOPIC)).sort((a, b) => a - b);
}

/** What the gap report's topics are assembled from. */
export interface GapTopicInputs {
  topics: readonly { topic_id: number; label: string; top_terms: string; representative_question: string | null }[];
  questions: GroupedGapQuestions;
  /** Conversations per topic in the previous period of equal length. */
  previousByTopic: ReadonlyMap<number, number>;
  firstResponses: readonly ConversationFirstResponse[];
  /** Agents' public replies of the sampled conversations, unredacted. */
  replies: ReadonlyMap<number, readonly string[]>;
}

/**
 * The inputs of `decideGapVerdicts` per topic: conversations now and before, median first response of the answered,
 * questions with their best match, and the agents' replies, redacted (one text per conversation).
 *
 * @example
 * const { topics, coveredByEntry } = assembleGapTopics({ topics, questions, previousByTopic, firstResponses, replies });
 */
export function assembleGapTopics(inputs: GapTopicInputs): { topics: GapTopic[]; coveredByEntry: ReadonlyMap<string, number> } {
  const { topicOfConversation, questionOfConversation, questionsByTopic, coveredByEntry } = inputs.questions;
  const handling = new Map<number, number[]>();
  for (const response of inputs.firstResponses) {
    const topic = topicOfConversation.get(response.conversationId);
    if (topic === undefined || response.firstResponseMs === null) continue;
    const list = handling.get(topic) ?? [];
    list.push(response.firstResponseMs);
    handling.set(topic, list);
  }
  const repliesByTopic = new Map<number, string[]>();
  for (const [conversationId, bodies] of inputs.replies) {
    const topic = topicOfConversation.get(conversationId);
    if (topic === undefined) continue;
    const reply = redactPersonalData(bodies.join('\n'));
    const list = repliesByTopic.get(topic) ?? [];
    list.push(reply);
    repliesByTopic.set(topic, list);
    const question = questionOfConversation.get(conversationId);
    if (question !== undefined) question.reply = reply;
  }
  const topics = inputs.topics.map((row) => ({
    topicId: row.topic_id,
    label: row.label,
    topTerms: JSON.parse(row.top_terms) as string[],
    representativeQuestion: row.representative_question,
    conversations: questionsByTopic.get(row.topic_id)?.length ?? 0,
    previousConversations: inputs.previousByTopic.get(row.topic_id) ?? 0,
    medianHandlingMs: medianOf(handling.get(row.topic_id) ?? []),
    questions: questionsByTopic.get(row.topic_id) ?? [],
    agentReplies: repliesByTopic.get(row.topic_id) ?? [],
  }));
  return { topics, coveredByEntry };
}

export interface FaqGapComparison {
  /** The report compared with: the last one of the same window length; null when there is none. */
  previousReportId: number | null;
  /** Ids of this report's findings that the previous report did not have (all of them in a first report). */
  newSinceLast: string[];
  /** The previous report's findings that this report no longer has. */
  goneSinceLast: { id: string; verdict: string; title: string }[];
}

/**
 * What a report covers besides its dates: the length of its window (and, as filters are added, those). Reports are
 * compared only within one scope: a one-day report after a 30-day one says nothing about what changed.
 *
 * @example
 * reportScope({ from: Date.parse('2024-05-01'), to: Date.parse('2024-05-08') }) // '{"windowDays":7}'
 * reportScope({ from: Date.parse('2024-03-27T23:00Z'), to: Date.parse('2024-04-03T22:00Z') }) // '{"windowDays":7}' (Berlin, across summer time)
 */
export function reportScope(report: Pick<FaqGapReport, 'from' | 'to'>): string {
  const days = (report.to - report.from) / 86_400_000;
  // Local days in a zone with summer time are 23 or 25 hours long: a week across the change is still a 7-day window.
  const wholeDays = Math.round(days);
  return JSON.stringify({ windowDays: Math.abs(report.to - report.from - wholeDays * 86_400_000) <= 3_600_000 ? wholeDays : Math.round(days * 1000) / 1000 });
}

/**
 * At most `limit` items of a list, evenly spread over it (all of them when there are no more), in their order.
 *
 * @example
 * spreadEvenly([1, 2, 3, 4, 5, 6], 3) // [1, 3, 5]
 */
export function spreadEvenly<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)]!);
}
