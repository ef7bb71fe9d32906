import pg from 'pg';
import { Kysely, PostgresDialect, sql } from '#kysely';
import { kyselyPool } from './postgres-parameters.js';
import { DatabaseError } from './database-error.js';
import { KNOWN_MIGRATIONS, MIGRATION_TABLE, migrateToLatest, refuseNewerSchema } from './migrate.js';
import { PostgresSchemaPlugin } from './postgres-schema-plugin.js';
import type { Database } from './schema.js';

export interface OpenPostgresOptions {
  /** `postgres://user@host:port/database` (also `postgresql://`); a password here is allowed but better kept out. */
  url: string;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Connections the pool may open (default 10). */
  maxConnections?: number;
  /** Every session read-only (default_transaction_read_only): a dashboard can never write. */
  readonly?: boolean;
}

export interface PostgresHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Numbers come back as numbers, as they do from SQLite: bigint columns hold milliseconds and ids (far below 2^53),
 * and count()/sum() return bigint or numeric. A value a double cannot hold exactly is an error, never a silent
 * rounding.
 */
function exactNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) && Number.isInteger(value)) throw new RangeError(`PostgreSQL returned ${text}, beyond what supportlens reads exactly`);
  return value;
}

const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return exactNumber;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** The URL without its password, for messages and logs: passwords are never printed. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL database (its URL could not be read)';
  }
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[] | undefined> {
  const table = await sql<{ present: boolean }>`select to_regclass(${MIGRATION_TABLE}) is not null as present`.execute(db);
  if (!table.rows[0]?.present) return undefined;
  const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}

/**
 * Connects to a PostgreSQL database through a pool and migrates it with the same migrations as SQLite (Kysely's
 * migrator takes PostgreSQL's advisory lock, so two processes never migrate at once). The password comes from the
 * URL, PGPASSWORD or the `.pgpass` file (PGPASSFILE, else ~/.pgpass), as with psql.
 *
 * @example
 * const { db, close } = await openPostgres({ url: 'postgres://supportlens@localhost/supportlens' });
 */
export async function openPostgres(options: OpenPostgresOptions): Promise<PostgresHandle> {
  const where = describePostgresUrl(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types: TYPES,
    ...(options.readonly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection the server ends (a restart, pg_terminate_backend, its database dropped) is taken out of the pool
  // by pg, and the next query opens another; unheard, its error event would end the process (a serving dashboard).
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: kyselyPool(pool) }) });
  try {
    const applied = await appliedMigrations(db);
    refuseNewerSchema(applied, where);
    const pending = applied === undefined || KNOWN_MIGRATIONS.some((name) => !applied.includes(name));
    if ((options.migrate ?? true) && pending) {
      const { error } = await migrateToLatest(db.withPlugin(new PostgresSchemaPlugin()));
      if (error) throw new Error(`could not migrate ${where}: ${String((error as Error).message ?? error)}`);
    }
  } catch (error) {
    await db.destroy();
    if (error instanceof DatabaseError) throw error;
    const message = String((error as Error).message ?? error).replaceAll(options.url, where);
    throw new DatabaseError('cannot-open', `cannot use ${where}: ${message}`);
  }
  return { db, pool, close: () => db.destroy() };
}
