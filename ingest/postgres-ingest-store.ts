import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Kysely } from '#kysely';
import type { ConversationSource, Database, NewIngestFile, RejectKind } from '../db/schema.js';
import { skipForeignKeyChecks } from '../db/copy-to-postgres.js';
import { beginClientTransaction, type OpenClientTransaction } from '../db/transaction.js';
import { type FaqEntryInput, firstSeenFaqEntry, saveFaqEntryVia } from './faq-entry-store.js';
import { IdsSeenInFile, NOT_SEEN, repeats } from './ids-seen-in-file.js';
import type { MessageCounts, MessageRowCounts, Outcome } from './ingest-store.js';
import { MAX_REJECT_RAW_CHARS } from './limits.js';
import type { NormalizedConversation, NormalizedMessage } from './normalize.js';
import type { DecodedBatch } from './record-codec.js';
import { CONVERSATION_FIELDS } from './conversation-cache.js';
import { drainedOrFailed, PostgresDirectCopy, StagingMergeNeeded } from './postgres-direct-copy-store.js';
import { PostgresRecordStore } from './postgres-record-store.js';
import { withoutNul } from '../db/postgres-parameters.js';

export { StagingMergeNeeded };

// Ingest into PostgreSQL: every record of a file goes by COPY into a temporary staging table, and one set of
// statements merges the staged rows into the real tables inside the file's one transaction. The decisions the SQLite
// store takes record by record against what is stored (a channel that contradicts the stored conversation, a repeat
// of an id with different content, inserted / updated / unchanged) are taken here by the merge, over the whole file
// at once, with the same outcomes and the same reject reasons.

/** Kinds of staged rows. */
const ROW = 1;
const CONVERSATION = 2;
const CONVERSATION_MESSAGE = 3;
const EVENT = 4;
const REJECT = 5;

/** The conversation columns a record gives as they are (the others the merge derives): staged under their own names. */
const GIVEN_FIELDS = CONVERSATION_FIELDS.filter(
  (field): field is Exclude<(typeof CONVERSATION_FIELDS)[number], 'channel' | 'created_at' | 'created_at_derived'> =>
    field !== 'channel' && field !== 'created_at' && field !== 'created_at_derived',
);
/** Those of them a later record overwrites when present (CSAT goes as a pair: its rating and its text). */
const HEAD_FIELDS = GIVEN_FIELDS.filter(
  (field): field is Exclude<(typeof GIVEN_FIELDS)[number], 'csat_rating' | 'csat'> => field !== 'csat_rating' && field !== 'csat',
);
/** The conversation columns the merge compares and writes: the SQLite store's list. */
const CONVERSATION_COLUMNS = CONVERSATION_FIELDS;

const RECORD_STAGE_COLUMNS = ['seq', 'kind', 'line', 'record', 'repeat_of', 'source', 'conv_id', 'channel', 'file_channel', 'given_at', 'start_at'] as const;
const MESSAGE_STAGE_COLUMNS = [
  'msg_id',
  'role',
  'author_id',
  'msg_at',
  'body',
  'body_length',
  'body_truncated',
  'internal',
  'event_kind',
  'raw',
  'raw_truncated',
  'reason',
  'path',
  'reject_kind',
  'messages_read',
  'issue_rejects',
] as const;
type StageColumn = (typeof RECORD_STAGE_COLUMNS)[number] | (typeof GIVEN_FIELDS)[number] | (typeof MESSAGE_STAGE_COLUMNS)[number];
const STAGE_COLUMNS: readonly StageColumn[] = [...RECORD_STAGE_COLUMNS, ...GIVEN_FIELDS, ...MESSAGE_STAGE_COLUMNS];
const AT = Object.fromEntries(STAGE_COLUMNS.map((name, position) => [name, position])) as Record<StageColumn, number>;

const CREATE_STAGE = `create temp table ingest_stage (
  seq bigint not null, kind smallint not null, line integer, record bigint, repeat_of integer,
  source text, conv_id text, channel text, file_channel text, given_at bigint, start_at bigint,
  ${GIVEN_FIELDS.map((field) => `${field} ${field === 'resolved_at' ? 'bigint' : 'text'}`).join(', ')},
  msg_id text, role text, author_id text, msg_at bigint, body text, body_length integer, body_truncated smallint, internal smallint,
  event_kind text, raw text, raw_truncated smallint, reason text, path text, reject_kind text, messages_read integer, issue_rejects integer
) on commit drop`;

/** Memory the merge may use for its temporary tables, and for each sort or hash. */
const MERGE_MEMORY = '256MB';

/** Rejects the fast lane keeps in memory until its commit; beyond, the file takes the staging table. */
const DIRECT_LANE_MAX_REJECTS = 10_000;

/** Buffered COPY text handed to the stream at this size. */
const COPY_CHUNK_CHARS = 1 << 16;

/** The text of a reject as SQLite's store describes a message row read without its raw text (see run-ingest's rawText). */
const DESCRIBED_ROW = `'{"conversation_id":' || to_json(s.conv_id)::text || ',"message_id":' || to_json(s.msg_id)::text ||
  ',"channel":' || to_json(s.channel)::text || ',"author_role":' || to_json(s.role)::text || ',"author_id":' || coalesce(to_json(s.author_id)::text, 'null') ||
  ',"created_at":"' || to_char(to_timestamp(s.msg_at / 1000.0) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","body":' || to_json(s.body)::text || '}'`;

/**
 * A conversation's start as it stood just before staged record `r` (SQLite writes record after record): from the
 * last record before it that gave a creation time, else from the stored conversation, lowered by the records between.
 */
const runningStart = (accepted: string) => `(select case when max(a.seq) filter (where a.given_at is not null) is null then least(k.created_at, min(a.start_at))
    else min(a.start_at) filter (where a.seq >= (select max(b.seq) from ${accepted} b
      where b.source = r.source and b.conv_id = r.conv_id and b.seq < r.seq and b.given_at is not null)) end
  from ${accepted} a where a.source = r.source and a.conv_id = r.conv_id and a.seq < r.seq)`;

/** Which optional conversation fields the file's records gave, and whether any was a whole conversation. */
interface StagedShape {
  fields: Set<string>;
  conversations: boolean;
}
const SHAPE_FIELDS = ['given_at', ...HEAD_FIELDS, 'csat'] as const;

interface QueuedFaqEntry {
  entry: FaqEntryInput;
  now: number;
  line: number | null;
  /** The line the file showed its id on before, or NOT_SEEN. */
  first: number;
  /** Its place among the staged rows. */
  seq: number;
  raw: () => string;
}

/** A staged record whose text is the reject's raw text if the merge rejects it. */
export interface StagedRecordText {
  raw: () => string;
}

/** What the PostgreSQL store needs of a conversation record beyond the record itself, to count like SQLite. */
export interface ConversationRecordFacts extends StagedRecordText {
  /** Messages the record held as read, valid or not. */
  messagesRead: number;
  /** Its messages rejected before the store (bad fields). */
  messageRejects: number;
}

/**
 * The PostgreSQL counterpart of `IngestStore`: the same calls, but rows are staged and the outcomes come from
 * `flushMessageRows()`, which merges the file.
 */
export class PostgresIngestStore {
  private transaction: OpenClientTransaction | undefined;
  private copy: NodeJS.WritableStream | undefined;
  private copyError: Error | undefined;
  private buffer = '';
  private needsDrain = false;
  private seq = 0;
  private merged = false;
  private path = '';
  /** Rejects written outside a file's staging (before the first file, after the merge): inserted at the next await. */
  private readonly lateRejects: { path: string; line: number | null; kind: RejectKind; reason: string; raw: string }[] = [];
  private readonly seenInFile = new IdsSeenInFile();
  /** Per conversation of this file, the channel of its first row: a later row with another one may be rejected. */
  private readonly fileChannels = new Map<string, string>();
  /** The conversation of the last bare row, and its key and channel: the next row of it skips the lookups. */
  private lastBare: { source: ConversationSource; conversationId: string; key: string; channel: string } | undefined;
  private readonly row: (string | number | null)[] = new Array(STAGE_COLUMNS.length).fill(null);
  private shape: StagedShape = { fields: new Set(), conversations: false };
  /** FAQ entries of this file, written after the staging ends (the connection is busy with the COPY until then). */
  private faqEntries: QueuedFaqEntry[] = [];
  /** The file's fast lane while every record so far could take it (see postgres-direct-copy-store.ts). */
  private direct: PostgresDirectCopy | undefined;
  /** The file is a helpdesk's: its records are written one at a time through `records` (and the feed store). */
  private recordLane = false;
  /** Helpdesk records, one at a time in the file's transaction (see postgres-record-store.ts). */
  readonly records: PostgresRecordStore;

  constructor(
    private readonly pool: pg.Pool,
    private readonly base: Kysely<Database>,
    readonly runId: number,
  ) {
    this.records = new PostgresRecordStore(this, runId);
  }

  /** True while the file's records are written one at a time (`begin` with `records`). */
  get writesRecords(): boolean {
    return this.recordLane;
  }

  /** Where the file's statements go: the file's transaction while one is open. */
  get db(): Kysely<Database> {
    return this.transaction?.db ?? this.base;
  }

  /**
   * Opens the file's transaction, and its fast lane unless `staging` (the file is read again after the fast lane
   * gave up on it) or the role cannot take it; else its staging. `path` names the file in the rejects the merge writes.
   * With `records` (a helpdesk export, whose items join what earlier files stored) neither: its records are written one
   * at a time through `records`, as SQLite's store writes them.
   */
  async begin(path: string, options: { staging?: boolean; records?: boolean } = {}): Promise<void> {
    this.path = path;
    this.recordLane = options.records === true;
    this.records.clear();
    this.seenInFile.clear();
    this.fileChannels.clear();
    this.lastBare = undefined;
    this.seq = 0;
    this.shape = { fields: new Set(), conversations: false };
    this.merged = false;
    this.faqEntries = [];
    this.copyError = undefined;
    this.transaction = await beginClientTransaction(this.pool);
    const { client } = this.transaction;
    // A file's staging and merge tables are temporary: kept in the session's own buffers rather than written out to
    // temporary files, as far as memory allows. Only possible before the session's first temporary table.
    await client.query('savepoint temp_buffers');
    await client.query(`set temp_buffers = '${MERGE_MEMORY}'`).then(
      () => client.query('release savepoint temp_buffers'),
      () => client.query('rollback to savepoint temp_buffers'),
    );
    await client.query(`set local work_mem = '${MERGE_MEMORY}'`);
    // The merge's statements are planned once and run once: compiling them (JIT) cost seconds and saved nothing.
    await client.query('set local jit = off');
    await this.writeLateRejects();
    if (this.recordLane) return;
    this.direct = options.staging ? undefined : await PostgresDirectCopy.open(client, this.pool, this.runId);
    if (!this.direct) this.openStaging();
  }

  private openStaging(): void {
    const client = this.transaction?.client;
    if (!client) throw new Error('begin() must run before the staging');
    client.query(CREATE_STAGE).catch((error: Error) => {
      this.copyError ??= error;
    });
    const copy = client.query(copyFrom(`copy ingest_stage (${STAGE_COLUMNS.join(', ')}) from stdin with (format csv)`));
    copy.on('error', (error: Error) => {
      this.copyError ??= error;
    });
    this.copy = copy;
  }

  /**
   * A record the fast lane cannot take: before any row went that way the file goes on through the staging table (its
   * rejects so far staged first, in order); after, it must be read again (StagingMergeNeeded).
   */
  private needStaging(reason: string): void {
    if (this.recordLane) throw new Error(`a helpdesk file's records are written one at a time, not staged; ${reason}`);
    const direct = this.direct;
    if (!direct) return;
    if (direct.written > 0) throw new StagingMergeNeeded(reason);
    this.direct = undefined;
    this.openStaging();
    for (const reject of this.lateRejects.splice(0)) this.insertReject(reject);
  }

  /** Waits while the server takes the staged rows (call between batches): memory stays flat however fast parsing is. */
  async pace(): Promise<void> {
    if (this.direct) return this.direct.pace();
    if (this.recordLane) return this.writeLateRejects();
    if (this.copyError) throw this.copyError;
    if (this.buffer.length > 0) this.push();
    if (this.needsDrain && this.copy) {
      this.needsDrain = false;
      const copy = this.copy;
      await drainedOrFailed(copy);
    }
    if (this.copyError) throw this.copyError;
  }

  async commit(): Promise<void> {
    if (!this.merged) throw new Error('flushMessageRows() must run before commit()');
    await this.writeLateRejects();
    await this.transaction?.commit();
    this.transaction = undefined;
  }

  async rollback(): Promise<void> {
    const transaction = this.transaction;
    this.transaction = undefined;
    this.buffer = '';
    this.lateRejects.length = 0;
    this.direct?.abandon();
    this.direct = undefined;
    const copy = this.copy;
    this.copy = undefined;
    if (copy && !this.merged) {
      // Ending the COPY with an error aborts it; the rollback then discards the staged rows.
      (copy as unknown as { destroy(error?: Error): void }).destroy(new Error('file abandoned'));
    }
    await transaction?.rollback().catch(() => undefined);
  }

  /** Runs at the end of the run: rejects written after the last file (or without any). */
  async finish(): Promise<void> {
    await this.writeLateRejects();
  }

  insertReject(reject: { path: string; line: number | null; kind: RejectKind; reason: string; raw: string }): void {
    if (!this.copy || this.merged) {
      this.lateRejects.push(reject);
      // The fast lane keeps its file's rejects until the commit, as many as memory allows.
      if (this.direct && !this.merged && this.lateRejects.length > DIRECT_LANE_MAX_REJECTS) this.needStaging('it holds many rejects');
      return;
    }
    const row = this.startRow(REJECT, reject.line);
    row[AT.path] = reject.path;
    row[AT.reject_kind] = reject.kind;
    row[AT.reason] = reject.reason;
    this.setRaw(reject.raw);
    this.stage();
  }

  async insertFile(file: NewIngestFile): Promise<void> {
    await this.writeLateRejects();
    await this.db.insertInto('ingest_files').values(file).execute();
  }

  /**
   * A FAQ entry; written by `flushMessageRows()` through the SQLite store's decisions (faq-entry-store.ts), in file
   * order and in the file's transaction. Its place among the file's rejects is kept for the reject it may become.
   */
  saveFaqEntry(entry: FaqEntryInput, now: number, line: number | null, text: StagedRecordText): 'queued' {
    this.needStaging('it holds FAQ entries');
    this.faqEntries.push({ entry, now, line, first: firstSeenFaqEntry(this.seenInFile, entry, line), seq: ++this.seq, raw: text.raw });
    return 'queued';
  }

  /** A whole conversation (a JSON Lines record); its outcome is known after the merge. */
  saveConversation(
    conversation: NormalizedConversation,
    line: number | null,
    facts: ConversationRecordFacts,
  ): { outcome: 'queued'; messages: MessageCounts; rejected?: undefined } {
    this.needStaging('it holds whole conversations');
    const row = this.startRow(CONVERSATION, line);
    const record = this.seq;
    this.shape.conversations = true;
    if (conversation.source === 'canonical') {
      const first = this.seenInFile.begin().add(conversation.source).add(conversation.externalId).note(line);
      if (first !== NOT_SEEN) {
        row[AT.repeat_of] = first;
        row[AT.reason] = `conversation "${conversation.externalId}" ${repeats(first)} with different content; the first was kept`;
        this.setRaw(facts.raw());
      }
    }
    const earliest = conversation.messages.reduce((min, m) => Math.min(min, m.createdAt), Infinity);
    const start = Math.min(conversation.createdAt ?? Infinity, earliest);
    this.setHead(conversation, Number.isFinite(start) ? start : Date.now());
    row[AT.messages_read] = facts.messagesRead;
    row[AT.issue_rejects] = facts.messageRejects;
    this.stage();
    for (const message of conversation.messages) {
      this.startRow(CONVERSATION_MESSAGE, line);
      this.row[AT.record] = record;
      this.setMessage(message);
      this.stage();
    }
    for (const event of conversation.events) {
      const eventRow = this.startRow(EVENT, line);
      eventRow[AT.record] = record;
      eventRow[AT.event_kind] = event.kind;
      eventRow[AT.msg_at] = event.createdAt;
      eventRow[AT.author_id] = event.actorId;
      this.stage();
    }
    return { outcome: 'queued', messages: { inserted: 0, updated: 0, unchanged: 0 } };
  }

  /** One CSV row (a message and whatever conversation columns it carries); rejected, if at all, by the merge. */
  saveMessageRow(head: NormalizedConversation, message: NormalizedMessage, line: number | null, text: StagedRecordText): undefined {
    this.needStaging(`line ${line ?? '?'} repeats an id, changes a channel or gives conversation fields`);
    const row = this.startRow(ROW, line);
    const key = `${head.source}\u0000${head.externalId}`;
    const fileChannel = this.fileChannels.get(key);
    if (fileChannel === undefined) this.fileChannels.set(key, head.channel);
    let suspect = false;
    if (fileChannel !== undefined && fileChannel !== head.channel) {
      // The merge rejects it unless the stored conversation has this row's channel (then the rows with the file's
      // first channel are the ones rejected).
      row[AT.file_channel] = fileChannel;
      suspect = true;
    }
    // Repeats are found among the rows of one channel: only one channel's rows of a conversation can load (the stored
    // one, else the file's first), and SQLite's store compares a row only with the rows it kept before it.
    const first = this.seenInFile.begin().add(head.source).add(head.externalId).add(head.channel).add(message.externalId).note(line);
    if (first !== NOT_SEEN) {
      row[AT.repeat_of] = first;
      row[AT.reason] = `message "${message.externalId}" of conversation "${head.externalId}" ${repeats(first)} with different content; the first was kept`;
      suspect = true;
    }
    if (suspect) this.setRaw(text.raw());
    this.setHead(head, Math.min(head.createdAt ?? Infinity, message.createdAt));
    this.setMessage(message);
    this.stage();
    return undefined;
  }

  /**
   * The common CSV row, without building objects. False (nothing staged) for a row that repeats an id of this file or
   * whose channel differs from its conversation's first row: the general path stages it with its raw text.
   */
  queueBareMessage(batch: DecodedBatch): boolean {
    const last = this.lastBare;
    const same =
      last !== undefined &&
      batch.source === last.source &&
      batch.conversationLength === last.conversationId.length &&
      batch.text.startsWith(last.conversationId, batch.conversationStart);
    const conversationId = same ? last.conversationId : batch.conversationId();
    const key = same ? last.key : `${batch.source}\u0000${conversationId}`;
    const fileChannel = same ? last.channel : this.fileChannels.get(key);
    if (fileChannel !== undefined && fileChannel !== batch.channel) return false;
    const seen = this.seenInFile
      .begin()
      .add(batch.source)
      .add(batch.text, batch.conversationStart, batch.conversationStart + batch.conversationLength)
      .add(batch.channel)
      .add(batch.messageId)
      .note(batch.line);
    if (seen !== NOT_SEEN) return false;
    if (fileChannel === undefined) this.fileChannels.set(key, batch.channel);
    if (!same) this.lastBare = { source: batch.source, conversationId, key, channel: fileChannel ?? batch.channel };
    if (this.direct) {
      this.direct.add(key, {
        source: batch.source,
        conversationId,
        channel: batch.channel,
        messageId: batch.messageId,
        role: batch.role,
        authorId: batch.authorId,
        createdAt: batch.createdAt,
        body: batch.body,
        bodyLength: batch.bodyLength,
        bodyTruncated: batch.bodyTruncated,
        internal: batch.internal,
      });
      return true;
    }
    const row = this.startRow(ROW, batch.line);
    row[AT.source] = batch.source;
    row[AT.conv_id] = conversationId;
    row[AT.channel] = batch.channel;
    row[AT.start_at] = batch.createdAt;
    row[AT.msg_id] = batch.messageId;
    row[AT.role] = batch.role;
    row[AT.author_id] = batch.authorId;
    row[AT.msg_at] = batch.createdAt;
    row[AT.body] = batch.body;
    row[AT.body_length] = batch.bodyLength;
    row[AT.body_truncated] = batch.bodyTruncated ? 1 : 0;
    row[AT.internal] = batch.internal ? 1 : 0;
    this.stage();
    return true;
  }

  /** Ends the staging and merges the file; returns what its records came to. */
  async flushMessageRows(): Promise<MessageRowCounts> {
    if (this.recordLane) {
      // Written record by record, and counted as they were (run-ingest.ts).
      this.merged = true;
      return { records: { inserted: 0, updated: 0, unchanged: 0 }, messages: { inserted: 0, updated: 0, unchanged: 0 } };
    }
    if (this.direct) {
      const rows = await this.direct.finish();
      this.direct = undefined;
      this.merged = true;
      return { records: { inserted: rows, updated: 0, unchanged: 0 }, messages: { inserted: rows, updated: 0, unchanged: 0 } };
    }
    const transaction = this.transaction;
    const copy = this.copy;
    if (!transaction || !copy) throw new Error('begin() must run before flushMessageRows()');
    if (this.buffer.length > 0) this.push();
    const finished = once(copy, 'finish');
    copy.end();
    await finished;
    if (this.copyError) throw this.copyError;
    this.copy = undefined;
    this.merged = true;
    const faq = await this.writeFaqEntries(transaction);
    const counts = await mergeStagedFile(transaction.client, this.runId, this.path, this.shape);
    for (const outcome of ['inserted', 'updated', 'unchanged'] as const) counts.records[outcome] += faq[outcome];
    return { ...counts, rejected: { records: (counts.rejected?.records ?? 0) + faq.rejected, messages: counts.rejected?.messages ?? 0 } };
  }

  /** The file's FAQ entries, one after the other; a rejected one is staged as a reject at its place in the file. */
  private async writeFaqEntries(transaction: OpenClientTransaction): Promise<Record<Outcome | 'rejected', number>> {
    const counts = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
    for (const queued of this.faqEntries.splice(0)) {
      const saved = await saveFaqEntryVia(transaction.db, this.runId, queued.entry, queued.now, queued.first);
      if (typeof saved !== 'object') {
        counts[saved] += 1;
        continue;
      }
      counts.rejected += 1;
      const raw = queued.raw();
      const truncated = raw.length > MAX_REJECT_RAW_CHARS;
      await transaction.client.query('insert into ingest_stage (seq, kind, line, reason, raw, raw_truncated) values ($1, $2, $3, $4, $5, $6)', [
        queued.seq,
        REJECT,
        queued.line,
        withoutNul(saved.rejected),
        withoutNul(truncated ? raw.slice(0, MAX_REJECT_RAW_CHARS) : raw),
        truncated ? 1 : 0,
      ]);
    }
    return counts;
  }

  private startRow(kind: number, line: number | null): (string | number | null)[] {
    const row = this.row;
    row.fill(null);
    row[AT.seq] = ++this.seq;
    row[AT.kind] = kind;
    row[AT.line] = line;
    return row;
  }

  private setRaw(raw: string): void {
    const truncated = raw.length > MAX_REJECT_RAW_CHARS;
    this.row[AT.raw] = truncated ? raw.slice(0, MAX_REJECT_RAW_CHARS) : raw;
    this.row[AT.raw_truncated] = truncated ? 1 : 0;
  }

  private setHead(head: NormalizedConversation, start: number): void {
    const row = this.row;
    row[AT.source] = head.source;
    row[AT.conv_id] = head.externalId;
    row[AT.channel] = head.channel;
    row[AT.given_at] = head.createdAt;
    row[AT.start_at] = start;
    row[AT.status] = head.status;
    row[AT.resolved_at] = head.resolvedAt;
    row[AT.customer_id] = head.customerId;
    row[AT.assignee] = head.assignee;
    row[AT.subject] = head.subject;
    row[AT.language] = head.language;
    row[AT.tags] = head.tags.length > 0 ? JSON.stringify(head.tags) : null;
    row[AT.team] = head.team;
    row[AT.csat_rating] = head.csatRating;
    row[AT.csat] = head.csat;
    for (const field of SHAPE_FIELDS) if (row[AT[field]] !== null && row[AT[field]] !== undefined) this.shape.fields.add(field);
  }

  private setMessage(message: NormalizedMessage): void {
    const row = this.row;
    row[AT.msg_id] = message.externalId;
    row[AT.role] = message.role;
    row[AT.author_id] = message.authorId;
    row[AT.msg_at] = message.createdAt;
    row[AT.body] = message.body;
    row[AT.body_length] = message.bodyLength;
    row[AT.body_truncated] = message.bodyTruncated ? 1 : 0;
    row[AT.internal] = message.internal ? 1 : 0;
  }

  private stage(): void {
    const row = this.row;
    let line = '';
    for (let i = 0; i < row.length; i++) {
      if (i > 0) line += ',';
      const value = row[i];
      if (value === null || value === undefined) continue;
      line += typeof value === 'number' ? String(value) : quoted(value);
    }
    this.buffer += `${line}\n`;
    if (this.buffer.length >= COPY_CHUNK_CHARS) this.push();
  }

  private push(): void {
    if (!this.copy) throw new Error('no file is being staged');
    if (!this.copy.write(this.buffer)) this.needsDrain = true;
    this.buffer = '';
  }

  private async writeLateRejects(): Promise<void> {
    if (this.lateRejects.length === 0) return;
    const now = Date.now();
    const rows = this.lateRejects.splice(0).map((reject) => {
      const truncated = reject.raw.length > MAX_REJECT_RAW_CHARS;
      return {
        run_id: this.runId,
        path: withoutNul(reject.path),
        line: reject.line,
        kind: reject.kind,
        reason: withoutNul(reject.reason),
        raw: withoutNul(truncated ? reject.raw.slice(0, MAX_REJECT_RAW_CHARS) : reject.raw),
        raw_truncated: truncated ? 1 : 0,
        created_at: now,
      };
    });
    await this.db.insertInto('rejects').values(rows).execute();
  }
}

function quoted(text: string): string {
  const clean = withoutNul(text);
  return clean.includes('"') ? `"${clean.replaceAll('"', '""')}"` : `"${clean}"`;
}

/** What the merge reads of a staged record (not its message: the message columns stay in the staging table). */
const RECORD_COLUMNS = `s.seq, s.kind, s.source, s.conv_id, s.channel, s.given_at, s.start_at, ${HEAD_FIELDS.map((field) => `s.${field}`).join(', ')}, s.csat_rating, s.csat, s.messages_read, s.issue_rejects`;

const prefixed = (alias: string, columns: string) =>
  columns
    .split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');

const sameMessage = (a: string, b: string) =>
  `(${a}.role = ${b}.role and ${a}.author_id is not distinct from ${b}.author_id and ${a}.msg_at = ${b}.msg_at and ${a}.body = ${b}.body and ${a}.internal = ${b}.internal)`;

/**
 * The merge of one staged file, in the file's transaction: verdicts (rejects and identical repeats), conversations
 * folded record after record as the SQLite store updates them, messages inserted or updated, events, rejects, counts.
 */
async function mergeStagedFile(client: pg.PoolClient, runId: number, path: string, staged: StagedShape): Promise<MessageRowCounts> {
  const q = (text: string, values: unknown[] = []) => client.query(text, values);
  // Statistics for the columns the merge joins and filters on (the texts' would cost a pass over every body).
  await q('analyze ingest_stage (seq, kind, record, repeat_of, source, conv_id, msg_id)');
  await skipForeignKeyChecks(client);
  // Conversations as stored before this file, for every conversation it names.
  const count = async (text: string) => (await q(text)).rowCount ?? 0;
  // The joins on these two tables are left out when they are empty (the first load of a file's conversations): a
  // probe of an empty table per staged row cost more than the rest of the statement.
  const known =
    (await count(`create temp table ingest_known on commit drop as
    select c.* from conversations c
    where (c.source, c.external_id) in (select distinct source, conv_id from ingest_stage where kind in (${ROW}, ${CONVERSATION}))`)) > 0;
  await q('create unique index on ingest_known (source, external_id)');
  await q('analyze ingest_known');

  // Rejected rows (and identical repeats): few, so kept apart from the bulk.
  await q(`create temp table ingest_verdicts (seq bigint primary key, verdict text not null, reason text) on commit drop`);
  let verdicts = 0;
  verdicts += await count(`insert into ingest_verdicts (seq, verdict, reason)
    select s.seq, 'reject', format('channel "%s" differs from "%s" already stored for conversation "%s"', s.channel, coalesce(k.channel, s.file_channel), s.conv_id)
    from ingest_stage s left join ingest_known k on k.source = s.source and k.external_id = s.conv_id
    where s.kind = ${ROW} and s.channel <> coalesce(k.channel, s.file_channel, s.channel)`);
  verdicts += await count(`insert into ingest_verdicts (seq, verdict, reason)
    select r.seq, case when f.seq is not null and ${sameMessage('r', 'f')}
        and ${HEAD_FIELDS.map((field) => `(r.${field} is null or r.${field} is not distinct from f.${field})`).join(' and ')}
        and (r.csat is null or (r.csat = f.csat and r.csat_rating is not distinct from f.csat_rating))
        and (r.given_at is null or r.given_at is not distinct from f.given_at) and r.start_at >= f.start_at
      then 'same' else 'reject' end, r.reason
    from ingest_stage r
    left join ingest_stage f on f.kind = ${ROW} and f.repeat_of is null and f.source = r.source and f.conv_id = r.conv_id and f.msg_id = r.msg_id
      and f.seq < r.seq and not exists (select 1 from ingest_verdicts v where v.seq = f.seq)
    where r.kind = ${ROW} and r.repeat_of is not null and not exists (select 1 from ingest_verdicts v where v.seq = r.seq)`);
  verdicts += await count(`insert into ingest_verdicts (seq, verdict, reason)
    select r.seq, case when f.seq is not null and r.channel = f.channel
        and ${HEAD_FIELDS.map((field) => `(r.${field} is null or r.${field} is not distinct from f.${field})`).join(' and ')}
        and (r.csat is null or (r.csat = f.csat and r.csat_rating is not distinct from f.csat_rating))
        and (r.given_at is null or r.given_at is not distinct from f.given_at) and r.start_at >= f.start_at
        and not exists (select 1 from ingest_stage rm where rm.kind = ${CONVERSATION_MESSAGE} and rm.record = r.seq and not exists (
          select 1 from ingest_stage fm where fm.kind = ${CONVERSATION_MESSAGE} and fm.record = f.seq and fm.msg_id = rm.msg_id and ${sameMessage('fm', 'rm')}))
        and not exists (select 1 from ingest_stage re where re.kind = ${EVENT} and re.record = r.seq and not exists (
          select 1 from ingest_stage fe where fe.kind = ${EVENT} and fe.record = f.seq and fe.event_kind = re.event_kind and fe.msg_at = re.msg_at))
      then 'same' else 'reject' end, r.reason
    from ingest_stage r
    left join ingest_stage f on f.kind = ${CONVERSATION} and f.repeat_of is null and f.source = r.source and f.conv_id = r.conv_id and f.seq < r.seq
    where r.kind = ${CONVERSATION} and r.repeat_of is not null`);
  await q('analyze ingest_verdicts');

  // The records that load: each conversation folded over them in file order (a present field overwrites). Only
  // conversations stored before this file need them as a table, indexed for runningStart(); otherwise the records are
  // read from the staging table where they are needed (writing them out again cost more than reading them twice).
  const notSetApart = (alias: string) => (verdicts > 0 ? `not exists (select 1 from ingest_verdicts v where v.seq = ${alias}.seq)` : 'true');
  const acceptedRecords = `select ${RECORD_COLUMNS}
    from ingest_stage s
    where s.kind in (${ROW}, ${CONVERSATION}) and s.repeat_of is null and ${notSetApart('s')}`;
  let accepted = `(${acceptedRecords})`;
  if (known) {
    await q(`create temp table ingest_accepted on commit drop as ${acceptedRecords}`);
    await q('create index on ingest_accepted (source, conv_id, seq)');
    await q('analyze ingest_accepted');
    accepted = 'ingest_accepted';
  }
  // A field no record of the file gave is null in every fold: not aggregated.
  const lastPresent = (field: string) =>
    staged.fields.has(field)
      ? `(array_agg(${field} order by seq desc) filter (where ${field} is not null))[1] as ${field}`
      : `null::${field === 'resolved_at' ? 'bigint' : 'text'} as ${field}`;
  await q(`create temp table ingest_folded on commit drop as
    select source, conv_id, min(seq) as first_seq,
      ${staged.fields.has('given_at') ? 'max(seq) filter (where given_at is not null)' : 'null::bigint'} as last_given_seq, min(start_at) as min_start,
      ${staged.conversations ? `(array_agg(channel order by seq desc) filter (where kind = ${CONVERSATION}))[1]` : 'null::text'} as whole_channel,
      min(channel) filter (where kind = ${ROW}) as row_channel,
      ${HEAD_FIELDS.map(lastPresent).join(',\n      ')},
      ${staged.fields.has('csat') ? `(array_agg(csat_rating order by seq desc) filter (where csat is not null))[1]` : 'null::text'} as csat_rating,
      ${staged.fields.has('csat') ? `(array_agg(csat order by seq desc) filter (where csat is not null))[1]` : 'null::text'} as csat
    from ${accepted} a group by source, conv_id`);
  await q('analyze ingest_folded');
  await q(`create temp table ingest_heads on commit drop as
    select f.source, f.conv_id, f.first_seq, k.id as known_id,
      coalesce(f.whole_channel, k.channel, f.row_channel) as channel,
      case when f.last_given_seq is not null
        then g.min_start
        else least(k.created_at, f.min_start) end as created_at,
      case when f.last_given_seq is not null then 0 else coalesce(k.created_at_derived, 1) end as created_at_derived,
      ${HEAD_FIELDS.map((field) => `coalesce(f.${field}, k.${field}${field === 'tags' ? `, '[]'` : ''}) as ${field}`).join(', ')},
      case when f.csat is null then k.csat_rating else f.csat_rating end as csat_rating,
      coalesce(f.csat, k.csat) as csat,
      false as changed
    from ingest_folded f left join ingest_known k on k.source = f.source and k.external_id = f.conv_id
    left join (
      select a.source, a.conv_id, min(a.start_at) as min_start from ${accepted} a
      join ingest_folded g on g.source = a.source and g.conv_id = a.conv_id and a.seq >= g.last_given_seq
      group by a.source, a.conv_id
    ) g on g.source = f.source and g.conv_id = f.conv_id`);
  await q('analyze ingest_heads');
  const headTuple = (alias: string) => `(${CONVERSATION_COLUMNS.map((column) => `${alias}.${column}`).join(', ')})`;
  await q(`update ingest_heads h set changed = true from ingest_known k where k.id = h.known_id and ${headTuple('k')} is distinct from ${headTuple('h')}`);
  await q(
    `insert into conversations (source, external_id, ${CONVERSATION_COLUMNS.join(', ')}, first_run_id, last_run_id)
    select source, conv_id, ${CONVERSATION_COLUMNS.join(', ')}, $1, $1 from ingest_heads where known_id is null order by first_seq`,
    [runId],
  );
  await q(
    `update conversations c set ${CONVERSATION_COLUMNS.map((column) => `${column} = h.${column}`).join(', ')}, last_run_id = $1
    from ingest_heads h where c.id = h.known_id and h.changed`,
    [runId],
  );

  // Messages: each row against the stored message or the previous version of it in this file.
  // Rows of a messages CSV are unique in the file (repeats were set apart above); a conversation's messages in JSON
  // Lines may repeat (a later version of a helpdesk ticket), so only those are numbered by version.
  const messageColumns = 'msg_id, role, author_id, msg_at, body, body_length, body_truncated, internal';
  const ofKnown = (alias: string) =>
    known ? `exists (select 1 from ingest_known k where k.source = ${alias}.source and k.external_id = ${alias}.conv_id)` : 'false';
  // The common case first: a row of a conversation new in this file adds its message and nothing else needs deciding
  // (each such row is a record inserted with one message inserted), so it goes straight in.
  const newRows = await q(
    `insert into messages (conversation_id, external_id, author_role, author_id, created_at, body, body_length, body_truncated, internal, first_run_id, last_run_id)
    select c.id, a.msg_id, a.role, a.author_id, a.msg_at, a.body, a.body_length, a.body_truncated, a.internal, $1, $1
    from ingest_stage a join conversations c on c.source = a.source and c.external_id = a.conv_id
    where a.kind = ${ROW} and a.repeat_of is null and ${notSetApart('a')} and not ${ofKnown('a')}
    order by a.seq`,
    [runId],
  );
  const newRowCount = newRows.rowCount ?? 0;
  await q(`create temp table ingest_messages on commit drop as
    with csv as (
      select a.seq, a.seq as record, c.id as conversation_id, ${prefixed('a', messageColumns)}, 1::bigint as version, 1::bigint as versions, false as same_as_previous
      from ingest_stage a join conversations c on c.source = a.source and c.external_id = a.conv_id
      where a.kind = ${ROW} and a.repeat_of is null and ${notSetApart('a')} and ${ofKnown('a')}
    ), jsonl as (
      select p.*, row_number() over w as version, count(*) over (partition by p.conversation_id, p.msg_id) as versions,
        coalesce(lag(p.role) over w = p.role and lag(p.author_id) over w is not distinct from p.author_id and lag(p.msg_at) over w = p.msg_at
          and lag(p.body) over w = p.body and lag(p.internal) over w = p.internal, false) as same_as_previous
      from (
        select m.seq, m.record, c.id as conversation_id, ${prefixed('m', messageColumns)}
        from ingest_stage m join ${accepted} a on a.seq = m.record join conversations c on c.source = a.source and c.external_id = a.conv_id
        where m.kind = ${CONVERSATION_MESSAGE}
      ) p
      window w as (partition by p.conversation_id, p.msg_id order by p.seq)
    ), placed as (
      select * from csv union all select * from jsonl
    )
    select p.*, m.conversation_id is not null as stored,
      case when p.version = 1 and m.conversation_id is null then 'inserted'
        when p.version = 1 then case when ${sameMessage('p', 'm').replaceAll('m.role', 'm.author_role').replaceAll('m.msg_at', 'm.created_at')} then 'unchanged' else 'updated' end
        when p.same_as_previous then 'unchanged' else 'updated' end as outcome
    from placed p left join messages m on m.conversation_id = p.conversation_id and m.external_id = p.msg_id`);
  await q('analyze ingest_messages');
  await q(
    `insert into messages (conversation_id, external_id, author_role, author_id, created_at, body, body_length, body_truncated, internal, first_run_id, last_run_id)
    select conversation_id, msg_id, role, author_id, msg_at, body, body_length, body_truncated, internal, $1, $1
    from ingest_messages where version = versions and not stored order by seq`,
    [runId],
  );
  await q(
    `update messages m set author_role = v.role, author_id = v.author_id, created_at = v.msg_at, body = v.body, body_length = v.body_length,
      body_truncated = v.body_truncated, internal = v.internal, last_run_id = $1
    from ingest_messages v
    where v.version = v.versions and v.stored and m.conversation_id = v.conversation_id and m.external_id = v.msg_id
      and not (m.author_role = v.role and m.author_id is not distinct from v.author_id and m.created_at = v.msg_at and m.body = v.body and m.internal = v.internal)`,
    [runId],
  );

  // Events of the records that load; which records added one.
  await q(`create temp table ingest_events_added on commit drop as
    with added as (
      insert into conversation_events (conversation_id, kind, created_at, actor_id)
      select distinct on (c.id, e.event_kind, e.msg_at) c.id, e.event_kind, e.msg_at, e.author_id
      from ingest_stage e join ${accepted} a on a.seq = e.record join conversations c on c.source = a.source and c.external_id = a.conv_id
      where e.kind = ${EVENT}
      order by c.id, e.event_kind, e.msg_at, e.seq
      on conflict do nothing
      returning conversation_id, kind, created_at
    )
    select distinct e.record from added d join conversations c on c.id = d.conversation_id
      join ${accepted} a on a.source = c.source and a.conv_id = c.external_id
      join ingest_stage e on e.kind = ${EVENT} and e.record = a.seq and e.event_kind = d.kind and e.msg_at = d.created_at`);

  // Rejects, in the order the records came.
  await q(
    `insert into rejects (run_id, path, line, kind, reason, raw, raw_truncated, created_at)
    select $1, coalesce(s.path, $2), s.line, coalesce(s.reject_kind, 'record'), coalesce(v.reason, s.reason),
      coalesce(s.raw, ${DESCRIBED_ROW}), coalesce(s.raw_truncated, 0), $3
    from ingest_stage s left join ingest_verdicts v on v.seq = s.seq and v.verdict = 'reject'
    where s.kind = ${REJECT} ${verdicts > 0 ? `or v.seq is not null` : ''}
    order by s.seq`,
    [runId, path, Date.now()],
  );

  // What the records came to, counted as the SQLite store counts them.
  const changedHead = `(h.changed and (${HEAD_FIELDS.map((field) => `(r.${field} is not null and r.${field} is distinct from k.${field})`).join(' or ')}
    or (r.csat is not null and r.csat is distinct from k.csat) or (r.kind = ${CONVERSATION} and r.channel <> k.channel)))
    or ((r.given_at is not null or f.last_given_seq is not null or r.start_at < k.created_at) and (case when r.given_at is not null
      then r.start_at is distinct from ${runningStart(accepted)} else r.start_at < ${runningStart(accepted)} end))`;
  await q(`create temp table ingest_records on commit drop as with per_record as (
      select record, count(*) filter (where outcome = 'inserted') as inserted, count(*) filter (where outcome = 'updated') as updated,
        count(*) filter (where outcome = 'unchanged') as unchanged, count(*) as staged
      from ingest_messages group by record
    ), staged_messages as (
      select record, count(*) as staged from ingest_stage where kind = ${CONVERSATION_MESSAGE} and record in (select seq from ${accepted} a where kind = ${CONVERSATION}) group by record
    ), records as (
      select r.kind, v.verdict, coalesce(m.inserted, 0) as inserted, coalesce(m.updated, 0) as updated, coalesce(m.unchanged, 0) as unchanged,
        coalesce(r.messages_read, 1) - coalesce(r.issue_rejects, 0) - coalesce(sm.staged, 0) as duplicates,
        coalesce(r.messages_read, 1) - coalesce(r.issue_rejects, 0) as loadable,
        case when v.verdict is not null then null
          when h.known_id is null and h.first_seq = r.seq then 'inserted'
          when coalesce(m.inserted, 0) > 0 and r.kind = ${ROW} then 'inserted'
          when coalesce(m.inserted, 0) + coalesce(m.updated, 0) > 0 or ea.record is not null or ${changedHead} then 'updated'
          else 'unchanged' end as outcome,
        case when v.verdict is not null or h.known_id is null then null when ${changedHead} then h.known_id end as head_changed
      from (
        select * from ${accepted} a where a.kind = ${CONVERSATION} or ${ofKnown('a')}
        union all select ${RECORD_COLUMNS} from ingest_stage s join ingest_verdicts v on v.seq = s.seq where s.kind in (${ROW}, ${CONVERSATION})
      ) r
      left join ingest_verdicts v on v.seq = r.seq
      left join per_record m on m.record = r.seq
      left join staged_messages sm on sm.record = r.seq and r.kind = ${CONVERSATION}
      left join ingest_events_added ea on ea.record = r.seq
      left join ingest_heads h on h.source = r.source and h.conv_id = r.conv_id
      left join ingest_known k on k.id = h.known_id
      left join ingest_folded f on f.source = r.source and f.conv_id = r.conv_id
    ) select * from records`);
  await q('analyze ingest_records');
  // SQLite writes a conversation each time a record changes it, even when a later record of the file puts it back.
  await q(`update conversations set last_run_id = $1 where id in (select head_changed from ingest_records) and last_run_id <> $1`, [runId]);
  const counts = await q(`select
      count(*) filter (where outcome = 'inserted') as records_inserted,
      count(*) filter (where outcome = 'updated') as records_updated,
      count(*) filter (where outcome = 'unchanged' or verdict = 'same') as records_unchanged,
      count(*) filter (where verdict = 'reject') as records_rejected,
      coalesce(sum(inserted), 0) as messages_inserted,
      coalesce(sum(updated), 0) as messages_updated,
      coalesce(sum(case when verdict = 'same' then loadable when verdict is null and kind = ${CONVERSATION} then unchanged + greatest(duplicates, 0) else unchanged end), 0) as messages_unchanged,
      coalesce(sum(loadable) filter (where verdict = 'reject'), 0) as messages_rejected
    from ingest_records`);
  const c = counts.rows[0] as Record<string, number | string>;
  const n = (name: string) => Number(c[name] ?? 0);
  return {
    records: { inserted: newRowCount + n('records_inserted'), updated: n('records_updated'), unchanged: n('records_unchanged') },
    messages: { inserted: newRowCount + n('messages_inserted'), updated: n('messages_updated'), unchanged: n('messages_unchanged') },
    rejected: { records: n('records_rejected'), messages: n('messages_rejected') },
  };
}

export type { ConversationSource, Outcome };
