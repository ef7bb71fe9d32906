import { readLines } from '../line-reader.js';
import { MAX_RECORD_BYTES } from '../limits.js';
import type { SourceContext } from '../source-record.js';

export type JsonLine = { ok: true; line: number; raw: string; value: unknown } | { ok: false; line: number; raw: string; reason: string };

/** Lines of a JSON Lines file, parsed; blank lines are skipped, every other line yields a value or a reason. */
export async function* readJsonLines(context: SourceContext): AsyncGenerator<JsonLine> {
  for await (const line of readLines(context.path, { maxLineBytes: MAX_RECORD_BYTES, onChunk: context.onChunk })) {
    if (line.tooLong) {
      yield { ok: false, line: line.number, raw: line.text, reason: `line is ${line.byteLength} bytes, longer than the ${MAX_RECORD_BYTES}-byte limit` };
      continue;
    }
    if (line.invalidUtf8) {
      yield { ok: false, line: line.number, raw: line.text, reason: 'invalid UTF-8 (shown with U+FFFD where bytes were invalid)' };
      continue;
    }
    if (line.text.trim() === '') continue;
    try {
      yield { ok: true, line: line.number, raw: line.text, value: JSON.parse(line.text) as unknown };
    } catch (error) {
      yield { ok: false, line: line.number, raw: line.text, reason: `broken JSON: ${(error as Error).message}` };
    }
  }
}
