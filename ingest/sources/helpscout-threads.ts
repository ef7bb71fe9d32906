import { emptyFeedItem, type FeedItem } from '../feed-item.js';
import { describe, type RecordIssue } from '../normalize.js';
import type { SourceContext, SourceRecord } from '../source-record.js';
import type { TimestampOptions } from '../timestamps.js';
import { readHelpdeskDocument, readHelpdeskJsonLines, type HelpdeskLayout } from './helpdesk-document.js';
import { dropDuplicateMessages, isObject, readExternalId } from './helpdesk-fields.js';
import { helpscoutMessageCount, readThreads } from './helpscout-conversations.js';

/** One threads response a document (or a line), or an array of them. */
const THREADS_LAYOUT: HelpdeskLayout = { lists: [[]], record: (value, context, line, raw) => helpscoutThreadsRecord(value, context, line, raw) };

/**
 * Help Scout threads responses (`GET /v2/conversations/{id}/threads`, Mailbox API 2.0): a conversation's threads
 * apart from it, joined with the conversation (from a list response without threads) stored or to come.
 */
export function readHelpscoutThreadsDocument(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskDocument(context, THREADS_LAYOUT);
}

export function readHelpscoutThreadsJsonLines(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskJsonLines(context, THREADS_LAYOUT);
}

/** The conversation a threads response belongs to: its `_links.self.href` (`.../conversations/123/threads`), else a `conversationId` field. */
function conversationOf(value: Record<string, unknown>): unknown {
  const links = isObject(value['_links']) ? value['_links'] : {};
  for (const name of ['self', 'first', 'next', 'last', 'page'] as const) {
    const link = links[name];
    const href = isObject(link) && typeof link['href'] === 'string' ? link['href'] : '';
    const id = /\/conversations\/([^/?#]+)\/threads/.exec(href)?.[1];
    if (id !== undefined) return decodeURIComponent(id);
  }
  return value['conversationId'] ?? value['conversation_id'];
}

/** One threads response to its conversation's messages and the events its status and assignee changes make. */
export function helpscoutThreadsRecord(value: unknown, options: TimestampOptions, line: number | null, raw: string): SourceRecord {
  const messagesRead = helpscoutMessageCount(value);
  if (!isObject(value) || !isObject(value['_embedded']) || !Array.isArray(value['_embedded']['threads'])) {
    return {
      line,
      raw,
      messagesRead,
      parsed: { ok: false, reason: `expected a Help Scout threads response ({"_embedded": {"threads": [...]}}), got ${describe(value)}` },
    };
  }
  const conversationId = readExternalId(conversationOf(value), 'conversation id');
  if (!conversationId.ok) {
    const reason = `a threads response that does not name its conversation (no "_links.self.href" of /conversations/{id}/threads, no "conversationId"): ${conversationId.reason}`;
    return { line, raw, messagesRead, parsed: { ok: false, reason } };
  }
  const issues: RecordIssue[] = [];
  const { drafts, events } = readThreads(value['_embedded']['threads'], options, issues);
  const item: FeedItem = { ...emptyFeedItem('helpscout'), conversationId: conversationId.value, messages: dropDuplicateMessages(drafts, issues), events };
  return { line, raw, messagesRead, parsed: { ok: true, value: { type: 'feed', item }, issues } };
}
