import { normalizeConversationFields, normalizeMessage } from '../normalize.js';
import type { SourceContext, SourceRecord } from '../source-record.js';
import { readCsvRows } from './csv-records.js';

export const MESSAGE_CSV_REQUIRED_COLUMNS = ['conversation_id', 'message_id', 'channel', 'author_role', 'created_at', 'body'] as const;
export const MESSAGE_CSV_OPTIONAL_COLUMNS = [
  'author_id', 'internal', 'conversation_created_at', 'status', 'resolved_at', 'customer_id', 'assignee', 'tags', 'subject', 'language',
] as const;
const KNOWN = new Set<string>([...MESSAGE_CSV_REQUIRED_COLUMNS, ...MESSAGE_CSV_OPTIONAL_COLUMNS]);

/** Canonical messages: a CSV with a header, one message a row, optional conversation columns. */
export async function* readMessagesCsv(context: SourceContext): AsyncGenerator<SourceRecord> {
  const onHeader = (columns: string[]): void => {
    const missing = MESSAGE_CSV_REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
    if (missing.length > 0) throw new Error(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    const unknown = columns.filter((name) => !KNOWN.has(name));
    if (unknown.length > 0) context.warn(`unknown column${unknown.length > 1 ? 's' : ''} ignored: ${unknown.join(', ')}`, 1);
  };
  for await (const row of readCsvRows(context.path, context.onChunk, onHeader)) {
    if (!row.ok) {
      yield { line: row.line, raw: row.raw, messagesRead: 1, parsed: { ok: false, reason: row.reason } };
      continue;
    }
    const head = normalizeConversationFields(row.fields, { timezone: context.timezone }, {
      createdAtRequired: false,
      idField: 'conversation_id',
      createdAtField: 'conversation_created_at',
    });
    if (!head.ok) {
      yield { line: row.line, raw: row.raw, messagesRead: 1, parsed: head };
      continue;
    }
    const message = normalizeMessage(row.fields, { timezone: context.timezone }, { id: 'message_id' });
    if (!message.ok) {
      yield { line: row.line, raw: row.raw, messagesRead: 1, parsed: message };
      continue;
    }
    yield {
      line: row.line,
      raw: row.raw,
      messagesRead: 1,
      parsed: {
        ok: true,
        value: { type: 'message', head: head.value, message: message.value },
        issues: [...head.issues, ...message.issues],
      },
    };
  }
}
