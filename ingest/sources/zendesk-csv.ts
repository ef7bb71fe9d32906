import type { SourceContext, SourceRecord } from '../source-record.js';
import { rawOf, readCsvRows } from './csv-records.js';
import { zendeskTableOf } from '../format-signs.js';
import { zendeskRecords } from './zendesk-tickets.js';

/**
 * Zendesk tables as CSV, one file per table: tickets (`id, created_at, subject, description, status, requester_id,
 * submitter_id, assignee_id, via_channel` or `channel`, `tags`), ticket comments (`id, ticket_id, author_id` or
 * `user_id`, `body` or `html_body` or `plain_body`, `public`, `created_at` or `created`), users (`id, role`). Each
 * row is read as the API's record and joined by id like the JSON streams.
 */
export async function* readZendeskCsv(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  let table: ReturnType<typeof zendeskTableOf> = null;
  for await (const rows of readCsvRows(context.path, context.onChunk, (columns) => (table = zendeskTableOf(columns.map((c) => c.trim().toLowerCase()))))) {
    const batch: SourceRecord[] = [];
    for (const row of rows) {
      if (!row.ok) {
        batch.push({ line: row.line, raw: row.raw, messagesRead: 0, parsed: { ok: false, reason: row.reason } });
        continue;
      }
      const fields = Object.fromEntries(Object.entries(row.fields).map(([name, value]) => [name.trim().toLowerCase(), value]));
      const value = table === 'tickets' ? ticketOf(fields) : table === 'comments' ? commentOf(fields) : userOf(fields);
      batch.push(...zendeskRecords(value, context, row.line, rawOf(row.fields)));
    }
    if (batch.length > 0) yield batch;
  }
}

function blankToNull(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

function ticketOf(fields: Record<string, string>): Record<string, unknown> {
  const tags = blankToNull(fields['tags']);
  return {
    id: blankToNull(fields['id']),
    created_at: blankToNull(fields['created_at']),
    subject: blankToNull(fields['subject']),
    description: fields['description'] ?? null,
    status: blankToNull(fields['status']),
    requester_id: blankToNull(fields['requester_id']),
    submitter_id: blankToNull(fields['submitter_id']),
    assignee_id: blankToNull(fields['assignee_id']),
    via: { channel: blankToNull(fields['via_channel'] ?? fields['channel']) },
    solved_at: blankToNull(fields['solved_at']),
    tags: tags === null ? [] : tags.startsWith('[') ? safeList(tags) : tags.split(/[ ,;|]+/),
  };
}

function commentOf(fields: Record<string, string>): Record<string, unknown> {
  const isPublic = blankToNull(fields['public'])?.toLowerCase();
  const comment: Record<string, unknown> = {
    id: blankToNull(fields['id']),
    ticket_id: blankToNull(fields['ticket_id']),
    author_id: blankToNull(fields['author_id'] ?? fields['user_id']),
    created_at: blankToNull(fields['created_at'] ?? fields['created']),
    public:
      isPublic === undefined ? null : ['true', '1', 'yes', 't'].includes(isPublic) ? true : ['false', '0', 'no', 'f'].includes(isPublic) ? false : isPublic,
  };
  for (const name of ['body', 'plain_body', 'html_body'] as const) if (fields[name] !== undefined && fields[name] !== '') comment[name] = fields[name];
  if (!('body' in comment || 'plain_body' in comment || 'html_body' in comment)) comment['body'] = fields['body'] ?? '';
  const via = blankToNull(fields['via_channel']);
  if (via !== null) comment['via'] = { channel: via };
  return comment;
}

function userOf(fields: Record<string, string>): Record<string, unknown> {
  return { id: blankToNull(fields['id']), role: blankToNull(fields['role']) ?? '' };
}

function safeList(text: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}
