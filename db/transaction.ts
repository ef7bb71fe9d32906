import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { Kysely, PostgresDialect, sql } from '#kysely';
import { kyselyClient } from './postgres-parameters.js';
import type { Database } from './schema.js';

/**
 * A write transaction that is open: run its statements on `db`, then `commit()` or `rollback()` exactly once
 * (`rollback()` is harmless when the database already rolled it back after an error).
 */
export interface OpenTransaction {
  /** Where the transaction's statements go (on SQLite the one connection; on a pooled engine, the pinned one). */
  readonly db: Kysely<Database>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * What a store needs to write atomically: the one way to begin a transaction. Every store takes a
 * `TransactionTarget` and calls `beginTransaction` / `inTransaction`; only this file knows how a transaction opens.
 */
export interface TransactionRunner {
  begin(): Promise<OpenTransaction>;
}

/** The embedded database: Kysely plus the better-sqlite3 connection it runs on (a `DatabaseHandle` is one). */
export interface SqliteTarget {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database;
}

/**
 * What the stores are given: the SQLite handle (immediate transactions on its connection), or a bare Kysely
 * instance or an engine handle without SQLite's connection (Kysely's controlled transaction, `begin` ... `commit`:
 * the form a pooled server database needs).
 */
export type TransactionTarget = SqliteTarget | Kysely<Database> | { db: Kysely<Database>; sqlite: BetterSqlite3.Database | undefined };

function isSqliteTarget(target: TransactionTarget): target is SqliteTarget {
  return 'sqlite' in target && 'db' in target && target.sqlite !== undefined;
}

/**
 * SQLite: `begin immediate` on the handle's one connection (the write lock taken at `begin`, so two writers never
 * deadlock on an upgrade). Statements go through Kysely on `handle.db` or straight to `handle.sqlite` (the hot
 * paths' prepared statements): both are the same connection.
 */
function sqliteTransactions(target: SqliteTarget): TransactionRunner {
  return {
    begin: async () => {
      await sql`begin immediate`.execute(target.db);
      return {
        db: target.db,
        commit: async () => {
          await sql`commit`.execute(target.db);
        },
        rollback: async () => {
          if (target.sqlite.inTransaction) await sql`rollback`.execute(target.db);
        },
      };
    },
  };
}

/** Kysely's controlled transaction: the statements must go to the returned `db`. */
function kyselyTransactions(db: Kysely<Database>): TransactionRunner {
  return {
    begin: async () => {
      const trx = await db.startTransaction().execute();
      let open = true;
      return {
        db: trx,
        commit: async () => {
          open = false;
          await trx.commit().execute();
        },
        rollback: async () => {
          if (!open) return;
          open = false;
          await trx.rollback().execute();
        },
      };
    },
  };
}

/**
 * The transaction runner for a target (see `TransactionTarget`).
 *
 * @example
 * const runner = transactionRunner(handle);
 */
export function transactionRunner(target: TransactionTarget): TransactionRunner {
  if (isSqliteTarget(target)) return sqliteTransactions(target);
  // An engine handle without SQLite's connection (PostgreSQL): its Kysely instance.
  return kyselyTransactions('sqlite' in target ? target.db : target);
}

/**
 * Begins a write transaction that the caller ends later (the ingest store keeps one open across a file's records).
 *
 * @example
 * const transaction = await beginTransaction(handle);
 * try { await write(transaction.db); await transaction.commit(); } catch (error) { await transaction.rollback(); throw error; }
 */
export function beginTransaction(target: TransactionTarget): Promise<OpenTransaction> {
  return transactionRunner(target).begin();
}

/**
 * Runs `work` in one write transaction: committed when it returns, rolled back when it throws. The project's one way
 * to write atomically; `work` gets the `db` its statements must use.
 *
 * @example
 * await inTransaction(handle, async (db) => {
 *   await markRunFinished(db, runId);
 *   await pruneAnalysisResults(db, { keep: [runId] });
 * });
 */
export async function inTransaction<T>(target: TransactionTarget, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const transaction = await beginTransaction(target);
  try {
    const result = await work(transaction.db);
    await transaction.commit();
    return result;
  } catch (error) {
    await transaction.rollback();
    throw error;
  }
}

/**
 * `inTransaction` for synchronous SQLite work (better-sqlite3 runs statements synchronously): the job lock, whose
 * acquire must not yield between reading and taking the lock. Immediate, like every SQLite write transaction here.
 *
 * @example
 * const taken = inTransactionSync(handle, () => tryTakeLock(handle));
 */
export function inTransactionSync<T>(target: SqliteTarget, work: () => T): T {
  return target.sqlite.transaction(work).immediate();
}

/** A PostgreSQL transaction on one connection of the pool: the raw client for COPY, and Kysely on that same connection. */
export interface OpenClientTransaction extends OpenTransaction {
  readonly client: pg.PoolClient;
}

/**
 * Begins a transaction on one connection taken from the pool and kept until `commit()` or `rollback()` (which give it
 * back): bulk writes need the driver's client for COPY, and their other statements must go to the same connection.
 *
 * @example
 * const transaction = await beginClientTransaction(pool);
 * await pipeline(rows, transaction.client.query(copyFrom('copy t from stdin')));
 * await transaction.commit();
 */
export async function beginClientTransaction(pool: pg.Pool): Promise<OpenClientTransaction> {
  const client = await pool.connect();
  try {
    await client.query('begin');
  } catch (error) {
    client.release();
    throw error;
  }
  let open = true;
  // A pool of this one connection: Kysely's statements run inside the transaction; destroying it must not end the pool.
  const pinned = { connect: async () => kyselyClient(client, () => undefined), end: async () => undefined };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pinned }) });
  const end = async (statement: 'commit' | 'rollback'): Promise<void> => {
    if (!open) return;
    open = false;
    try {
      await client.query(statement);
      client.release();
    } catch (error) {
      // A connection whose commit or rollback failed is in an unknown state: it is closed rather than reused.
      client.release(error as Error);
      throw error;
    } finally {
      await db.destroy();
    }
  };
  return {
    client,
    db,
    commit: () => end('commit'),
    rollback: () => end('rollback'),
  };
}
