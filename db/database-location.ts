import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { Kysely } from '#kysely';
import { openDatabase } from './connection.js';
import { describePostgresUrl, openPostgres } from './postgres-connection.js';
import type { Database } from './schema.js';

// Where the data lives: a SQLite file (the embedded default) or a PostgreSQL database named by a URL. `--db` takes
// either; without it SUPPORTLENS_DB, else ./supportlens.db.

export type DatabaseLocation = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

export const DEFAULT_DB_PATH = './supportlens.db';

/** `postgres://` or `postgresql://` (any case) names PostgreSQL; anything else is a SQLite file path. */
export function parseDatabaseLocation(text: string): DatabaseLocation {
  return /^postgres(ql)?:\/\//i.test(text.trim()) ? { engine: 'postgres', url: text.trim() } : { engine: 'sqlite', path: text };
}

/** The location for messages: a path, or the URL without its password. */
export function describeDatabaseLocation(location: DatabaseLocation): string {
  return location.engine === 'sqlite' ? location.path : describePostgresUrl(location.url);
}

export interface EngineHandle {
  engine: DatabaseLocation['engine'];
  db: Kysely<Database>;
  /** SQLite's driver handle; undefined on PostgreSQL. */
  sqlite: BetterSqlite3.Database | undefined;
  /** PostgreSQL's pool (the job lock takes a connection of its own); undefined on SQLite. */
  postgres: pg.Pool | undefined;
  close(): Promise<void>;
}

export interface OpenLocationOptions {
  /** Never write: SQLite opens the file read-only, PostgreSQL's sessions are read-only transactions. */
  readonly?: boolean;
  /** Apply pending migrations (default: unless read-only). */
  migrate?: boolean;
}

/**
 * Opens either engine behind the same Kysely interface, for the code that only speaks Kysely (reports, the
 * dashboard).
 *
 * @example
 * const { db, close } = await openLocation(parseDatabaseLocation(process.env.SUPPORTLENS_DB ?? DEFAULT_DB_PATH));
 */
export async function openLocation(location: DatabaseLocation, options: OpenLocationOptions = {}): Promise<EngineHandle> {
  const readonly = options.readonly ?? false;
  if (location.engine === 'sqlite') {
    const handle = await openDatabase({ path: location.path, readonly, ...(options.migrate === undefined ? {} : { migrate: options.migrate }) });
    return { engine: 'sqlite', db: handle.db, sqlite: handle.sqlite, postgres: undefined, close: () => handle.close() };
  }
  const handle = await openPostgres({ url: location.url, migrate: options.migrate ?? !readonly, readonly });
  return { engine: 'postgres', db: handle.db, sqlite: undefined, postgres: handle.pool, close: () => handle.close() };
}
