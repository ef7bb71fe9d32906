import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { MAX_RECORD_BYTES } from '../limits.js';
import { Utf8Guard } from '../utf8-guard.js';

export type CsvRow =
  | { ok: true; line: number; raw: string; fields: Record<string, string> }
  | { ok: false; line: number; raw: string; reason: string };

export class CsvFileError extends Error {}

/**
 * Rows of a CSV file with a header, keyed by lower-cased column name. UTF-8 with or without BOM, CRLF or LF,
 * quoted multi-line fields. A malformed row or a row with invalid UTF-8 yields a reason; the rows around it load.
 * Throws `CsvFileError` when the file cannot be read as CSV at all (no header, a record beyond the size limit).
 */
export async function* readCsvRows(path: string, onChunk: (chunk: Buffer) => void, onHeader?: (columns: string[]) => void): AsyncGenerator<CsvRow> {
  const guard = new Utf8Guard(onChunk);
  const skipped: CsvRow[] = [];
  let fatal: string | undefined;
  const parser = parse({
    bom: true,
    info: true,
    raw: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (error, raw) => {
      const code = (error as { code?: string } | undefined)?.code;
      const line = (error as { lines?: number } | undefined)?.lines ?? 0;
      if (code === 'CSV_MAX_RECORD_SIZE') {
        fatal = `record at line ${line} is longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?); the file was not loaded`;
        return;
      }
      skipped.push({ ok: false, line, raw: raw ?? '', reason: `malformed CSV: ${error?.message ?? 'unknown error'}` });
    },
  });
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(guard).pipe(parser);

  let header: string[] | undefined;
  try {
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    if (fatal) break;
    const endLine = item.info.lines;
    const startLine = endLine - countLineBreaks(item.raw);
    if (!header) {
      header = item.record.map((name) => name.trim().toLowerCase());
      onHeader?.(header);
      continue;
    }
    const invalidLine = firstInvalidLine(guard.invalidLines, startLine, endLine);
    if (invalidLine !== undefined) {
      yield { ok: false, line: startLine, raw: item.raw, reason: `invalid UTF-8 on line ${invalidLine} (shown with U+FFFD where bytes were invalid)` };
      continue;
    }
    const fields: Record<string, string> = {};
    const record = item.record;
    for (let i = 0; i < header.length; i++) {
      const value = record[i];
      if (value !== undefined) fields[header[i]!] = value;
    }
    if (record.length > header.length && record.slice(header.length).some((value) => value.trim() !== '')) {
      yield { ok: false, line: startLine, raw: item.raw, reason: `row has ${record.length} fields, the header has ${header.length}` };
      continue;
    }
    yield { ok: true, line: startLine, raw: item.raw, fields };
  }
  while (skipped.length > 0) yield skipped.shift()!;
  } finally {
    input.destroy();
  }
  if (fatal) throw new CsvFileError(fatal);
  if (!header) throw new CsvFileError('no header row');
}

function firstInvalidLine(lines: Set<number>, start: number, end: number): number | undefined {
  if (lines.size === 0) return undefined;
  for (let line = start; line <= end; line++) if (lines.has(line)) return line;
  return undefined;
}

function countLineBreaks(raw: string): number {
  let count = 0;
  const trimmed = raw.replace(/[\r\n]+$/, '');
  for (let i = trimmed.indexOf('\n'); i !== -1; i = trimmed.indexOf('\n', i + 1)) count += 1;
  return count;
}
