import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ConversationSource } from '../db/schema.js';
import type { NormalizedMessage } from './normalize.js';
import { withoutNul } from '../db/postgres-parameters.js';
import { skipForeignKeyChecks } from '../db/copy-to-postgres.js';
import { type DroppedIndexes, dropPostgresIndexes, rebuildPostgresIndexes } from '../db/bulk-load.js';

// The fast lane of ingest into PostgreSQL: the rows of a messages CSV whose conversations the database does not hold
// yet go by COPY straight into `messages`, and their conversations by one COPY into `conversations` at the end of the
// file, in the file's one transaction. Such a row can only be inserted (its conversation and its message are new, its
// id was not seen before in the file, its channel is its conversation's first one): there is nothing to merge, so the
// staging table and its second pass over every body are left out. Anything else (a record of another shape, a
// conversation stored before this file) needs the staging merge: the file then starts again on that path.

/** Memory for building the indexes of a first load. */
const INDEX_BUILD_MEMORY = '256MB';
/** Binary COPY data handed to the stream in chunks of this size. */
const COPY_CHUNK_BYTES = 1 << 18;
/** PostgreSQL's binary COPY header: signature, flags, header extension length. */
const BINARY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
const BINARY_TRAILER = Buffer.from([0xff, 0xff]);
const TWO_32 = 2 ** 32;

const MESSAGE_COLUMNS =
  'conversation_id, external_id, author_role, author_id, created_at, body, body_length, body_truncated, internal, first_run_id, last_run_id';

/** A message row of the fast lane (a bare CSV row): its conversation's key and channel, and the message (role as read). */
export type DirectMessage = Omit<NormalizedMessage, 'externalId' | 'role'> & {
  source: ConversationSource;
  conversationId: string;
  channel: string;
  messageId: string;
  role: string;
};

/**
 * The file's rows were going straight into the tables when one came that needs the staging merge: the caller rolls the
 * file back and reads it again through the staging table (nothing of the first attempt is kept).
 */
export class StagingMergeNeeded extends Error {
  constructor(reason: string) {
    super(`this file needs the staging merge (${reason}); it is read again`);
  }
}

/**
 * One file's fast lane, inside the file's open transaction. `open()` prepares it (or tells that it cannot be used);
 * rows go in with `add()`, `pace()` between batches, and `finish()` writes the conversations.
 */
export class PostgresDirectCopy {
  private copy: NodeJS.WritableStream | undefined;
  private copyError: Error | undefined;
  /** Binary COPY data not yet handed to the stream: `chunk` up to `used`. */
  private chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  private used = 0;
  private needsDrain = false;
  /** The conversation of the last row (rows of a conversation mostly come together): its key and place. */
  private lastKey = '';
  private lastPlace = -1;
  private rows = 0;
  /** Per conversation of the file (source NUL external id), its place: its id is `firstId` + place. */
  private readonly places = new Map<string, number>();
  private readonly channels: string[] = [];
  private starts = new Float64Array(1024);
  /** New conversations not yet looked up in the database (only when it held conversations when the file began). */
  private unchecked: { source: ConversationSource; externalId: string }[] = [];
  private readonly lookups: Promise<void>[] = [];
  private knownConversation: string | undefined;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly pool: pg.Pool,
    private readonly runId: number,
    private readonly firstId: number,
    private readonly sequence: string,
    /** Whether the database held conversations when the file began: new ones must then be looked up. */
    private readonly lookUp: boolean,
    /** The indexes of a first load into empty tables, built again once the rows are in. */
    private readonly dropped: DroppedIndexes[],
  ) {}

  /**
   * Prepares the fast lane in the file's transaction, or returns undefined when it cannot be used: it needs to skip the
   * foreign-key triggers (the conversations are written after their messages), which only a role allowed to set
   * `session_replication_role` may. Holds the conversations table against other writers until the file commits: the
   * ids it gives are then the table's next ones, and no conversation it counts as new can appear meanwhile.
   */
  static async open(client: pg.PoolClient, pool: pg.Pool, runId: number): Promise<PostgresDirectCopy | undefined> {
    await client.query('savepoint direct_copy');
    if (!(await skipForeignKeyChecks(client))) {
      await client.query('rollback to savepoint direct_copy');
      return undefined;
    }
    await client.query('release savepoint direct_copy');
    await client.query('lock table conversations in exclusive mode');
    // The sequence's name comes quoted from the server; the lock keeps every other writer from drawing on it.
    const { rows } = await client.query<{ sequence: string | null; stored: boolean; messages: boolean }>(
      `select pg_get_serial_sequence('conversations', 'id') as sequence, exists (select 1 from conversations) as stored,
        exists (select 1 from messages) as messages`,
    );
    const state = rows[0];
    if (!state?.sequence) return undefined;
    const next = await client.query<{ next: number }>(`select case when is_called then last_value + 1 else last_value end as next from ${state.sequence}`);
    // A first load: the indexes are built once at the end. Readers of these tables wait for the file meanwhile (as
    // they would find them empty, nothing is kept from them); the next files keep their indexes.
    const dropped = state.stored || state.messages ? [] : [await dropPostgresIndexes(client, 'conversations'), await dropPostgresIndexes(client, 'messages')];
    return new PostgresDirectCopy(client, pool, runId, Number(next.rows[0]!.next), state.sequence, state.stored, dropped);
  }

  /** Rows written so far. */
  get written(): number {
    return this.rows;
  }

  /** A row; `key` is its conversation's source and external id joined by a NUL. */
  add(key: string, row: DirectMessage): void {
    let place = key === this.lastKey ? this.lastPlace : this.places.get(key);
    if (place === undefined) {
      place = this.places.size;
      this.places.set(key, place);
      this.channels.push(row.channel);
      if (place === this.starts.length) {
        const grown = new Float64Array(this.starts.length * 2);
        grown.set(this.starts);
        this.starts = grown;
      }
      this.starts[place] = row.createdAt;
      if (this.lookUp) this.unchecked.push({ source: row.source, externalId: row.conversationId });
    } else if (row.createdAt < this.starts[place]!) {
      this.starts[place] = row.createdAt;
    }
    this.lastKey = key;
    this.lastPlace = place;
    if (!this.copy) this.start();
    this.rows += 1;
    // The widest the row can be: 11 field lengths, 8 bigints, and 3 bytes per UTF-16 unit of its texts.
    const texts = row.messageId.length + row.role.length + (row.authorId?.length ?? 0) + row.body.length;
    this.reserve(2 + 11 * 4 + 8 * 8 + 3 * texts);
    const chunk = this.chunk;
    chunk[this.used] = 0;
    chunk[this.used + 1] = 11;
    let at = this.used + 2;
    at = bigint(chunk, at, this.firstId + place);
    at = text(chunk, at, row.messageId);
    at = text(chunk, at, row.role);
    at = row.authorId === null ? int32(chunk, at, -1) : text(chunk, at, row.authorId);
    at = bigint(chunk, at, row.createdAt);
    at = text(chunk, at, row.body);
    at = bigint(chunk, at, row.bodyLength);
    at = bigint(chunk, at, row.bodyTruncated ? 1 : 0);
    at = bigint(chunk, at, row.internal ? 1 : 0);
    at = bigint(chunk, at, this.runId);
    this.used = bigint(chunk, at, this.runId);
  }

  /** Between batches: hands the rows over, waits while the server catches up, looks the new conversations up. */
  async pace(): Promise<void> {
    this.check();
    if (this.used > 0) this.push();
    this.lookUpNew();
    if (this.needsDrain && this.copy) {
      this.needsDrain = false;
      const copy = this.copy;
      await drainedOrFailed(copy);
    }
    this.check();
  }

  /** Ends the messages' COPY and writes the conversations; returns the rows written (each a record and a message inserted). */
  async finish(): Promise<number> {
    if (this.copy) {
      this.reserve(BINARY_TRAILER.length);
      this.used += BINARY_TRAILER.copy(this.chunk, this.used);
      this.push();
      const finished = once(this.copy, 'finish');
      this.copy.end();
      await finished;
      this.copy = undefined;
    }
    this.lookUpNew();
    await Promise.all(this.lookups);
    this.check();
    if (this.places.size === 0) {
      await this.rebuildIndexes();
      return 0;
    }
    const conversations = this.client.query(
      copyFrom(
        'copy conversations (id, source, external_id, channel, created_at, created_at_derived, tags, first_run_id, last_run_id) from stdin with (format binary)',
      ),
    );
    let chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
    let used = BINARY_HEADER.copy(chunk, 0);
    let place = 0;
    for (const key of this.places.keys()) {
      const cut = key.indexOf('\u0000');
      const source = withoutNul(key.slice(0, cut));
      const externalId = withoutNul(key.slice(cut + 1));
      const channel = withoutNul(this.channels[place]!);
      // 9 fields: 5 bigints, 4 texts (3 bytes per UTF-16 unit at most).
      const widest = 2 + 9 * 4 + 5 * 8 + 3 * (source.length + externalId.length + channel.length) + 2;
      if (used + widest > chunk.length) {
        if (!conversations.write(chunk.subarray(0, used))) await drainedOrFailed(conversations);
        chunk = Buffer.allocUnsafe(Math.max(COPY_CHUNK_BYTES, widest));
        used = 0;
      }
      chunk[used] = 0;
      chunk[used + 1] = 9;
      let at = bigint(chunk, used + 2, this.firstId + place);
      at = text(chunk, at, source);
      at = text(chunk, at, externalId);
      at = text(chunk, at, channel);
      at = bigint(chunk, at, this.starts[place]!);
      at = bigint(chunk, at, 1);
      at = text(chunk, at, '[]');
      at = bigint(chunk, at, this.runId);
      used = bigint(chunk, at, this.runId);
      place += 1;
    }
    if (used + BINARY_TRAILER.length > chunk.length) {
      conversations.write(chunk.subarray(0, used));
      chunk = Buffer.allocUnsafe(BINARY_TRAILER.length);
      used = 0;
    }
    used += BINARY_TRAILER.copy(chunk, used);
    const finished = once(conversations, 'finish');
    conversations.end(chunk.subarray(0, used));
    await finished;
    await this.client.query('select setval($1::regclass, $2)', [this.sequence, this.firstId + this.places.size - 1]);
    await this.rebuildIndexes();
    return this.rows;
  }

  private async rebuildIndexes(): Promise<void> {
    if (this.dropped.length > 0) await finishFirstLoad(this.client, this.dropped);
  }

  /** Abandons the COPY under way (the caller rolls the transaction back). */
  abandon(): void {
    const copy = this.copy;
    this.copy = undefined;
    this.used = 0;
    if (copy) (copy as unknown as { destroy(error?: Error): void }).destroy(new Error('file abandoned'));
  }

  private start(): void {
    const copy = this.client.query(copyFrom(`copy messages (${MESSAGE_COLUMNS}) from stdin with (format binary)`));
    copy.on('error', (error: Error) => {
      this.copyError ??= error;
    });
    this.copy = copy;
    this.used = BINARY_HEADER.copy(this.chunk, 0);
  }

  /** Room for `bytes` more in the chunk: a full chunk is handed over and a new one started. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.chunk.length) return;
    this.push();
    if (bytes > this.chunk.length) this.chunk = Buffer.allocUnsafe(bytes);
  }

  /** Hands the chunk to the stream, which keeps it: the next rows go into a new one. */
  private push(): void {
    if (!this.copy) throw new Error('no rows are being copied');
    if (this.used === 0) return;
    if (!this.copy.write(this.chunk.subarray(0, this.used))) this.needsDrain = true;
    this.chunk = Buffer.allocUnsafe(Math.max(COPY_CHUNK_BYTES, this.chunk.length));
    this.used = 0;
  }

  private check(): void {
    if (this.copyError) throw this.copyError;
    if (this.knownConversation !== undefined) throw new StagingMergeNeeded(`conversation "${this.knownConversation}" is already stored`);
  }

  /** Asks, on another connection, whether the database holds any of the new conversations (the table is locked meanwhile). */
  private lookUpNew(): void {
    if (this.unchecked.length === 0) return;
    const bySource = new Map<ConversationSource, string[]>();
    for (const { source, externalId } of this.unchecked.splice(0)) {
      let ids = bySource.get(source);
      if (!ids) bySource.set(source, (ids = []));
      ids.push(externalId);
    }
    for (const [source, ids] of bySource) {
      this.lookups.push(
        this.pool
          .query<{ external_id: string }>('select external_id from conversations where source = $1 and external_id = any($2::text[]) limit 1', [source, ids])
          .then(
            ({ rows }) => {
              if (rows[0]) this.knownConversation ??= rows[0].external_id;
            },
            (error: Error) => {
              this.copyError ??= error;
            },
          ),
      );
    }
  }
}

/**
 * The end of a first load into emptied tables, in its transaction: builds the dropped indexes again and gathers the
 * planner's statistics. Tables that were empty have none: they are gathered now, with the rows (visible to others at
 * the commit), not when autovacuum comes by; later loads leave that to `analyze` (see postgres-statistics.ts).
 * Exported for bench:postgres, whose server-only floor does the same work.
 */
export async function finishFirstLoad(client: pg.PoolClient, dropped: readonly DroppedIndexes[]): Promise<void> {
  await client.query(`set local maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
  for (const indexes of dropped) await rebuildPostgresIndexes(client, indexes);
  await client.query('analyze conversations');
  // Not the bodies: no query filters on them, and measuring them is most of the cost.
  await client.query(`analyze messages (${MESSAGE_COLUMNS.replace(' body,', '')})`);
}

// The fields are written byte by byte: Buffer's own writeInt32BE / write check their arguments on every call, which
// cost more than the copying itself over a million rows of short fields.

/** A 32-bit big-endian integer at `at`; returns the offset after it. */
function int32(buffer: Buffer, at: number, value: number): number {
  buffer[at] = value >>> 24;
  buffer[at + 1] = (value >>> 16) & 0xff;
  buffer[at + 2] = (value >>> 8) & 0xff;
  buffer[at + 3] = value & 0xff;
  return at + 4;
}

/** A bigint field of a binary COPY row (a non-negative integer below 2^53). */
function bigint(buffer: Buffer, at: number, value: number): number {
  at = int32(buffer, at, 8);
  at = int32(buffer, at, Math.floor(value / TWO_32));
  return int32(buffer, at, value >>> 0);
}

/** Below this length an ASCII text is copied char by char: a call into the encoder costs more. */
const SHORT_TEXT = 32;

/** A text field of a binary COPY row: its UTF-8 length, then its bytes. */
function text(buffer: Buffer, at: number, value: string): number {
  const length = value.length;
  if (length < SHORT_TEXT) {
    let i = 0;
    for (; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) break;
      buffer[at + 4 + i] = code;
    }
    if (i === length) return int32(buffer, at, length) + length;
  }
  const written = buffer.write(value, at + 4, 'utf8');
  return int32(buffer, at, written) + written;
}

/** Resolves when a COPY stream can take more, or has failed (the caller reads the failure from its own handler). */
export function drainedOrFailed(copy: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      copy.off('drain', done);
      copy.off('error', done);
      resolve();
    };
    copy.on('drain', done);
    copy.on('error', done);
  });
}
