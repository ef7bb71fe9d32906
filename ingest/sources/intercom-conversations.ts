import type { AuthorRole } from '../../db/schema.js';
import { describe, type NormalizeResult, type NormalizedConversation, type NormalizedEvent, type NormalizedMessage, type RecordIssue } from '../normalize.js';
import { emptyFeedItem, type DirectoryUser, type FeedItem, type LooseMessage } from '../feed-item.js';
import { intercomStreamOf } from '../format-signs.js';
import { normalizeCsat } from '../normalize-csat.js';
import { labelRejects, type Payload, type SourceContext, type SourceRecord } from '../source-record.js';
import type { TimestampOptions } from '../timestamps.js';
import {
  buildMessage,
  dropDuplicateMessages,
  isObject,
  lookup,
  rawOf,
  readExternalId,
  readOptionalId,
  readOptionalTime,
  readShortText,
  readTagList,
  readTime,
} from './helpdesk-fields.js';
import { readHelpdeskDocument, type HelpdeskLayout } from './helpdesk-document.js';
import { readJsonLines } from './json-lines.js';

/** Intercom author types and the role each one has here. */
export const INTERCOM_AUTHOR_ROLES: Readonly<Record<string, AuthorRole>> = {
  user: 'customer',
  lead: 'customer',
  contact: 'customer',
  admin: 'agent',
  team: 'agent',
  bot: 'bot',
};

/** Intercom's `source.type` (where the conversation started) and the channel it becomes; others keep their name. */
export const INTERCOM_CHANNELS: Readonly<Record<string, string>> = {
  conversation: 'chat',
  chat: 'chat',
  messenger: 'chat',
  email: 'email',
  twitter: 'social',
  facebook: 'social',
  instagram: 'social',
  phone_call: 'phone',
  call: 'phone',
};

/** Part types that are messages; any other part with a body is a message too (closing with a reply, say). */
const MESSAGE_PARTS = new Set(['comment', 'note', 'quick_reply']);
const ASSIGNMENT_PARTS = new Set(['assignment', 'default_assignment', 'away_mode_assignment', 'assign_and_unsnooze', 'assign_and_reopen']);

/** Intercom conversations, one a line (each line may also be a `conversation.list` page). */
export async function* readIntercomJsonLines(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  for await (const items of readJsonLines(context)) {
    const batch: SourceRecord[] = [];
    for (const item of items) {
      if (!item.ok) {
        batch.push({ line: item.line, raw: item.raw, messagesRead: 0, parsed: { ok: false, reason: item.reason } });
        continue;
      }
      const list = conversationsIn(item.value);
      if (list === undefined) {
        batch.push(conversationRecord(item.value, context, item.line, item.raw));
        continue;
      }
      list.forEach((value, index) => {
        batch.push(
          labelRejects(conversationRecord(value, context, item.line, list.length === 1 ? item.raw : rawOf(value)), `conversation ${index + 1} of the list`),
        );
      });
    }
    if (batch.length > 0) yield batch;
  }
}

/** Where an Intercom document holds its conversations: a list response's `conversations`, or an array. */
const INTERCOM_LAYOUT: HelpdeskLayout = {
  lists: [[], ['conversations']],
  isEmptyPage: (fields) => fields['type'] === 'conversation.list',
  record: (value, context, line, raw) => conversationRecord(value, context, line, raw),
};

/** An Intercom list response (`{"type":"conversation.list","conversations":[...]}`), an array, or one conversation; streamed. */
export function readIntercomDocument(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskDocument(context, INTERCOM_LAYOUT);
}

function conversationsIn(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isObject(value) && (value['type'] === 'conversation.list' || Array.isArray(value['conversations']))) {
    const list = value['conversations'];
    return Array.isArray(list) ? list : [];
  }
  return undefined;
}

function conversationRecord(value: unknown, context: SourceContext, line: number | null, raw: string): SourceRecord {
  const stream = isObject(value) ? intercomStreamOf(value) : null;
  if (stream !== null) return streamRecord(stream, value as Record<string, unknown>, context, line, raw);
  return { line, raw, messagesRead: intercomMessageCount(value), parsed: intercomConversation(value, context) };
}

/**
 * A record of a stream apart from the conversations: a part (placed in its conversation, stored or to come), admins
 * (agents) or contacts (customers), whose roles messages that name only their author take.
 */
function streamRecord(
  stream: 'parts' | 'admins' | 'contacts',
  value: Record<string, unknown>,
  options: TimestampOptions,
  line: number | null,
  raw: string,
): SourceRecord {
  if (stream === 'parts') {
    const conversationId = readExternalId(value['conversation_id'], 'conversation_id');
    if (!conversationId.ok) return { line, raw, messagesRead: 1, parsed: conversationId };
    const parsed = intercomConversation({ id: conversationId.value, created_at: value['created_at'], conversation_parts: [value] }, options);
    const messagesRead = isMessagePart(value) ? 1 : 0;
    if (!parsed.ok)
      return {
        line,
        raw,
        messagesRead,
        parsed: { ok: false, reason: `part ${String(value['id'] ?? '')} of conversation ${conversationId.value}: ${parsed.reason}` },
      };
    const whole = parsed.value.item.conversation!;
    const item: FeedItem = {
      ...emptyFeedItem('intercom'),
      conversationId: conversationId.value,
      messages: [...whole.messages, ...parsed.value.item.messages],
      events: whole.events,
    };
    if (item.messages.length + item.events.length === 0 && parsed.issues.every((issue) => issue.kind !== 'message')) {
      return {
        line,
        raw,
        messagesRead,
        parsed: {
          ok: false,
          reason: `part ${String(value['id'] ?? '')} of conversation ${conversationId.value} is neither a message nor an assignment, close or open`,
        },
      };
    }
    return { line, raw, messagesRead, parsed: { ok: true, value: { type: 'feed', item }, issues: parsed.issues } };
  }
  const list = stream === 'admins' ? (Array.isArray(value['admins']) ? value['admins'] : [value]) : Array.isArray(value['data']) ? value['data'] : [value];
  const users: DirectoryUser[] = [];
  const issues: RecordIssue[] = [];
  list.forEach((person: unknown, index: number) => {
    const id = isObject(person) ? readOptionalId(person['id']) : null;
    if (id === null)
      issues.push({ kind: 'warning', reason: `${stream === 'admins' ? 'admin' : 'contact'} ${index + 1} has no "id"; ignored`, raw: rawOf(person) });
    else users.push({ id, role: stream === 'admins' ? 'agent' : 'customer' });
  });
  return { line, raw, messagesRead: 0, parsed: { ok: true, value: { type: 'feed', item: { ...emptyFeedItem('intercom'), users } }, issues } };
}

/** How many messages a conversation holds as read, valid or not: the source, and every part that is a message. */
export function intercomMessageCount(input: unknown): number {
  if (!isObject(input)) return 0;
  const source = input['source'] ?? input['conversation_message'];
  const partsField = input['conversation_parts'];
  const parts = isObject(partsField) ? partsField['conversation_parts'] : partsField;
  let count = source === undefined || source === null ? 0 : 1;
  if (Array.isArray(parts)) for (const part of parts) if (!isObject(part) || isMessagePart(part)) count += 1;
  return count;
}

function isMessagePart(part: Record<string, unknown>): boolean {
  const partType = typeof part['part_type'] === 'string' ? part['part_type'].trim().toLowerCase() : '';
  return MESSAGE_PARTS.has(partType) || (typeof part['body'] === 'string' && part['body'].trim() !== '');
}

type Feed = Extract<Payload, { type: 'feed' }>;

/**
 * One Intercom conversation (REST API 2.x model; `conversation_message` of API 1.x is read as `source`) to the
 * stored shape. The source is the first message; comments and notes (internal) are messages; assignment, close
 * and open parts become assigned, resolved and reopened events; `statistics` supply close times when parts are
 * absent (list responses carry none).
 */
export function intercomConversation(input: unknown, options: TimestampOptions): NormalizeResult<Feed> {
  if (!isObject(input)) return { ok: false, reason: `expected an Intercom conversation object, got ${describe(input)}` };
  const id = readExternalId(input['id'], 'id');
  if (!id.ok) return id;
  const createdAt = readTime(input['created_at'], 'created_at', options);
  if (!createdAt.ok) return createdAt;
  const issues: RecordIssue[] = [];
  const drafts: { message: LooseMessage; raw: unknown; label: string }[] = [];
  const events: NormalizedEvent[] = [];

  const source = input['source'] ?? input['conversation_message'];
  let channel = 'chat';
  let subject = readShortText(input['title'], false);
  let sourceAuthor: { role: AuthorRole | null; id: string | null } | null = null;
  if (isObject(source)) {
    const sourceType = typeof source['type'] === 'string' ? source['type'].trim().toLowerCase() : '';
    if (sourceType !== '') channel = lookup(INTERCOM_CHANNELS, sourceType) ?? sourceType.slice(0, 64);
    subject = readShortText(source['subject'], true) ?? subject;
    const author = readAuthor(source['author']);
    if (!author.ok) {
      issues.push({ kind: 'message', reason: `source message: ${author.reason}`, raw: rawOf(source) });
    } else {
      sourceAuthor = author.value;
      const sourceId = readOptionalId(source['id']);
      const body = source['body'];
      drafts.push({
        message: withRole(
          author.value.role,
          buildMessage(
            {
              externalId: sourceId === null ? 'source' : `source-${sourceId}`,
              role: author.value.role ?? 'customer',
              authorId: author.value.id,
              createdAt: createdAt.value,
              body: typeof body === 'string' ? body : '',
              html: true,
              internal: false,
            },
            issues,
            'source message',
          ),
        ),
        raw: source,
        label: 'source message',
      });
    }
  } else if (source !== undefined && source !== null) {
    issues.push({ kind: 'message', reason: `"source" must be an object, got ${describe(source)}`, raw: rawOf(source) });
  }

  const partsField = input['conversation_parts'];
  const parts = isObject(partsField) ? partsField['conversation_parts'] : partsField;
  let lastAssignee: string | null = null;
  if (parts !== undefined && parts !== null && !Array.isArray(parts)) {
    issues.push({ kind: 'warning', reason: `"conversation_parts" must be a list, got ${describe(parts)}; ignored`, raw: rawOf(parts) });
  } else if (Array.isArray(parts)) {
    parts.forEach((part, index) => {
      const label = `part ${index + 1}`;
      if (!isObject(part)) {
        issues.push({ kind: 'message', reason: `${label}: expected an object, got ${describe(part)}`, raw: rawOf(part) });
        return;
      }
      const partType = typeof part['part_type'] === 'string' ? part['part_type'].trim().toLowerCase() : '';
      const body = typeof part['body'] === 'string' ? part['body'] : '';
      const isMessage = isMessagePart(part);
      const time = readTime(part['created_at'], 'created_at', options);
      const eventKind = ASSIGNMENT_PARTS.has(partType) ? 'assigned' : partType === 'close' ? 'resolved' : partType === 'open' ? 'reopened' : null;
      if (!time.ok) {
        if (isMessage) issues.push({ kind: 'message', reason: `${label}: ${time.reason}`, raw: rawOf(part) });
        else if (eventKind) issues.push({ kind: 'warning', reason: `${label} (${partType}): ${time.reason}; ignored`, raw: rawOf(part) });
        return;
      }
      const authorRef = isObject(part['author']) ? readOptionalId(part['author']['id']) : null;
      if (eventKind === 'assigned') {
        const assignee = isObject(part['assigned_to']) ? readOptionalId(part['assigned_to']['id']) : readOptionalId(part['assigned_to']);
        if (assignee !== null) lastAssignee = assignee;
        events.push({ kind: 'assigned', createdAt: time.value, actorId: assignee ?? authorRef });
      } else if (eventKind) {
        events.push({ kind: eventKind, createdAt: time.value, actorId: authorRef });
      }
      if (!isMessage) return;
      const partId = readExternalId(part['id'], 'id');
      if (!partId.ok) {
        issues.push({ kind: 'message', reason: `${label}: ${partId.reason}`, raw: rawOf(part) });
        return;
      }
      const author = readAuthor(part['author']);
      if (!author.ok) {
        issues.push({ kind: 'message', reason: `${label}: ${author.reason}`, raw: rawOf(part) });
        return;
      }
      drafts.push({
        message: withRole(
          author.value.role,
          buildMessage(
            {
              externalId: partId.value,
              role: author.value.role ?? 'customer',
              authorId: author.value.id,
              createdAt: time.value,
              body,
              html: true,
              internal: partType === 'note',
            },
            issues,
            label,
          ),
        ),
        raw: part,
        label,
      });
    });
  }

  const statistics = input['statistics'];
  let lastCloseAt: number | null = null;
  if (isObject(statistics)) {
    const closedBy = readOptionalId(statistics['last_closed_by_id']);
    // The last close first: a first close at the same time is the same close, by the same teammate.
    for (const name of ['last_close_at', 'first_close_at'] as const) {
      const at = readOptionalTime(statistics[name], `statistics.${name}`, options);
      if (!at.ok) {
        issues.push({ kind: 'warning', reason: `${at.reason}; ignored`, raw: rawOf(statistics[name]) });
        continue;
      }
      if (at.value === null) continue;
      // Resolved events are unique per conversation and time: a close part at the same second is the same event.
      if (!events.some((event) => event.kind === 'resolved' && event.createdAt === at.value)) {
        events.push({ kind: 'resolved', createdAt: at.value, actorId: name === 'last_close_at' ? closedBy : null });
      }
      if (name === 'last_close_at') lastCloseAt = at.value;
    }
  }

  const state =
    typeof input['state'] === 'string' ? input['state'].trim().toLowerCase() : typeof input['open'] === 'boolean' ? (input['open'] ? 'open' : 'closed') : null;
  const closes = events.filter((event) => event.kind === 'resolved').map((event) => event.createdAt);
  const resolvedAt = state === 'closed' ? (lastCloseAt ?? (closes.length > 0 ? Math.max(...closes) : null)) : null;
  const contacts = isObject(input['contacts']) ? input['contacts']['contacts'] : undefined;
  const firstContact = Array.isArray(contacts) && isObject(contacts[0]) ? readOptionalId(contacts[0]['id']) : null;
  const customerId = sourceAuthor?.role === 'customer' ? sourceAuthor.id : firstContact;
  const tagsField = input['tags'];
  const tags = readTagList(isObject(tagsField) ? tagsField['tags'] : tagsField, (tag) => (isObject(tag) ? tag['name'] : tag));

  const ratingField = input['conversation_rating'];
  const rating = isObject(ratingField) ? ratingField['rating'] : undefined;
  const csat = normalizeCsat('intercom', rating);
  if (csat === null && rating !== undefined && rating !== null) {
    issues.push({ kind: 'warning', reason: `conversation_rating ${describe(rating)} is not 1-5; ignored`, raw: rawOf(ratingField) });
  }
  const teamField = input['team_assignee'];
  const team = isObject(teamField) ? (readShortText(teamField['name'], false) ?? readOptionalId(teamField['id'])) : readOptionalId(input['team_assignee_id']);

  const conversation: NormalizedConversation = {
    source: 'intercom',
    externalId: id.value,
    channel,
    createdAt: createdAt.value,
    status: state,
    resolvedAt,
    customerId,
    assignee: readOptionalId(input['admin_assignee_id']) ?? lastAssignee,
    subject,
    language: null,
    tags,
    team,
    csatRating: csat?.rating ?? null,
    csat: csat?.level ?? null,
    events,
    messages: [],
  };
  const messages = dropDuplicateMessages(drafts, issues);
  conversation.messages = messages.filter((message): message is NormalizedMessage => message.role !== null);
  const item: FeedItem = {
    ...emptyFeedItem('intercom'),
    conversation,
    conversationId: id.value,
    messages: messages.filter((message) => message.role === null),
  };
  const updatedAt = readOptionalTime(input['updated_at'], 'updated_at', options);
  if (updatedAt.ok) item.updatedAt = updatedAt.value;
  return { ok: true, value: { type: 'feed', item }, issues };
}

function withRole(role: AuthorRole | null, message: NormalizedMessage): LooseMessage {
  return { ...message, role };
}

/** An author's role from its type; null when only its id is given (the store takes the role from the admins and contacts it knows). */
function readAuthor(value: unknown): { ok: true; value: { role: AuthorRole | null; id: string | null } } | { ok: false; reason: string } {
  if (!isObject(value))
    return { ok: false, reason: value === undefined || value === null ? 'missing field "author"' : `"author" must be an object, got ${describe(value)}` };
  const type = typeof value['type'] === 'string' ? value['type'].trim().toLowerCase() : '';
  if (type === '' && readOptionalId(value['id']) !== null) return { ok: true, value: { role: null, id: readOptionalId(value['id']) } };
  const role = lookup(INTERCOM_AUTHOR_ROLES, type);
  if (!role) {
    return { ok: false, reason: `unknown author type ${JSON.stringify(value['type'] ?? null)} (expected ${Object.keys(INTERCOM_AUTHOR_ROLES).join(', ')})` };
  }
  return { ok: true, value: { role, id: readOptionalId(value['id']) } };
}
