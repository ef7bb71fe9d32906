import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { parse as parseYaml } from 'yaml';
import { MAX_DOCUMENT_BYTES } from '../limits.js';
import { normalizeFaqEntry } from '../normalize-faq.js';
import type { SourceContext, SourceRecord } from '../source-record.js';

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * One FAQ entry per Markdown file: YAML front matter (`id`, `title`, `updated_at`, `tags`, `language`) and the
 * answer as the body. Without an `id` the file name is the id; without a `title` the first `# heading` is.
 */
export async function* readFaqMarkdown(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  const bytes = await readFile(context.path);
  context.onChunk(bytes);
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new Error(`Markdown file is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (!isUtf8(bytes)) {
    yield [{ line: 1, raw: text, messagesRead: 0, parsed: { ok: false, reason: 'invalid UTF-8 (shown with U+FFFD where bytes were invalid)' } }];
    return;
  }
  let fields: Record<string, unknown> = {};
  let body = text;
  const match = FRONT_MATTER.exec(text);
  if (match) {
    try {
      const parsed: unknown = parseYaml(match[1]!, { maxAliasCount: 10 });
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
        yield [{ line: 1, raw: match[0], messagesRead: 0, parsed: { ok: false, reason: 'front matter must be a YAML mapping of keys to values' } }];
        return;
      }
      fields = (parsed as Record<string, unknown> | null) ?? {};
    } catch (error) {
      yield [{ line: 1, raw: match[0], messagesRead: 0, parsed: { ok: false, reason: frontMatterError(error as Error) } }];
      return;
    }
    body = text.slice(match[0].length);
  }
  if (fields['title'] === undefined && fields['question'] === undefined) {
    const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(body);
    if (heading) {
      fields['title'] = heading[1];
      body = body.replace(heading[0], '');
    }
  }
  fields['body'] = body.trim();
  const result = normalizeFaqEntry(fields, {
    timezone: context.timezone,
    sourcePath: context.path,
    fallbackId: basename(context.path, extname(context.path)),
  });
  yield [
    {
      line: 1,
      raw: text,
      messagesRead: 0,
      parsed: result.ok ? { ok: true, value: { type: 'faq', entry: result.value }, issues: result.issues } : result,
    },
  ];
}

/**
 * Why front matter could not be read. Too deep a nesting overflows the YAML parser's stack at a point that varies
 * from run to run: it gets one reason of its own, so that the same file is rejected the same way every time.
 */
function frontMatterError(error: Error): string {
  if (error instanceof RangeError || error.message.includes('Maximum call stack size exceeded')) return 'front matter nested too deeply to read';
  return `broken front matter: ${error.message.split('\n')[0]}`;
}
