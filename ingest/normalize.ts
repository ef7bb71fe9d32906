import { AUTHOR_ROLES, CONVERSATION_EVENT_KINDS, type AuthorRole, type ConversationEventKind, type ConversationSource, type CsatLevel } from '../db/schema.js';
import { normalizeCsat } from './normalize-csat.js';
import { MAX_BODY_CHARS, MAX_ID_CHARS, MAX_TEXT_FIELD_CHARS } from './limits.js';
import { fail, ok, type Parsed } from './result.js';
import { parseTimestamp, type TimestampOptions } from './timestamps.js';

export interface NormalizedMessage {
  externalId: string;
  role: AuthorRole;
  authorId: string | null;
  createdAt: number;
  body: string;
  bodyLength: number;
  bodyTruncated: boolean;
  internal: boolean;
}

export interface NormalizedEvent {
  kind: ConversationEventKind;
  createdAt: number;
  actorId: string | null;
}

export interface NormalizedConversation {
  source: ConversationSource;
  externalId: string;
  channel: string;
  /** Null when the source gave none: the earliest message's time is used. */
  createdAt: number | null;
  status: string | null;
  resolvedAt: number | null;
  customerId: string | null;
  assignee: string | null;
  subject: string | null;
  language: string | null;
  tags: string[];
  /** The team or group the conversation was routed to, as the source names it. */
  team: string | null;
  /** The satisfaction rating as the source gave it, and normalised (see `normalizeCsat`). */
  csatRating: string | null;
  csat: CsatLevel | null;
  events: NormalizedEvent[];
  messages: NormalizedMessage[];
}

/** Something wrong inside a record that did not stop the record from loading. */
export interface RecordIssue {
  kind: 'message' | 'warning';
  reason: string;
  raw: string;
}

export type NormalizeResult<T> = { ok: true; value: T; issues: RecordIssue[] } | { ok: false; reason: string };

type Fields = Record<string, unknown>;

/**
 * Validates one canonical conversation (a parsed JSON Lines record) and brings it to the stored shape.
 * Whole-record problems reject it; a bad message rejects only that message (reported in `issues`).
 */
export function normalizeConversation(input: unknown, options: TimestampOptions & { source?: ConversationSource }): NormalizeResult<NormalizedConversation> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: `expected a JSON object per line, got ${describe(input)}` };
  }
  const fields = input as Fields;
  const head = normalizeConversationFields(fields, options, { createdAtRequired: true });
  if (!head.ok) return head;
  const conversation = head.value;
  const issues: RecordIssue[] = [...head.issues];

  const messages = fields['messages'];
  if (!Array.isArray(messages)) {
    return { ok: false, reason: messages === undefined ? 'missing field "messages"' : `"messages" must be an array, got ${describe(messages)}` };
  }
  const seen = new Map<string, NormalizedMessage>();
  messages.forEach((rawMessage, index) => {
    const message = normalizeMessage(rawMessage, options);
    if (!message.ok) {
      issues.push({ kind: 'message', reason: `message ${index + 1}: ${message.reason}`, raw: safeStringify(rawMessage) });
      return;
    }
    issues.push(...message.issues);
    const value = message.value;
    const earlier = seen.get(value.externalId);
    if (earlier) {
      if (sameMessage(earlier, value)) {
        issues.push({
          kind: 'warning',
          reason: `message ${index + 1}: duplicate of message id "${value.externalId}", ignored`,
          raw: safeStringify(rawMessage),
        });
      } else {
        issues.push({
          kind: 'message',
          reason: `message ${index + 1}: message id "${value.externalId}" repeats with different content; the first was kept`,
          raw: safeStringify(rawMessage),
        });
      }
      return;
    }
    if (conversation.createdAt !== null && value.createdAt < conversation.createdAt) {
      issues.push({
        kind: 'warning',
        reason: `message ${index + 1} ("${value.externalId}") is dated before its conversation's created_at; kept, and the conversation starts at the earlier time`,
        raw: safeStringify(rawMessage),
      });
    }
    seen.set(value.externalId, value);
  });
  conversation.messages = [...seen.values()];

  const events = fields['events'];
  if (events !== undefined && events !== null) {
    if (!Array.isArray(events)) {
      issues.push({ kind: 'warning', reason: `"events" must be an array, got ${describe(events)}; ignored`, raw: safeStringify(events) });
    } else {
      events.forEach((rawEvent, index) => {
        const event = normalizeEvent(rawEvent, options);
        if (event.ok) conversation.events.push(event.value);
        else issues.push({ kind: 'warning', reason: `event ${index + 1}: ${event.reason}; ignored`, raw: safeStringify(rawEvent) });
      });
    }
  }
  return { ok: true, value: conversation, issues };
}

/**
 * The conversation-level fields, shared by JSON Lines records and by CSV rows (which carry them in optional columns).
 */
export function normalizeConversationFields(
  fields: Fields,
  options: TimestampOptions & { source?: ConversationSource },
  rules: { createdAtRequired: boolean; idField?: string; createdAtField?: string },
): NormalizeResult<NormalizedConversation> {
  const issues: RecordIssue[] = [];
  const idField = rules.idField ?? 'id';
  const id = readId(fields[idField], idField);
  if (!id.ok) return id;
  const channel = readRequiredText(fields['channel'], 'channel');
  if (!channel.ok) return channel;
  if (channel.value.length > 64) return { ok: false, reason: `"channel" is longer than 64 characters` };

  const createdAtField = rules.createdAtField ?? 'created_at';
  let createdAt: number | null = null;
  const createdRaw = fields[createdAtField];
  if (createdRaw !== undefined && createdRaw !== null && createdRaw !== '') {
    const parsed = parseTimestamp(createdRaw, options);
    if (!parsed.ok) return { ok: false, reason: `"${createdAtField}": ${parsed.reason}` };
    createdAt = parsed.value;
  } else if (rules.createdAtRequired) {
    return { ok: false, reason: `missing field "${createdAtField}"` };
  }

  let resolvedAt: number | null = null;
  const resolvedRaw = fields['resolved_at'];
  if (resolvedRaw !== undefined && resolvedRaw !== null && resolvedRaw !== '') {
    const parsed = parseTimestamp(resolvedRaw, options);
    if (parsed.ok) resolvedAt = parsed.value;
    else issues.push({ kind: 'warning', reason: `"resolved_at": ${parsed.reason}; ignored`, raw: safeStringify(resolvedRaw) });
  }

  const optional = (name: string): string | null => readOptionalField(fields, name, issues);

  const tags = readTags(fields['tags']);
  if (!tags.ok) issues.push({ kind: 'warning', reason: `"tags": ${tags.reason}; ignored`, raw: safeStringify(fields['tags']) });
  const csatRaw = fields['csat'];
  const csat = normalizeCsat(options.source ?? 'canonical', csatRaw);
  if (csat === null && csatRaw !== undefined && csatRaw !== null && csatRaw !== '') {
    issues.push({ kind: 'warning', reason: `"csat": ${describe(csatRaw)} is not a rating (1-5, or good, neutral, bad); ignored`, raw: safeStringify(csatRaw) });
  }

  return {
    ok: true,
    issues,
    value: {
      source: options.source ?? 'canonical',
      externalId: id.value,
      channel: channel.value.toLowerCase(),
      createdAt,
      status: optional('status')?.toLowerCase() ?? null,
      resolvedAt,
      customerId: optional('customer_id'),
      assignee: optional('assignee'),
      subject: optional('subject'),
      language: optional('language')?.toLowerCase() ?? null,
      tags: tags.ok ? tags.value : [],
      team: optional('team'),
      csatRating: csat?.rating ?? null,
      csat: csat?.level ?? null,
      events: [],
      messages: [],
    },
  };
}

/** Validates one message object. */
export function normalizeMessage(
  input: unknown,
  options: TimestampOptions,
  names: { id?: string; createdAt?: string } = {},
): NormalizeResult<NormalizedMessage> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: `expected a message object, got ${describe(input)}` };
  }
  const fields = input as Fields;
  const idName = names.id ?? 'id';
  const id = readId(fields[idName], idName);
  if (!id.ok) return id;
  const role = readRole(fields['author_role']);
  if (!role.ok) return role;
  const createdName = names.createdAt ?? 'created_at';
  if (fields[createdName] === undefined || fields[createdName] === null || fields[createdName] === '') {
    return { ok: false, reason: `missing field "${createdName}"` };
  }
  const createdAt = parseTimestamp(fields[createdName], options);
  if (!createdAt.ok) return { ok: false, reason: `"${createdName}": ${createdAt.reason}` };
  const bodyRaw = fields['body'];
  if (bodyRaw === undefined || bodyRaw === null) return { ok: false, reason: 'missing field "body"' };
  if (typeof bodyRaw !== 'string') return { ok: false, reason: `"body" must be text, got ${describe(bodyRaw)}` };
  const authorId = readOptionalText(fields['author_id']) ?? null;
  const internal = readFlag(fields['internal']);
  if (!internal.ok) return internal;

  const issues: RecordIssue[] = [];
  const truncated = bodyRaw.length > MAX_BODY_CHARS;
  if (truncated) {
    issues.push({
      kind: 'warning',
      reason: `message "${id.value}": body of ${bodyRaw.length} characters truncated to ${MAX_BODY_CHARS}`,
      raw: bodyRaw.slice(0, 200),
    });
  }
  return {
    ok: true,
    issues,
    value: {
      externalId: id.value,
      role: role.value,
      authorId,
      createdAt: createdAt.value,
      body: truncated ? bodyRaw.slice(0, MAX_BODY_CHARS) : bodyRaw,
      bodyLength: bodyRaw.length,
      bodyTruncated: truncated,
      internal: internal.value,
    },
  };
}

function normalizeEvent(input: unknown, options: TimestampOptions): Parsed<NormalizedEvent> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail(`expected an object, got ${describe(input)}`);
  const fields = input as Fields;
  const kind = typeof fields['type'] === 'string' ? fields['type'].trim().toLowerCase() : '';
  if (!(CONVERSATION_EVENT_KINDS as readonly string[]).includes(kind)) {
    return fail(`unknown event type ${JSON.stringify(fields['type'])} (expected ${CONVERSATION_EVENT_KINDS.join(', ')})`);
  }
  const createdAt = parseTimestamp(fields['created_at'], options);
  if (!createdAt.ok) return fail(`"created_at": ${createdAt.reason}`);
  return ok({ kind: kind as ConversationEventKind, createdAt: createdAt.value, actorId: readOptionalText(fields['actor_id']) ?? null });
}

export function sameMessage(a: NormalizedMessage, b: NormalizedMessage): boolean {
  return (
    a.externalId === b.externalId &&
    a.role === b.role &&
    a.authorId === b.authorId &&
    a.createdAt === b.createdAt &&
    a.body === b.body &&
    a.internal === b.internal
  );
}

function readId(value: unknown, name: string): Parsed<string> {
  if (value === undefined || value === null || value === '') return fail(`missing field "${name}"`);
  if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
  if (typeof value !== 'string') return fail(`"${name}" must be a string or number, got ${describe(value)}`);
  const id = value.trim();
  if (id === '') return fail(`"${name}" is blank`);
  if (id.length > MAX_ID_CHARS) return fail(`"${name}" is ${id.length} characters long (at most ${MAX_ID_CHARS})`);
  return ok(id);
}

function readRequiredText(value: unknown, name: string): Parsed<string> {
  if (value === undefined || value === null) return fail(`missing field "${name}"`);
  if (typeof value !== 'string') return fail(`"${name}" must be text, got ${describe(value)}`);
  const text = value.trim();
  if (text === '') return fail(`"${name}" is blank`);
  return ok(text);
}

/** null when absent or blank; undefined when present but not text. */
export function readOptionalText(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text === '' ? null : text;
}

const ROLE_ALIASES: Record<string, AuthorRole> = {
  customer: 'customer',
  agent: 'agent',
  bot: 'bot',
  system: 'system',
};

/** A missing optional field is the common case (a CSV row without conversation columns): no work, no garbage. */
function readOptionalField(fields: Fields, name: string, issues: RecordIssue[]): string | null {
  const raw = fields[name];
  if (raw === undefined || raw === null || raw === '') return null;
  const value = readOptionalText(raw);
  if (value === undefined) {
    issues.push({ kind: 'warning', reason: `"${name}" must be text, got ${describe(raw)}; ignored`, raw: safeStringify(raw) });
    return null;
  }
  if (value !== null && value.length > MAX_TEXT_FIELD_CHARS) {
    issues.push({ kind: 'warning', reason: `"${name}" is ${value.length} characters; truncated to ${MAX_TEXT_FIELD_CHARS}`, raw: value.slice(0, 200) });
    return value.slice(0, MAX_TEXT_FIELD_CHARS);
  }
  return value;
}

/** The verdicts for roles written exactly as stored, shared: read millions of times, never changed. */
const EXACT_ROLES = new Map<unknown, Parsed<AuthorRole>>(AUTHOR_ROLES.map((role) => [role, Object.freeze(ok(role))]));

function readRole(value: unknown): Parsed<AuthorRole> {
  const exact = EXACT_ROLES.get(value);
  if (exact) return exact;
  if (value === undefined || value === null || value === '') return fail('missing field "author_role"');
  const key = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  // Own keys only: "constructor" or "__proto__" in the data are unknown roles, not the prototype's members.
  const role = key !== undefined && Object.hasOwn(ROLE_ALIASES, key) ? ROLE_ALIASES[key] : undefined;
  if (!role) return fail(`unknown author_role ${JSON.stringify(value)} (expected ${AUTHOR_ROLES.join(', ')})`);
  return ok(role);
}

export function readFlag(value: unknown): Parsed<boolean> {
  if (value === undefined || value === null || value === '') return ok(false);
  if (typeof value === 'boolean') return ok(value);
  if (value === 1 || value === 0) return ok(value === 1);
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(text)) return ok(true);
    if (['false', '0', 'no'].includes(text)) return ok(false);
  }
  return fail(`"internal" must be true or false, got ${JSON.stringify(value)}`);
}

function readTags(value: unknown): Parsed<string[]> {
  if (value === undefined || value === null || value === '') return ok([]);
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (!Array.isArray(parsed)) return fail('expected a list');
        list = parsed;
      } catch {
        return fail('not a valid JSON list');
      }
    } else list = text.split(/[;,|]/);
  } else return fail(`expected a list of strings, got ${describe(value)}`);
  const tags = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string' && typeof item !== 'number') return fail(`tag ${JSON.stringify(item)} is not text`);
    const tag = String(item).trim().toLowerCase();
    if (tag !== '') tags.add(tag.slice(0, 100));
  }
  return ok([...tags].sort());
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function safeStringify(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
