import type BetterSqlite3 from 'better-sqlite3';
import { sql } from '#kysely';
import { prepareCompiled, slot, type PreparedCompiled } from '../db/compiled-statement.js';
import type { DatabaseHandle } from '../db/connection.js';
import { AUTHOR_ROLES, type AuthorRole, type MessageRow } from '../db/schema.js';
import type { Outcome } from './conversation-store.js';
import { MESSAGE_COLUMNS, type MessageWrites } from './message-store.js';
import type { NormalizedMessage } from './normalize.js';

export interface MessageCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** What the message rows written since the last `flush` came to. */
export interface MessageRowCounts {
  records: MessageCounts;
  messages: MessageCounts;
  /** Records (and their messages) that writing them rejected: PostgreSQL's merge decides these at the end of a file. */
  rejected?: { records: number; messages: number };
}

/** One CSV row's message, queued for a multi-row write. */
export interface QueuedMessage extends NormalizedMessage {
  conversationId: number;
  /** Queuing it inserted or changed its conversation (a record outcome of "updated" even if the message is not new). */
  conversationChanged: boolean;
  /** Known not to be stored yet: its batch needs no savepoint. */
  isNew: boolean;
}

/** A savepoint on the file's transaction, as three prepared statements. */
export interface Savepoint {
  begin: BetterSqlite3.Statement;
  rollback: BetterSqlite3.Statement;
  release: BetterSqlite3.Statement;
}

/** Prepares the statements of the savepoint that batches and repeated records run under. */
export function prepareSavepoint(handle: DatabaseHandle): Savepoint {
  const statement = (text: ReturnType<typeof sql>) => handle.sqlite.prepare(text.compile(handle.db).sql);
  return {
    begin: statement(sql`savepoint message_batch`),
    rollback: statement(sql`rollback to message_batch`),
    release: statement(sql`release message_batch`),
  };
}

/**
 * Message rows written by one multi-row INSERT. A batch whose rows may already be stored runs inside a savepoint and,
 * if any was, is undone and replayed row by row. A batch the store knows to be new (see `queueBareMessage`) runs
 * without one: a savepoint makes SQLite copy every page the batch touches that existed before it (for a 128-row batch
 * about five 16 KiB pages, 640 MB over a million rows), which cost more than the insert's own page writes.
 */
const MESSAGE_BATCH_ROWS = 128;

/** The bound columns of a row of the batch statement; the run ids are written into its text. */
const MESSAGE_BATCH_COLUMNS = MESSAGE_COLUMNS;
/** Position of each column in MESSAGE_BATCH_COLUMNS. */
const COLUMN = Object.fromEntries(MESSAGE_BATCH_COLUMNS.map((name, position) => [name, position])) as Record<(typeof MESSAGE_BATCH_COLUMNS)[number], number>;

const ROLE_CODES = Object.fromEntries(AUTHOR_ROLES.map((role, code) => [role, code])) as Record<AuthorRole, number>;

/** The messages of CSV rows, written 128 at a time by one statement; outcomes counted as the rows are written. */
export class MessageBatchWrites {
  private readonly insertBatch: PreparedCompiled<string>;
  private readonly insertPlainBatch: PreparedCompiled<string>;
  /** The plain statement's parameter i is the general one's `plainFrom[i]`. */
  private readonly plainFrom: Int32Array;
  private readonly plainParameters: unknown[];
  /** The batch statement's parameters, filled row by row as messages are queued: no object per row. */
  private readonly batchParameters: unknown[];
  /** Row r, column c (of MESSAGE_BATCH_COLUMNS) is parameter `batchIndex[r * columns + c]`. */
  private readonly batchIndex: Int32Array;
  private pendingRows = 0;
  /** Per queued row: 1 when queuing it inserted or changed its conversation. */
  private readonly pendingConversationChanged = new Uint8Array(MESSAGE_BATCH_ROWS);
  /** Queued rows that may already be stored: the batch then needs its savepoint. */
  private pendingUnsafe = 0;
  /** Queued rows with a truncated body or marked internal: the batch then needs the general statement. */
  private pendingFlagged = 0;
  private rowCounts: MessageRowCounts = emptyRowCounts();
  /** Full batches written so far, without and with a savepoint (for tests). */
  readonly batchesWritten = { new: 0, guarded: 0 };

  constructor(
    handle: DatabaseHandle,
    runId: number,
    private readonly messages: MessageWrites,
    private readonly savepoint: Savepoint,
  ) {
    const { db, sqlite } = handle;
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
    this.insertBatch = prepareCompiled(
      sqlite,
      db
        .insertInto('messages')
        .orIgnore()
        .values(batchRows as never),
      batchSlots,
    );
    // Nearly every batch has no truncated or internal message: its statement takes those two columns as literals.
    const zero = sql.lit(0);
    this.insertPlainBatch = prepareCompiled(
      sqlite,
      db
        .insertInto('messages')
        .orIgnore()
        .values(batchRows.map((row) => ({ ...row, body_truncated: zero, internal: zero })) as never),
      batchSlots,
    );
    this.batchIndex = new Int32Array(MESSAGE_BATCH_ROWS * MESSAGE_BATCH_COLUMNS.length);
    this.insertBatch.order.forEach((name, position) => {
      const [row, column] = name.split(':') as [string, (typeof MESSAGE_BATCH_COLUMNS)[number]];
      this.batchIndex[Number(row) * MESSAGE_BATCH_COLUMNS.length + MESSAGE_BATCH_COLUMNS.indexOf(column)] = position;
    });
    this.batchParameters = new Array<unknown>(this.insertBatch.order.length).fill(null);
    const general = new Map(this.insertBatch.order.map((name, position) => [name, position]));
    this.plainFrom = Int32Array.from(this.insertPlainBatch.order, (name) => general.get(name)!);
    this.plainParameters = new Array<unknown>(this.plainFrom.length).fill(null);
  }

  /** Rows queued and not written yet. */
  get pending(): number {
    return this.pendingRows;
  }

  queue(row: QueuedMessage): void {
    const parameters = this.batchParameters;
    const index = this.batchIndex;
    const at = this.pendingRows * MESSAGE_BATCH_COLUMNS.length;
    parameters[index[at + COLUMN.conversation_id]!] = row.conversationId;
    parameters[index[at + COLUMN.external_id]!] = row.externalId;
    parameters[index[at + COLUMN.author_role]!] = ROLE_CODES[row.role];
    parameters[index[at + COLUMN.author_id]!] = row.authorId;
    parameters[index[at + COLUMN.created_at]!] = row.createdAt;
    parameters[index[at + COLUMN.body]!] = row.body;
    parameters[index[at + COLUMN.body_length]!] = row.bodyLength;
    parameters[index[at + COLUMN.body_truncated]!] = row.bodyTruncated ? 1 : 0;
    parameters[index[at + COLUMN.internal]!] = row.internal ? 1 : 0;
    this.pendingConversationChanged[this.pendingRows] = row.conversationChanged ? 1 : 0;
    if (!row.isNew) this.pendingUnsafe += 1;
    if (row.bodyTruncated || row.internal) this.pendingFlagged += 1;
    this.pendingRows += 1;
    if (this.pendingRows === MESSAGE_BATCH_ROWS) this.writePending();
  }

  /** A repeat of a row this file already stored, identical to it: counted with the rows. */
  countIdenticalRepeat(): void {
    this.rowCounts.records.unchanged += 1;
    this.rowCounts.messages.unchanged += 1;
  }

  /** Writes the queued message rows and returns what they came to since the last call. */
  flush(): MessageRowCounts {
    this.writePending();
    const counts = this.rowCounts;
    this.rowCounts = emptyRowCounts();
    return counts;
  }

  /** Drops what is queued and counted (the file's transaction is being rolled back). */
  discard(): void {
    this.pendingRows = 0;
    this.pendingUnsafe = 0;
    this.pendingFlagged = 0;
    this.rowCounts = emptyRowCounts();
  }

  writePending(): void {
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
      const messageOutcome = this.messages.upsert(column('conversation_id') as number, message);
      this.rowCounts.messages[messageOutcome] += 1;
      const recordOutcome: Outcome =
        messageOutcome === 'inserted' ? 'inserted' : messageOutcome === 'updated' || this.pendingConversationChanged[row] === 1 ? 'updated' : 'unchanged';
      this.rowCounts.records[recordOutcome] += 1;
    }
  }

  /** Runs the full batch; returns how many rows it inserted. */
  private runBatch(flagged: number): number {
    if (flagged > 0) return this.insertBatch.runPositional(this.batchParameters).changes;
    const from = this.plainFrom;
    const general = this.batchParameters;
    const plain = this.plainParameters;
    for (let i = 0; i < from.length; i++) plain[i] = general[from[i]!];
    return this.insertPlainBatch.runPositional(plain).changes;
  }
}

function emptyRowCounts(): MessageRowCounts {
  return { records: { inserted: 0, updated: 0, unchanged: 0 }, messages: { inserted: 0, updated: 0, unchanged: 0 } };
}

/** `case code when 0 then 'customer' ... end`, from AUTHOR_ROLES. */
function roleFromCode(code: string) {
  return sql<AuthorRole>`case ${code} ${sql.join(
    AUTHOR_ROLES.map((role, position) => sql`when ${sql.lit(position)} then ${sql.lit(role)}`),
    sql` `,
  )} end`;
}
