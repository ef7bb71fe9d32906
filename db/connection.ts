import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from '#kysely';
import type { Database } from './schema.js';
import { KNOWN_MIGRATIONS, MIGRATION_TABLE, migrateToLatest } from './migrate.js';

export interface OpenDatabaseOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
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

/** Whether a migration of ours is not applied yet (read without taking the write lock). */
function hasPendingMigrations(sqlite: BetterSqlite3.Database): boolean {
  const table = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE);
  if (table === undefined) return true;
  const applied = new Set(sqlite.prepare(`select name from ${MIGRATION_TABLE}`).pluck().all() as string[]);
  return KNOWN_MIGRATIONS.some((name) => !applied.has(name));
}

/**
 * Migrates inside one IMMEDIATE transaction: two processes opening a new database at once take turns (the second
 * waits up to the busy timeout, then finds everything applied) instead of both creating the same tables.
 */
async function migrateAlone(db: Kysely<Database>, sqlite: BetterSqlite3.Database): Promise<unknown> {
  sqlite.exec('BEGIN IMMEDIATE');
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

function isEmptyDatabase(sqlite: BetterSqlite3.Database): boolean {
  return (sqlite.pragma('page_count', { simple: true }) as number) === 0;
}

/**
 * Opens (creating if needed) a SQLite database in WAL mode with foreign keys on, and migrates it.
 *
 * @example
 * const { db, close } = await openDatabase({ path: 'supportlens.db' });
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const sqlite = new BetterSqlite3(options.path, { readonly: options.readonly ?? false });
  // First: another process may be creating or migrating the same file, and switching to WAL waits for its lock too.
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!options.readonly) {
    // A page size only takes effect before the first table exists; 16 KiB pages hold more rows per B-tree node,
    // which makes bulk ingest and the analysis's scans cheaper. Existing databases keep theirs.
    if (isEmptyDatabase(sqlite)) sqlite.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  if ((options.migrate ?? !options.readonly) && hasPendingMigrations(sqlite)) {
    const error = await migrateAlone(db, sqlite);
    if (error) {
      await db.destroy();
      throw new Error(`could not migrate database ${options.path}: ${String((error as Error).message ?? error)}`);
    }
  }
  return {
    db,
    sqlite,
    close: () => db.destroy(),
  };
}
