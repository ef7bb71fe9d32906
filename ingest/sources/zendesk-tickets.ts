import { open } from 'node:fs/promises';
import type { AuthorRole } from '../../db/schema.js';
import { describe, type NormalizeResult, type NormalizedConversation, type NormalizedEvent, type NormalizedMessage, type RecordIssue } from '../normalize.js';
import { DESCRIPTION_MESSAGE_ID, emptyFeedItem, type DirectoryUser, type FeedItem, type LooseMessage } from '../feed-item.js';
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
  type Fields,
} from './helpdesk-fields.js';
import { zendeskStreamOf } from '../format-signs.js';
import { inBatches } from './in-batches.js';
import { streamJsonDocument, type JsonPathChoice } from './json-stream.js';
import { readJsonLines } from './json-lines.js';

/** Zendesk user roles and the role their comments have here. */
export const ZENDESK_USER_ROLES: Readonly<Record<string, AuthorRole>> = {
  'end-user': 'customer',
  agent: 'agent',
  admin: 'agent',
};

/** Zendesk `via.channel` values and the channel each becomes; any other value keeps its name. */
export const ZENDESK_CHANNELS: Readonly<Record<string, string>> = {
  web: 'email',
  email: 'email',
  mail: 'email',
  chat: 'chat',
  chat_transcript: 'chat',
  native_messaging: 'chat',
  messaging: 'chat',
  twitter: 'social',
  twitter_dm: 'social',
  twitter_favorite: 'social',
  facebook: 'social',
  facebook_post: 'social',
  facebook_message: 'social',
  instagram_dm: 'social',
};

/** Comments made by triggers, automations or Zendesk itself: they never stop a response clock. */
const AUTOMATIC_VIAS = new Set(['rule', 'system']);
const SOLVED = new Set(['solved', 'closed']);
/** Satisfaction scores that say no rating was given. */
const NOT_RATED = new Set(['offered', 'unoffered']);
const UNSOLVED = new Set(['new', 'open', 'pending', 'hold']);

/** Everything side-loaded beside the tickets of one export page (or one JSON Lines record). */
interface SideLoads {
  /** A side-loaded user's role, or what the user record said instead of a known role. */
  users: Map<string, AuthorRole | { unknownRole: unknown }>;
  solvedAt: Map<string, unknown>;
  comments: Map<string, unknown[]>;
  audits: Map<string, unknown[]>;
  /** Side-loaded groups' names by id (`include=groups`). */
  groups: Map<string, string>;
  /** Side-loaded users with a known role, for the users the store keeps (their comments in later files take it). */
  listed: DirectoryUser[];
}

/**
 * A Zendesk export as one JSON document: an incremental ticket export page (`{"tickets": [...], "users": [...]}`)
 * with comments or audits side-loaded, a single ticket (`{"ticket": {...}, "comments": [...], "users": [...]}`),
 * or an array of tickets. Streamed: an array of tickets, or a page whose side-loads need no joining by ticket (users,
 * groups, metric sets), is read one ticket at a time in flat memory. A page that side-loads comments, audits or
 * ticket events is joined in memory (a Zendesk page holds at most 1000 tickets); its side-loads are read first, in
 * a pass that skips the tickets.
 */
export async function* readZendeskDocument(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  let side = pageSideLoads({});
  if ((await firstCharacter(context.path)) === '{') {
    let hasTicketList = false;
    const page: Fields = {};
    const pass = { path: context.path, onChunk: () => {} };
    const choose = (path: readonly string[]): JsonPathChoice => {
      if (path.length === 0) return 'descend';
      if (path[0] !== 'tickets') return 'take';
      hasTicketList = true;
      return 'skip';
    };
    for await (const items of streamJsonDocument(pass, choose)) for (const item of items) setField(page, item.path[0]!, item.value);
    if (!hasTicketList || JOINED_SIDE_LOADS.some((key) => page[key] !== undefined)) {
      for await (const items of streamJsonDocument(context, (path) => (path.length === 0 ? 'descend' : path[0] === 'tickets' ? 'take' : 'skip'))) {
        for (const item of items) setField(page, 'tickets', item.value);
      }
      yield* inBatches(recordsFrom(page, context, null));
      return;
    }
    side = pageSideLoads(page);
  }
  const choose = (path: readonly string[]): JsonPathChoice => (path.length === 0 ? 'open' : path[0] === 'tickets' ? 'stream' : 'skip');
  // The page's users ride with its first ticket read (or alone, if none is): the store keeps them.
  let usersPlaced = side.listed.length === 0;
  for await (const items of streamJsonDocument(context, choose)) {
    const batch: SourceRecord[] = [];
    for (const item of items) {
      const value = item.value;
      if (item.index === null) {
        const reason = `element 1: a Zendesk export holds "tickets" as a list; here it is ${describe(value)}`;
        batch.push({ line: null, raw: rawOf(value), messagesRead: 0, parsed: { ok: false, reason } });
        continue;
      }
      const { parsed, messagesRead } = zendeskTicket(value, side, context);
      if (parsed.ok && !usersPlaced) {
        parsed.value.item.users = side.listed;
        usersPlaced = true;
      }
      const record: SourceRecord = { line: null, raw: parsed.ok ? '' : rawOf(value), messagesRead, parsed };
      if (parsed.ok) record.rawOf = () => rawOf(value);
      batch.push(labelRejects(record, `ticket ${item.index + 1}`));
    }
    if (batch.length > 0) yield batch;
  }
  if (!usersPlaced)
    yield [
      {
        line: null,
        raw: '',
        rawOf: () => rawOf(side.listed),
        messagesRead: 0,
        parsed: { ok: true, value: { type: 'feed', item: { ...emptyFeedItem('zendesk'), users: side.listed } }, issues: [] },
      },
    ];
}

/** Side-loads that are placed by their ticket id: a page holding any of them is joined in memory. */
const JOINED_SIDE_LOADS = ['comments', 'audits', 'ticket_events', 'ticket'] as const;

function setField(target: Fields, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The document's first character after any BOM and white space: '[' for an array of tickets. */
async function firstCharacter(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()
      .charAt(0);
  } finally {
    await handle.close();
  }
}

/** Zendesk tickets one a line (with `comments` embedded, as Zendesk's JSON data export writes them), or one page a line. */
export async function* readZendeskJsonLines(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  for await (const items of readJsonLines(context)) {
    const batch: SourceRecord[] = [];
    for (const item of items) {
      if (!item.ok) batch.push({ line: item.line, raw: item.raw, messagesRead: 0, parsed: { ok: false, reason: item.reason } });
      else batch.push(...recordsFrom(item.value, context, item.line, item.raw));
    }
    if (batch.length > 0) yield batch;
  }
}

/** The records of one Zendesk JSON value (a page, a ticket, a record of a stream), for readers of other shapes (CSV tables). */
export function zendeskRecords(document: unknown, options: TimestampOptions, line: number | null, raw: string): Generator<SourceRecord> {
  return recordsFrom(document, options, line, raw);
}

function* recordsFrom(document: unknown, options: TimestampOptions, line: number | null, lineRaw?: string): Generator<SourceRecord> {
  let tickets: unknown[];
  let page: Fields = {};
  if (Array.isArray(document)) {
    // An array of tickets, or of records of a stream (comments, audits, users): each read as its own page.
    if (document.some((element) => isObject(element) && zendeskStreamOf(element) !== null)) {
      for (let index = 0; index < document.length; index++) {
        for (const record of recordsFrom(document[index], options, line)) yield labelRejects(record, `element ${index + 1}`);
      }
      return;
    }
    tickets = document;
  } else if (isObject(document) && Array.isArray(document['tickets'])) {
    tickets = document['tickets'];
    page = document;
  } else if (isObject(document) && isObject(document['ticket'])) {
    tickets = [document['ticket']];
    page = document;
  } else if (isObject(document) && 'requester_id' in document) {
    tickets = [document];
  } else if (isObject(document) && zendeskStreamOf(document) !== null) {
    // One record of a stream (a comment, an audit, a ticket event, a user), as data connectors write them.
    tickets = [];
    page = { [zendeskStreamOf(document)!]: [document] };
  } else if (isObject(document) && PAGE_LISTS.some((key) => Array.isArray(document[key]))) {
    // A page of comments, audits, ticket events or users without their tickets: joined with tickets stored or to come.
    tickets = [];
    page = document;
  } else {
    const reason = isObject(document)
      ? `a Zendesk export holds "tickets", "ticket" or ticket objects; this one has the keys ${Object.keys(document).slice(0, 12).join(', ')}`
      : `expected a Zendesk ticket or export page, got ${describe(document)}`;
    yield { line, raw: lineRaw ?? rawOf(document), messagesRead: 0, parsed: { ok: false, reason } };
    return;
  }
  const ticketIds = new Set<string>();
  for (const ticket of tickets) {
    const id = isObject(ticket) ? readOptionalId(ticket['id']) : null;
    if (id !== null) ticketIds.add(id);
  }
  const onlyTicket = tickets.length === 1 && ticketIds.size === 1 ? [...ticketIds][0]! : null;
  const side = pageSideLoads(page);
  const others: SourceRecord[] = [];
  const directory = side.listed;
  /** Comments and audits whose ticket is not in this file, by ticket: joined with the ticket stored or to come. */
  const loose = new Map<string, { comments: { value: unknown; index: number }[]; audits: { value: Fields; index: number; what: string }[] }>();
  for (const key of ['comments', 'audits', 'ticket_events'] as const) {
    const list = page[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      others.push({ line, raw: rawOf(list), messagesRead: 0, parsed: { ok: false, reason: `"${key}" must be a list, got ${describe(list)}` } });
      continue;
    }
    const target = key === 'comments' ? side.comments : side.audits;
    list.forEach((listed, index) => {
      const item = key === 'ticket_events' && isObject(listed) ? auditFromTicketEvent(listed) : listed;
      const owner = isObject(item) ? (readOptionalId(item['ticket_id']) ?? onlyTicket) : null;
      const what = key === 'comments' ? 'comment' : key === 'audits' ? 'audit' : 'ticket event';
      if (owner === null) {
        const reason = !isObject(item)
          ? `${what} ${index + 1}: expected an object, got ${describe(item)}`
          : `${what} ${index + 1} has no "ticket_id"${tickets.length > 1 ? ' and the file holds several tickets' : ''}: it cannot be placed`;
        others.push({ line, raw: rawOf(listed), messagesRead: key === 'comments' ? 1 : commentsInAudit(item), parsed: { ok: false, reason } });
        return;
      }
      if (!ticketIds.has(owner)) {
        let group = loose.get(owner);
        if (!group) loose.set(owner, (group = { comments: [], audits: [] }));
        if (key === 'comments') group.comments.push({ value: item, index });
        else group.audits.push({ value: item as Fields, index, what });
        return;
      }
      const group = target.get(owner);
      if (group) group.push(item);
      else target.set(owner, [item]);
    });
  }

  let usersPlaced = directory.length === 0;
  const single = tickets.length === 1 && line !== null;
  for (let index = 0; index < tickets.length; index++) {
    const ticket = tickets[index];
    const { parsed, messagesRead } = zendeskTicket(ticket, side, options);
    if (parsed.ok && !usersPlaced) {
      parsed.value.item.users = directory;
      usersPlaced = true;
    }
    const raw = lineRaw !== undefined && tickets.length === 1 ? lineRaw : rawOf(ticket);
    const record: SourceRecord = { line, raw, messagesRead, parsed };
    yield single ? record : labelRejects(record, `ticket ${index + 1}`);
  }
  for (const [owner, group] of loose) {
    for (const { value, index } of group.comments) {
      const record = looseRecord(owner, [value], [], side, options, line, lineRaw !== undefined && page !== document ? lineRaw : rawOf(value), 'comment');
      yield group.comments.length + group.audits.length === 1 && tickets.length === 0 ? record : labelRejects(record, `comment ${index + 1}`);
    }
    for (const { value, index, what } of group.audits) {
      const record = looseRecord(owner, [], [value], side, options, line, lineRaw !== undefined && page !== document ? lineRaw : rawOf(value), what);
      yield group.comments.length + group.audits.length === 1 && tickets.length === 0 ? record : labelRejects(record, `${what} ${index + 1}`);
    }
  }
  if (!usersPlaced) {
    const item: FeedItem = { ...emptyFeedItem('zendesk'), users: directory };
    yield {
      line,
      raw: tickets.length === 0 && lineRaw !== undefined ? lineRaw : rawOf(page['users']),
      messagesRead: 0,
      parsed: { ok: true, value: { type: 'feed', item }, issues: [] },
    };
  }
  yield* others;
}

/** Page keys that hold records joined with tickets by id. */
const PAGE_LISTS = ['comments', 'audits', 'ticket_events', 'users'] as const;

/** Comments or an audit of a ticket that is not in the file: placed in the stored ticket, or kept until it arrives. */
function looseRecord(
  ticketId: string,
  comments: unknown[],
  audits: Fields[],
  side: SideLoads,
  options: TimestampOptions,
  line: number | null,
  raw: string,
  what: string,
): SourceRecord {
  const issues: RecordIssue[] = [];
  const parts = readTicketParts(comments, [], audits, { requester: null, assignee: null, users: side.users }, options, issues);
  const item: FeedItem = { ...emptyFeedItem('zendesk'), conversationId: ticketId, messages: parts.messages, events: auditEvents(audits, options, issues) };
  const messagesRead = parts.read;
  if (item.messages.length + item.events.length === 0 && issues.every((issue) => issue.kind !== 'message')) {
    return { line, raw, messagesRead, parsed: { ok: false, reason: `${what} of ticket ${ticketId} holds no comment and no status or assignee change` } };
  }
  return { line, raw, messagesRead, parsed: { ok: true, value: { type: 'feed', item }, issues } };
}

/** What a page side-loads that needs no ticket to place: users' roles, groups' names, solved times. */
export function pageSideLoads(page: Fields): SideLoads {
  const side: SideLoads = { users: new Map(), solvedAt: new Map(), comments: new Map(), audits: new Map(), groups: new Map(), listed: [] };

  if (Array.isArray(page['users'])) {
    for (const user of page['users']) {
      if (!isObject(user)) continue;
      const id = readOptionalId(user['id']);
      if (id === null) continue;
      const role = typeof user['role'] === 'string' ? lookup(ZENDESK_USER_ROLES, user['role'].trim().toLowerCase()) : undefined;
      side.users.set(id, role ?? { unknownRole: user['role'] });
      // A user with another role is not listed: its comments are rejected with the role it has.
      if (role) side.listed.push({ id, role });
    }
  }
  if (Array.isArray(page['groups'])) {
    for (const group of page['groups']) {
      const id = isObject(group) ? readOptionalId(group['id']) : null;
      const name = isObject(group) ? readShortText(group['name'], false) : null;
      if (id !== null && name !== null) side.groups.set(id, name);
    }
  }
  if (Array.isArray(page['metric_sets'])) {
    for (const metrics of page['metric_sets']) {
      if (isObject(metrics) && readOptionalId(metrics['ticket_id']) !== null) side.solvedAt.set(readOptionalId(metrics['ticket_id'])!, metrics['solved_at']);
    }
  }
  return side;
}

/**
 * An event of the incremental ticket event export (`include=comment_events`) in the shape of a ticket audit: its
 * `child_events` carry comments as they are and field changes as `{"status": "solved", "previous_value": "open"}`.
 */
function auditFromTicketEvent(event: Fields): Fields {
  const children = Array.isArray(event['child_events']) ? event['child_events'] : [];
  const audit: Fields = {
    ticket_id: event['ticket_id'],
    created_at: event['created_at'] ?? event['timestamp'],
    author_id: event['updater_id'],
    events: children.map((child: unknown) => {
      if (!isObject(child)) return child;
      const kind = child['event_type'] ?? child['type'];
      if (kind === 'Comment' || kind === 'VoiceComment') return { ...child, type: kind };
      const field = ['status', 'assignee_id'].find((name) => name in child);
      if ((kind === 'Change' || kind === 'Create') && field)
        return { type: kind, field_name: field, value: child[field], previous_value: child['previous_value'] };
      return child;
    }),
  };
  FROM_TICKET_EVENTS.add(audit);
  return audit;
}

/** Audits made from ticket events, so that rejects name what the file calls them. */
const FROM_TICKET_EVENTS = new WeakSet<Fields>();

function commentsInAudit(audit: unknown): number {
  const events = isObject(audit) && Array.isArray(audit['events']) ? audit['events'] : [];
  return events.filter((event) => isObject(event) && (event['type'] === 'Comment' || event['type'] === 'VoiceComment')).length;
}

/** The comments of a ticket that could not be read, for the count of messages read. */
function countComments(ticket: unknown, side: SideLoads): number {
  const id = isObject(ticket) ? readOptionalId(ticket['id']) : null;
  const embedded = isObject(ticket) && Array.isArray(ticket['comments']) ? ticket['comments'].length : 0;
  return embedded + (id === null ? 0 : (side.comments.get(id)?.length ?? 0));
}

interface CommentDraft {
  value: Fields;
  createdAt: unknown;
  authorId: unknown;
  label: string;
}

/**
 * One Zendesk ticket and its comments to the stored shape. Authors' roles come from the side-loaded users
 * (end-user: customer; agent, admin: agent); without them the requester is the customer and the assignee an agent;
 * any other author's comment is left to the store, which takes the role from the users it has been given (a users
 * file, an earlier side-load) or keeps the comment waiting for its author: guessing would mislabel CCs as agents.
 * Private comments are internal notes; comments via triggers or the system are system messages. Status changes in
 * audits become resolved and reopened events, assignee changes assigned events. A ticket without comments (a ticket
 * list, an incremental export without side-loads) has its `description`, its first comment, as a stand-in first
 * message until its comments arrive.
 */
export function zendeskTicket(input: unknown, side: SideLoads, options: TimestampOptions): { parsed: NormalizeResult<Feed>; messagesRead: number } {
  if (!isObject(input)) return { parsed: { ok: false, reason: `expected a Zendesk ticket object, got ${describe(input)}` }, messagesRead: 0 };
  const id = readExternalId(input['id'], 'id');
  if (!id.ok) return { parsed: id, messagesRead: countComments(input, side) };
  const createdAt = readTime(input['created_at'], 'created_at', options);
  if (!createdAt.ok) return { parsed: createdAt, messagesRead: countComments(input, side) };
  const issues: RecordIssue[] = [];
  const via = isObject(input['via']) ? input['via']['channel'] : undefined;
  let channel: string;
  if (typeof via === 'string' && via.trim() !== '') {
    const name = via.trim().toLowerCase();
    channel = lookup(ZENDESK_CHANNELS, name) ?? name.slice(0, 64);
  } else {
    channel = 'unknown';
    issues.push({ kind: 'warning', reason: `ticket ${id.value} has no "via.channel"; its channel is "unknown"`, raw: rawOf(input['via'] ?? null) });
  }
  const requester = readOptionalId(input['requester_id']);
  const assignee = readOptionalId(input['assignee_id']);

  let embedded: unknown = input['comments'];
  if (!Array.isArray(embedded)) {
    if (embedded !== undefined && embedded !== null) {
      issues.push({ kind: 'warning', reason: `ticket ${id.value}: "comments" must be a list, got ${describe(embedded)}; ignored`, raw: rawOf(embedded) });
    }
    embedded = [];
  }
  const audits = (side.audits.get(id.value) ?? []).filter(isObject);
  const people = { requester, assignee, users: side.users };
  const parts = readTicketParts(embedded as unknown[], side.comments.get(id.value) ?? [], audits, people, options, issues);

  let placeholder: LooseMessage | null = null;
  if (parts.read === 0) {
    const description = typeof input['description'] === 'string' && input['description'].trim() !== '' ? input['description'] : null;
    if (description === null) {
      issues.push({
        kind: 'warning',
        reason: `ticket ${id.value} has no comments in this file (export with comments or audits side-loaded) and no description; loaded without messages`,
        raw: '',
      });
    } else {
      // The description is the first comment's text; its author is the submitter (the requester unless an agent opened it).
      const authorId = readOptionalId(input['submitter_id']) ?? requester;
      const built = buildMessage(
        { externalId: DESCRIPTION_MESSAGE_ID, role: 'customer', authorId, createdAt: createdAt.value, body: description, html: false, internal: false },
        issues,
        `ticket ${id.value} description`,
      );
      placeholder = { ...built, role: roleFromPeople(authorId, people) ?? null };
    }
  }

  const events = auditEvents(audits, options, issues);
  const status = typeof input['status'] === 'string' && input['status'].trim() !== '' ? input['status'].trim().toLowerCase() : null;
  let resolvedAt: number | null = null;
  if (status !== null && SOLVED.has(status)) {
    for (const candidate of [side.solvedAt.get(id.value), input['solved_at']]) {
      const at = readOptionalTime(candidate, 'solved_at', options);
      if (at.ok && at.value !== null) {
        resolvedAt = at.value;
        break;
      }
    }
    const solves = events.filter((event) => event.kind === 'resolved').map((event) => event.createdAt);
    if (resolvedAt === null && solves.length > 0) resolvedAt = Math.max(...solves);
  }

  const groupId = readOptionalId(input['group_id']);
  const score = isObject(input['satisfaction_rating']) ? input['satisfaction_rating']['score'] : undefined;
  const csat = normalizeCsat('zendesk', score);
  if (csat === null && typeof score === 'string' && !NOT_RATED.has(score.trim().toLowerCase())) {
    issues.push({
      kind: 'warning',
      reason: `ticket ${id.value}: satisfaction score ${describe(score)} is not good or bad; ignored`,
      raw: rawOf(input['satisfaction_rating']),
    });
  }

  const conversation: NormalizedConversation = {
    source: 'zendesk',
    externalId: id.value,
    channel,
    createdAt: createdAt.value,
    status,
    resolvedAt,
    customerId: requester,
    assignee,
    subject: readShortText(input['subject'], false) ?? readShortText(input['raw_subject'], false),
    language: null,
    tags: readTagList(input['tags']),
    team: groupId === null ? null : (side.groups.get(groupId) ?? groupId),
    csatRating: csat?.rating ?? null,
    csat: csat?.level ?? null,
    events,
    messages: parts.messages.filter((message): message is NormalizedMessage => message.role !== null),
  };
  const item: FeedItem = {
    ...emptyFeedItem('zendesk'),
    conversation,
    conversationId: id.value,
    messages: parts.messages.filter((message) => message.role === null),
    placeholder,
  };
  const updatedAt = readOptionalTime(input['updated_at'], 'updated_at', options);
  if (updatedAt.ok) item.updatedAt = updatedAt.value;
  return { parsed: { ok: true, value: { type: 'feed', item }, issues }, messagesRead: parts.read + (placeholder ? 1 : 0) };
}

type Feed = Extract<Payload, { type: 'feed' }>;

/** A comment author's role from the file's users, else as the ticket's requester or assignee; undefined when neither says. */
function roleFromPeople(
  authorId: string | null,
  people: { requester: string | null; assignee: string | null; users: SideLoads['users'] },
): AuthorRole | undefined {
  if (authorId === null) return undefined;
  const user = people.users.get(authorId);
  if (typeof user === 'string') return user;
  return authorId === people.requester ? 'customer' : authorId === people.assignee ? 'agent' : undefined;
}

/**
 * A ticket's comments wherever the file holds them (embedded, side-loaded, inside audits or ticket events), once
 * each. The same comment can arrive embedded, side-loaded and inside an audit: the first place it is found wins.
 */
function readTicketParts(
  embedded: unknown[],
  sideComments: unknown[],
  audits: Fields[],
  people: { requester: string | null; assignee: string | null; users: SideLoads['users'] },
  options: TimestampOptions,
  issues: RecordIssue[],
): { messages: LooseMessage[]; read: number } {
  const drafts: CommentDraft[] = [];
  const seenIds = new Set<string>();
  let unreadable = 0;
  const addFrom = (list: unknown[], kind: string, fromAudit?: { createdAt: unknown; authorId: unknown }): void => {
    const fresh: CommentDraft[] = [];
    list.forEach((value, index) => {
      const label = `${kind} ${index + 1}`;
      if (!isObject(value)) {
        unreadable += 1;
        issues.push({ kind: 'message', reason: `${label}: expected an object, got ${describe(value)}`, raw: rawOf(value) });
        return;
      }
      const commentId = readOptionalId(value['id']);
      if (commentId !== null && seenIds.has(commentId)) return;
      fresh.push({ value, createdAt: value['created_at'] ?? fromAudit?.createdAt, authorId: value['author_id'] ?? fromAudit?.authorId, label });
    });
    for (const draft of fresh) {
      const commentId = readOptionalId(draft.value['id']);
      if (commentId !== null) seenIds.add(commentId);
    }
    drafts.push(...fresh);
  };
  addFrom(embedded, 'comment');
  addFrom(sideComments, 'comment');
  // Audits and ticket events of the same update share a time and would add the same comments: the id dedupes them.
  audits.sort((a, b) => auditTime(a, options) - auditTime(b, options));
  audits.forEach((audit, index) => {
    const events = Array.isArray(audit['events']) ? audit['events'] : [];
    const comments = events.filter((event) => isObject(event) && (event['type'] === 'Comment' || event['type'] === 'VoiceComment'));
    const name = FROM_TICKET_EVENTS.has(audit) ? 'ticket event' : 'audit';
    addFrom(comments, `${name} ${index + 1} comment`, { createdAt: audit['created_at'], authorId: audit['author_id'] });
  });
  const messages: { message: LooseMessage; raw: unknown; label: string }[] = [];
  for (const draft of drafts) {
    const message = readComment(draft, people, options, issues);
    if (message) messages.push({ message, raw: draft.value, label: draft.label });
  }
  return { messages: dropDuplicateMessages(messages, issues), read: drafts.length + unreadable };
}

function readComment(
  draft: CommentDraft,
  people: { requester: string | null; assignee: string | null; users: SideLoads['users'] },
  options: TimestampOptions,
  issues: RecordIssue[],
): LooseMessage | null {
  const { value, label } = draft;
  const reject = (reason: string): null => {
    issues.push({ kind: 'message', reason: `${label}: ${reason}`, raw: rawOf(value) });
    return null;
  };
  const commentId = readExternalId(value['id'], 'id');
  if (!commentId.ok) return reject(commentId.reason);
  const createdAt = readTime(draft.createdAt, 'created_at', options);
  if (!createdAt.ok) return reject(createdAt.reason);
  const authorId = readOptionalId(draft.authorId);
  const viaChannel = isObject(value['via']) && typeof value['via']['channel'] === 'string' ? value['via']['channel'].trim().toLowerCase() : '';
  let role: AuthorRole | null;
  if (AUTOMATIC_VIAS.has(viaChannel) || draft.authorId === -1) role = 'system';
  else if (authorId === null) return reject('missing field "author_id"');
  else {
    const user = people.users.get(authorId);
    if (typeof user === 'object')
      return reject(`author ${authorId} has the role ${JSON.stringify(user.unknownRole ?? null)}, not one of ${Object.keys(ZENDESK_USER_ROLES).join(', ')}`);
    // Unknown here: the store takes it from the users it knows, or keeps the comment waiting for its author.
    role = roleFromPeople(authorId, people) ?? null;
  }

  let body: string;
  let html = false;
  if (typeof value['body'] === 'string') body = value['body'];
  else if (typeof value['plain_body'] === 'string') body = value['plain_body'];
  else if (typeof value['html_body'] === 'string') {
    body = value['html_body'];
    html = true;
  } else if (value['comment_present'] !== undefined) {
    return reject('the comment text is not in the export (export ticket events with include=comment_events)');
  } else return reject('no "body", "plain_body" or "html_body"');
  const isPublic = value['public'];
  if (isPublic !== undefined && isPublic !== null && typeof isPublic !== 'boolean') return reject(`"public" must be true or false, got ${describe(isPublic)}`);
  const message = buildMessage(
    { externalId: commentId.value, role: role ?? 'customer', authorId, createdAt: createdAt.value, body, html, internal: isPublic === false },
    issues,
    `${label} (${commentId.value})`,
  );
  return { ...message, role };
}

function auditTime(audit: Fields, options: TimestampOptions): number {
  const at = readOptionalTime(audit['created_at'], 'created_at', options);
  return at.ok && at.value !== null ? at.value : Number.MAX_SAFE_INTEGER;
}

function auditEvents(audits: Fields[], options: TimestampOptions, issues: RecordIssue[]): NormalizedEvent[] {
  const events: NormalizedEvent[] = [];
  audits.forEach((audit, index) => {
    const changes = (Array.isArray(audit['events']) ? audit['events'] : []).filter(
      (event): event is Fields => isObject(event) && (event['type'] === 'Change' || event['type'] === 'Create') && typeof event['field_name'] === 'string',
    );
    if (changes.length === 0) return;
    const at = readTime(audit['created_at'], 'created_at', options);
    if (!at.ok) {
      issues.push({ kind: 'warning', reason: `audit ${index + 1}: ${at.reason}; its status and assignee changes are ignored`, raw: rawOf(audit) });
      return;
    }
    const actor = readOptionalId(audit['author_id']);
    for (const change of changes) {
      const value = typeof change['value'] === 'string' ? change['value'].toLowerCase() : change['value'];
      const previous = typeof change['previous_value'] === 'string' ? change['previous_value'].toLowerCase() : null;
      if (change['field_name'] === 'status' && typeof value === 'string') {
        if (value === 'solved') events.push({ kind: 'resolved', createdAt: at.value, actorId: actor });
        else if (previous !== null && SOLVED.has(previous) && UNSOLVED.has(value)) events.push({ kind: 'reopened', createdAt: at.value, actorId: actor });
      } else if (change['field_name'] === 'assignee_id') {
        const assignee = readOptionalId(change['value']);
        if (assignee !== null) events.push({ kind: 'assigned', createdAt: at.value, actorId: assignee });
      }
    }
  });
  return events;
}
