import { normalizeFaqEntry } from '../normalize-faq.js';
import type { SourceContext, SourceRecord } from '../source-record.js';
import { rawOf, readCsvRows } from './csv-records.js';

/** FAQ entries as CSV rows: `id`, `title` (or `question`), `body` (or `answer`), optional `updated_at`, `tags`, `language`. */
export async function* readFaqCsv(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  for await (const rows of readCsvRows(context.path, context.onChunk)) {
    yield rows.map((row): SourceRecord => {
      if (!row.ok) return { line: row.line, raw: row.raw, messagesRead: 0, parsed: { ok: false, reason: row.reason } };
      const result = normalizeFaqEntry(row.fields, { timezone: context.timezone, sourcePath: context.path });
      return {
        line: row.line,
        raw: rawOf(row.fields),
        messagesRead: 0,
        parsed: result.ok ? { ok: true, value: { type: 'faq', entry: result.value }, issues: result.issues } : result,
      };
    });
  }
}
