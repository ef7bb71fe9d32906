import { slot } from '../../db/compiled-statement.js';
import { type EngineTarget, prepareStatement, rowWriter } from '../../db/engine-statements.js';
import type { AuthorRole, ConversationEventKind } from '../../db/schema.js';
import { ALWAYS_OPEN, createBusinessCalendar, type BusinessCalendar } from './business-calendar.js';
import { DailyAggregates, packValues } from './daily-aggregates.js';
import { computeConversationFacts, type ConversationFacts, type FactsConversation, type FactsEvent, type FactsMessage } from './conversation-facts.js';
import { businessHoursFor, type ResponseTimeConfig } from './response-time-config.js';
import { inTransaction } from '../../db/transaction.js';

export interface ComputeResponseFactsOptions {
  /** The analysis run that computes them, stored on every row. */
  runId: number;
  /** Conversations read per batch (default 1000): memory stays flat however many there are. */
  batchSize?: number;
  onProgress?: (conversationsDone: number) => void;
}

/** Counts of one response-time analysis, for the run summary. */
export interface ResponseFactsSummary {
  conversations: number;
  messages: number;
  answered: number;
  unanswered: number;
  replies: number;
  resolved: number;
  reopened: number;
  durationMs: number;
}

/** id, channel, created_at, resolved_at, assignee, tags: the select order. */
type ConversationTuple = [number, string, number, number | null, string | null, string];

/** conversation_id, author_role, created_at, internal, author_id: the order of the covering index. */
type MessageTuple = [number, AuthorRole, number, number, string | null];

interface EventInput {
  conversation_id: number;
  kind: ConversationEventKind;
  created_at: number;
}

const FACT_SLOTS = [
  'run_id',
  'conversation_id',
  'channel',
  'start_at',
  'initiated_by',
  'first_customer_message_at',
  'clock_start_at',
  'first_response_at',
  'first_response_ms',
  'first_response_business_ms',
  'first_responder_id',
  'agent',
  'tags',
  'reply_count',
  'reply_times_ms',
  'reply_business_times_ms',
  'reply_median_ms',
  'reply_business_median_ms',
  'resolution_count',
  'first_resolved_at',
  'last_resolved_at',
  'first_resolution_ms',
  'first_resolution_business_ms',
  'resolution_ms',
  'resolution_business_ms',
  'is_resolved',
  'reopen_count',
  'unanswered',
  'awaiting_reply_since_at',
] as const;
type FactSlot = (typeof FACT_SLOTS)[number];

const DAILY_SLOTS = [
  'run_id',
  'time_zone',
  'day',
  'channel',
  'conversations',
  'answered',
  'unanswered',
  'waiting',
  'reopened',
  'first_response_ms',
  'first_response_business_ms',
  'reply_ms',
  'reply_business_ms',
  'resolution_ms',
  'resolution_business_ms',
  'unanswered_since_at',
  'open_since_at',
] as const;

const DEFAULT_BATCH_SIZE = 1000;

/**
 * Recomputes the `conversation_facts` of every conversation from its raw messages and events, under the given
 * configuration, with their per-day aggregates (`response_time_daily`, days of the reporting time zone), in one
 * transaction, filed under the analysis run (a re-run of the same run replaces its rows). Readers see them once the
 * run has succeeded. Conversations are read in id order in batches, each batch's messages with one ordered range query.
 *
 * @example
 * const summary = await computeResponseFacts(handle, config.responseTimes, { runId: 7 });
 * console.log(summary.conversations, summary.unanswered);
 */
export async function computeResponseFacts(
  handle: EngineTarget,
  config: ResponseTimeConfig,
  options: ComputeResponseFactsOptions,
): Promise<ResponseFactsSummary> {
  const startedAt = performance.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const calendars = new Map<string, BusinessCalendar>();
  const calendarFor = (channel: string): BusinessCalendar => {
    let calendar = calendars.get(channel);
    if (!calendar) {
      const hours = businessHoursFor(config, channel);
      calendar = hours ? createBusinessCalendar(hours) : ALWAYS_OPEN;
      calendars.set(channel, calendar);
    }
    return calendar;
  };

  const daily = new DailyAggregates(config.reportingTimeZone);
  const summary: ResponseFactsSummary = { conversations: 0, messages: 0, answered: 0, unanswered: 0, replies: 0, resolved: 0, reopened: 0, durationMs: 0 };
  await inTransaction(handle, async (db) => {
    // On PostgreSQL every statement goes to the transaction's connection; on SQLite it is the one connection anyway.
    const target: EngineTarget = { db, sqlite: handle.sqlite };
    const selectConversations = prepareStatement(
      target,
      db
        .selectFrom('conversations')
        .select(['id', 'channel', 'created_at', 'resolved_at', 'assignee', 'tags'])
        .where('id', '>', slot<number>('after'))
        .orderBy('id')
        .limit(slot<number>('limit')),
      ['after', 'limit'],
    );
    const selectMessages = prepareStatement(
      target,
      db
        .selectFrom('messages')
        .select((eb) => [
          'conversation_id',
          'author_role',
          'created_at',
          'internal',
          // Only the author of a public agent message is ever used: no string for the others.
          eb
            .case()
            .when(eb.and([eb('author_role', '=', slot<AuthorRole>('agent')), eb('internal', '=', slot<number>('public'))]))
            .then(eb.ref('author_id'))
            .else(null)
            .end()
            .as('author_id'),
        ])
        .where('conversation_id', '>=', slot<number>('first'))
        .where('conversation_id', '<=', slot<number>('last'))
        .orderBy('conversation_id')
        .orderBy('created_at')
        .orderBy('external_id'),
      ['first', 'last', 'agent', 'public'],
    );
    const selectEvents = prepareStatement(
      target,
      db
        .selectFrom('conversation_events')
        .select(['conversation_id', 'kind', 'created_at'])
        .where('conversation_id', '>=', slot<number>('first'))
        .where('conversation_id', '<=', slot<number>('last'))
        .orderBy('conversation_id')
        .orderBy('created_at'),
      ['first', 'last'],
    );
    const insertFacts = rowWriter(target, 'conversation_facts', FACT_SLOTS);
    const insertDaily = rowWriter(target, 'response_time_daily', DAILY_SLOTS);

    await db.deleteFrom('conversation_facts').where('run_id', '=', options.runId).execute();
    let after = 0;
    for (;;) {
      const conversations = (await selectConversations.allRaw({ after, limit: batchSize })) as ConversationTuple[];
      if (conversations.length === 0) break;
      const first = conversations[0]![0];
      const last = conversations[conversations.length - 1]![0];
      const messages = (await selectMessages.allRaw({ first, last, agent: 'agent', public: 0 })) as MessageTuple[];
      const events = await selectEvents.all<EventInput>({ first, last });
      let messageIndex = 0;
      let eventIndex = 0;
      for (const [id, channel, createdAt, resolvedAt, assignee, tags] of conversations) {
        const ownMessages: FactsMessage[] = [];
        while (messageIndex < messages.length && messages[messageIndex]![0] === id) {
          const [, role, createdAt, internal, authorId] = messages[messageIndex]!;
          ownMessages.push({ role, authorId, createdAt, internal: internal === 1 });
          messageIndex += 1;
        }
        const ownEvents: FactsEvent[] = [];
        while (eventIndex < events.length && events[eventIndex]!.conversation_id === id) {
          const event = events[eventIndex]!;
          ownEvents.push({ kind: event.kind, createdAt: event.created_at });
          eventIndex += 1;
        }
        const input: FactsConversation = { id, channel, createdAt, resolvedAt, assignee, messages: ownMessages, events: ownEvents };
        const facts = computeConversationFacts(input, calendarFor(channel));
        insertFacts.add(factsRow(facts, tags, options.runId));
        daily.add(facts);
        summary.conversations += 1;
        summary.messages += ownMessages.length;
        if (facts.firstResponseAt !== null) summary.answered += 1;
        if (facts.unanswered) summary.unanswered += 1;
        summary.replies += facts.replyTimesMs.length;
        if (facts.isResolved) summary.resolved += 1;
        if (facts.reopenCount > 0) summary.reopened += 1;
      }
      await insertFacts.flush();
      after = last;
      options.onProgress?.(summary.conversations);
    }
    await db.deleteFrom('response_time_daily').where('run_id', '=', options.runId).execute();
    for (const aggregate of daily.values()) {
      insertDaily.add({
        time_zone: daily.timeZone,
        day: aggregate.day,
        channel: aggregate.channel,
        run_id: options.runId,
        conversations: aggregate.conversations,
        answered: aggregate.answered,
        unanswered: aggregate.unanswered,
        waiting: aggregate.waiting,
        reopened: aggregate.reopened,
        first_response_ms: packValues(aggregate.firstResponseMs.view()),
        first_response_business_ms: packValues(aggregate.firstResponseBusinessMs.view()),
        reply_ms: packValues(aggregate.replyMs.view()),
        reply_business_ms: packValues(aggregate.replyBusinessMs.view()),
        resolution_ms: packValues(aggregate.resolutionMs.view()),
        resolution_business_ms: packValues(aggregate.resolutionBusinessMs.view()),
        unanswered_since_at: packValues(aggregate.unansweredSinceAt.view()),
        open_since_at: packValues(aggregate.openSinceAt.view()),
      });
    }
    await insertDaily.flush();
  });
  summary.durationMs = Math.round(performance.now() - startedAt);
  return summary;
}

function factsRow(facts: ConversationFacts, tags: string, runId: number): Record<FactSlot, unknown> {
  return {
    run_id: runId,
    conversation_id: facts.conversationId,
    channel: facts.channel,
    start_at: facts.startAt,
    initiated_by: facts.initiatedBy,
    first_customer_message_at: facts.firstCustomerMessageAt,
    clock_start_at: facts.clockStartAt,
    first_response_at: facts.firstResponseAt,
    first_response_ms: facts.firstResponseMs,
    first_response_business_ms: facts.firstResponseBusinessMs,
    first_responder_id: facts.firstResponderId,
    agent: facts.agent,
    tags,
    reply_count: facts.replyTimesMs.length,
    reply_times_ms: listText(facts.replyTimesMs),
    reply_business_times_ms: listText(facts.replyBusinessTimesMs),
    reply_median_ms: facts.replyMedianMs,
    reply_business_median_ms: facts.replyBusinessMedianMs,
    resolution_count: facts.resolutionCount,
    first_resolved_at: facts.firstResolvedAt,
    last_resolved_at: facts.lastResolvedAt,
    first_resolution_ms: facts.firstResolutionMs,
    first_resolution_business_ms: facts.firstResolutionBusinessMs,
    resolution_ms: facts.resolutionMs,
    resolution_business_ms: facts.resolutionBusinessMs,
    is_resolved: facts.isResolved ? 1 : 0,
    reopen_count: facts.reopenCount,
    unanswered: facts.unanswered ? 1 : 0,
    awaiting_reply_since_at: facts.awaitingReplySince,
  };
}

function listText(values: readonly number[]): string {
  return values.length === 0 ? '[]' : `[${values.join(',')}]`;
}
