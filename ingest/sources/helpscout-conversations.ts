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

/** Help Scout conversation `type` and the channel it becomes; others keep their name. */
export const HELPSCOUT_CHANNELS: Readonly<Record<string, string>> = { email: 'email', chat: 'chat', phone: 'phone' };

/** Person types (`createdBy.type`) and the role a chat or phone thread written by each has. */
export const HELPSCOUT_PERSON_ROLES: Readonly<Record<string, AuthorRole>> = { customer: 'customer', user: 'agent', team: 'agent', bot: 'bot', ai: 'bot' };

/**
 * Thread types: what each is. `role` fixes the author's role; `person` takes it from `createdBy.type`. Line items
 * (status, assignment and workflow events) are not messages.
 */
const THREAD_TYPES: Readonly<Record<string, { role: AuthorRole | 'person'; internal: boolean } | 'event'>> = {
  customer: { role: 'customer', internal: false },
  message: { role: 'agent', internal: false },
  reply: { role: 'agent', internal: false },
  note: { role: 'agent', internal: true },
  forwardparent: { role: 'agent', internal: true },
  forwardchild: { role: 'agent', internal: true },
  chat: { role: 'person', internal: false },
  beaconchat: { role: 'person', internal: false },
  phone: { role: 'person', internal: false },
  lineitem: 'event',
};

/** Where a Help Scout export holds its conversations: the list response's `_embedded.conversations`, or an array. */
export const HELPSCOUT_LAYOUT: HelpdeskLayout = {
  lists: [[], ['_embedded', 'conversations'], ['conversations']],
  record: (value, context, line, raw) => ({ line, raw, messagesRead: helpscoutMessageCount(value), parsed: helpscoutConversation(value, context) }),
};

/** A Help Scout (Mailbox API 2.0) export as one JSON document (streamed): a list page, an array or one conversation. */
export function readHelpscoutDocument(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskDocument(context, HELPSCOUT_LAYOUT);
}

/** Help Scout conversations one a line (or one list page a line). */
export function readHelpscoutJsonLines(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskJsonLines(context, HELPSCOUT_LAYOUT);
}

function threadsOf(input: Fields): unknown {
  const embedded = isObject(input['_embedded']) ? input['_embedded']['threads'] : undefined;
  return embedded ?? (Array.isArray(input['threads']) ? input['threads'] : undefined);
}

function threadType(thread: Fields): string {
  return typeof thread['type'] === 'string' ? thread['type'].trim().toLowerCase() : '';
}

/** Messages a conversation holds as read, valid or not: every thread but line items. */
export function helpscoutMessageCount(input: unknown): number {
  const threads = isObject(input) ? threadsOf(input) : undefined;
  if (!Array.isArray(threads)) return 0;
  return threads.filter((thread) => !isObject(thread) || lookup(THREAD_TYPES, threadType(thread)) !== 'event').length;
}

type Conversation = Extract<Payload, { type: 'conversation' }>;

/**
 * One Help Scout conversation with its threads (`GET /v2/conversations/{id}?embed=threads`, or a list page's
 * conversation with `_embedded.threads`) to the stored shape. Customer threads are the customer's, replies the
 * agent's, notes and forwards internal; chat and phone threads take their role from `createdBy.type`. Drafts are
 * rejected (never sent). Each thread's `status` and `assignedTo` say what it changed: closed becomes a resolved
 * event, active or pending after closed a reopened event, a new assignee an assigned event (line items, workflows
 * included). The mailbox becomes the tag `mailbox:<id>`; a team assignee the team. Satisfaction ratings (the
 * /v2/ratings objects) are read from `_embedded.ratings`, `ratings` or `rating`: the last one counts.
 */
export function helpscoutConversation(input: unknown, options: TimestampOptions): NormalizeResult<Conversation> {
  if (!isObject(input)) return { ok: false, reason: `expected a Help Scout conversation object, got ${describe(input)}` };
  const id = readExternalId(input['id'], 'id');
  if (!id.ok) return id;
  const createdAt = readTime(input['createdAt'], 'createdAt', options);
  if (!createdAt.ok) return createdAt;
  const issues: RecordIssue[] = [];
  const type = typeof input['type'] === 'string' ? input['type'].trim().toLowerCase() : '';
  let channel: string;
  if (type !== '') channel = lookup(HELPSCOUT_CHANNELS, type) ?? type.slice(0, 64);
  else {
    channel = 'unknown';
    issues.push({ kind: 'warning', reason: `conversation ${id.value} has no "type" (email, chat, phone); its channel is "unknown"`, raw: '' });
  }

  const threads = threadsOf(input);
  let drafts: { message: NormalizedMessage; raw: unknown; label: string }[] = [];
  let events: NormalizedEvent[] = [];
  if (threads !== undefined && threads !== null && !Array.isArray(threads)) {
    issues.push({ kind: 'warning', reason: `"_embedded.threads" must be a list, got ${describe(threads)}; ignored`, raw: rawOf(threads) });
  } else if (Array.isArray(threads)) {
    ({ drafts, events } = readThreads(threads, options, issues));
  } else {
    issues.push({
      kind: 'warning',
      reason: `conversation ${id.value} has no threads in this file (list with embed=threads); loaded without messages`,
      raw: '',
    });
  }

  const status = typeof input['status'] === 'string' && input['status'].trim() !== '' ? input['status'].trim().toLowerCase() : null;
  let resolvedAt: number | null = null;
  if (status === 'closed') {
    const closedAt = readOptionalTime(input['closedAt'], 'closedAt', options);
    if (!closedAt.ok) issues.push({ kind: 'warning', reason: `${closedAt.reason}; ignored`, raw: rawOf(input['closedAt']) });
    const resolves = events.filter((event) => event.kind === 'resolved').map((event) => event.createdAt);
    resolvedAt = (closedAt.ok ? closedAt.value : null) ?? (resolves.length > 0 ? Math.max(...resolves) : null);
  }
  const assignee = isObject(input['assignee']) ? input['assignee'] : undefined;
  const assigneeIsTeam = typeof assignee?.['type'] === 'string' && assignee['type'].toLowerCase() === 'team';
  const primary = isObject(input['primaryCustomer']) ? readOptionalId(input['primaryCustomer']['id']) : null;
  const creator = isObject(input['createdBy']) && input['createdBy']['type'] === 'customer' ? readOptionalId(input['createdBy']['id']) : null;
  const mailbox = readOptionalId(input['mailboxId']);
  const rating = lastRating(input);
  const csat = normalizeCsat('helpscout', rating);
  if (csat === null && rating !== undefined && rating !== null && rating !== 'unknown') {
    issues.push({ kind: 'warning', reason: `satisfaction rating ${describe(rating)} is not great, okay or not_good; ignored`, raw: rawOf(rating) });
  }
  const tags = Array.isArray(input['tags']) ? input['tags'] : [];

  const conversation: NormalizedConversation = {
    source: 'helpscout',
    externalId: id.value,
    channel,
    createdAt: createdAt.value,
    status,
    resolvedAt,
    customerId: primary ?? creator,
    assignee: assignee && !assigneeIsTeam ? readOptionalId(assignee['id']) : null,
    subject: readShortText(input['subject'], false),
    language: null,
    tags: readTagList([...tags, ...(mailbox === null ? [] : [`mailbox:${mailbox}`])], (tag) => (isObject(tag) ? (tag['tag'] ?? tag['name']) : tag)),
    team: assignee && assigneeIsTeam ? (readShortText(assignee['name'] ?? assignee['first'], false) ?? readOptionalId(assignee['id'])) : null,
    csatRating: csat?.rating ?? null,
    csat: csat?.level ?? null,
    events,
    messages: dropDuplicateMessages(drafts, issues),
  };
  return { ok: true, value: { type: 'conversation', conversation }, issues };
}

/**
 * A conversation's threads (all of them, any order): its messages, and the events their status and assignee changes
 * make (closed: resolved; active or pending after closed: reopened; a new assignee: assigned). Shared by the
 * conversation reader and the threads response reader (`helpscout-threads.ts`).
 */
export function readThreads(
  threads: unknown[],
  options: TimestampOptions,
  issues: RecordIssue[],
): { drafts: { message: NormalizedMessage; raw: unknown; label: string }[]; events: NormalizedEvent[] } {
  const drafts: { message: NormalizedMessage; raw: unknown; label: string }[] = [];
  const changes: { at: number; status: string | null; assignee: string | null; actor: string | null }[] = [];
  threads.forEach((thread, index) => {
    const label = `thread ${index + 1}`;
    const read = helpscoutThread(thread, options, label, issues);
    if (read === null) return;
    if (read.change) changes.push(read.change);
    if (read.message) drafts.push({ message: read.message, raw: thread, label });
  });
  const events: NormalizedEvent[] = [];
  let closed = false;
  let assigned: string | null = null;
  for (const change of changes.sort((a, b) => a.at - b.at)) {
    if (change.status === 'closed') {
      events.push({ kind: 'resolved', createdAt: change.at, actorId: change.actor });
      closed = true;
    } else if (closed && (change.status === 'active' || change.status === 'pending')) {
      events.push({ kind: 'reopened', createdAt: change.at, actorId: change.actor });
      closed = false;
    }
    if (change.assignee !== null && change.assignee !== assigned) {
      events.push({ kind: 'assigned', createdAt: change.at, actorId: change.assignee });
      assigned = change.assignee;
    }
  }
  return { drafts, events };
}

function lastRating(input: Fields): unknown {
  const embedded = isObject(input['_embedded']) ? input['_embedded']['ratings'] : undefined;
  const list = Array.isArray(embedded) ? embedded : Array.isArray(input['ratings']) ? input['ratings'] : isObject(input['rating']) ? [input['rating']] : [];
  const last = list.filter(isObject).at(-1);
  return last?.['rating'];
}

interface ReadThread {
  message: NormalizedMessage | null;
  change: { at: number; status: string | null; assignee: string | null; actor: string | null } | null;
}

/** One thread: a message and/or the status and assignee it set; null when rejected (added to `issues`). */
function helpscoutThread(value: unknown, options: TimestampOptions, label: string, issues: RecordIssue[]): ReadThread | null {
  const reject = (reason: string): null => {
    issues.push({ kind: 'message', reason: `${label}: ${reason}`, raw: rawOf(value) });
    return null;
  };
  if (!isObject(value)) return reject(`expected an object, got ${describe(value)}`);
  const type = threadType(value);
  const kind = lookup(THREAD_TYPES, type);
  if (kind === undefined) return reject(`unknown thread type ${JSON.stringify(value['type'] ?? null)} (expected ${Object.keys(THREAD_TYPES).join(', ')})`);
  const time = readTime(value['createdAt'], 'createdAt', options);
  const createdBy = isObject(value['createdBy']) ? value['createdBy'] : undefined;
  const authorId = createdBy ? readOptionalId(createdBy['id']) : null;
  const threadStatus = typeof value['status'] === 'string' ? value['status'].trim().toLowerCase() : null;
  const assignedTo = isObject(value['assignedTo']) ? readOptionalId(value['assignedTo']['id']) : null;
  const change = time.ok ? { at: time.value, status: threadStatus, assignee: assignedTo, actor: authorId } : null;
  if (kind === 'event') {
    if (!time.ok) issues.push({ kind: 'warning', reason: `${label} (lineitem): ${time.reason}; ignored`, raw: rawOf(value) });
    return { message: null, change };
  }
  const threadId = readExternalId(value['id'], 'id');
  if (!threadId.ok) return reject(threadId.reason);
  if (!time.ok) return reject(time.reason);
  if (typeof value['state'] === 'string' && value['state'].toLowerCase() === 'draft') return reject('a draft, never sent');
  let role: AuthorRole;
  if (kind.role !== 'person') role = kind.role;
  else {
    const personType = typeof createdBy?.['type'] === 'string' ? createdBy['type'].trim().toLowerCase() : '';
    const known = lookup(HELPSCOUT_PERSON_ROLES, personType);
    if (!known) {
      return reject(
        createdBy === undefined
          ? `a ${type} thread without "createdBy": its author's role is unknown`
          : `unknown createdBy.type ${JSON.stringify(createdBy['type'] ?? null)} (expected ${Object.keys(HELPSCOUT_PERSON_ROLES).join(', ')})`,
      );
    }
    role = known;
  }
  const body = value['body'];
  if (body !== undefined && body !== null && typeof body !== 'string') return reject(`"body" must be text, got ${describe(body)}`);
  return {
    message: buildMessage(
      { externalId: threadId.value, role, authorId, createdAt: time.value, body: body ?? '', html: true, internal: kind.internal },
      issues,
      label,
    ),
    change,
  };
}
