import type { AuthorRole } from '../../db/schema.js';
import { emptyFeedItem, type FeedItem, type LooseMessage } from '../feed-item.js';
import { describe, type NormalizeResult, type NormalizedConversation, type NormalizedEvent, type RecordIssue } from '../normalize.js';
import type { Payload } from '../source-record.js';
import type { TimestampOptions } from '../timestamps.js';
import { buildMessage, isObject, lookup, rawOf, readExternalId, readOptionalId, readOptionalTime, readShortText, readTagList, readTime, type Fields } from './helpdesk-fields.js';

/**
 * Chatwoot's inbox channel types (`Channel::WebWidget`) and the channel each becomes; any other keeps its name
 * without the prefix. Shared with the Chatwoot export reader.
 */
export const CHATWOOT_CHANNELS: Readonly<Record<string, string>> = {
  'channel::webwidget': 'chat',
  'channel::email': 'email',
  'channel::api': 'api',
  'channel::whatsapp': 'social',
  'channel::facebookpage': 'social',
  'channel::twitterprofile': 'social',
  'channel::instagram': 'social',
  'channel::telegram': 'social',
  'channel::line': 'social',
  'channel::sms': 'sms',
  'channel::twiliosms': 'sms',
};

/** Chatwoot message types, by name or number, and the role of their messages (outgoing: see `chatwootRole`). */
const MESSAGE_TYPES: Readonly<Record<string, 'incoming' | 'outgoing' | 'activity' | 'template'>> = {
  incoming: 'incoming', '0': 'incoming',
  outgoing: 'outgoing', '1': 'outgoing',
  activity: 'activity', '2': 'activity',
  template: 'template', '3': 'template',
};

/** Sender types of outgoing messages: an agent (`user`) or a bot. */
const SENDER_ROLES: Readonly<Record<string, AuthorRole>> = { user: 'agent', agent_bot: 'bot', captain_assistant: 'bot', contact: 'customer' };

const RESOLVED = new Set(['resolved']);

type Feed = Extract<Payload, { type: 'feed' }>;

/**
 * One Chatwoot webhook payload to what it adds to its conversation: `conversation_created`, `conversation_updated`
 * and `conversation_status_changed` carry the conversation (with its recent messages); `message_created` and
 * `message_updated` one message, with its conversation under `conversation`.
 */
export function chatwootWebhookEvent(value: Fields, options: TimestampOptions): { parsed: NormalizeResult<Feed>; messagesRead: number } {
  const issues: RecordIssue[] = [];
  const event = String(value['event']);
  const item: FeedItem = emptyFeedItem('chatwoot');
  if (event.startsWith('message_')) {
    const conversationField = value['conversation'];
    if (!isObject(conversationField)) return { parsed: { ok: false, reason: `${event}: "conversation" must be an object, got ${describe(conversationField)}` }, messagesRead: 1 };
    const conversationId = readExternalId(conversationField['id'] ?? conversationField['display_id'], 'conversation.id');
    if (!conversationId.ok) return { parsed: conversationId, messagesRead: 1 };
    item.conversationId = conversationId.value;
    if (conversationField['created_at'] !== undefined) {
      const head = chatwootConversation(conversationField, options, issues, false);
      if (head.ok) {
        item.conversation = head.value;
        item.updatedAt = head.updatedAt;
      }
      else issues.push({ kind: 'warning', reason: `${event}: its conversation: ${head.reason}; the message is placed in the conversation stored`, raw: rawOf(conversationField) });
    }
    const message = chatwootMessage(value, options, issues, 'message');
    if (message === 'skip') return { parsed: { ok: true, value: { type: 'feed', item }, issues }, messagesRead: 0 };
    if (message === null) return { parsed: { ok: true, value: { type: 'feed', item }, issues }, messagesRead: 1 };
    item.messages.push(message);
    return { parsed: { ok: true, value: { type: 'feed', item }, issues }, messagesRead: 1 };
  }
  const conversation = chatwootConversation(value, options, issues, true);
  if (!conversation.ok) return { parsed: conversation, messagesRead: Array.isArray(value['messages']) ? value['messages'].length : 0 };
  item.conversation = conversation.value;
  item.conversationId = conversation.value.externalId;
  item.updatedAt = conversation.updatedAt;
  return { parsed: { ok: true, value: { type: 'feed', item }, issues }, messagesRead: conversation.read };
}

/** A Chatwoot conversation as its webhooks and API give it; `withMessages`: its `messages` are read too. */
export function chatwootConversation(
  value: Fields,
  options: TimestampOptions,
  issues: RecordIssue[],
  withMessages: boolean,
): { ok: true; value: NormalizedConversation; read: number; updatedAt: number | null } | { ok: false; reason: string } {
  const id = readExternalId(value['id'] ?? value['display_id'], 'id');
  if (!id.ok) return id;
  const createdAt = readTime(value['created_at'], 'created_at', options);
  if (!createdAt.ok) return createdAt;
  const channelType = typeof value['channel'] === 'string' ? value['channel'].trim().toLowerCase() : '';
  const channel = channelType === '' ? 'chat' : (lookup(CHATWOOT_CHANNELS, channelType) ?? channelType.replace(/^channel::/, '').slice(0, 64));
  const status = typeof value['status'] === 'string' && value['status'].trim() !== '' ? value['status'].trim().toLowerCase() : null;
  const meta = isObject(value['meta']) ? value['meta'] : {};
  const sender = isObject(meta['sender']) ? meta['sender'] : undefined;
  const assignee = isObject(meta['assignee']) ? readOptionalId(meta['assignee']['id']) : null;
  const events: NormalizedEvent[] = [];
  let resolvedAt: number | null = null;
  if (status !== null && RESOLVED.has(status)) {
    const at = readOptionalTime(value['updated_at'] ?? value['timestamp'], 'updated_at', options);
    if (at.ok && at.value !== null) {
      resolvedAt = at.value;
      events.push({ kind: 'resolved', createdAt: at.value, actorId: assignee });
    }
  }
  const messages: LooseMessage[] = [];
  let read = 0;
  if (withMessages && Array.isArray(value['messages'])) {
    value['messages'].forEach((raw: unknown, index: number) => {
      if (!isObject(raw)) {
        read += 1;
        issues.push({ kind: 'message', reason: `message ${index + 1}: expected an object, got ${describe(raw)}`, raw: rawOf(raw) });
        return;
      }
      const message = chatwootMessage(raw, options, issues, `message ${index + 1}`);
      if (message === 'skip') return;
      read += 1;
      if (message) messages.push(message);
    });
  }
  const conversation: NormalizedConversation = {
    source: 'chatwoot',
    externalId: id.value,
    channel,
    createdAt: createdAt.value,
    status,
    resolvedAt,
    customerId: sender ? readOptionalId(sender['id']) : null,
    assignee,
    subject: isObject(value['additional_attributes']) ? readShortText(value['additional_attributes']['mail_subject'], false) : null,
    language: null,
    tags: readTagList(value['labels']),
    events,
    messages: messages.map((message) => ({ ...message, role: message.role ?? 'customer' })),
  };
  const updatedAt = readOptionalTime(value['updated_at'] ?? value['timestamp'], 'updated_at', options);
  return { ok: true, value: conversation, read, updatedAt: updatedAt.ok ? updatedAt.value : null };
}

/**
 * A Chatwoot message: incoming is the customer's; outgoing is an agent's (sender `user`) or a bot's (`agent_bot`, or
 * no sender: an automatic reply); template messages are a bot's; activity messages (assignments, status notes) are
 * not messages ('skip'). Private messages are internal notes.
 */
function chatwootMessage(value: Fields, options: TimestampOptions, issues: RecordIssue[], label: string): LooseMessage | null | 'skip' {
  const typeName = value['message_type'] === undefined || value['message_type'] === null ? '' : String(value['message_type']).trim().toLowerCase();
  const type = lookup(MESSAGE_TYPES, typeName);
  if (type === 'activity') return 'skip';
  const reject = (reason: string): null => {
    issues.push({ kind: 'message', reason: `${label}: ${reason}`, raw: rawOf(value) });
    return null;
  };
  if (!type) return reject(`unknown message_type ${JSON.stringify(value['message_type'] ?? null)} (expected incoming, outgoing, activity or template)`);
  const id = readExternalId(value['id'], 'id');
  if (!id.ok) return reject(id.reason);
  const createdAt = readTime(value['created_at'], 'created_at', options);
  if (!createdAt.ok) return reject(createdAt.reason);
  const sender = isObject(value['sender']) ? value['sender'] : undefined;
  const senderType = sender && typeof sender['type'] === 'string' ? sender['type'].trim().toLowerCase() : '';
  let role: AuthorRole;
  if (type === 'incoming') role = 'customer';
  else if (type === 'template') role = 'bot';
  else if (!sender) role = 'bot';
  else {
    const byType = lookup(SENDER_ROLES, senderType);
    if (!byType) return reject(`outgoing message from a sender of type ${JSON.stringify(sender['type'] ?? null)} (expected user, agent_bot)`);
    role = byType;
  }
  const content = typeof value['content'] === 'string' ? value['content'] : '';
  const message = buildMessage(
    { externalId: id.value, role, authorId: sender ? readOptionalId(sender['id']) : null, createdAt: createdAt.value, body: content, html: false, internal: value['private'] === true },
    issues,
    `${label} (${id.value})`,
  );
  return message;
}
