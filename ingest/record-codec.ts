import { AUTHOR_ROLES, type AuthorRole, type ConversationSource } from '../db/schema.js';
import type { NormalizedConversation, NormalizedMessage, RecordIssue } from './normalize.js';
import type { SourceRecord } from './source-record.js';

/**
 * Records cross from the parsing thread to the writing thread in two lanes, in file order:
 *
 * - Clean message rows that carry no conversation columns (the bulk of a messages CSV) travel as columns: their text
 *   fields concatenated into one string, their numbers in typed arrays whose memory is handed over, not copied.
 *   The writer reads them field by field (`BareRows`) without building an object per row.
 * - Everything else travels as a flat array of plain values (structured clone copies a flat array of strings and
 *   numbers several times faster than the same data as objects) and is decoded into `SourceRecord`s.
 */
const MESSAGE_ROW = 1;
const OTHER = 2;

/** Per bare row in `ints`: source, lengths of the conversation id, channel, message id, role, author, body... */
const I_SOURCE = 0;
const I_CONVERSATION_LENGTH = 1;
const I_CHANNEL_LENGTH = 2;
const I_MESSAGE_LENGTH = 3;
const I_ROLE = 4;
/** -1 for no author. */
const I_AUTHOR_LENGTH = 5;
const I_BODY_LENGTH = 6;
/** The body's length before truncation. */
const I_ORIGINAL_LENGTH = 7;
const I_FLAGS = 8;
const INTS_PER_ROW = 9;
/** Per bare row in `times`: created_at (epoch ms) and line. */
const NUMBERS_PER_ROW = 2;
const FLAG_TRUNCATED = 1;
const FLAG_INTERNAL = 2;
/** See `RunTracker`. */
const FLAG_FRESH_IN_RUN = 4;

const SOURCES: readonly ConversationSource[] = ['canonical', 'zendesk', 'intercom', 'twitter', 'chatwoot', 'helpscout', 'freshdesk'];

export interface EncodedBatch {
  /** Per record in file order: true when it is the next bare row, false when it is the next entry of `others`. */
  bare: Uint8Array;
  others: unknown[];
  text: string;
  ints: Int32Array;
  times: Float64Array;
}

/** What must be handed over (not copied) when posting the batch. */
export function transferList(batch: EncodedBatch): ArrayBuffer[] {
  return [batch.bare.buffer as ArrayBuffer, batch.ints.buffer as ArrayBuffer, batch.times.buffer as ArrayBuffer];
}

/**
 * Follows a file's records in order and tells, for each message, whether it continues a run: the record just before
 * it was a message of the same conversation, and its message id has not appeared since that run began. The writer
 * uses this to know, without asking the database, that a row of a conversation it has just created cannot already be
 * stored, so a batch of such rows needs no savepoint to undo it. Any record that is not a message (a line that does
 * not parse, a conversation) ends the run. Lives as long as the file, across batches.
 */
export class RunTracker {
  private source: ConversationSource | undefined;
  private conversationId = '';
  /** The run's message ids: an array while the run is short (most are), a set once it is long. */
  private readonly ids: string[] = [];
  private many: Set<string> | undefined;

  /** Notes a message; true when it is fresh in a continuing run. */
  message(source: ConversationSource, conversationId: string, messageId: string): boolean {
    if (source !== this.source || conversationId !== this.conversationId) {
      this.source = source;
      this.conversationId = conversationId;
      this.ids.length = 0;
      this.ids.push(messageId);
      this.many = undefined;
      return false;
    }
    if (this.many) {
      const size = this.many.size;
      return this.many.add(messageId).size > size;
    }
    if (this.ids.includes(messageId)) return false;
    this.ids.push(messageId);
    if (this.ids.length === RUN_IDS_IN_ARRAY) this.many = new Set(this.ids);
    return true;
  }

  /** A record that is not a message ends the run. */
  other(): void {
    this.source = undefined;
    this.ids.length = 0;
    this.many = undefined;
  }
}

/** Beyond this many ids in a run, looking one up in a set is cheaper than scanning the array. */
const RUN_IDS_IN_ARRAY = 32;

/**
 * Builds one batch, record after record, for at most `capacity` records. `addBare` takes a clean message row field
 * by field (the messages CSV reader recognises most rows without building any object); `add` takes any record and
 * puts it in the lane it belongs to.
 */
export class BatchEncoder {
  private readonly bare: Uint8Array;
  private readonly ints: Int32Array;
  private readonly times: Float64Array;
  private readonly others: unknown[] = [];
  private readonly text: string[] = [];
  private records = 0;
  private bareRows = 0;

  /** Without a `RunTracker` no row is marked fresh in its run, which is always safe, only slower to write. */
  constructor(
    readonly capacity: number,
    private readonly runs?: RunTracker,
  ) {
    this.bare = new Uint8Array(capacity);
    this.ints = new Int32Array(capacity * INTS_PER_ROW);
    this.times = new Float64Array(capacity * NUMBERS_PER_ROW);
  }

  get size(): number {
    return this.records;
  }

  addBare(
    line: number,
    source: ConversationSource,
    conversationId: string,
    channel: string,
    messageId: string,
    role: AuthorRole,
    authorId: string | null,
    createdAt: number,
    body: string,
    bodyLength: number,
    bodyTruncated: boolean,
    internal: boolean,
  ): void {
    this.bare[this.records++] = 1;
    const row = this.bareRows++;
    const ints = this.ints;
    const at = row * INTS_PER_ROW;
    ints[at + I_SOURCE] = SOURCES.indexOf(source);
    ints[at + I_CONVERSATION_LENGTH] = conversationId.length;
    ints[at + I_CHANNEL_LENGTH] = channel.length;
    ints[at + I_MESSAGE_LENGTH] = messageId.length;
    ints[at + I_ROLE] = AUTHOR_ROLES.indexOf(role);
    ints[at + I_AUTHOR_LENGTH] = authorId === null ? -1 : authorId.length;
    ints[at + I_BODY_LENGTH] = body.length;
    ints[at + I_ORIGINAL_LENGTH] = bodyLength;
    const fresh = this.runs?.message(source, conversationId, messageId) ?? false;
    ints[at + I_FLAGS] = (bodyTruncated ? FLAG_TRUNCATED : 0) | (internal ? FLAG_INTERNAL : 0) | (fresh ? FLAG_FRESH_IN_RUN : 0);
    this.times[row * NUMBERS_PER_ROW] = createdAt;
    this.times[row * NUMBERS_PER_ROW + 1] = line;
    this.text.push(conversationId, channel, messageId, authorId ?? '', body);
  }

  add(record: SourceRecord): void {
    const parsed = record.parsed;
    if (parsed.ok && parsed.value.type === 'message') {
      const { head, message } = parsed.value;
      if (parsed.issues.length === 0 && isBare(head)) {
        this.addBare(
          record.line ?? 0,
          head.source,
          head.externalId,
          head.channel,
          message.externalId,
          message.role,
          message.authorId,
          message.createdAt,
          message.body,
          message.bodyLength,
          message.bodyTruncated,
          message.internal,
        );
        return;
      }
      this.runs?.message(head.source, head.externalId, message.externalId);
      this.bare[this.records++] = 0;
      this.others.push(
        MESSAGE_ROW,
        record.line,
        parsed.issues.length > 0 ? record.raw || (record.rawOf?.() ?? '') : '',
        parsed.issues.length > 0 ? parsed.issues : null,
        head.source,
        head.externalId,
        head.channel,
        head.createdAt,
        head.status,
        head.resolvedAt,
        head.customerId,
        head.assignee,
        head.subject,
        head.language,
        head.tags.length > 0 ? head.tags : null,
        head.team,
        head.csatRating,
        head.csat,
        message.externalId,
        message.role,
        message.authorId,
        message.createdAt,
        message.body,
        message.bodyLength,
        message.bodyTruncated,
        message.internal,
      );
      return;
    }
    this.runs?.other();
    this.bare[this.records++] = 0;
    const { rawOf, ...plain } = record;
    this.others.push(OTHER, rawOf && !plain.raw ? { ...plain, raw: rawOf() } : plain);
  }

  finish(): EncodedBatch {
    const full = this.records === this.capacity;
    return {
      bare: full ? this.bare : this.bare.slice(0, this.records),
      others: this.others,
      text: this.text.join(''),
      ints: this.ints.slice(0, this.bareRows * INTS_PER_ROW),
      times: this.times.slice(0, this.bareRows * NUMBERS_PER_ROW),
    };
  }
}

export function encodeBatch(records: SourceRecord[]): EncodedBatch {
  const encoder = new BatchEncoder(records.length);
  for (const record of records) encoder.add(record);
  return encoder.finish();
}

/**
 * A decoded batch: `size` records in file order; `isBare(i)` tells whether record i is a bare message row, read
 * through the cursor's fields after `next()`, or else `record()` gives it as a `SourceRecord`.
 */
export class DecodedBatch {
  readonly size: number;
  private bareRow = -1;
  private otherAt = 0;
  private textAt = 0;
  /** Fields of the current bare row (after `nextBare()`). */
  line = 0;
  source: ConversationSource = 'canonical';
  /** Where the conversation id sits in `text`, and its length: compared in place, copied only when it changes. */
  conversationStart = 0;
  conversationLength = 0;
  channel = '';
  messageId = '';
  role: AuthorRole = 'customer';
  authorId: string | null = null;
  createdAt = 0;
  body = '';
  bodyLength = 0;
  bodyTruncated = false;
  internal = false;
  /** The row continues its conversation's run with a message id new to that run: see `RunTracker`. */
  freshInRun = false;

  constructor(private readonly encoded: EncodedBatch) {
    this.size = encoded.bare.length;
  }

  get text(): string {
    return this.encoded.text;
  }

  isBare(index: number): boolean {
    return this.encoded.bare[index] === 1;
  }

  conversationId(): string {
    return this.encoded.text.substring(this.conversationStart, this.conversationStart + this.conversationLength);
  }

  /** Moves to the next bare row. */
  nextBare(): void {
    const { ints, times, text } = this.encoded;
    const row = ++this.bareRow;
    const at = row * INTS_PER_ROW;
    let p = this.textAt;
    this.source = SOURCES[ints[at + I_SOURCE]!]!;
    this.conversationStart = p;
    this.conversationLength = ints[at + I_CONVERSATION_LENGTH]!;
    p += this.conversationLength;
    const channelLength = ints[at + I_CHANNEL_LENGTH]!;
    if (this.channel.length !== channelLength || !text.startsWith(this.channel, p)) this.channel = text.substring(p, p + channelLength);
    p += channelLength;
    const messageLength = ints[at + I_MESSAGE_LENGTH]!;
    this.messageId = text.substring(p, p + messageLength);
    p += messageLength;
    this.role = AUTHOR_ROLES[ints[at + I_ROLE]!]!;
    const authorLength = ints[at + I_AUTHOR_LENGTH]!;
    if (authorLength < 0) {
      this.authorId = null;
    } else {
      this.authorId = text.substring(p, p + authorLength);
      p += authorLength;
    }
    const bodyLength = ints[at + I_BODY_LENGTH]!;
    this.body = text.substring(p, p + bodyLength);
    p += bodyLength;
    this.textAt = p;
    this.bodyLength = ints[at + I_ORIGINAL_LENGTH]!;
    const flags = ints[at + I_FLAGS]!;
    this.bodyTruncated = (flags & FLAG_TRUNCATED) !== 0;
    this.internal = (flags & FLAG_INTERNAL) !== 0;
    this.freshInRun = (flags & FLAG_FRESH_IN_RUN) !== 0;
    this.createdAt = times[row * NUMBERS_PER_ROW]!;
    this.line = times[row * NUMBERS_PER_ROW + 1]!;
  }

  /** The current bare row's conversation, as the general path describes one. */
  bareHead(): NormalizedConversation {
    return {
      source: this.source,
      externalId: this.conversationId(),
      channel: this.channel,
      createdAt: null,
      status: null,
      resolvedAt: null,
      customerId: null,
      assignee: null,
      subject: null,
      language: null,
      tags: [],
      team: null,
      csatRating: null,
      csat: null,
      events: [],
      messages: [],
    };
  }

  /** The current bare row as a record, for the rare row that needs the general path (a reject, say). */
  bareRecord(): SourceRecord {
    const head = this.bareHead();
    const message: NormalizedMessage = {
      externalId: this.messageId,
      role: this.role,
      authorId: this.authorId,
      createdAt: this.createdAt,
      body: this.body,
      bodyLength: this.bodyLength,
      bodyTruncated: this.bodyTruncated,
      internal: this.internal,
    };
    return { line: this.line, raw: '', messagesRead: 1, parsed: { ok: true, value: { type: 'message', head, message }, issues: [] } };
  }

  /** The next record of the other lane. */
  nextOther(): SourceRecord {
    const [record, next] = decodeOther(this.encoded.others, this.otherAt);
    this.otherAt = next;
    return record;
  }
}

/** Every record of a batch as `SourceRecord`s (tests, and callers that do not need the fast lane). */
export function decodeBatch(encoded: EncodedBatch): SourceRecord[] {
  const batch = new DecodedBatch(encoded);
  const records: SourceRecord[] = [];
  for (let i = 0; i < batch.size; i++) {
    if (batch.isBare(i)) {
      batch.nextBare();
      records.push(batch.bareRecord());
    } else {
      records.push(batch.nextOther());
    }
  }
  return records;
}

function decodeOther(encoded: unknown[], start: number): [SourceRecord, number] {
  let i = start;
  const kind = encoded[i++];
  if (kind === OTHER) return [encoded[i++] as SourceRecord, i];
  const line = encoded[i++] as number;
  const raw = encoded[i++] as string;
  const issues = (encoded[i++] as RecordIssue[] | null) ?? NO_ISSUES;
  const head: NormalizedConversation = {
    source: encoded[i++] as NormalizedConversation['source'],
    externalId: encoded[i++] as string,
    channel: encoded[i++] as string,
    createdAt: encoded[i++] as number | null,
    status: encoded[i++] as string | null,
    resolvedAt: encoded[i++] as number | null,
    customerId: encoded[i++] as string | null,
    assignee: encoded[i++] as string | null,
    subject: encoded[i++] as string | null,
    language: encoded[i++] as string | null,
    tags: (encoded[i++] as string[] | null) ?? [],
    team: encoded[i++] as string | null,
    csatRating: encoded[i++] as string | null,
    csat: encoded[i++] as NormalizedConversation['csat'],
    events: [],
    messages: [],
  };
  const message: NormalizedMessage = {
    externalId: encoded[i++] as string,
    role: encoded[i++] as NormalizedMessage['role'],
    authorId: encoded[i++] as string | null,
    createdAt: encoded[i++] as number,
    body: encoded[i++] as string,
    bodyLength: encoded[i++] as number,
    bodyTruncated: encoded[i++] as boolean,
    internal: encoded[i++] as boolean,
  };
  return [{ line, raw, messagesRead: 1, parsed: { ok: true, value: { type: 'message', head, message }, issues } }, i];
}

const NO_ISSUES: RecordIssue[] = [];

function isBare(head: NormalizedConversation): boolean {
  return (
    head.createdAt === null &&
    head.status === null &&
    head.resolvedAt === null &&
    head.customerId === null &&
    head.assignee === null &&
    head.subject === null &&
    head.language === null &&
    head.tags.length === 0 &&
    head.team === null &&
    head.csat === null
  );
}
