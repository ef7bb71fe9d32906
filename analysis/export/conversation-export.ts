import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { SelectQueryBuilder } from '#kysely';
import type { EngineTarget } from '../../db/engine-statements.js';
import type { ConversationsTable, Database } from '../../db/schema.js';
import type { ConversationFilter } from '../conversation-filter.js';
import { csvLine, type CsvValue } from './csv-line.js';
import { iterateExportRows } from './conversation-export-queries.js';

/** A row of the export query: every provider's selections, by alias. */
export type ExportRow = Readonly<Record<string, unknown>>;
/** The export query; providers add joins and selections to it. `c` is the conversations table. */
export type ExportQuery = SelectQueryBuilder<Database & { c: ConversationsTable }, 'c', ExportRow>;

/** A value of an exported cell; lists become `a;b` in CSV and arrays in JSON Lines. */
export type ExportValue = CsvValue | readonly string[];

export interface ExportColumn {
  name: string;
  value(row: ExportRow): ExportValue;
}

/** What every provider of one export reads: the same analysis run, -1 (no run) before the first succeeded one. */
export interface ExportContext {
  analysisRunId: number;
}

/**
 * A group of export columns owned by one analysis: its LEFT JOINs and selections (aliases prefixed with its own
 * name, so providers never clash), and how each column reads them. A later analysis adds a provider; nothing else
 * changes.
 */
export interface ExportColumnProvider {
  name: string;
  extend(query: ExportQuery, context: ExportContext): ExportQuery;
  columns: readonly ExportColumn[];
}

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportConversationsOptions {
  providers: readonly ExportColumnProvider[];
  format: ExportFormat;
  filter: ConversationFilter;
  out: Writable;
}

/** Lines buffered before one write: fewer, larger writes; the stream's backpressure is honoured on each. */
const WRITE_CHUNK_CHARS = 1 << 16;

/**
 * Streams one line per conversation, in id order, with every provider's columns: rows come a page at a time
 * (`iterateExportRows`), and writing waits for `drain`, so memory stays flat however many
 * conversations there are. The filter applies to the conversation's start (`conversationInFilter`). Every analysis column
 * comes from the latest succeeded analysis run.
 *
 * @example
 * await exportConversations(handle, { providers: [conversationColumns, responseTimeColumns], format: 'csv', filter: {}, out: process.stdout });
 */
export async function exportConversations(handle: EngineTarget, options: ExportConversationsOptions): Promise<number> {
  const columns = options.providers.flatMap((provider) => provider.columns);
  const line =
    options.format === 'csv'
      ? (row: ExportRow) => csvLine(columns.map((column) => csvValue(column.value(row))))
      : (row: ExportRow) => `${JSON.stringify(Object.fromEntries(columns.map((column) => [column.name, column.value(row) ?? null])))}\n`;

  const write = async (text: string): Promise<void> => {
    if (!options.out.write(text)) await once(options.out, 'drain');
  };
  let buffer = options.format === 'csv' ? csvLine(columns.map((column) => column.name)) : '';
  let count = 0;
  for await (const page of iterateExportRows(handle, options.providers, options.filter)) {
    for (const row of page) {
      buffer += line(row);
      count += 1;
      if (buffer.length >= WRITE_CHUNK_CHARS) {
        await write(buffer);
        buffer = '';
      }
    }
  }
  if (buffer.length > 0) await write(buffer);
  return count;
}

function csvValue(value: ExportValue): CsvValue {
  return Array.isArray(value) ? value.join(';') : (value as CsvValue);
}

/**
 * An epoch-ms cell as an ISO 8601 UTC instant; null stays null.
 *
 * @example
 * isoInstant(0); // "1970-01-01T00:00:00.000Z"
 */
export function isoInstant(value: unknown): string | null {
  return typeof value === 'number' ? new Date(value).toISOString() : null;
}
