import type { AuthorRole, ConversationEventKind, ConversationInitiator } from '../../db/schema.js';
import type { BusinessCalendar } from './business-calendar.js';
import { medianOf } from './duration-statistics.js';

export interface FactsMessage {
  role: AuthorRole;
  authorId: string | null;
  createdAt: number;
  internal: boolean;
}

export interface FactsEvent {
  kind: ConversationEventKind;
  createdAt: number;
}

/** What the computation needs of a stored conversation. Messages in time order (ties in storage order). */
export interface FactsConversation {
  id: number;
  channel: string;
  createdAt: number;
  resolvedAt: number | null;
  assignee: string | null;
  messages: readonly FactsMessage[];
  events: readonly FactsEvent[];
}

/** The response-time facts of one conversation. Durations in calendar and in business milliseconds. */
export interface ConversationFacts {
  conversationId: number;
  channel: string;
  startAt: number;
  initiatedBy: ConversationInitiator;
  firstCustomerMessageAt: number | null;
  /** Where the first-response clock starts; null for an outbound conversation the customer never answered. */
  clockStartAt: number | null;
  firstResponseAt: number | null;
  firstResponseMs: number | null;
  firstResponseBusinessMs: number | null;
  firstResponderId: string | null;
  agent: string | null;
  replyTimesMs: number[];
  replyBusinessTimesMs: number[];
  replyMedianMs: number | null;
  replyBusinessMedianMs: number | null;
  resolutionCount: number;
  firstResolvedAt: number | null;
  lastResolvedAt: number | null;
  firstResolutionMs: number | null;
  firstResolutionBusinessMs: number | null;
  resolutionMs: number | null;
  resolutionBusinessMs: number | null;
  isResolved: boolean;
  reopenCount: number;
  unanswered: boolean;
  awaitingReplySince: number | null;
}

const isPublicAgentMessage = (message: FactsMessage): boolean => message.role === 'agent' && !message.internal;
const isCustomerMessage = (message: FactsMessage): boolean => message.role === 'customer' && !message.internal;

/**
 * Computes one conversation's facts, following the definitions (analysis/metric-definitions.ts; long form in
 * docs/response-times.md):
 * - start: the first customer message, or `created_at` if earlier;
 * - first response: the first public message by a human agent (role `agent`, not internal) after the clock start;
 *   bot, system and internal messages never stop the clock. An outbound conversation (an agent wrote before the
 *   customer) starts its clock at the customer's first message;
 * - reply times: each customer turn, from its first customer message to the next public agent message;
 * - resolutions: `resolved` events and `resolved_at`; reopens: `reopened` events. Resolution time runs from start to
 *   the last resolution, and exists only while the conversation is resolved (no reopen after the last resolution).
 *
 * @example
 * const facts = computeConversationFacts(conversation, ALWAYS_OPEN);
 * facts.firstResponseMs; // 120000
 */
export function computeConversationFacts(conversation: FactsConversation, calendar: BusinessCalendar): ConversationFacts {
  const business = (from: number, to: number): number => calendar.businessMsBetween(from, to);

  // One pass. The first response is always the agent message that closes the first customer turn: in a customer's
  // conversation no public agent message precedes the first customer message, and in an outbound one the first
  // response is by definition the first public agent message after it.
  let firstCustomerMessageAt: number | null = null;
  let agentWroteFirst = false;
  let waitingSince: number | null = null;
  let response: FactsMessage | undefined;
  const replyTimesMs: number[] = [];
  const replyBusinessTimesMs: number[] = [];
  for (const message of conversation.messages) {
    if (isCustomerMessage(message)) {
      firstCustomerMessageAt ??= message.createdAt;
      waitingSince ??= message.createdAt;
    } else if (isPublicAgentMessage(message)) {
      if (firstCustomerMessageAt === null) agentWroteFirst = true;
      else if (waitingSince !== null) {
        response ??= message;
        replyTimesMs.push(Math.max(0, message.createdAt - waitingSince));
        replyBusinessTimesMs.push(business(waitingSince, message.createdAt));
        waitingSince = null;
      }
    }
  }

  const startAt = firstCustomerMessageAt === null ? conversation.createdAt : Math.min(conversation.createdAt, firstCustomerMessageAt);
  const initiatedBy: ConversationInitiator = agentWroteFirst ? 'agent' : 'customer';
  const clockStartAt = initiatedBy === 'customer' ? startAt : firstCustomerMessageAt;
  const firstResponseAt = clockStartAt !== null && response ? response.createdAt : null;
  const firstResponseMs = firstResponseAt !== null && clockStartAt !== null ? Math.max(0, firstResponseAt - clockStartAt) : null;
  const firstResponseBusinessMs = firstResponseAt !== null && clockStartAt !== null ? business(clockStartAt, firstResponseAt) : null;
  const firstResponderId = firstResponseAt !== null ? (response?.authorId ?? null) : null;

  let resolutions: number[];
  let reopenCount = 0;
  let lastReopenedAt = Number.NEGATIVE_INFINITY;
  if (conversation.events.length === 0) {
    resolutions = conversation.resolvedAt === null ? [] : [conversation.resolvedAt];
  } else {
    const resolutionInstants = new Set<number>();
    for (const event of conversation.events) {
      if (event.kind === 'resolved') resolutionInstants.add(event.createdAt);
      else if (event.kind === 'reopened') {
        reopenCount += 1;
        lastReopenedAt = Math.max(lastReopenedAt, event.createdAt);
      }
    }
    if (conversation.resolvedAt !== null) resolutionInstants.add(conversation.resolvedAt);
    resolutions = [...resolutionInstants].sort((a, b) => a - b);
  }
  const firstResolvedAt = resolutions[0] ?? null;
  const lastResolvedAt = resolutions[resolutions.length - 1] ?? null;
  const isResolved = lastResolvedAt !== null && lastReopenedAt <= lastResolvedAt;

  const unanswered = clockStartAt !== null && firstResponseAt === null;
  let awaitingReplySince = waitingSince ?? (unanswered ? clockStartAt : null);
  if (awaitingReplySince !== null && isResolved && lastResolvedAt! >= awaitingReplySince) awaitingReplySince = null;

  return {
    conversationId: conversation.id,
    channel: conversation.channel,
    startAt,
    initiatedBy,
    firstCustomerMessageAt,
    clockStartAt,
    firstResponseAt,
    firstResponseMs,
    firstResponseBusinessMs,
    firstResponderId,
    agent: conversation.assignee ?? firstResponderId,
    replyTimesMs,
    replyBusinessTimesMs,
    replyMedianMs: medianOf(replyTimesMs),
    replyBusinessMedianMs: medianOf(replyBusinessTimesMs),
    resolutionCount: resolutions.length,
    firstResolvedAt,
    lastResolvedAt,
    firstResolutionMs: firstResolvedAt === null ? null : Math.max(0, firstResolvedAt - startAt),
    firstResolutionBusinessMs: firstResolvedAt === null ? null : business(startAt, firstResolvedAt),
    resolutionMs: isResolved ? Math.max(0, lastResolvedAt! - startAt) : null,
    resolutionBusinessMs: isResolved ? business(startAt, lastResolvedAt!) : null,
    isResolved,
    reopenCount,
    unanswered,
    awaitingReplySince,
  };
}
