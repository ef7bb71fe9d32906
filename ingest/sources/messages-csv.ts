import { normalizeConversationFields, normalizeMessage } from '../normalize.js';
import type { SourceContext, SourceRecord } from '../source-record.js';
import { rawOf, readCsvRows } from './csv-records.js';

export const MESSAGE_CSV_REQUIRED_COLUMNS = ['conversation_id', 'message_id', 'channel', 'author_role', 'created_at', 'body'] as const;
export const MESSAGE_CSV_OPTIONAL_COLUMNS = [
  'author_id', 'internal', 'conversation_created_at', 'status', 'resolved_at', 'customer_id', 'assignee', 'tags', 'subject', 'language',
] as const;
const KNOWN = new Set<string>([...MESSAGE_CSV_REQUIRED_COLUMNS, ...MESSAGE_CSV_OPTIONAL_COLUMNS]);
const CONVERSATION_RULES = { createdAtRequired: false, idField: 'conversation_id', createdAtField: 'conversation_created_at' };
const MESSAGE_NAMES = { id: 'message_id' };

/** Canonical messages: a CSV with a header, one message a row, optional conversation columns. */
export async function* readMessagesCsv(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  const onHeader = (columns: string[]): void => {
    const missing = MESSAGE_CSV_REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
    if (missing.length > 0) throw new Error(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    const unknown = columns.filter((name) => !KNOWN.has(name));
    if (unknown.length > 0) context.warn(`unknown column${unknown.length > 1 ? 's' : ''} ignored: ${unknown.join(', ')}`, 1);
  };
  const options = { timezone: context.timezone };
  for await (const rows of readCsvRows(context.path, context.onChunk, onHeader)) {
    const batch: SourceRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!row.ok) {
        batch[i] = { line: row.line, raw: row.raw, messagesRead: 1, parsed: { ok: false, reason: row.reason } };
        continue;
      }
      const head = normalizeConversationFields(row.fields, options, CONVERSATION_RULES);
      const message = head.ok ? normalizeMessage(row.fields, options, MESSAGE_NAMES) : head;
      if (!head.ok || !message.ok) {
        batch[i] = { line: row.line, raw: rawOf(row.fields), messagesRead: 1, parsed: { ok: false, reason: !head.ok ? head.reason : message.ok ? '' : message.reason } };
        continue;
      }
      const issues = head.issues.length === 0 ? message.issues : [...head.issues, ...message.issues];
      batch[i] = {
        line: row.line,
        // Built only for a row with a warning: most rows never need their raw text. A row rejected later (its
        // channel contradicts its conversation's) is described from its fields by the writer.
        raw: issues.length > 0 ? rawOf(row.fields) : '',
        messagesRead: 1,
        parsed: { ok: true, value: { type: 'message', head: head.value, message: message.value }, issues },
      };
    }
    yield batch;
  }
}
