import type { AuthorRole } from '../../db/schema.js';
import { normalizeCsat } from '../normalize-csat.js';
import { describe, type NormalizeResult, type NormalizedConversation, type NormalizedEvent, type NormalizedMessage, type RecordIssue } from '../normalize.js';
import type { Payload, SourceContext, SourceRecord } from '../source-record.js';
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
  type Fields,
} from './helpdesk-fields.js';
import { readHelpdeskDocument, readHelpdeskJsonLines, type HelpdeskLayout } from './helpdesk-document.js';

/** Freshdesk ticket `source` codes: the channel, and the tag kept when a form or widget folds into email. */
export const FRESHDESK_SOURCES: Readonly<Record<string, { channel: string; tag?: string }>> = {
  '1': { channel: 'email' },
  '2': { channel: 'email', tag: 'source:portal' },
  '3': { channel: 'phone' },
  '4': { channel: 'forum' },
  '5': { channel: 'social', tag: 'source:twitter' },
  '6': { channel: 'social', tag: 'source:facebook' },
  '7': { channel: 'chat' },
  '8': { channel: 'mobile' },
  '9': { channel: 'email', tag: 'source:feedback_widget' },
  '10': { channel: 'email', tag: 'source:outbound_email' },
  '11': { channel: 'ecommerce' },
};

/** Freshdesk's built-in ticket status codes; custom statuses keep their number. */
export const FRESHDESK_STATUSES: Readonly<Record<string, string>> = {
  '2': 'open',
  '3': 'pending',
  '4': 'resolved',
  '5': 'closed',
  '6': 'waiting on customer',
  '7': 'waiting on third party',
};

const OUTBOUND_EMAIL = '10';

/** Where a Freshdesk export holds its tickets: the list API's array, or `tickets`. */
export const FRESHDESK_LAYOUT: HelpdeskLayout = {
  lists: [[], ['tickets']],
  record: (value, context, line, raw) => ({ line, raw, messagesRead: freshdeskMessageCount(value), parsed: freshdeskTicket(value, context) }),
};

/** A Freshdesk export as one JSON document (streamed): an array of tickets, `{"tickets": [...]}`, or one ticket. */
export function readFreshdeskDocument(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskDocument(context, FRESHDESK_LAYOUT);
}

/** Freshdesk tickets one a line. */
export function readFreshdeskJsonLines(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskJsonLines(context, FRESHDESK_LAYOUT);
}

function hasDescription(ticket: Fields): boolean {
  return typeof ticket['description'] === 'string' || typeof ticket['description_text'] === 'string';
}

/** Messages a ticket holds as read, valid or not: its description and every conversation. */
export function freshdeskMessageCount(input: unknown): number {
  if (!isObject(input)) return 0;
  const conversations = input['conversations'];
  return (hasDescription(input) ? 1 : 0) + (Array.isArray(conversations) ? conversations.length : 0);
}

type Conversation = Extract<Payload, { type: 'conversation' }>;

/**
 * One Freshdesk ticket with its conversations (`GET /api/v2/tickets/{id}?include=conversations,stats`) to the stored
 * shape. The description is the first message, the requester's (an agent's on an outbound email); incoming
 * conversations are the customer's, private ones internal notes, other replies the agent's (without any `user_id`:
 * automatic, a system message). `stats` give resolved and reopened events; the group is the team; satisfaction from
 * embedded `satisfaction_ratings` (the surveys API objects; the last counts).
 */
export function freshdeskTicket(input: unknown, options: TimestampOptions): NormalizeResult<Conversation> {
  if (!isObject(input)) return { ok: false, reason: `expected a Freshdesk ticket object, got ${describe(input)}` };
  const id = readExternalId(input['id'], 'id');
  if (!id.ok) return id;
  const createdAt = readTime(input['created_at'], 'created_at', options);
  if (!createdAt.ok) return createdAt;
  const issues: RecordIssue[] = [];
  const requester = readOptionalId(input['requester_id']);
  const responder = readOptionalId(input['responder_id']);

  const sourceCode = typeof input['source'] === 'number' || typeof input['source'] === 'string' ? String(input['source']).trim() : '';
  const source = lookup(FRESHDESK_SOURCES, sourceCode);
  let channel: string;
  if (source) channel = source.channel;
  else if (sourceCode !== '') channel = `source ${sourceCode}`.slice(0, 64);
  else {
    channel = 'unknown';
    issues.push({ kind: 'warning', reason: `ticket ${id.value} has no "source"; its channel is "unknown"`, raw: '' });
  }

  const drafts: { message: NormalizedMessage; raw: unknown; label: string }[] = [];
  if (hasDescription(input)) {
    const html = typeof input['description'] === 'string';
    const outbound = sourceCode === OUTBOUND_EMAIL;
    drafts.push({
      message: buildMessage(
        {
          externalId: 'description',
          role: outbound ? 'agent' : 'customer',
          authorId: outbound ? responder : requester,
          createdAt: createdAt.value,
          body: String(html ? input['description'] : input['description_text']),
          html,
          internal: false,
        },
        issues,
        'description',
      ),
      raw: { description: input['description'], description_text: input['description_text'] },
      label: 'description',
    });
  }
  const conversations = input['conversations'];
  if (conversations !== undefined && conversations !== null && !Array.isArray(conversations)) {
    issues.push({ kind: 'warning', reason: `"conversations" must be a list, got ${describe(conversations)}; ignored`, raw: rawOf(conversations) });
  } else if (Array.isArray(conversations)) {
    conversations.forEach((value, index) => {
      const label = `conversation ${index + 1}`;
      const message = freshdeskConversation(value, requester, options, label, issues);
      if (message) drafts.push({ message, raw: value, label });
    });
  } else {
    issues.push({ kind: 'warning', reason: `ticket ${id.value} has no "conversations" in this file (export with include=conversations)`, raw: '' });
  }

  const statusCode = typeof input['status'] === 'number' || typeof input['status'] === 'string' ? String(input['status']).trim().toLowerCase() : '';
  const status = statusCode === '' ? null : (lookup(FRESHDESK_STATUSES, statusCode) ?? statusCode.slice(0, 64));
  const stats = isObject(input['stats']) ? input['stats'] : {};
  const statTime = (name: string): number | null => {
    const at = readOptionalTime(stats[name], `stats.${name}`, options);
    if (at.ok) return at.value;
    issues.push({ kind: 'warning', reason: `${at.reason}; ignored`, raw: rawOf(stats[name]) });
    return null;
  };
  const resolved = statTime('resolved_at');
  const closedAt = statTime('closed_at');
  const reopened = statTime('reopened_at');
  const events: NormalizedEvent[] = [];
  if (resolved !== null) events.push({ kind: 'resolved', createdAt: resolved, actorId: null });
  else if (closedAt !== null) events.push({ kind: 'resolved', createdAt: closedAt, actorId: null });
  if (reopened !== null) events.push({ kind: 'reopened', createdAt: reopened, actorId: null });

  const rating = lastRating(input);
  const csat = normalizeCsat('freshdesk', rating);
  if (csat === null && rating !== undefined && rating !== null) {
    issues.push({
      kind: 'warning',
      reason: `satisfaction rating ${describe(rating)} is not one of Freshdesk's codes (103 to -103); ignored`,
      raw: rawOf(rating),
    });
  }
  const group = isObject(input['group'])
    ? (readShortText(input['group']['name'], false) ?? readOptionalId(input['group']['id']))
    : readOptionalId(input['group_id']);

  const conversation: NormalizedConversation = {
    source: 'freshdesk',
    externalId: id.value,
    channel,
    createdAt: createdAt.value,
    status,
    resolvedAt: status === 'resolved' || status === 'closed' ? (resolved ?? closedAt) : null,
    customerId: requester,
    assignee: responder,
    subject: readShortText(input['subject'], false),
    language: null,
    tags: readTagList([...(Array.isArray(input['tags']) ? input['tags'] : []), ...(source?.tag ? [source.tag] : [])]),
    team: group,
    csatRating: csat?.rating ?? null,
    csat: csat?.level ?? null,
    events,
    messages: dropDuplicateMessages(drafts, issues),
  };
  return { ok: true, value: { type: 'conversation', conversation }, issues };
}

function lastRating(input: Fields): unknown {
  const list = Array.isArray(input['satisfaction_ratings'])
    ? input['satisfaction_ratings']
    : isObject(input['satisfaction_rating'])
      ? [input['satisfaction_rating']]
      : [];
  const last = list.filter(isObject).at(-1);
  const ratings = last && isObject(last['ratings']) ? last['ratings'] : undefined;
  return ratings?.['default_question'];
}

/** One entry of `conversations`: a message, or null when rejected (added to `issues`). */
function freshdeskConversation(
  value: unknown,
  requester: string | null,
  options: TimestampOptions,
  label: string,
  issues: RecordIssue[],
): NormalizedMessage | null {
  const reject = (reason: string): null => {
    issues.push({ kind: 'message', reason: `${label}: ${reason}`, raw: rawOf(value) });
    return null;
  };
  if (!isObject(value)) return reject(`expected an object, got ${describe(value)}`);
  const messageId = readExternalId(value['id'], 'id');
  if (!messageId.ok) return reject(messageId.reason);
  const time = readTime(value['created_at'], 'created_at', options);
  if (!time.ok) return reject(time.reason);
  for (const flag of ['incoming', 'private'] as const) {
    const given = value[flag];
    if (given !== undefined && given !== null && typeof given !== 'boolean') return reject(`"${flag}" must be true or false, got ${describe(given)}`);
  }
  const authorId = readOptionalId(value['user_id']);
  const isPrivate = value['private'] === true;
  let role: AuthorRole;
  if (value['incoming'] === true && !isPrivate) role = 'customer';
  else if (authorId !== null && authorId === requester && !isPrivate) role = 'customer';
  else if (authorId !== null) role = 'agent';
  else if (isPrivate) return reject('a private note without "user_id": its author is unknown');
  else role = 'system';
  let body: string;
  let html = false;
  if (typeof value['body'] === 'string') {
    body = value['body'];
    html = true;
  } else if (typeof value['body_text'] === 'string') body = value['body_text'];
  else if (value['body'] === undefined || value['body'] === null) body = '';
  else return reject(`"body" must be text, got ${describe(value['body'])}`);
  return buildMessage({ externalId: messageId.value, role, authorId, createdAt: time.value, body, html, internal: isPrivate }, issues, label);
}
