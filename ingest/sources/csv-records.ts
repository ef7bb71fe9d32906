import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { csvParseRows } from 'd3-dsv';
import Papa from 'papaparse';
import { MAX_RECORD_BYTES } from '../limits.js';

export type CsvRow = { ok: true; line: number; raw: string; fields: Record<string, string> } | { ok: false; line: number; raw: string; reason: string };

/** A row as its values in header order (possibly fewer than the header's columns), or why it cannot be read. */
export type CsvValuesRow = { ok: true; line: number; values: string[] } | { ok: false; line: number; raw: string; reason: string };

type CsvOptions = { parser?: 'auto' | 'papa'; onParser?: (name: 'd3-dsv' | 'papaparse') => void };

/** The file cannot be read as CSV at all (no header, a record longer than the limit). */
export class CsvFileError extends Error {}

/** Papa Parse is fastest on segments of about this size (measured: 64 KiB twice as fast as 1 MiB). */
const READ_CHUNK_BYTES = 64 * 1024;
const FIRST_PIECE_BYTES = 8 * 1024;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Rows of a CSV file with a header, keyed by lower-cased column name, in batches (one per chunk read), so the
 * caller's per-row work stays synchronous. UTF-8 with or without BOM, CRLF or LF, quoted multi-line fields.
 *
 * The file is cut into segments that end at a line break outside quotes; Papa Parse parses each segment whole.
 * That keeps memory flat (a segment is at most one read chunk plus one record), keeps line numbers exact, and
 * lets a line with invalid UTF-8 be rejected by number while the rows around it load.
 */
export async function* readCsvRows(
  path: string,
  onChunk: (chunk: Buffer) => void,
  onHeader?: (columns: string[]) => void,
  /** For tests: `parser: 'papa'` parses every segment with Papa Parse; `onParser` learns which parser read each segment. */
  options: CsvOptions = {},
): AsyncGenerator<CsvRow[]> {
  let header: string[] = [];
  const keepHeader = (columns: string[]): void => {
    header = columns;
    onHeader?.(columns);
  };
  for await (const rows of readCsvValues(path, onChunk, keepHeader, options)) {
    const batch: CsvRow[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      if (!row.ok) {
        batch[r] = row;
        continue;
      }
      batch[r] = { ok: true, line: row.line, raw: '', fields: fieldsOf(header, row.values) };
    }
    yield batch;
  }
}

/** A row's values keyed by column name; a repeated name keeps its last value. */
export function fieldsOf(header: readonly string[], values: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < header.length; i++) {
    const value = values[i];
    if (value !== undefined) fields[header[i]!] = value;
  }
  return fields;
}

/** `readCsvRows` without building an object per row: the values in header order. */
export async function* readCsvValues(
  path: string,
  onChunk: (chunk: Buffer) => void,
  onHeader: ((columns: string[]) => void) | undefined,
  options: CsvOptions = {},
): AsyncGenerator<CsvValuesRow[]> {
  let header: string[] | undefined;
  let nextLine = 1;
  // Bytes read since the last record boundary, kept as pieces: a record spanning many chunks is joined once.
  let pieces: Buffer[] = [];
  let pendingBytes = 0;
  let first = true;
  /** The pending bytes hold a quoted field that does not close properly: only Papa Parse explains those. */
  let pendingIrregular = false;
  const scanner = new QuoteScanner();
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      onChunk(read);
      // The first rows go out after a small piece: whoever waits for them (the writing thread) starts sooner.
      const parts = first && read.length > FIRST_PIECE_BYTES ? [read.subarray(0, FIRST_PIECE_BYTES), read.subarray(FIRST_PIECE_BYTES)] : [read];
      for (let chunk of parts) {
        if (first) {
          first = false;
          if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
        }
        const end = scanner.lastBoundary(chunk);
        const irregular = scanner.takeIrregular();
        if (end === 0) {
          pendingIrregular ||= irregular;
          pieces.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes > MAX_RECORD_BYTES) {
            throw new CsvFileError(
              `record starting at line ${nextLine} is longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?); the file was not loaded`,
            );
          }
          continue;
        }
        pieces.push(chunk.subarray(0, end));
        const segment = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
        const rest = chunk.subarray(end);
        pieces = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
        // Where in the chunk the irregular quote was is not known: both sides of the boundary take the careful path.
        const rows = parseSegment(segment, pendingIrregular || irregular);
        pendingIrregular = irregular;
        if (rows.length > 0) yield rows;
      }
    }
    if (pendingBytes > 0) {
      const rows = parseSegment(Buffer.concat(pieces), pendingIrregular || scanner.endsInsideQuotes());
      if (rows.length > 0) yield rows;
    }
    if (!header) throw new CsvFileError('no header row');
  } finally {
    stream.destroy();
  }

  /**
   * Well-formed segments (every quoted field closes before a comma or a line break, no lone carriage return) are
   * parsed by d3-dsv, about twice as fast as Papa Parse and agreeing with it on such text; anything else by Papa
   * Parse, whose error reports name what is wrong with a row. `irregular`: the quote scanner saw a quoted field
   * that does not close properly (or the file ends inside one).
   */
  function parseSegment(bytes: Buffer, irregular: boolean): CsvValuesRow[] {
    const invalidLines = isUtf8(bytes) ? undefined : findInvalidLines(bytes, nextLine);
    // A NUL byte is binary data in a text file: the row holding it is rejected, wherever in the file it is.
    const hasNul = bytes.indexOf(0) !== -1;
    const text = invalidLines ? lenientDecoder.decode(bytes) : bytes.toString('utf8');
    const careful = irregular || invalidLines !== undefined || options.parser === 'papa' || hasLoneCarriageReturn(text);
    const errorsByRow = new Map<number, string>();
    let data: string[][];
    options.onParser?.(careful ? 'papaparse' : 'd3-dsv');
    if (careful) {
      const parsed = Papa.parse<string[]>(text, { delimiter: ',', quoteChar: '"', newline: '\n' });
      for (const error of parsed.errors) {
        if (error.row !== undefined && !errorsByRow.has(error.row)) errorsByRow.set(error.row, error.message);
      }
      data = parsed.data;
    } else {
      data = csvParseRows(text);
      // Papa Parse reads the text after the segment's final line break as one more, empty, row; d3-dsv does not.
      // (d3-dsv also strips a CRLF's carriage return, which the loop below strips from Papa Parse's rows.)
      if (text.endsWith('\n')) data.push(['']);
    }
    const rows: CsvValuesRow[] = [];
    for (let index = 0; index < data.length; index++) {
      const record = data[index]!;
      const line = nextLine;
      let spanned = 1;
      for (let f = 0; f < record.length; f++) {
        let value = record[f]!;
        if (f === record.length - 1 && value.endsWith('\r')) record[f] = value = value.slice(0, -1);
        if (value.length > 0 && value.indexOf('\n') !== -1) spanned += countNewlines(value);
      }
      nextLine += spanned;
      if (record.length === 1 && record[0] === '') {
        if (index === data.length - 1) nextLine -= spanned; // the empty string after the segment's final line break
        continue;
      }
      if (!header) {
        header = record.map((name) => name.trim().toLowerCase());
        onHeader?.(header);
        continue;
      }
      const error = errorsByRow.get(index);
      if (error) {
        rows.push({ ok: false, line, raw: Papa.unparse([record]), reason: `malformed CSV: ${error}` });
        continue;
      }
      if (invalidLines) {
        const bad = invalidLines.find((n) => n >= line && n < line + spanned);
        if (bad !== undefined) {
          rows.push({ ok: false, line, raw: Papa.unparse([record]), reason: `invalid UTF-8 on line ${bad} (shown with U+FFFD where bytes were invalid)` });
          continue;
        }
      }
      if (hasNul && record.some((value) => value.includes('\u0000'))) {
        rows.push({ ok: false, line, raw: Papa.unparse([record]), reason: 'NUL byte in the row (binary data in a text file)' });
        continue;
      }
      if (record.length > header.length && record.slice(header.length).some((value) => value.trim() !== '')) {
        rows.push({ ok: false, line, raw: Papa.unparse([record]), reason: `row has ${record.length} fields, the header has ${header.length}` });
        continue;
      }
      rows.push({ ok: true, line, values: record });
    }
    return rows;
  }
}

const COMMA = 0x2c;
const CARRIAGE_RETURN = 0x0d;

/**
 * Finds record boundaries (line breaks outside quoted fields) chunk after chunk, carrying the quoting state across
 * chunks so that every byte is looked at once however long a record is. Follows Papa Parse's rules so both agree:
 * a quote opens a field only at the field's start; inside, `""` is an escaped quote and a quote closes the field
 * only before a comma, a line break or the end.
 */
class QuoteScanner {
  private inQuotes = false;
  /** A quoted field closed by something other than a comma or a line break was seen since `takeIrregular`. */
  private irregular = false;
  /** The previous chunk ended on a quote inside a quoted field: its meaning depends on the next byte. */
  private quoteAtEnd = false;
  private previousByte = NEWLINE;

  /** The bytes so far end inside a quoted field that never closed. */
  endsInsideQuotes(): boolean {
    return this.inQuotes && !this.quoteAtEnd;
  }

  /** Whether an irregular quote was seen since the last call; resets the flag. */
  takeIrregular(): boolean {
    const irregular = this.irregular;
    this.irregular = false;
    return irregular;
  }

  /** Offset in `chunk` just past its last record boundary, or 0 when it holds none. */
  lastBoundary(chunk: Buffer): number {
    if (chunk.length === 0) return 0;
    let boundary = 0;
    let outsideFrom = 0;
    let q = 0;
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      const next = chunk[0];
      if (next === QUOTE) q = 1;
      else if (next === COMMA || next === NEWLINE || next === CARRIAGE_RETURN) this.inQuotes = false;
      else this.irregular = true;
    }
    const closeOutside = (to: number): void => {
      if (to > outsideFrom) {
        const newline = chunk.lastIndexOf(NEWLINE, to - 1);
        if (newline >= outsideFrom) boundary = newline + 1;
      }
    };
    q = chunk.indexOf(QUOTE, q);
    while (q !== -1) {
      if (!this.inQuotes) {
        const previous = q === 0 ? this.previousByte : chunk[q - 1];
        if (previous === COMMA || previous === NEWLINE) {
          closeOutside(q);
          this.inQuotes = true;
        }
        q = chunk.indexOf(QUOTE, q + 1);
        continue;
      }
      if (q + 1 >= chunk.length) {
        this.quoteAtEnd = true;
        break;
      }
      const next = chunk[q + 1];
      if (next === QUOTE) {
        q = chunk.indexOf(QUOTE, q + 2);
        continue;
      }
      if (next === COMMA || next === NEWLINE || next === CARRIAGE_RETURN) {
        this.inQuotes = false;
        outsideFrom = q + 1;
      } else {
        this.irregular = true;
      }
      q = chunk.indexOf(QUOTE, q + 1);
    }
    if (!this.inQuotes && !this.quoteAtEnd) closeOutside(chunk.length);
    this.previousByte = chunk[chunk.length - 1]!;
    return boundary;
  }
}

function findInvalidLines(bytes: Buffer, firstLine: number): number[] {
  const lines: number[] = [];
  let line = firstLine;
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline === -1 ? bytes.length : newline + 1;
    if (!isUtf8(bytes.subarray(start, end))) lines.push(line);
    line += 1;
    start = end;
  }
  return lines;
}

/** A carriage return not followed by a line feed: d3-dsv would end a row there, Papa Parse (and this reader) not. */
function hasLoneCarriageReturn(text: string): boolean {
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== NEWLINE) return true;
  }
  return false;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

/** A parsed row written back as one CSV line, for the raw text of a reject or warning. */
export function rawOf(fields: Record<string, string>): string {
  return Papa.unparse([Object.values(fields)]);
}
