import type { NormalizedConversation, NormalizedMessage, RecordIssue } from './normalize.js';
import type { SourceRecord } from './source-record.js';

/**
 * Records cross from the parsing thread to the writing thread as one flat array per batch: structured clone copies a
 * flat array of strings and numbers several times faster than the same data as objects. The common record (a clean
 * message row) is a fixed run of fields; anything else travels as an object.
 */
const MESSAGE_ROW = 1;
const OTHER = 2;
/** A clean message row whose conversation columns are all empty (the usual case): eight fields fewer. */
const BARE_MESSAGE_ROW = 3;

export type EncodedBatch = unknown[];

export function encodeBatch(records: SourceRecord[]): EncodedBatch {
  const out: unknown[] = [];
  for (const record of records) {
    const parsed = record.parsed;
    if (parsed.ok && parsed.value.type === 'message') {
      const { head, message } = parsed.value;
      if (parsed.issues.length === 0 && isBare(head)) {
        out.push(
          BARE_MESSAGE_ROW,
          record.line,
          head.source,
          head.externalId,
          head.channel,
          message.externalId,
          message.role,
          message.authorId,
          message.createdAt,
          message.body,
          message.bodyLength,
          message.bodyTruncated,
          message.internal,
        );
        continue;
      }
      out.push(
        MESSAGE_ROW,
        record.line,
        parsed.issues.length > 0 ? record.raw || (record.rawOf?.() ?? '') : '',
        parsed.issues.length > 0 ? parsed.issues : null,
        head.source,
        head.externalId,
        head.channel,
        head.createdAt,
        head.status,
        head.resolvedAt,
        head.customerId,
        head.assignee,
        head.subject,
        head.language,
        head.tags.length > 0 ? head.tags : null,
        message.externalId,
        message.role,
        message.authorId,
        message.createdAt,
        message.body,
        message.bodyLength,
        message.bodyTruncated,
        message.internal,
      );
    } else {
      const { rawOf, ...plain } = record;
      out.push(OTHER, rawOf && !plain.raw ? { ...plain, raw: rawOf() } : plain);
    }
  }
  return out;
}

export function decodeBatch(encoded: EncodedBatch): SourceRecord[] {
  const records: SourceRecord[] = [];
  let i = 0;
  while (i < encoded.length) {
    const kind = encoded[i++];
    if (kind === OTHER) {
      records.push(encoded[i++] as SourceRecord);
      continue;
    }
    const bare = kind === BARE_MESSAGE_ROW;
    const line = encoded[i++] as number;
    const raw = bare ? '' : (encoded[i++] as string);
    const issues = bare ? NO_ISSUES : ((encoded[i++] as RecordIssue[] | null) ?? NO_ISSUES);
    const head: NormalizedConversation = bare
      ? {
          source: encoded[i++] as NormalizedConversation['source'],
          externalId: encoded[i++] as string,
          channel: encoded[i++] as string,
          createdAt: null,
          status: null,
          resolvedAt: null,
          customerId: null,
          assignee: null,
          subject: null,
          language: null,
          tags: NO_TAGS,
          events: NO_EVENTS,
          messages: NO_MESSAGES,
        }
      : {
          source: encoded[i++] as NormalizedConversation['source'],
          externalId: encoded[i++] as string,
          channel: encoded[i++] as string,
          createdAt: encoded[i++] as number | null,
          status: encoded[i++] as string | null,
          resolvedAt: encoded[i++] as number | null,
          customerId: encoded[i++] as string | null,
          assignee: encoded[i++] as string | null,
          subject: encoded[i++] as string | null,
          language: encoded[i++] as string | null,
          tags: (encoded[i++] as string[] | null) ?? [],
          events: [],
          messages: [],
        };
    const message: NormalizedMessage = {
      externalId: encoded[i++] as string,
      role: encoded[i++] as NormalizedMessage['role'],
      authorId: encoded[i++] as string | null,
      createdAt: encoded[i++] as number,
      body: encoded[i++] as string,
      bodyLength: encoded[i++] as number,
      bodyTruncated: encoded[i++] as boolean,
      internal: encoded[i++] as boolean,
    };
    // No raw text crosses for clean rows; a later reject (a channel conflict) describes the row from its fields.
    records.push({
      line,
      raw,
      messagesRead: 1,
      parsed: { ok: true, value: { type: 'message', head, message }, issues },
    });
  }
  return records;
}

const NO_ISSUES: RecordIssue[] = [];
const NO_TAGS: string[] = [];
const NO_EVENTS: NormalizedConversation['events'] = [];
const NO_MESSAGES: NormalizedMessage[] = [];

function isBare(head: NormalizedConversation): boolean {
  return (
    head.createdAt === null &&
    head.status === null &&
    head.resolvedAt === null &&
    head.customerId === null &&
    head.assignee === null &&
    head.subject === null &&
    head.language === null &&
    head.tags.length === 0
  );
}
