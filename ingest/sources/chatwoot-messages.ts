import { emptyFeedItem, type FeedItem } from '../feed-item.js';
import { normalizeCsat } from '../normalize-csat.js';
import { describe, type RecordIssue } from '../normalize.js';
import type { SourceContext, SourceRecord } from '../source-record.js';
import type { TimestampOptions } from '../timestamps.js';
import { chatwootMessageCount, readChatwootMessages } from './chatwoot-conversations.js';
import { readHelpdeskDocument, readHelpdeskJsonLines, type HelpdeskLayout } from './helpdesk-document.js';
import { dropDuplicateMessages, isObject, rawOf, readExternalId } from './helpdesk-fields.js';

/** A messages response's `payload` (or an array of messages): one record a message, each naming its conversation. */
const MESSAGES_LAYOUT: HelpdeskLayout = {
  lists: [[], ['payload']],
  isEmptyPage: (fields) => 'meta' in fields && !('conversation_id' in fields),
  record: (value, context, line, raw) => chatwootMessageRecord(value, context, line, raw),
};

/**
 * Chatwoot messages apart from their conversation: messages responses (`GET /api/v1/accounts/{id}/conversations/
 * {conversation_id}/messages`, `{"meta": {...}, "payload": [message, ...]}`), joined by each message's
 * `conversation_id` with the conversation (from a conversation list response) stored or to come.
 */
export function readChatwootMessagesDocument(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskDocument(context, MESSAGES_LAYOUT);
}

/** A messages stream: one message a line (or one messages response a line). */
export function readChatwootMessagesJsonLines(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskJsonLines(context, MESSAGES_LAYOUT);
}

/**
 * One message to what it adds to its conversation, read by the conversation reader's own mapping; a submitted CSAT
 * survey (`input_csat`) rates a conversation that has no rating of its own.
 */
export function chatwootMessageRecord(value: unknown, options: TimestampOptions, line: number | null, raw: string): SourceRecord {
  const messagesRead = chatwootMessageCount({ messages: [value] });
  if (!isObject(value)) return { line, raw, messagesRead, parsed: { ok: false, reason: `expected a Chatwoot message object, got ${describe(value)}` } };
  const conversationId = readExternalId(value['conversation_id'], 'conversation_id');
  if (!conversationId.ok) {
    return { line, raw, messagesRead, parsed: { ok: false, reason: `a message that does not name its conversation: ${conversationId.reason}` } };
  }
  const issues: RecordIssue[] = [];
  const { drafts, events, surveyRating } = readChatwootMessages([value], options, issues, () => 'message');
  const csat = normalizeCsat('chatwoot', surveyRating);
  if (csat === null && surveyRating !== undefined && surveyRating !== null) {
    issues.push({ kind: 'warning', reason: `CSAT rating ${describe(surveyRating)} is not 1-5; ignored`, raw: rawOf(surveyRating) });
  }
  const item: FeedItem = { ...emptyFeedItem('chatwoot'), conversationId: conversationId.value, messages: dropDuplicateMessages(drafts, issues), events, csat };
  return { line, raw, messagesRead, parsed: { ok: true, value: { type: 'feed', item }, issues } };
}
