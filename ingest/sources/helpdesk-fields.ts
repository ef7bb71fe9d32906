import type { AuthorRole } from '../../db/schema.js';
import { htmlToText, looksLikeHtml } from '../html-to-text.js';
import { MAX_BODY_CHARS, MAX_ID_CHARS, MAX_TEXT_FIELD_CHARS } from '../limits.js';
import { describe, safeStringify, type NormalizedMessage, type RecordIssue } from '../normalize.js';
import { fail, ok, type Parsed } from '../result.js';
import { parseTimestamp, type TimestampOptions } from '../timestamps.js';

/** Shared readers for helpdesk exports (Zendesk, Intercom): ids, times, text and messages. */
export type Fields = Record<string, unknown>;

/** A value from a mapping table; keys such as "constructor" or "__proto__" in the data never reach Object.prototype. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export { isObject } from '../format-signs.js';

/** An id given as a string or an integer; helpdesks use both. */
export function readExternalId(value: unknown, name: string): Parsed<string> {
  if (value === undefined || value === null || value === '') return fail(`missing field "${name}"`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return fail(`"${name}" must be an integer id, got ${value}`);
    return ok(String(value));
  }
  if (typeof value !== 'string') return fail(`"${name}" must be a string or number, got ${describe(value)}`);
  const id = value.trim();
  if (id === '') return fail(`"${name}" is blank`);
  if (id.length > MAX_ID_CHARS) return fail(`"${name}" is ${id.length} characters long (at most ${MAX_ID_CHARS})`);
  return ok(id);
}

/** An optional id: null when absent, 0 or blank (helpdesks write 0 for "nobody"). */
export function readOptionalId(value: unknown): string | null {
  if (value === 0 || value === '0') return null;
  const id = readExternalId(value, 'id');
  return id.ok ? id.value : null;
}

export function readTime(value: unknown, name: string, options: TimestampOptions): Parsed<number> {
  if (value === undefined || value === null || value === '') return fail(`missing field "${name}"`);
  const parsed = parseTimestamp(value, options);
  return parsed.ok ? parsed : fail(`"${name}": ${parsed.reason}`);
}

/** Null when absent; a reason when present but not a time. */
export function readOptionalTime(value: unknown, name: string, options: TimestampOptions): Parsed<number | null> {
  if (value === undefined || value === null || value === '' || value === 0) return ok(null);
  return readTime(value, name, options);
}

/** Free text (a subject, a title), clipped to `MAX_TEXT_FIELD_CHARS`; `html`: the source writes it as HTML. */
export function readShortText(value: unknown, html: boolean): string | null {
  if (typeof value !== 'string') return null;
  const text = (html && (looksLikeHtml(value) || value.includes('&')) ? htmlToText(value) : value).trim();
  if (text === '') return null;
  return text.length > MAX_TEXT_FIELD_CHARS ? text.slice(0, MAX_TEXT_FIELD_CHARS) : text;
}

/** Tags as a sorted, lower-cased, de-duplicated list; `pick` reads one item (a string, or an object's name). */
export function readTagList(value: unknown, pick: (item: unknown) => unknown = (item) => item): string[] {
  if (!Array.isArray(value)) return [];
  const tags = new Set<string>();
  for (const item of value) {
    const tag = pick(item);
    if (typeof tag === 'string' && tag.trim() !== '') tags.add(tag.trim().toLowerCase().slice(0, 100));
  }
  return [...tags].sort();
}

export interface MessageInput {
  externalId: string;
  role: AuthorRole;
  authorId: string | null;
  createdAt: number;
  /** The body as the source gave it; HTML when `html` is true. */
  body: string;
  html: boolean;
  internal: boolean;
}

/** A message in the stored shape: HTML bodies become plain text, long bodies are truncated and flagged. */
export function buildMessage(input: MessageInput, issues: RecordIssue[], label: string): NormalizedMessage {
  const text = input.html ? htmlToText(input.body) : input.body;
  const truncated = text.length > MAX_BODY_CHARS;
  if (truncated) {
    issues.push({ kind: 'warning', reason: `${label}: body of ${text.length} characters truncated to ${MAX_BODY_CHARS}`, raw: text.slice(0, 200) });
  }
  return {
    externalId: input.externalId,
    role: input.role,
    authorId: input.authorId,
    createdAt: input.createdAt,
    body: truncated ? text.slice(0, MAX_BODY_CHARS) : text,
    bodyLength: text.length,
    bodyTruncated: truncated,
    internal: input.internal,
  };
}

/** Keeps the first of messages that share an id, as canonical ingest does, and says so. */
export function dropDuplicateMessages<M extends Pick<NormalizedMessage, 'externalId' | 'body' | 'createdAt' | 'internal'> & { role: unknown }>(
  messages: { message: M; raw: unknown; label: string }[],
  issues: RecordIssue[],
): M[] {
  const seen = new Map<string, M>();
  for (const { message, raw, label } of messages) {
    const earlier = seen.get(message.externalId);
    if (!earlier) {
      seen.set(message.externalId, message);
      continue;
    }
    const same =
      earlier.body === message.body && earlier.createdAt === message.createdAt && earlier.role === message.role && earlier.internal === message.internal;
    issues.push(
      same
        ? { kind: 'warning', reason: `${label}: duplicate of message id "${message.externalId}", ignored`, raw: safeStringify(raw) }
        : {
            kind: 'message',
            reason: `${label}: message id "${message.externalId}" repeats with different content; the first was kept`,
            raw: safeStringify(raw),
          },
    );
  }
  return [...seen.values()];
}

/** A raw text for a reject: the value as JSON, never more than a reject keeps. */
export function rawOf(value: unknown): string {
  return safeStringify(value);
}
