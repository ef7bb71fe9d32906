import { normalizeConversation, describe } from '../normalize.js';
import { normalizeFaqEntry } from '../normalize-faq.js';
import { labelRejects, type SourceContext, type SourceRecord } from '../source-record.js';
import { readJsonLines } from './json-lines.js';
import { JSON_LIST_KEYS } from '../format-signs.js';
import { streamJsonDocument, type JsonPathChoice } from './json-stream.js';

export type JsonRecordKind = 'conversation' | 'faq';

/**
 * One parsed JSON object to a source record of the given kind. A value nested too deeply to walk (JSON.parse reads
 * any depth, but the checks and JSON.stringify recurse) rejects this record only.
 */
export function recordFromObject(
  kind: JsonRecordKind,
  value: unknown,
  context: SourceContext,
  line: number | null,
  raw: string | (() => string),
): SourceRecord {
  try {
    return readRecord(kind, value, context, line, typeof raw === 'string' ? raw : raw());
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      line,
      raw: typeof raw === 'string' ? raw.slice(0, DEEP_RAW_CHARS) : DEEP_RAW,
      messagesRead: 0,
      parsed: { ok: false, reason: `nested too deeply to read (${error.message})` },
    };
  }
}

/** What a reject of a too-deep record keeps as raw text when it has none: JSON.stringify cannot write it either. */
const DEEP_RAW = '(a JSON value nested too deeply to write out)';
const DEEP_RAW_CHARS = 1_000;

function readRecord(kind: JsonRecordKind, value: unknown, context: SourceContext, line: number | null, raw: string): SourceRecord {
  if (kind === 'conversation') {
    const messages = (value as { messages?: unknown } | null)?.messages;
    const result = normalizeConversation(value, { timezone: context.timezone });
    return {
      line,
      raw,
      messagesRead: Array.isArray(messages) ? messages.length : 0,
      parsed: result.ok ? { ok: true, value: { type: 'conversation', conversation: result.value }, issues: result.issues } : result,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, raw, messagesRead: 0, parsed: { ok: false, reason: `expected an FAQ entry object, got ${describe(value)}` } };
  }
  const result = normalizeFaqEntry(value as Record<string, unknown>, { timezone: context.timezone, sourcePath: context.path });
  return {
    line,
    raw,
    messagesRead: 0,
    parsed: result.ok ? { ok: true, value: { type: 'faq', entry: result.value }, issues: result.issues } : result,
  };
}

/** JSON Lines of conversations or of FAQ entries. */
export function readJsonLinesOf(kind: JsonRecordKind) {
  return async function* (context: SourceContext): AsyncGenerator<SourceRecord[]> {
    for await (const items of readJsonLines(context)) {
      yield items.map((item) =>
        item.ok
          ? recordFromObject(kind, item.value, context, item.line, item.raw)
          : { line: item.line, raw: item.raw, messagesRead: 0, parsed: { ok: false, reason: item.reason } },
      );
    }
  };
}

/**
 * A whole JSON document: an array of records, or an object holding one under a known key (the first such list in
 * the document). Streamed: one record at a time in memory, whatever the document's size.
 */
export function readJsonDocumentOf(kind: JsonRecordKind) {
  return async function* (context: SourceContext): AsyncGenerator<SourceRecord[]> {
    let listPath: string | undefined;
    const choose = (path: readonly string[]): JsonPathChoice => {
      if (path.length === 0) return 'open';
      if (path.length > 1) return 'skip';
      const key = path[0]!;
      return (listPath === undefined || listPath === key) && (JSON_LIST_KEYS as readonly string[]).includes(key) ? 'stream' : 'skip';
    };
    const onList = (path: readonly string[]): void => {
      listPath ??= path[0] ?? '';
    };
    for await (const items of streamJsonDocument(context, choose, onList)) {
      const batch: SourceRecord[] = [];
      for (const item of items) {
        // A list key that holds no list (an object, a number) is passed over, as when the document was read whole.
        if (item.index === null) continue;
        const value = item.value;
        batch.push(
          labelRejects(
            recordFromObject(kind, value, context, null, () => JSON.stringify(value) ?? ''),
            `element ${item.index + 1}`,
          ),
        );
      }
      if (batch.length > 0) yield batch;
    }
    if (listPath === undefined) {
      throw new Error(`JSON document holds no list of records (expected an array or one of the keys ${JSON_LIST_KEYS.join(', ')})`);
    }
  };
}
