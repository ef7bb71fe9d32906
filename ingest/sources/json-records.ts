import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { MAX_DOCUMENT_BYTES } from '../limits.js';
import { normalizeConversation, describe } from '../normalize.js';
import { normalizeFaqEntry } from '../normalize-faq.js';
import { labelRejects, type SourceContext, type SourceRecord } from '../source-record.js';
import { readJsonLines } from './json-lines.js';
import { JSON_LIST_KEYS, listOf } from '../format-signs.js';
import { parseJson } from './parse-json.js';

export type JsonRecordKind = 'conversation' | 'faq';

const DOCUMENT_BATCH = 1000;

/** Keys under which a JSON document may hold its list of records. */

/**
 * One parsed JSON object to a source record of the given kind. A value nested too deeply to walk (JSON.parse reads
 * any depth, but the checks and JSON.stringify recurse) rejects this record only.
 */
export function recordFromObject(kind: JsonRecordKind, value: unknown, context: SourceContext, line: number | null, raw: string | (() => string)): SourceRecord {
  try {
    return readRecord(kind, value, context, line, typeof raw === 'string' ? raw : raw());
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { line, raw: typeof raw === 'string' ? raw.slice(0, DEEP_RAW_CHARS) : DEEP_RAW, messagesRead: 0, parsed: { ok: false, reason: `nested too deeply to read (${error.message})` } };
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
 * A whole JSON document: an array of records, or an object holding one under a known key. Read into memory, so it
 * is limited to `MAX_DOCUMENT_BYTES`; large conversation exports belong in JSON Lines.
 */
export function readJsonDocumentOf(kind: JsonRecordKind) {
  return async function* (context: SourceContext): AsyncGenerator<SourceRecord[]> {
    const bytes = await readFile(context.path);
    context.onChunk(bytes);
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw new Error(`JSON document is ${bytes.length} bytes, larger than the ${MAX_DOCUMENT_BYTES}-byte limit; write it as JSON Lines`);
    }
    if (!isUtf8(bytes)) throw new Error('invalid UTF-8 in a JSON document; nothing in it could be read');
    let document: unknown;
    try {
      document = parseJson(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new Error(`broken JSON document: ${(error as Error).message}`);
    }
    const list = listOf(document);
    if (!list) throw new Error(`JSON document holds no list of records (expected an array or one of the keys ${JSON_LIST_KEYS.join(', ')})`);
    for (let start = 0; start < list.length; start += DOCUMENT_BATCH) {
      const batch: SourceRecord[] = [];
      for (let index = start; index < Math.min(list.length, start + DOCUMENT_BATCH); index++) {
        const value = list[index];
        batch.push(labelRejects(recordFromObject(kind, value, context, null, () => JSON.stringify(value) ?? ''), `element ${index + 1}`));
      }
      yield batch;
    }
  };
}

