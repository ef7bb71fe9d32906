import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';

export interface Line {
  /** 1-based physical line number. */
  number: number;
  /** The line without its terminator (LF or CRLF); decoded with U+FFFD where `invalidUtf8`. */
  text: string;
  invalidUtf8: boolean;
  /** The line was longer than `maxLineBytes`: `text` holds only its beginning. */
  tooLong: boolean;
  byteLength: number;
}

export interface ReadLinesOptions {
  maxLineBytes: number;
  /** Called with every chunk read, before it is split (used for hashing and progress). */
  onChunk?: (chunk: Buffer) => void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Streams a file's lines in constant memory, in batches (the lines each read chunk completes). Lines longer than `maxLineBytes` are not held in memory:
 * only their first `maxLineBytes` bytes are kept and the line is flagged.
 */
export async function* readLines(path: string, options: ReadLinesOptions): AsyncGenerator<Line[]> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let totalLineBytes = 0;
  let lineNumber = 0;
  let first = true;

  const finish = (): Line => {
    lineNumber += 1;
    let buffer = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partsBytes);
    if (first) {
      first = false;
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3);
    }
    if (buffer.length > 0 && buffer[buffer.length - 1] === CARRIAGE_RETURN) buffer = buffer.subarray(0, buffer.length - 1);
    const tooLong = totalLineBytes > options.maxLineBytes;
    const valid = isUtf8(buffer);
    // A line cut at the limit may end inside a multi-byte character: that is not invalid input.
    const invalidUtf8 = !valid && !(tooLong && isUtf8(trimPartialCharacter(buffer)));
    const line: Line = { number: lineNumber, text: decoder.decode(buffer), invalidUtf8, tooLong, byteLength: totalLineBytes };
    parts = [];
    partsBytes = 0;
    totalLineBytes = 0;
    return line;
  };

  const keep = (piece: Buffer): void => {
    totalLineBytes += piece.length;
    const room = options.maxLineBytes - partsBytes;
    if (room <= 0) return;
    const kept = piece.length > room ? piece.subarray(0, room) : piece;
    parts.push(kept);
    partsBytes += kept.length;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    options.onChunk?.(chunk);
    const batch: Line[] = [];
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      keep(chunk.subarray(start, newline));
      batch.push(finish());
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) keep(Buffer.from(chunk.subarray(start)));
    if (batch.length > 0) yield batch;
  }
  if (totalLineBytes > 0) yield [finish()];
}

function trimPartialCharacter(buffer: Buffer): Buffer {
  let end = buffer.length;
  for (let back = 0; back < 3 && end > 0 && (buffer[end - 1]! & 0xc0) === 0x80; back++) end--;
  if (end > 0 && buffer[end - 1]! >= 0xc0) end--;
  return buffer.subarray(0, end);
}
