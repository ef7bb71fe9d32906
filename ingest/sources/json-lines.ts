import { readLines } from '../line-reader.js';
import { MAX_RECORD_BYTES } from '../limits.js';
import type { SourceContext } from '../source-record.js';
import { parseJson } from './parse-json.js';

export type JsonLine = { ok: true; line: number; raw: string; value: unknown } | { ok: false; line: number; raw: string; reason: string };

/** Lines of a JSON Lines file, parsed, in batches; blank lines are skipped, every other line yields a value or a reason. */
export async function* readJsonLines(context: SourceContext): AsyncGenerator<JsonLine[]> {
  for await (const lines of readLines(context.path, { maxLineBytes: MAX_RECORD_BYTES, onChunk: context.onChunk })) {
    const batch: JsonLine[] = [];
    for (const line of lines) {
      if (line.tooLong) {
        batch.push({
          ok: false,
          line: line.number,
          raw: line.text,
          reason: `line is ${line.byteLength} bytes, longer than the ${MAX_RECORD_BYTES}-byte limit`,
        });
      } else if (line.invalidUtf8) {
        batch.push({ ok: false, line: line.number, raw: line.text, reason: 'invalid UTF-8 (shown with U+FFFD where bytes were invalid)' });
      } else if (line.text.trim() !== '') {
        try {
          batch.push({ ok: true, line: line.number, raw: line.text, value: parseJson(line.text) });
        } catch (error) {
          batch.push({ ok: false, line: line.number, raw: line.text, reason: `broken JSON: ${(error as Error).message}` });
        }
      }
    }
    if (batch.length > 0) yield batch;
  }
}
