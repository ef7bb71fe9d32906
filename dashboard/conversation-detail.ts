import type { Kysely } from '#kysely';
import type { AuthorRole, ConversationEventKind, Database } from '../db/schema.js';
import { normalizeText } from '../analysis/text/normalize-text.js';
import { redactPersonalData } from '../analysis/text/redact-personal-data.js';
import { findConversationRecords } from './conversation-detail-queries.js';
import { breachRules } from './conversation-list-filter.js';
import type { ResponseTimeConfig, TargetBasis } from '../analysis/response-times/response-time-config.js';

/**
 * Customer-side text as the reports show it: normalized (NFKC, white space collapsed) and with personal data
 * replaced by placeholders. The raw text never leaves the server.
 *
 * @example
 * redactForDisplay('mail  ann@example.com'); // 'mail <EMAIL>'
 */
export function redactForDisplay(text: string | null): string | null {
  return text === null ? null : redactPersonalData(normalizeText(text));
}

export type TimelineKind = 'message' | 'first_response' | 'reply' | ConversationEventKind;

export interface ConversationMessageView {
  id: string;
  role: AuthorRole;
  /** Agents and bots by their id; customers never by theirs (it is often an e-mail address or a phone number). */
  author: string | null;
  at: number;
  internal: boolean;
  body: string;
  truncated: boolean;
  /** This message stopped the first-response clock. */
  firstResponse: boolean;
}

export interface ConversationBreach {
  kind: 'first_response' | 'resolution';
  status: 'late' | 'waiting';
  durationMs: number;
  targetMs: number;
  basis: TargetBasis;
}

export interface ConversationDetail {
  id: number;
  conversationId: string;
  source: string;
  channel: string;
  status: string | null;
  subject: string | null;
  createdAt: number;
  assignee: string | null;
  team: string | null;
  csat: string | null;
  tags: string[];
  language: string | null;
  question: string | null;
  facts: {
    startAt: number;
    firstResponseAt: number | null;
    firstResponseMs: number | null;
    firstResponseBusinessMs: number | null;
    agent: string | null;
    replyCount: number;
    replyTimesMs: number[];
    resolutionCount: number;
    firstResolvedAt: number | null;
    lastResolvedAt: number | null;
    resolutionMs: number | null;
    reopenCount: number;
    unanswered: boolean;
    unansweredAgeMs: number | null;
  } | null;
  events: { kind: ConversationEventKind; at: number; actor: string | null }[];
  breaches: ConversationBreach[];
  topic: { topicId: number; label: string } | null;
  faq: { entryId: string; title: string | null; score: number; covered: boolean } | null;
  messages: ConversationMessageView[];
  asOf: number;
}

/**
 * One conversation as its page shows it, from the latest succeeded analysis: the transcript redacted as the
 * reports redact, the facts, the events, the breached targets, its topic and its best FAQ entry. Undefined when no
 * conversation has that id.
 *
 * @example
 * const detail = await findConversationDetail(db, 42, { config, asOf: Date.now() });
 */
export async function findConversationDetail(
  db: Kysely<Database>,
  id: number,
  options: { config: ResponseTimeConfig; asOf: number },
): Promise<ConversationDetail | undefined> {
  const records = await findConversationRecords(db, id);
  if (!records) return undefined;
  const { conversation, facts, messages, events, question, topic, match } = records;

  const breaches: ConversationBreach[] = [];
  if (facts) {
    for (const kind of ['first_response', 'resolution'] as const) {
      const [rule] = breachRules(options.config, [facts.channel], kind, options.asOf);
      if (!rule) continue;
      const business = rule.basis === 'business';
      if (kind === 'first_response' && facts.clock_start_at !== null) {
        if (facts.unanswered === 1) {
          if (facts.clock_start_at < rule.waitingBreachedBefore)
            breaches.push({
              kind,
              status: 'waiting',
              durationMs: Math.max(0, options.asOf - facts.clock_start_at),
              targetMs: rule.targetMs,
              basis: rule.basis,
            });
        } else {
          const duration = (business ? facts.first_response_business_ms : facts.first_response_ms) ?? 0;
          if (duration > rule.targetMs) breaches.push({ kind, status: 'late', durationMs: duration, targetMs: rule.targetMs, basis: rule.basis });
        }
      }
      if (kind === 'resolution') {
        if (facts.is_resolved === 0) {
          if (facts.start_at < rule.waitingBreachedBefore)
            breaches.push({ kind, status: 'waiting', durationMs: Math.max(0, options.asOf - facts.start_at), targetMs: rule.targetMs, basis: rule.basis });
        } else {
          const duration = (business ? facts.resolution_business_ms : facts.resolution_ms) ?? 0;
          if (duration > rule.targetMs) breaches.push({ kind, status: 'late', durationMs: duration, targetMs: rule.targetMs, basis: rule.basis });
        }
      }
    }
  }

  let firstResponseMarked = false;
  return {
    id,
    conversationId: conversation.external_id,
    source: conversation.source,
    channel: conversation.channel,
    status: conversation.status,
    subject: redactForDisplay(conversation.subject),
    createdAt: conversation.created_at,
    assignee: conversation.assignee,
    team: conversation.team,
    csat: conversation.csat,
    tags: JSON.parse(conversation.tags) as string[],
    language: question?.language ?? null,
    question: question?.question ?? null,
    facts: facts
      ? {
          startAt: facts.start_at,
          firstResponseAt: facts.first_response_at,
          firstResponseMs: facts.first_response_ms,
          firstResponseBusinessMs: facts.first_response_business_ms,
          agent: facts.agent,
          replyCount: facts.reply_count,
          replyTimesMs: JSON.parse(facts.reply_times_ms) as number[],
          resolutionCount: facts.resolution_count,
          firstResolvedAt: facts.first_resolved_at,
          lastResolvedAt: facts.last_resolved_at,
          resolutionMs: facts.resolution_ms,
          reopenCount: facts.reopen_count,
          unanswered: facts.unanswered === 1,
          unansweredAgeMs: facts.unanswered === 1 ? Math.max(0, options.asOf - (facts.clock_start_at ?? facts.start_at)) : null,
        }
      : null,
    events: events.map((event) => ({ kind: event.kind, at: event.created_at, actor: event.actor_id })),
    breaches,
    topic: topic ? { topicId: topic.topic_id, label: topic.label } : null,
    faq: match ? { entryId: match.external_id, title: match.title, score: match.score, covered: match.covered === 1 } : null,
    messages: messages.map((message) => {
      const firstResponse =
        !firstResponseMarked && facts?.first_response_at === message.created_at && message.author_role === 'agent' && message.internal === 0;
      if (firstResponse) firstResponseMarked = true;
      return {
        id: message.external_id,
        role: message.author_role,
        author: message.author_role === 'customer' ? null : message.author_id,
        at: message.created_at,
        internal: message.internal === 1,
        body: redactForDisplay(message.body) ?? '',
        truncated: message.body_truncated === 1,
        firstResponse,
      };
    }),
    asOf: options.asOf,
  };
}
