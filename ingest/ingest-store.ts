import { type Kysely, sql } from '#kysely';
import { prepareCompiled, slot, type PreparedCompiled } from '../db/compiled-statement.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { DatabaseHandle } from '../db/connection.js';
import { AUTHOR_ROLES, type AuthorRole, type ConversationSource, type CsatLevel, type Database, type NewIngestFile, type RejectKind } from '../db/schema.js';
import { beginTransaction, type OpenTransaction } from '../db/transaction.js';
import { type FaqEntryInput, FaqEntryStore } from './faq-entry-store.js';
import { IdsSeenInFile, NOT_SEEN, repeats } from './ids-seen-in-file.js';
import { MAX_REJECT_RAW_CHARS } from './limits.js';
import type { Csat } from './normalize-csat.js';
import type { NormalizedConversation, NormalizedMessage } from './normalize.js';
import type { DecodedBatch } from './record-codec.js';

export type Outcome = 'inserted' | 'updated' | 'unchanged';

export interface MessageCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

interface ConversationState {
  id: number;
  channel: string;
  created_at: number;
  created_at_derived: number;
  status: string | null;
  resolved_at: number | null;
  customer_id: string | null;
  assignee: string | null;
  subject: string | null;
  language: string | null;
  tags: string;
  team: string | null;
  csat_rating: string | null;
  csat: CsatLevel | null;
}

interface StoredMessage {
  author_role: AuthorRole;
  author_id: string | null;
  created_at: number;
  body: string;
  internal: number;
}

/**
 * Message rows written by one multi-row INSERT. A batch whose rows may already be stored runs inside a savepoint and,
 * if any was, is undone and replayed row by row. A batch the store knows to be new (see `queueBareMessage`) runs
 * without one: a savepoint makes SQLite copy every page the batch touches that existed before it (for a 128-row batch
 * about five 16 KiB pages, 640 MB over a million rows), which cost more than the insert's own page writes.
 */
const MESSAGE_BATCH_ROWS = 128;

/** What the message rows written since the last `flushMessageRows` came to. */
export interface MessageRowCounts {
  records: MessageCounts;
  messages: MessageCounts;
  /** Records (and their messages) that writing them rejected: PostgreSQL's merge decides these at the end of a file. */
  rejected?: { records: number; messages: number };
}

/** Statuses that say a conversation is resolved, in the helpdesks' words. */
const RESOLVED_STATUSES: ReadonlySet<string> = new Set(['solved', 'closed', 'resolved']);

/** Conversations remembered between CSV rows; beyond this the cache starts over, so memory stays flat. */
const CONVERSATION_CACHE_LIMIT = 20_000;

const CONVERSATION_SLOTS = [
  'source',
  'external_id',
  'channel',
  'created_at',
  'created_at_derived',
  'status',
  'resolved_at',
  'customer_id',
  'assignee',
  'subject',
  'language',
  'tags',
  'team',
  'csat_rating',
  'csat',
  'run_id',
  'id',
] as const;
/** The bound columns of a row of the batch statement; the run ids are written into its text. */
const MESSAGE_BATCH_COLUMNS = [
  'conversation_id',
  'external_id',
  'author_role',
  'author_id',
  'created_at',
  'body',
  'body_length',
  'body_truncated',
  'internal',
] as const;
/** Position of each column in MESSAGE_BATCH_COLUMNS. */
const COLUMN = Object.fromEntries(MESSAGE_BATCH_COLUMNS.map((name, position) => [name, position])) as Record<(typeof MESSAGE_BATCH_COLUMNS)[number], number>;
const MESSAGE_SLOTS = [
  'conversation_id',
  'external_id',
  'author_role',
  'author_id',
  'created_at',
  'body',
  'body_length',
  'body_truncated',
  'internal',
  'run_id',
] as const;

/**
 * The only SQL of ingest. Statements are built by Kysely and prepared once; every write happens inside the
 * per-file transaction that `begin`/`commit` bracket.
 */
export class IngestStore {
  /** Per source, external id -> stored state: rows of one conversation mostly arrive together. */
  private readonly conversations = new Map<ConversationSource, Map<string, ConversationState>>();
  private cachedConversations = 0;
  private readonly findConversation: PreparedCompiled<'source' | 'external_id'>;
  private readonly insertConversation: PreparedCompiled<(typeof CONVERSATION_SLOTS)[number]>;
  /**
   * A conversation known only from a message row (id and channel; it starts at the message): does nothing when the
   * conversation exists, so a new one costs one statement and no lookup first. Four values bound. OR IGNORE rather
   * than ON CONFLICT DO NOTHING: with no constraint left that could abort it, SQLite writes the row without first
   * opening a statement journal.
   */
  private readonly insertBareConversationIfNew: PreparedCompiled<'source' | 'external_id' | 'channel' | 'created_at'>;
  private readonly updateConversation: PreparedCompiled<(typeof CONVERSATION_SLOTS)[number]>;
  private readonly findMessage: PreparedCompiled<'conversation_id' | 'external_id'>;
  private readonly insertMessage: PreparedCompiled<(typeof MESSAGE_SLOTS)[number]>;
  private readonly updateMessage: PreparedCompiled<(typeof MESSAGE_SLOTS)[number]>;
  private readonly insertEvent: PreparedCompiled<'conversation_id' | 'kind' | 'created_at' | 'actor_id'>;
  private readonly insertMessageBatch: PreparedCompiled<string>;
  private readonly insertPlainMessageBatch: PreparedCompiled<string>;
  /** The plain statement's parameter i is the general one's `plainFrom[i]`. */
  private readonly plainFrom: Int32Array;
  private readonly plainParameters: unknown[];
  /** The batch statement's parameters, filled row by row as messages are queued: no object per row. */
  private readonly batchParameters: unknown[];
  /** Row r, column c (of MESSAGE_BATCH_COLUMNS) is parameter `batchIndex[r * columns + c]`. */
  private readonly batchIndex: Int32Array;
  /** The file's transaction, from `begin()` until `commit()` or `rollback()`. */
  private transaction: OpenTransaction | undefined;
  private readonly savepoint: { begin: BetterSqlite3.Statement; rollback: BetterSqlite3.Statement; release: BetterSqlite3.Statement };
  private pendingRows = 0;
  /** Per queued row: 1 when queuing it inserted or changed its conversation. */
  private readonly pendingConversationChanged = new Uint8Array(MESSAGE_BATCH_ROWS);
  /** Queued rows that may already be stored: the batch then needs its savepoint. */
  private pendingUnsafe = 0;
  /** Queued rows with a truncated body or marked internal: the batch then needs the general statement. */
  private pendingFlagged = 0;
  /**
   * True while the rows of the last bare row's conversation cannot be stored yet: this store created the conversation
   * at the run's first row and the parsing thread has vouched for every row since (`DecodedBatch.freshInRun`).
   */
  private runIsNew = false;
  /** Full batches written so far, without and with a savepoint (for tests). */
  readonly batchesWritten = { new: 0, guarded: 0 };
  /** The conversation of the last bare row, so that the next row of the same conversation skips every lookup. */
  private lastBare: { source: ConversationSource; externalId: string; state: ConversationState } | undefined;
  private rowCounts: MessageRowCounts = emptyRowCounts();
  /**
   * Message rows (messages CSV, tweets) and canonical conversations this file has shown, with their first line: a
   * repeat with different content is rejected (the first copy is kept), so that a file read twice gives the same rows
   * both times. Helpdesk exports are left out: a ticket repeated in an incremental export is a later version of it.
   */
  private readonly seenInFile = new IdsSeenInFile();
  private readonly insertRejectStatement: PreparedCompiled<'run_id' | 'path' | 'line' | 'kind' | 'reason' | 'raw' | 'raw_truncated' | 'created_at'>;

  constructor(
    private readonly handle: DatabaseHandle,
    readonly runId: number,
  ) {
    const { db, sqlite } = handle;
    const slots = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, slot(k)])) as Record<K, string>;
    const conversationValues = slots(CONVERSATION_SLOTS);

    this.findConversation = prepareCompiled(
      sqlite,
      db
        .selectFrom('conversations')
        .select([
          'id',
          'channel',
          'created_at',
          'created_at_derived',
          'status',
          'resolved_at',
          'customer_id',
          'assignee',
          'subject',
          'language',
          'tags',
          'team',
          'csat_rating',
          'csat',
        ])
        .where('source', '=', slot<ConversationSource>('source'))
        .where('external_id', '=', slot('external_id')),
      ['source', 'external_id'],
    );
    this.insertConversation = prepareCompiled(
      sqlite,
      db.insertInto('conversations').values({
        source: conversationValues.source as ConversationSource,
        external_id: conversationValues.external_id,
        channel: conversationValues.channel,
        created_at: conversationValues.created_at as unknown as number,
        created_at_derived: conversationValues.created_at_derived as unknown as number,
        status: conversationValues.status,
        resolved_at: conversationValues.resolved_at as unknown as number,
        customer_id: conversationValues.customer_id,
        assignee: conversationValues.assignee,
        subject: conversationValues.subject,
        language: conversationValues.language,
        tags: conversationValues.tags,
        team: conversationValues.team,
        csat_rating: conversationValues.csat_rating,
        csat: conversationValues.csat as CsatLevel,
        first_run_id: conversationValues.run_id as unknown as number,
        last_run_id: conversationValues.run_id as unknown as number,
      }),
      CONVERSATION_SLOTS,
    );
    this.insertBareConversationIfNew = prepareCompiled(
      sqlite,
      db
        .insertInto('conversations')
        .values({
          source: slot<ConversationSource>('source'),
          external_id: slot('external_id'),
          channel: slot('channel'),
          created_at: slot<number>('created_at'),
          created_at_derived: sql.lit(1),
          first_run_id: sql.lit(runId),
          last_run_id: sql.lit(runId),
        })
        .orIgnore(),
      ['source', 'external_id', 'channel', 'created_at'],
    );
    this.updateConversation = prepareCompiled(
      sqlite,
      db
        .updateTable('conversations')
        .set({
          channel: conversationValues.channel,
          created_at: conversationValues.created_at as unknown as number,
          created_at_derived: conversationValues.created_at_derived as unknown as number,
          status: conversationValues.status,
          resolved_at: conversationValues.resolved_at as unknown as number,
          customer_id: conversationValues.customer_id,
          assignee: conversationValues.assignee,
          subject: conversationValues.subject,
          language: conversationValues.language,
          tags: conversationValues.tags,
          team: conversationValues.team,
          csat_rating: conversationValues.csat_rating,
          csat: conversationValues.csat as CsatLevel,
          last_run_id: conversationValues.run_id as unknown as number,
        })
        .where('id', '=', conversationValues.id as unknown as number),
      CONVERSATION_SLOTS,
    );

    const messageValues = slots(MESSAGE_SLOTS);
    this.findMessage = prepareCompiled(
      sqlite,
      db
        .selectFrom('messages')
        .select(['author_role', 'author_id', 'created_at', 'body', 'internal'])
        .where('conversation_id', '=', slot<number>('conversation_id'))
        .where('external_id', '=', slot('external_id')),
      ['conversation_id', 'external_id'],
    );
    const messageColumns = {
      author_role: messageValues.author_role as AuthorRole,
      author_id: messageValues.author_id,
      created_at: messageValues.created_at as unknown as number,
      body: messageValues.body,
      body_length: messageValues.body_length as unknown as number,
      body_truncated: messageValues.body_truncated as unknown as number,
      internal: messageValues.internal as unknown as number,
      last_run_id: messageValues.run_id as unknown as number,
    };
    this.insertMessage = prepareCompiled(
      sqlite,
      db
        .insertInto('messages')
        .values({
          ...messageColumns,
          conversation_id: messageValues.conversation_id as unknown as number,
          external_id: messageValues.external_id,
          first_run_id: messageValues.run_id as unknown as number,
        })
        .onConflict((oc) => oc.columns(['conversation_id', 'external_id']).doNothing()),
      MESSAGE_SLOTS,
    );
    this.updateMessage = prepareCompiled(
      sqlite,
      db
        .updateTable('messages')
        .set(messageColumns)
        .where('conversation_id', '=', messageValues.conversation_id as unknown as number)
        .where('external_id', '=', messageValues.external_id),
      MESSAGE_SLOTS,
    );
    this.insertEvent = prepareCompiled(
      sqlite,
      db
        .insertInto('conversation_events')
        .values({
          conversation_id: slot<number>('conversation_id'),
          kind: slot<'resolved'>('kind'),
          created_at: slot<number>('created_at'),
          actor_id: slot('actor_id'),
        })
        .onConflict((oc) => oc.doNothing()),
      ['conversation_id', 'kind', 'created_at', 'actor_id'],
    );
    this.insertRejectStatement = prepareCompiled(
      sqlite,
      db.insertInto('rejects').values({
        run_id: slot<number>('run_id'),
        path: slot('path'),
        line: slot<number>('line'),
        kind: slot<RejectKind>('kind'),
        reason: slot('reason'),
        raw: slot('raw'),
        raw_truncated: slot<number>('raw_truncated'),
        created_at: slot<number>('created_at'),
      }),
      ['run_id', 'path', 'line', 'kind', 'reason', 'raw', 'raw_truncated', 'created_at'],
    );
    this.faq = new FaqEntryStore(handle, runId, this.seenInFile);

    const batchSlots = Array.from({ length: MESSAGE_BATCH_ROWS }, (_, row) => MESSAGE_BATCH_COLUMNS.map((column) => `${row}:${column}`)).flat();
    // The run id is the same for every row of the run: a literal in the statement is 2 of 11 values less to bind.
    const runIdLiteral = sql.lit(runId);
    const batchRows = Array.from({ length: MESSAGE_BATCH_ROWS }, (_, row) => ({
      ...Object.fromEntries(MESSAGE_BATCH_COLUMNS.map((column) => [column, slot(`${row}:${column}`)])),
      // The role travels as its position in AUTHOR_ROLES: a number binds without the string conversion a text needs.
      author_role: roleFromCode(slot(`${row}:author_role`)),
      first_run_id: runIdLiteral,
      last_run_id: runIdLiteral,
    }));
    this.insertMessageBatch = prepareCompiled(
      sqlite,
      db
        .insertInto('messages')
        .orIgnore()
        .values(batchRows as never),
      batchSlots,
    );
    // Nearly every batch has no truncated or internal message: its statement takes those two columns as literals.
    const zero = sql.lit(0);
    this.insertPlainMessageBatch = prepareCompiled(
      sqlite,
      db
        .insertInto('messages')
        .orIgnore()
        .values(batchRows.map((row) => ({ ...row, body_truncated: zero, internal: zero })) as never),
      batchSlots,
    );
    this.batchIndex = new Int32Array(MESSAGE_BATCH_ROWS * MESSAGE_BATCH_COLUMNS.length);
    this.insertMessageBatch.order.forEach((name, position) => {
      const [row, column] = name.split(':') as [string, (typeof MESSAGE_BATCH_COLUMNS)[number]];
      this.batchIndex[Number(row) * MESSAGE_BATCH_COLUMNS.length + MESSAGE_BATCH_COLUMNS.indexOf(column)] = position;
    });
    this.batchParameters = new Array<unknown>(this.insertMessageBatch.order.length).fill(null);
    const general = new Map(this.insertMessageBatch.order.map((name, position) => [name, position]));
    this.plainFrom = Int32Array.from(this.insertPlainMessageBatch.order, (name) => general.get(name)!);
    this.plainParameters = new Array<unknown>(this.plainFrom.length).fill(null);
    const statement = (text: string) => sqlite.prepare(text);
    this.savepoint = {
      begin: statement(sql`savepoint message_batch`.compile(db).sql),
      rollback: statement(sql`rollback to message_batch`.compile(db).sql),
      release: statement(sql`release message_batch`.compile(db).sql),
    };
  }

  /** Where the file's statements go: the open transaction's connection (the bulk load drops and rebuilds indexes on it). */
  get db(): Kysely<Database> {
    return this.transaction?.db ?? this.handle.db;
  }

  async begin(): Promise<void> {
    this.runIsNew = false;
    this.seenInFile.clear();
    this.transaction = await beginTransaction(this.handle);
  }

  async commit(): Promise<void> {
    if (this.pendingRows > 0) throw new Error('flushMessageRows() must run before commit()');
    await this.transaction?.commit();
    this.transaction = undefined;
  }

  /** Undoes the file's writes; the cache may hold rows that no longer exist, so it is dropped too. */
  async rollback(): Promise<void> {
    this.pendingRows = 0;
    this.pendingUnsafe = 0;
    this.pendingFlagged = 0;
    this.runIsNew = false;
    this.lastBare = undefined;
    this.rowCounts = emptyRowCounts();
    this.conversations.clear();
    this.cachedConversations = 0;
    await this.transaction?.rollback();
    this.transaction = undefined;
  }

  /**
   * Stores a whole conversation (a JSON Lines record): new, changed or identical. Messages already stored but absent
   * from the record are kept, because exports are often partial.
   */
  saveConversation(conversation: NormalizedConversation, line: number | null = null): SavedConversation {
    if (conversation.source === 'canonical') {
      const first = this.seenInFile.begin().add(conversation.source).add(conversation.externalId).note(line);
      if (first !== NOT_SEEN) {
        const saved = this.unlessItChangesSomething(conversation, () => this.writeConversation(conversation));
        return saved ?? { rejected: `conversation "${conversation.externalId}" ${repeats(first)} with different content; the first was kept` };
      }
    }
    return this.writeConversation(conversation);
  }

  private writeConversation(conversation: NormalizedConversation): { outcome: Outcome; messages: MessageCounts } {
    const earliestMessage = conversation.messages.reduce((min, m) => Math.min(min, m.createdAt), Infinity);
    const given = conversation.createdAt;
    const start = Math.min(given ?? Infinity, earliestMessage);
    const { state, outcome: conversationOutcome } = this.upsertConversationHead(
      conversation,
      Number.isFinite(start) ? start : Date.now(),
      given === null,
      true,
    );
    const messages: MessageCounts = { inserted: 0, updated: 0, unchanged: 0 };
    for (const message of conversation.messages) messages[this.upsertMessage(state.id, message)] += 1;
    let eventsAdded = 0;
    for (const event of conversation.events) {
      eventsAdded += this.insertEvent.run({ conversation_id: state.id, kind: event.kind, created_at: event.createdAt, actor_id: event.actorId }).changes;
    }
    let outcome = conversationOutcome;
    if (outcome === 'unchanged' && (messages.inserted > 0 || messages.updated > 0 || eventsAdded > 0)) outcome = 'updated';
    return { outcome, messages };
  }

  /**
   * Runs `write` for a repeat of a record this file already stored: kept when it changes nothing, else undone
   * (with the conversation cache as it was) and undefined returned.
   */
  private unlessItChangesSomething<T extends { outcome: Outcome; messages: MessageCounts }>(head: NormalizedConversation, write: () => T): T | undefined {
    // The first copy may still wait in the queue of message rows: it must be stored to be compared.
    this.writePending();
    const before = this.lookupConversation(head.source, head.externalId);
    this.savepoint.begin.run();
    const result = write();
    if (result.outcome === 'unchanged' && result.messages.inserted === 0 && result.messages.updated === 0) {
      this.savepoint.release.run();
      return result;
    }
    this.savepoint.rollback.run();
    this.savepoint.release.run();
    this.lastBare = undefined;
    if (before) this.remember(head.source, head.externalId, before);
    return undefined;
  }

  /**
   * Queues one CSV row (a message plus whatever conversation columns the row carries) for a multi-row write; the
   * conversation is written at once. Returns a reason when the row contradicts what is stored for its conversation.
   * Outcomes are counted when the rows are written: see `flushMessageRows`.
   */
  saveMessageRow(head: NormalizedConversation, message: NormalizedMessage, line: number | null = null): { reason: string } | undefined {
    const cached = this.lookupConversation(head.source, head.externalId);
    if (cached && cached.channel !== head.channel) {
      return { reason: `channel "${head.channel}" differs from "${cached.channel}" already stored for conversation "${head.externalId}"` };
    }
    const first = this.seenInFile.begin().add(head.source).add(head.externalId).add(message.externalId).note(line);
    if (first !== NOT_SEEN) {
      const kept = this.unlessItChangesSomething(head, () => {
        const start = Math.min(head.createdAt ?? Infinity, message.createdAt);
        const { state, outcome } = this.upsertConversationHead(head, start, head.createdAt === null, false);
        const messageOutcome = this.upsertMessage(state.id, message);
        return { outcome: outcome === 'unchanged' ? messageOutcome : outcome, messages: { inserted: 0, updated: 0, unchanged: 0, [messageOutcome]: 1 } };
      });
      if (!kept)
        return { reason: `message "${message.externalId}" of conversation "${head.externalId}" ${repeats(first)} with different content; the first was kept` };
      this.rowCounts.records.unchanged += 1;
      this.rowCounts.messages.unchanged += 1;
      return undefined;
    }
    const start = Math.min(head.createdAt ?? Infinity, message.createdAt);
    const { state, outcome } = this.upsertConversationHead(head, start, head.createdAt === null, false);
    this.queueMessage(
      state.id,
      message.externalId,
      message.role,
      message.authorId,
      message.createdAt,
      message.body,
      message.bodyLength,
      message.bodyTruncated,
      message.internal,
      outcome !== 'unchanged',
      false,
    );
    return undefined;
  }

  /**
   * `saveMessageRow` for the current row of a decoded batch that carries no conversation columns (the bulk of a
   * messages CSV), without building objects. Returns false, storing nothing, when the row's channel contradicts the
   * stored conversation's: the caller then takes the general path, which rejects it with its reason.
   */
  queueBareMessage(row: DecodedBatch): boolean {
    const last = this.lastBare;
    let state: ConversationState | undefined;
    let changed = false;
    if (
      last !== undefined &&
      last.source === row.source &&
      last.externalId.length === row.conversationLength &&
      row.text.startsWith(last.externalId, row.conversationStart)
    ) {
      state = last.state;
      this.runIsNew &&= row.freshInRun;
    } else {
      const externalId = row.conversationId();
      state = this.conversations.get(row.source)?.get(externalId);
      this.runIsNew = false;
      if (!state) {
        state = this.insertBareConversation(row.source, externalId, row.channel, row.createdAt);
        if (state) {
          changed = true;
          this.runIsNew = true;
        } else {
          state = this.lookupConversation(row.source, externalId);
          if (!state) throw new Error(`conversation "${externalId}" was neither inserted nor found`);
        }
      }
      this.lastBare = { source: row.source, externalId, state };
    }
    if (state.channel !== row.channel) return false;
    // A repeat of a row this file already showed takes the general path, which compares it with the first.
    if (
      this.seenInFile
        .begin()
        .add(row.source)
        .add(row.text, row.conversationStart, row.conversationStart + row.conversationLength)
        .add(row.messageId)
        .note(row.line) !== NOT_SEEN
    ) {
      return false;
    }
    if (row.createdAt < state.created_at) {
      // The conversation starts earlier than stored: the general path updates it (rare: rows out of time order).
      const head = row.bareHead();
      state = this.upsertConversationHead(head, row.createdAt, true, false).state;
      this.lastBare = { source: row.source, externalId: head.externalId, state };
      changed = true;
    }
    this.queueMessage(
      state.id,
      row.messageId,
      row.role,
      row.authorId,
      row.createdAt,
      row.body,
      row.bodyLength,
      row.bodyTruncated,
      row.internal,
      changed,
      this.runIsNew,
    );
    return true;
  }

  /** Undefined when the conversation is already stored. */
  private insertBareConversation(source: ConversationSource, externalId: string, channel: string, start: number): ConversationState | undefined {
    const result = this.insertBareConversationIfNew.run({ source, external_id: externalId, channel, created_at: start });
    if (result.changes === 0) return undefined;
    const state: ConversationState = {
      id: Number(result.lastInsertRowid),
      channel,
      created_at: start,
      created_at_derived: 1,
      status: null,
      resolved_at: null,
      customer_id: null,
      assignee: null,
      subject: null,
      language: null,
      tags: '[]',
      team: null,
      csat_rating: null,
      csat: null,
    };
    this.remember(source, externalId, state);
    return state;
  }

  private queueMessage(
    conversationId: number,
    externalId: string,
    role: AuthorRole,
    authorId: string | null,
    createdAt: number,
    body: string,
    bodyLength: number,
    bodyTruncated: boolean,
    internal: boolean,
    conversationChanged: boolean,
    /** Known not to be stored yet. */
    isNew: boolean,
  ): void {
    const parameters = this.batchParameters;
    const index = this.batchIndex;
    const at = this.pendingRows * MESSAGE_BATCH_COLUMNS.length;
    parameters[index[at + COLUMN.conversation_id]!] = conversationId;
    parameters[index[at + COLUMN.external_id]!] = externalId;
    parameters[index[at + COLUMN.author_role]!] = ROLE_CODES[role];
    parameters[index[at + COLUMN.author_id]!] = authorId;
    parameters[index[at + COLUMN.created_at]!] = createdAt;
    parameters[index[at + COLUMN.body]!] = body;
    parameters[index[at + COLUMN.body_length]!] = bodyLength;
    parameters[index[at + COLUMN.body_truncated]!] = bodyTruncated ? 1 : 0;
    parameters[index[at + COLUMN.internal]!] = internal ? 1 : 0;
    this.pendingConversationChanged[this.pendingRows] = conversationChanged ? 1 : 0;
    if (!isNew) this.pendingUnsafe += 1;
    if (bodyTruncated || internal) this.pendingFlagged += 1;
    this.pendingRows += 1;
    if (this.pendingRows === MESSAGE_BATCH_ROWS) this.writePending();
  }

  /** Writes the queued message rows and returns what they came to since the last call. */
  flushMessageRows(): MessageRowCounts {
    this.writePending();
    const counts = this.rowCounts;
    this.rowCounts = emptyRowCounts();
    return counts;
  }

  private writePending(): void {
    const rows = this.pendingRows;
    if (rows === 0) return;
    const unsafe = this.pendingUnsafe;
    const flagged = this.pendingFlagged;
    this.pendingRows = 0;
    this.pendingUnsafe = 0;
    this.pendingFlagged = 0;
    if (rows === MESSAGE_BATCH_ROWS && unsafe === 0) {
      const inserted = this.runBatch(flagged);
      // Undoing is impossible here: a row the store took for new was stored already. Fail the file, keep nothing.
      if (inserted !== rows) throw new Error(`internal error: ${rows - inserted} of ${rows} message rows taken for new were already stored`);
      this.batchesWritten.new += 1;
      this.rowCounts.records.inserted += inserted;
      this.rowCounts.messages.inserted += inserted;
      return;
    }
    if (rows === MESSAGE_BATCH_ROWS) {
      this.batchesWritten.guarded += 1;
      this.savepoint.begin.run();
      const inserted = this.runBatch(flagged);
      if (inserted === rows) {
        this.savepoint.release.run();
        this.rowCounts.records.inserted += inserted;
        this.rowCounts.messages.inserted += inserted;
        return;
      }
      // Some rows were already stored (or repeat within the batch): undo and decide row by row.
      this.savepoint.rollback.run();
      this.savepoint.release.run();
    }
    const parameters = this.batchParameters;
    const index = this.batchIndex;
    for (let row = 0; row < rows; row++) {
      const at = row * MESSAGE_BATCH_COLUMNS.length;
      const column = (name: keyof typeof COLUMN) => parameters[index[at + COLUMN[name]]!];
      const message: NormalizedMessage = {
        externalId: column('external_id') as string,
        role: AUTHOR_ROLES[column('author_role') as number]!,
        authorId: column('author_id') as string | null,
        createdAt: column('created_at') as number,
        body: column('body') as string,
        bodyLength: column('body_length') as number,
        bodyTruncated: column('body_truncated') === 1,
        internal: column('internal') === 1,
      };
      const messageOutcome = this.upsertMessage(column('conversation_id') as number, message);
      this.rowCounts.messages[messageOutcome] += 1;
      const recordOutcome: Outcome =
        messageOutcome === 'inserted' ? 'inserted' : messageOutcome === 'updated' || this.pendingConversationChanged[row] === 1 ? 'updated' : 'unchanged';
      this.rowCounts.records[recordOutcome] += 1;
    }
  }

  /** Runs the full batch; returns how many rows it inserted. */
  private runBatch(flagged: number): number {
    if (flagged > 0) return this.insertMessageBatch.runPositional(this.batchParameters).changes;
    const from = this.plainFrom;
    const general = this.batchParameters;
    const plain = this.plainParameters;
    for (let i = 0; i < from.length; i++) plain[i] = general[from[i]!];
    return this.insertPlainMessageBatch.runPositional(plain).changes;
  }

  insertReject(reject: { path: string; line: number | null; kind: RejectKind; reason: string; raw: string }): void {
    const truncated = reject.raw.length > MAX_REJECT_RAW_CHARS;
    this.insertRejectStatement.run({
      run_id: this.runId,
      path: reject.path,
      line: reject.line,
      kind: reject.kind,
      reason: reject.reason,
      raw: truncated ? reject.raw.slice(0, MAX_REJECT_RAW_CHARS) : reject.raw,
      raw_truncated: truncated ? 1 : 0,
      created_at: Date.now(),
    });
  }

  private readonly faq: FaqEntryStore;

  async insertFile(file: NewIngestFile): Promise<void> {
    await this.handle.db.insertInto('ingest_files').values(file).execute();
  }

  /** See `FaqEntryStore.save`. */
  saveFaqEntry(entry: FaqEntryInput, now: number, line: number | null = null): Outcome | { rejected: string } {
    return this.faq.save(entry, now, line);
  }

  /** The stored conversation's row id and people, for placing messages that arrive apart from it (see FeedStore). */
  findConversationPeople(source: ConversationSource, externalId: string): { id: number; customerId: string | null; assignee: string | null } | undefined {
    const state = this.lookupConversation(source, externalId);
    return state ? { id: state.id, customerId: state.customer_id, assignee: state.assignee } : undefined;
  }

  /** Stores one message of a stored conversation: new, changed or identical. */
  storeMessage(conversationId: number, message: NormalizedMessage): Outcome {
    return this.upsertMessage(conversationId, message);
  }

  /** Stores one event of a stored conversation; false when it was stored already. */
  storeEvent(conversationId: number, event: { kind: string; createdAt: number; actorId: string | null }): boolean {
    return this.insertEvent.run({ conversation_id: conversationId, kind: event.kind, created_at: event.createdAt, actor_id: event.actorId }).changes > 0;
  }

  /**
   * A resolution that arrived apart from its conversation (an audit, a webhook event): a conversation whose status says
   * it is resolved takes it as its resolved time when it is later than the one stored.
   */
  noteResolution(source: ConversationSource, externalId: string, at: number): void {
    const state = this.lookupConversation(source, externalId);
    if (!state || !RESOLVED_STATUSES.has(state.status ?? '') || (state.resolved_at !== null && state.resolved_at >= at)) return;
    const next: ConversationState = { ...state, resolved_at: at };
    this.updateConversation.run({
      source,
      external_id: externalId,
      channel: next.channel,
      created_at: next.created_at,
      created_at_derived: next.created_at_derived,
      status: next.status,
      resolved_at: next.resolved_at,
      customer_id: next.customer_id,
      assignee: next.assignee,
      subject: next.subject,
      language: next.language,
      tags: next.tags,
      team: next.team,
      csat_rating: next.csat_rating,
      csat: next.csat,
      run_id: this.runId,
      id: next.id,
    });
    this.remember(source, externalId, next);
  }

  /**
   * A satisfaction rating that arrived apart from its conversation (a Chatwoot CSAT survey message read from a
   * messages response): taken only by a conversation that has none, so that a rating its own record gives wins.
   * True when it was stored.
   */
  noteCsat(source: ConversationSource, externalId: string, csat: Csat): boolean {
    const state = this.lookupConversation(source, externalId);
    if (!state || state.csat !== null) return false;
    const next: ConversationState = { ...state, csat_rating: csat.rating, csat: csat.level };
    this.updateConversation.run({
      source,
      external_id: externalId,
      channel: next.channel,
      created_at: next.created_at,
      created_at_derived: next.created_at_derived,
      status: next.status,
      resolved_at: next.resolved_at,
      customer_id: next.customer_id,
      assignee: next.assignee,
      subject: next.subject,
      language: next.language,
      tags: next.tags,
      team: next.team,
      csat_rating: next.csat_rating,
      csat: next.csat,
      run_id: this.runId,
      id: next.id,
    });
    this.remember(source, externalId, next);
    return true;
  }

  private lookupConversation(source: ConversationSource, externalId: string): ConversationState | undefined {
    let state = this.conversations.get(source)?.get(externalId);
    if (!state) {
      state = this.findConversation.get<ConversationState>({ source, external_id: externalId });
      if (state) this.remember(source, externalId, state);
    }
    return state;
  }

  private remember(source: ConversationSource, externalId: string, state: ConversationState): void {
    this.lastBare = undefined;
    if (this.cachedConversations >= CONVERSATION_CACHE_LIMIT) {
      this.conversations.clear();
      this.cachedConversations = 0;
    }
    let bySource = this.conversations.get(source);
    if (!bySource) this.conversations.set(source, (bySource = new Map()));
    const size = bySource.size;
    for (const field of CACHED_TEXT_FIELDS) {
      const value = state[field];
      if (value !== null) state[field] = detached(value);
    }
    bySource.set(detached(externalId), state);
    this.cachedConversations += bySource.size - size;
  }

  /**
   * `whole`: the record describes the conversation completely (JSON Lines), so absent optional fields are kept as
   * stored rather than cleared; present fields overwrite. CSV rows behave the same way, row after row.
   */
  private upsertConversationHead(
    head: NormalizedConversation,
    start: number,
    derived: boolean,
    whole: boolean,
  ): { state: ConversationState; outcome: Outcome } {
    const existing = this.lookupConversation(head.source, head.externalId);
    if (existing && !whole && carriesNothingNew(head, existing, start)) return { state: existing, outcome: 'unchanged' };
    const tags = JSON.stringify(head.tags);
    if (!existing) {
      const state: ConversationState = {
        id: 0,
        channel: head.channel,
        created_at: start,
        created_at_derived: derived ? 1 : 0,
        status: head.status,
        resolved_at: head.resolvedAt,
        customer_id: head.customerId,
        assignee: head.assignee,
        subject: head.subject,
        language: head.language,
        tags,
        team: head.team,
        csat_rating: head.csatRating,
        csat: head.csat,
      };
      const result = this.insertConversation.run({ ...this.conversationSlots(head, state), id: null });
      state.id = Number(result.lastInsertRowid);
      this.remember(head.source, head.externalId, state);
      return { state, outcome: 'inserted' };
    }

    const next: ConversationState = {
      id: existing.id,
      channel: whole ? head.channel : existing.channel,
      created_at: existing.created_at,
      created_at_derived: existing.created_at_derived,
      status: head.status ?? existing.status,
      resolved_at: head.resolvedAt ?? existing.resolved_at,
      customer_id: head.customerId ?? existing.customer_id,
      assignee: head.assignee ?? existing.assignee,
      subject: head.subject ?? existing.subject,
      language: head.language ?? existing.language,
      tags: head.tags.length > 0 ? tags : existing.tags,
      team: head.team ?? existing.team,
      csat_rating: head.csat === null ? existing.csat_rating : head.csatRating,
      csat: head.csat ?? existing.csat,
    };
    if (!derived) {
      next.created_at = Math.min(start, head.createdAt ?? start);
      next.created_at_derived = 0;
    } else if (start < existing.created_at) {
      next.created_at = start;
    }
    const changed = (Object.keys(next) as (keyof ConversationState)[]).some((k) => next[k] !== existing[k]);
    if (!changed) return { state: existing, outcome: 'unchanged' };
    this.updateConversation.run({ ...this.conversationSlots(head, next), id: existing.id });
    this.remember(head.source, head.externalId, next);
    return { state: next, outcome: 'updated' };
  }

  private conversationSlots(head: NormalizedConversation, state: ConversationState) {
    return {
      source: head.source,
      external_id: head.externalId,
      channel: state.channel,
      created_at: state.created_at,
      created_at_derived: state.created_at_derived,
      status: state.status,
      resolved_at: state.resolved_at,
      customer_id: state.customer_id,
      assignee: state.assignee,
      subject: state.subject,
      language: state.language,
      tags: state.tags,
      team: state.team,
      csat_rating: state.csat_rating,
      csat: state.csat,
      run_id: this.runId,
    };
  }

  private upsertMessage(conversationId: number, message: NormalizedMessage): Outcome {
    const values = {
      conversation_id: conversationId,
      external_id: message.externalId,
      author_role: message.role,
      author_id: message.authorId,
      created_at: message.createdAt,
      body: message.body,
      body_length: message.bodyLength,
      body_truncated: message.bodyTruncated ? 1 : 0,
      internal: message.internal ? 1 : 0,
      run_id: this.runId,
    };
    // New messages are the common case: one statement; only a conflict pays for the lookup and comparison.
    if (this.insertMessage.run(values).changes === 1) return 'inserted';
    const stored = this.findMessage.get<StoredMessage>({ conversation_id: conversationId, external_id: message.externalId });
    if (!stored) throw new Error(`message "${message.externalId}" conflicted but cannot be found`);
    if (
      stored.author_role === message.role &&
      stored.author_id === message.authorId &&
      stored.created_at === message.createdAt &&
      stored.body === message.body &&
      stored.internal === values.internal
    ) {
      return 'unchanged';
    }
    this.updateMessage.run(values);
    return 'updated';
  }
}

/** The common CSV row: no conversation columns, a message no earlier than the conversation's start. */
function carriesNothingNew(head: NormalizedConversation, state: ConversationState, start: number): boolean {
  return (
    head.createdAt === null &&
    start >= state.created_at &&
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

const CACHED_TEXT_FIELDS = ['channel', 'status', 'customer_id', 'assignee', 'subject', 'language', 'team', 'csat_rating'] as const;

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 keeps a substring of 13 characters or
 * more as a slice of its parent: a subject cut from a parser's 64 KiB chunk would keep the whole chunk alive for as
 * long as the conversation cache holds it (20,000 conversations: up to 1.3 GB). Concatenating and slicing again
 * copies the characters into a string of their own.
 */
function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** A conversation stored, or the reason it was not. */
export type { FaqEntryInput };

export type SavedConversation = { outcome: Outcome; messages: MessageCounts; rejected?: undefined } | { rejected: string };

function emptyRowCounts(): MessageRowCounts {
  return { records: { inserted: 0, updated: 0, unchanged: 0 }, messages: { inserted: 0, updated: 0, unchanged: 0 } };
}

const ROLE_CODES = Object.fromEntries(AUTHOR_ROLES.map((role, code) => [role, code])) as Record<AuthorRole, number>;

/** `case code when 0 then 'customer' ... end`, from AUTHOR_ROLES. */
function roleFromCode(code: string) {
  return sql<AuthorRole>`case ${code} ${sql.join(
    AUTHOR_ROLES.map((role, position) => sql`when ${sql.lit(position)} then ${sql.lit(role)}`),
    sql` `,
  )} end`;
}
