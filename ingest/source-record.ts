import type { FeedItem } from './feed-item.js';
import type { FaqEntryInput } from './faq-entry-store.js';
import type { NormalizeResult, NormalizedConversation, NormalizedMessage } from './normalize.js';

export type Payload =
  | { type: 'conversation'; conversation: NormalizedConversation }
  | { type: 'message'; head: NormalizedConversation; message: NormalizedMessage }
  | { type: 'faq'; entry: FaqEntryInput }
  | { type: 'feed'; item: FeedItem };

/** One input record as a source parser read it: where it was, its raw text, and what it parsed to. */
export interface SourceRecord {
  /** 1-based line where the record starts; null for records that have no line (elements of a JSON document). */
  line: number | null;
  raw: string;
  /** Builds the raw text when `raw` was left empty to save work (most records never need it). */
  rawOf?: () => string;
  /** How many messages the record held as read, valid or not (a conversation's array length, 1 for a CSV row). */
  messagesRead: number;
  parsed: NormalizeResult<Payload>;
}

export interface SourceContext {
  path: string;
  timezone: string;
  /** Every chunk of the file as it is read: for the content hash and progress. */
  onChunk: (chunk: Buffer) => void;
  /** A file-level remark (unknown columns, say); stored as a warning. */
  warn: (reason: string, line: number | null) => void;
}

/** A parser: records in batches (one per chunk read), so that per-record work stays synchronous and cheap. */
export type Source = (context: SourceContext) => AsyncIterable<SourceRecord[]>;

/**
 * Names the record in its reject reason and in the reasons of its rejected messages, for a record that has no line
 * of its own (an element of a JSON document): `labelRejects(record, 'element 3')` gives "element 3: message 2: ...".
 */
export function labelRejects(record: SourceRecord, label: string): SourceRecord {
  const { parsed } = record;
  if (!parsed.ok) record.parsed = { ok: false, reason: `${label}: ${parsed.reason}` };
  else parsed.issues = parsed.issues.map((issue) => (issue.kind === 'message' ? { ...issue, reason: `${label}: ${issue.reason}` } : issue));
  return record;
}
