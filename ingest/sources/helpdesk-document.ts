import { isObject } from '../format-signs.js';
import { labelRejects, type SourceContext, type SourceRecord } from '../source-record.js';
import { rawOf } from './helpdesk-fields.js';
import { readJsonLines } from './json-lines.js';
import { streamJsonDocument } from './json-stream.js';

/** How a helpdesk export holds its records: the key paths of its lists, and how one record is read. */
export interface HelpdeskLayout {
  /** Key paths from the root to the list of records (`[]`: the document is an array of them). */
  lists: readonly (readonly string[])[];
  /** A document without a list that is still no record (an empty list page written without its list). */
  isEmptyPage?: (fields: Record<string, unknown>) => boolean;
  /** One record (a conversation or a ticket) as the source parser reads it. */
  record: (value: unknown, context: SourceContext, line: number | null, raw: string) => SourceRecord;
}

/**
 * A helpdesk export as one JSON document, streamed: the elements of its list (any of `layout.lists`) are read one
 * at a time, in flat memory whatever the size; a document without such a list is one record (its fields gathered
 * as they come). Rejects name the element (`element 3: ...`), documents having no lines.
 */
export async function* readHelpdeskDocument(context: SourceContext, layout: HelpdeskLayout): AsyncGenerator<SourceRecord[]> {
  const isList = (path: readonly string[]) => layout.lists.some((list) => list.length === path.length && list.every((key, i) => key === path[i]));
  const leadsToList = (path: readonly string[]) => layout.lists.some((list) => list.length > path.length && path.every((key, i) => key === list[i]));
  let listSeen = false;
  /** The document's own fields, for a document that is one record. */
  const fields: Record<string, unknown> = {};
  const choose = (path: readonly string[]) => (path.length === 0 ? 'open' : isList(path) ? 'stream' : leadsToList(path) ? 'descend' : 'take');
  const onList = (): void => {
    listSeen = true;
  };
  for await (const items of streamJsonDocument(context, choose, onList)) {
    const batch: SourceRecord[] = [];
    for (const item of items) {
      if (item.index !== null && isList(item.path)) {
        // The raw text is written out only for a record that needs it (a reject): most never do.
        const record = layout.record(item.value, context, null, '');
        const value = item.value;
        if (!record.parsed.ok) record.raw = rawOf(value);
        else record.rawOf = () => rawOf(value);
        batch.push(labelRejects(record, `element ${item.index + 1}`));
      } else if (item.path.length === 0) {
        // A root that is neither an array nor an object: one record, which its reader rejects with the reason.
        batch.push(labelRejects(layout.record(item.value, context, null, rawOf(item.value)), 'element 1'));
      } else {
        setAt(fields, item.path, item.value);
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (!listSeen && Object.keys(fields).length > 0 && !layout.isEmptyPage?.(fields))
    yield [labelRejects(layout.record(fields, context, null, rawOf(fields)), 'element 1')];
}

/**
 * A helpdesk export as JSON Lines: one record a line, or one list page a line (each of its records then keeps the
 * line and is named in its rejects: `conversation 2 of the list: ...`).
 */
export async function* readHelpdeskJsonLines(context: SourceContext, layout: HelpdeskLayout): AsyncGenerator<SourceRecord[]> {
  for await (const items of readJsonLines(context)) {
    const batch: SourceRecord[] = [];
    for (const item of items) {
      if (!item.ok) {
        batch.push({ line: item.line, raw: item.raw, messagesRead: 0, parsed: { ok: false, reason: item.reason } });
        continue;
      }
      const list = listIn(item.value, layout.lists);
      if (list === undefined) {
        batch.push(layout.record(item.value, context, item.line, item.raw));
        continue;
      }
      list.forEach((value, index) => {
        batch.push(labelRejects(layout.record(value, context, item.line, list.length === 1 ? item.raw : rawOf(value)), `record ${index + 1} of the list`));
      });
    }
    if (batch.length > 0) yield batch;
  }
}

function listIn(value: unknown, lists: readonly (readonly string[])[]): unknown[] | undefined {
  for (const path of lists) {
    let at: unknown = value;
    for (const key of path) at = isObject(at) ? at[key] : undefined;
    if (Array.isArray(at)) return at;
  }
  return undefined;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(at, key) ? at[key] : undefined;
    if (isObject(next)) at = next;
    else {
      const created: Record<string, unknown> = {};
      Object.defineProperty(at, key, { value: created, writable: true, enumerable: true, configurable: true });
      at = created;
    }
  }
  Object.defineProperty(at, path[path.length - 1]!, { value, writable: true, enumerable: true, configurable: true });
}
