import { AUTHOR_ROLES, type AuthorRole } from '../../db/schema.js';
import { MESSAGE_CSV_REQUIRED_COLUMNS } from '../format-signs.js';
import { MAX_BODY_CHARS, MAX_ID_CHARS } from '../limits.js';
import { normalizeConversationFields, normalizeMessage, readFlag, readOptionalText } from '../normalize.js';
import { BatchEncoder, decodeBatch, RunTracker, type EncodedBatch } from '../record-codec.js';
import type { SourceContext, SourceRecord } from '../source-record.js';
import { parseTimestamp } from '../timestamps.js';
import { fieldsOf, rawOf, readCsvValues, type CsvValuesRow } from './csv-records.js';

export const MESSAGE_CSV_OPTIONAL_COLUMNS = [
  'author_id',
  'internal',
  'conversation_created_at',
  'status',
  'resolved_at',
  'customer_id',
  'assignee',
  'tags',
  'subject',
  'language',
  'team',
  'csat',
] as const;
/** Optional columns that describe the conversation: a row that fills any of them is not a bare message row. */
const CONVERSATION_COLUMNS = [
  'conversation_created_at',
  'status',
  'resolved_at',
  'customer_id',
  'assignee',
  'tags',
  'subject',
  'language',
  'team',
  'csat',
] as const;
const KNOWN = new Set<string>([...MESSAGE_CSV_REQUIRED_COLUMNS, ...MESSAGE_CSV_OPTIONAL_COLUMNS]);
const CONVERSATION_RULES = { createdAtRequired: false, idField: 'conversation_id', createdAtField: 'conversation_created_at' };
const MESSAGE_NAMES = { id: 'message_id' };
const MAX_CHANNEL_CHARS = 64;

/** Where each column is in a row's values (the last of repeated names, as in a row read into an object). */
interface Columns {
  names: string[];
  conversationId: number;
  messageId: number;
  channel: number;
  role: number;
  createdAt: number;
  body: number;
  authorId: number;
  internal: number;
  conversation: number[];
}

/**
 * Canonical messages: a CSV with a header, one message a row, optional conversation columns. Batches come encoded
 * (see record-codec): the clean rows without conversation columns, nearly all of a real export, are recognised
 * here from their values and written to the batch without an object per row; every other row goes through
 * `normalizeConversationFields` / `normalizeMessage`, which explain what is wrong with it. Both ways give the same
 * record (a test reads random rows both ways); `recognise: false` sends every row the general way.
 */
export async function* readMessagesCsvEncoded(
  context: SourceContext,
  options: { recognise?: boolean; stats?: { recognised: number } } = {},
): AsyncGenerator<EncodedBatch> {
  let columns: Columns | undefined;
  const onHeader = (names: string[]): void => {
    const missing = MESSAGE_CSV_REQUIRED_COLUMNS.filter((name) => !names.includes(name));
    if (missing.length > 0) throw new Error(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    const unknown = names.filter((name) => !KNOWN.has(name));
    if (unknown.length > 0) context.warn(`unknown column${unknown.length > 1 ? 's' : ''} ignored: ${unknown.join(', ')}`, 1);
    columns = {
      names,
      conversationId: names.lastIndexOf('conversation_id'),
      messageId: names.lastIndexOf('message_id'),
      channel: names.lastIndexOf('channel'),
      role: names.lastIndexOf('author_role'),
      createdAt: names.lastIndexOf('created_at'),
      body: names.lastIndexOf('body'),
      authorId: names.lastIndexOf('author_id'),
      internal: names.lastIndexOf('internal'),
      conversation: CONVERSATION_COLUMNS.map((name) => names.lastIndexOf(name)).filter((index) => index >= 0),
    };
  };
  const timestampOptions = { timezone: context.timezone };
  const recognise = options.recognise ?? true;
  const runs = new RunTracker();
  for await (const rows of readCsvValues(context.path, context.onChunk, onHeader)) {
    const encoder = new BatchEncoder(rows.length, runs);
    for (const row of rows) {
      if (recognise && row.ok && addCleanRow(encoder, row.line, row.values, columns!, timestampOptions)) {
        if (options.stats) options.stats.recognised += 1;
      } else {
        encoder.add(toRecord(row, columns?.names ?? [], timestampOptions));
      }
    }
    yield encoder.finish();
  }
}

/** The same rows as `SourceRecord`s, for callers that want records (format detection's table of sources). */
export async function* readMessagesCsv(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  for await (const batch of readMessagesCsvEncoded(context)) yield decodeBatch(batch);
}

/**
 * Adds the row when it is a clean bare message row, exactly as the general path would store it; returns false
 * (adding nothing) for any row that needs a closer look: blanks, padding, an unusual role or flag spelling, a
 * timestamp that does not parse, a body to truncate, conversation columns filled in.
 */
function addCleanRow(encoder: BatchEncoder, line: number, values: string[], columns: Columns, options: { timezone: string }): boolean {
  if (values.length !== columns.names.length) return false;
  for (const index of columns.conversation) if (values[index] !== '') return false;
  const conversationId = values[columns.conversationId]!;
  const messageId = values[columns.messageId]!;
  const channel = values[columns.channel]!;
  const body = values[columns.body]!;
  if (!isPlainId(conversationId) || !isPlainId(messageId)) return false;
  if (channel.length === 0 || channel.length > MAX_CHANNEL_CHARS || channel.trim().length !== channel.length) return false;
  if (body.length > MAX_BODY_CHARS) return false;
  const role = exactRole(values[columns.role]!);
  if (role === undefined) return false;
  const createdAtText = values[columns.createdAt]!;
  if (createdAtText === '') return false;
  const createdAt = parseTimestamp(createdAtText, options);
  if (!createdAt.ok) return false;
  let internal = false;
  if (columns.internal >= 0 && values[columns.internal] !== '') {
    const flag = readFlag(values[columns.internal]);
    if (!flag.ok) return false;
    internal = flag.value;
  }
  const authorId = columns.authorId >= 0 ? (readOptionalText(values[columns.authorId]) ?? null) : null;
  encoder.addBare(line, 'canonical', conversationId, channel.toLowerCase(), messageId, role, authorId, createdAt.value, body, body.length, false, internal);
  return true;
}

function isPlainId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_ID_CHARS && id.trim().length === id.length;
}

function exactRole(value: string): AuthorRole | undefined {
  return (AUTHOR_ROLES as readonly string[]).includes(value) ? (value as AuthorRole) : undefined;
}

function toRecord(row: CsvValuesRow, names: string[], options: { timezone: string }): SourceRecord {
  if (!row.ok) return { line: row.line, raw: row.raw, messagesRead: 1, parsed: { ok: false, reason: row.reason } };
  const fields = fieldsOf(names, row.values);
  const head = normalizeConversationFields(fields, options, CONVERSATION_RULES);
  const message = head.ok ? normalizeMessage(fields, options, MESSAGE_NAMES) : head;
  if (!head.ok || !message.ok) {
    return { line: row.line, raw: rawOf(fields), messagesRead: 1, parsed: { ok: false, reason: !head.ok ? head.reason : message.ok ? '' : message.reason } };
  }
  const issues = head.issues.length === 0 ? message.issues : [...head.issues, ...message.issues];
  return {
    line: row.line,
    // Built only for a row with a warning: most rows never need their raw text. A row rejected later (its channel
    // contradicts its conversation's) is described from its fields by the writer.
    raw: issues.length > 0 ? rawOf(fields) : '',
    messagesRead: 1,
    parsed: { ok: true, value: { type: 'message', head: head.value, message: message.value }, issues },
  };
}
