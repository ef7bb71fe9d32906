import type { NormalizedConversation, NormalizedMessage, RecordIssue } from './normalize.js';
import type { SourceRecord } from './source-record.js';

/**
 * Records cross from the parsing thread to the writing thread as one flat array per batch: structured clone copies a
 * flat array of strings and numbers several times faster than the same data as objects. The common record (a clean
 * message row) is a fixed run of fields; anything else travels as an object.
 */
const MESSAGE_ROW = 1;
const OTHER = 2;

export type EncodedBatch = unknown[];

export function encodeBatch(records: SourceRecord[]): EncodedBatch {
  const out: unknown[] = [];
  for (const record of records) {
    const parsed = record.parsed;
    if (parsed.ok && parsed.value.type === 'message') {
      const { head, message } = parsed.value;
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
    const line = encoded[i++] as number;
    const raw = encoded[i++] as string;
    const issues = (encoded[i++] as RecordIssue[] | null) ?? [];
    const head: NormalizedConversation = {
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
    records.push({
      line,
      raw,
      rawOf: () => JSON.stringify({ conversation_id: head.externalId, message_id: message.externalId, channel: head.channel, author_role: message.role, created_at: message.createdAt, body: message.body }),
      messagesRead: 1,
      parsed: { ok: true, value: { type: 'message', head, message }, issues },
    });
  }
  return records;
}
