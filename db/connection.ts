import { accessSync, closeSync, constants, existsSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from '#kysely';
import type { Database } from './schema.js';
import { DatabaseError, databaseErrorFrom, readOnlyMessage } from './database-error.js';
import { KNOWN_MIGRATIONS, MIGRATION_TABLE, migrateToLatest, refuseNewerSchema } from './migrate.js';

export interface OpenDatabaseOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
  /** How long a statement waits for another process's lock (default 10 s); tests shorten it. */
  busyTimeoutMs?: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** The driver handle, for the few hot paths that execute Kysely-compiled statements directly. */
  sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

const NEW_DATABASE_PAGE_SIZE = 16_384;
/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;
/** How long opening waits, at most, for another process's first bulk load (which locks out readers) to commit a file. */
const FIRST_LOAD_WAIT_MS = 15 * 60_000;

/** The migrations recorded in the database; undefined before the first. */
function appliedMigrations(sqlite: BetterSqlite3.Database): string[] | undefined {
  const table = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE);
  return table === undefined ? undefined : (sqlite.prepare(`select name from ${MIGRATION_TABLE} order by name`).pluck().all() as string[]);
}

/** Before SQLite silently opens a file it may not write read-only, or fails on a missing folder with "unable to open". */
function checkWritable(path: string): void {
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) throw new DatabaseError('cannot-open', `cannot create the database ${path}: the folder ${folder} does not exist`);
  for (const [target, what] of [
    [path, 'the file is read-only for this user'],
    [folder, `its folder ${folder} is read-only for this user`],
  ] as const) {
    if (target === path && !existsSync(path)) continue;
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw new DatabaseError('read-only', readOnlyMessage(`the database ${path}`, what));
    }
  }
}

/**
 * A read-only connection cannot roll back what a killed writer left (a hot journal, a WAL to recover) and fails
 * with SQLITE_READONLY_ROLLBACK or _RECOVERY. A connection that may write rolls it back on its first read, which
 * leaves the database as the last commit had it, as any later writer would.
 */
function rollBackUnfinishedWrite(path: string): void {
  const writer = new BetterSqlite3(path, { fileMustExist: true });
  try {
    writer.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    writer.prepare('select count(*) from sqlite_master').get();
  } finally {
    writer.close();
  }
}

function isUnfinishedWrite(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_READONLY_ROLLBACK' || code === 'SQLITE_READONLY_RECOVERY';
}

/** How often a process waiting to migrate looks whether another one has finished migrating. */
const MIGRATION_POLL_MS = 200;

/**
 * Migrates inside one IMMEDIATE transaction: two processes opening a new database at once take turns instead of both
 * creating the same tables. The one that waits looks every `MIGRATION_POLL_MS` whether the other has applied every
 * migration, and then goes on without the write lock: the other may go on writing (a large ingest) long after.
 */
async function migrateAlone(db: Kysely<Database>, sqlite: BetterSqlite3.Database, busyTimeoutMs: number): Promise<unknown> {
  const deadline = Date.now() + busyTimeoutMs;
  sqlite.pragma(`busy_timeout = ${MIGRATION_POLL_MS}`);
  try {
    for (;;) {
      try {
        sqlite.exec('BEGIN IMMEDIATE');
        break;
      } catch (error) {
        if (!String((error as { code?: string }).code).startsWith('SQLITE_BUSY')) throw error;
        if (isFullyMigrated(sqlite)) return undefined;
        if (Date.now() > deadline) throw error;
      }
    }
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  }
  let error: unknown;
  try {
    ({ error } = await migrateToLatest(db, { disableTransactions: true }));
  } catch (thrown) {
    error = thrown;
  }
  if (error === undefined) sqlite.exec('COMMIT');
  else if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
  return error;
}

function isFullyMigrated(sqlite: BetterSqlite3.Database): boolean {
  try {
    const applied = appliedMigrations(sqlite);
    return applied !== undefined && KNOWN_MIGRATIONS.every((name) => applied.includes(name));
  } catch {
    return false;
  }
}

function isEmptyDatabase(sqlite: BetterSqlite3.Database): boolean {
  return (sqlite.pragma('page_count', { simple: true }) as number) === 0;
}

/**
 * Opens (creating if needed) a SQLite database in WAL mode with foreign keys on, and migrates it. A database this
 * process cannot use (a file or folder it may not write, a damaged file, one made by a newer supportlens) is a
 * `DatabaseError` whose message says what to do.
 *
 * @example
 * const { db, close } = await openDatabase({ path: 'supportlens.db' });
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const started = Date.now();
  for (;;) {
    try {
      return await openChecked(options);
    } catch (error) {
      const code = String((error as { code?: unknown } | null)?.code);
      // Another process's first load into this (new) database writes through a rollback journal and holds the file
      // locked until each input file commits; it is making progress, so opening waits for it instead of failing. A
      // lock refused at once (SQLite does not wait when waiting could deadlock) is tried again a little later.
      if (code.startsWith('SQLITE_BUSY') && firstLoadUnderway(options.path) && Date.now() - started < FIRST_LOAD_WAIT_MS) {
        await sleep(MIGRATION_POLL_MS);
        continue;
      }
      throw databaseErrorFrom(error, options.path) ?? error;
    }
  }
}

/**
 * Whether another process is bulk-loading the database's first data (`db/bulk-load.ts`): the file is in rollback-journal
 * mode (header bytes 18-19 are 1, not WAL's 2) and a journal exists beside it.
 */
function firstLoadUnderway(path: string): boolean {
  if (path === ':memory:' || path === '' || !existsSync(`${path}-journal`)) return false;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, 'r');
    const header = Buffer.alloc(20);
    return readSync(descriptor, header, 0, 20, 0) === 20 && header[18] === 1 && header[19] === 1;
  } catch {
    return false;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

async function openChecked(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const readonly = options.readonly ?? false;
  const inMemory = options.path === ':memory:' || options.path === '';
  if (!readonly && !inMemory) checkWritable(options.path);
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  let sqlite = new BetterSqlite3(options.path, { readonly });
  try {
    // First: another process may be creating or migrating the same file, and switching to WAL waits for its lock too.
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (readonly) {
      try {
        sqlite.prepare('select count(*) from sqlite_master').get();
      } catch (error) {
        if (!isUnfinishedWrite(error)) throw error;
        sqlite.close();
        rollBackUnfinishedWrite(options.path);
        sqlite = new BetterSqlite3(options.path, { readonly });
        sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
      }
    } else {
      // A page size only takes effect before the first table exists; 16 KiB pages hold more rows per B-tree node,
      // which makes bulk ingest and the analysis's scans cheaper. Existing databases keep theirs.
      if (isEmptyDatabase(sqlite)) sqlite.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
    }
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('cache_size = -65536');
    const applied = appliedMigrations(sqlite);
    refuseNewerSchema(applied, options.path);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const pending = applied === undefined || KNOWN_MIGRATIONS.some((name) => !applied.includes(name));
    if ((options.migrate ?? !readonly) && pending) {
      const error = await migrateAlone(db, sqlite, busyTimeoutMs);
      if (error) {
        await db.destroy();
        throw databaseErrorFrom(error, options.path) ?? new Error(`could not migrate database ${options.path}: ${String((error as Error).message ?? error)}`);
      }
    }
    return {
      db,
      sqlite,
      close: () => db.destroy(),
    };
  } catch (error) {
    if (sqlite.open) sqlite.close();
    throw error;
  }
}
