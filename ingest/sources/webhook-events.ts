import { emptyFeedItem, type FeedItem } from '../feed-item.js';
import { webhookEventSource } from '../format-signs.js';
import { describe } from '../normalize.js';
import type { SourceContext, SourceRecord } from '../source-record.js';
import type { TimestampOptions } from '../timestamps.js';
import { chatwootWebhookEvent } from './chatwoot-webhook.js';
import { readHelpdeskDocument, readHelpdeskJsonLines, type HelpdeskLayout } from './helpdesk-document.js';
import { isObject, readOptionalId } from './helpdesk-fields.js';
import { intercomConversation, intercomMessageCount } from './intercom-conversations.js';
import { zendeskWebhookEvent } from './zendesk-webhook-event.js';

/**
 * Webhook payloads as a feed: a folder the helpdesk's webhooks write to, one event a file (a JSON document, or an
 * array of events) or one a line. Each event updates its conversation; events of Zendesk, Intercom and Chatwoot may
 * be mixed.
 */
export function readWebhookEventsDocument(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskDocument(context, WEBHOOK_LAYOUT);
}

export function readWebhookEventsJsonLines(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskJsonLines(context, WEBHOOK_LAYOUT);
}

/** One event a document (or a line), or an array of them. */
const WEBHOOK_LAYOUT: HelpdeskLayout = { lists: [[]], record: (value, context, line, raw) => webhookEventRecord(value, context, line, raw) };

/** One webhook payload to a source record of what it adds. */
export function webhookEventRecord(value: unknown, options: TimestampOptions, line: number | null, raw: string): SourceRecord {
  const source = webhookEventSource(value);
  if (source === null || !isObject(value)) {
    const reason = isObject(value)
      ? `not a webhook event supportlens reads (Zendesk "zen:event-type:ticket.*", Intercom "notification_event", Chatwoot message_* or conversation_*); keys ${Object.keys(value).slice(0, 12).join(', ')}`
      : `expected a webhook event object, got ${describe(value)}`;
    return { line, raw, messagesRead: 0, parsed: { ok: false, reason } };
  }
  if (source === 'zendesk') return { line, raw, ...zendeskWebhookEvent(value, options) };
  if (source === 'chatwoot') return { line, raw, ...chatwootWebhookEvent(value, options) };
  return { line, raw, ...intercomNotification(value, options) };
}

/**
 * An Intercom `notification_event`: its `data.item` is the conversation as it stands (with the parts of this
 * update), a contact or an admin (whose role later messages take).
 */
function intercomNotification(value: Record<string, unknown>, options: TimestampOptions): Pick<SourceRecord, 'messagesRead' | 'parsed'> {
  const data = value['data'] as Record<string, unknown>;
  const item = data['item'];
  const topic = typeof value['topic'] === 'string' ? value['topic'] : '(no topic)';
  if (isObject(item) && (item['type'] === 'contact' || item['type'] === 'user' || item['type'] === 'lead' || item['type'] === 'admin')) {
    const id = readOptionalId(item['id']);
    if (id === null) return { messagesRead: 0, parsed: { ok: false, reason: `${topic}: the ${String(item['type'])} has no "id"` } };
    const feed: FeedItem = { ...emptyFeedItem('intercom'), users: [{ id, role: item['type'] === 'admin' ? 'agent' : 'customer' }] };
    return { messagesRead: 0, parsed: { ok: true, value: { type: 'feed', item: feed }, issues: [] } };
  }
  const parsed = intercomConversation(item, options);
  if (!parsed.ok) return { messagesRead: intercomMessageCount(item), parsed: { ok: false, reason: `${topic}: ${parsed.reason}` } };
  return { messagesRead: intercomMessageCount(item), parsed };
}
