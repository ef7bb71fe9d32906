import { emptyFeedItem, type FeedItem } from '../feed-item.js';
import { describe, type NormalizeResult, type RecordIssue } from '../normalize.js';
import type { Payload } from '../source-record.js';
import type { TimestampOptions } from '../timestamps.js';
import { chatwootConversation, chatwootMessageCount } from './chatwoot-conversations.js';
import { isObject, readExternalId, readOptionalTime, type Fields } from './helpdesk-fields.js';

type Feed = Extract<Payload, { type: 'feed' }>;

/**
 * One Chatwoot webhook payload to what it adds to its conversation, read by the Chatwoot reader's own mapping
 * (`chatwootConversation`): `conversation_created`, `conversation_updated` and `conversation_status_changed` carry
 * the conversation (with its latest messages); `message_created` and `message_updated` one message, with its
 * conversation under `conversation`. A conversation whose status is `resolved` without a resolving activity message
 * in the payload is resolved at its `updated_at`.
 */
export function chatwootWebhookEvent(value: Fields, options: TimestampOptions): { parsed: NormalizeResult<Feed>; messagesRead: number } {
  const event = String(value['event']);
  if (!event.startsWith('message_')) {
    const parsed = chatwootConversation(value, options);
    const messagesRead = chatwootMessageCount(value);
    if (!parsed.ok) return { parsed, messagesRead };
    const conversation = parsed.value.conversation;
    const updatedAt = readOptionalTime(value['updated_at'] ?? value['timestamp'], 'updated_at', options);
    const at = updatedAt.ok ? updatedAt.value : null;
    if (conversation.status === 'resolved' && at !== null && !conversation.events.some((e) => e.kind === 'resolved')) {
      conversation.events.push({ kind: 'resolved', createdAt: at, actorId: conversation.assignee });
      conversation.resolvedAt = Math.max(conversation.resolvedAt ?? 0, at);
    }
    const item: FeedItem = { ...emptyFeedItem('chatwoot'), conversation, conversationId: conversation.externalId, updatedAt: at };
    return { parsed: { ok: true, value: { type: 'feed', item }, issues: withoutNoMessages(parsed.issues) }, messagesRead };
  }

  const issues: RecordIssue[] = [];
  const conversationField = value['conversation'];
  const messagesRead = chatwootMessageCount({ messages: [value] });
  if (!isObject(conversationField))
    return { parsed: { ok: false, reason: `${event}: "conversation" must be an object, got ${describe(conversationField)}` }, messagesRead };
  const conversationId = readExternalId(conversationField['id'], 'conversation.id');
  if (!conversationId.ok) return { parsed: conversationId, messagesRead };
  const { conversation: _nested, account: _account, inbox: _inbox, event: _event, ...message } = value;
  const known = conversationField['created_at'] !== undefined;
  // The message read as the only message of its conversation: one mapping for both.
  const parsed = chatwootConversation(
    { ...conversationField, created_at: known ? conversationField['created_at'] : message['created_at'], messages: [message] },
    options,
  );
  if (!parsed.ok) return { parsed: { ok: false, reason: `${event}: ${parsed.reason}` }, messagesRead };
  issues.push(...withoutNoMessages(parsed.issues));
  const conversation = parsed.value.conversation;
  const item: FeedItem = { ...emptyFeedItem('chatwoot'), conversationId: conversationId.value };
  if (known) {
    item.conversation = conversation;
    const updatedAt = readOptionalTime(conversationField['updated_at'] ?? conversationField['timestamp'], 'updated_at', options);
    item.updatedAt = updatedAt.ok ? updatedAt.value : null;
  } else {
    // Without the conversation's creation time only the message is placed (in the conversation stored, or later).
    item.messages = conversation.messages;
    item.events = conversation.events;
  }
  return { parsed: { ok: true, value: { type: 'feed', item }, issues }, messagesRead };
}

/** A webhook carries only the latest messages: "no messages in this file" says nothing about the conversation. */
function withoutNoMessages(issues: RecordIssue[]): RecordIssue[] {
  return issues.filter((issue) => !issue.reason.endsWith('has no "messages" in this file; loaded without messages'));
}
