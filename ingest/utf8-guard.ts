import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

const NEWLINE = 0x0a;
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Passes bytes through unchanged when they are valid UTF-8. Lines holding invalid bytes are rewritten with
 * U+FFFD and their numbers kept in `invalidLines`, so the parser downstream stays in step and the records on
 * those lines can be rejected by number while every other record loads.
 */
export class Utf8Guard extends Transform {
  readonly invalidLines = new Set<number>();
  private carry: Buffer = Buffer.alloc(0);
  private linesBefore = 0;

  constructor(private readonly onChunk: (chunk: Buffer) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.onChunk(chunk);
    let data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = incompleteTailStart(data);
    this.carry = Buffer.from(data.subarray(cut));
    data = data.subarray(0, cut);
    callback(null, this.check(data));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.carry.length > 0 ? this.check(this.carry) : undefined);
  }

  private check(data: Buffer): Buffer {
    if (isUtf8(data)) {
      this.linesBefore += countNewlines(data);
      return data;
    }
    const pieces: Uint8Array[] = [];
    let start = 0;
    while (start <= data.length) {
      const newline = data.indexOf(NEWLINE, start);
      const end = newline === -1 ? data.length : newline + 1;
      const segment = data.subarray(start, end);
      if (isUtf8(segment)) pieces.push(segment);
      else {
        this.invalidLines.add(this.linesBefore + 1);
        pieces.push(encoder.encode(lenientDecoder.decode(segment)));
      }
      if (newline === -1) break;
      this.linesBefore += 1;
      start = end;
    }
    return Buffer.concat(pieces);
  }
}

/** Where a multi-byte character that the chunk cuts in two begins (the chunk length when none is cut). */
function incompleteTailStart(data: Buffer): number {
  const end = data.length;
  for (let back = 1; back <= 3 && back <= end; back++) {
    const byte = data[end - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? end - back : end;
  }
  return end;
}

function countNewlines(data: Buffer): number {
  let count = 0;
  let index = data.indexOf(NEWLINE);
  while (index !== -1) {
    count += 1;
    index = data.indexOf(NEWLINE, index + 1);
  }
  return count;
}
