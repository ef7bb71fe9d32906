import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from '#kysely';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrate.js';

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
  if (!options.readonly) {
    // A page size only takes effect before the first table exists; 16 KiB pages hold more rows per B-tree node,
    // which makes bulk ingest and the analysis's scans cheaper. Existing databases keep theirs.
    if (isEmptyDatabase(sqlite)) sqlite.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  if (options.migrate ?? !options.readonly) {
    const { error } = await migrateToLatest(db);
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
