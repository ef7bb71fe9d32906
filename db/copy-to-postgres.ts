import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { MIGRATION_TABLE } from './migrate.js';

// Moving a team's history from its SQLite file to PostgreSQL: every table copied with COPY (CSV) inside one
// PostgreSQL transaction, parents before children (foreign keys), identity counters moved past the copied ids.
// The PostgreSQL database must have been migrated to the same schema version and hold no data yet.

export interface CopyProgress {
  table: string;
  rows: number;
}

export interface CopyToPostgresOptions {
  onTable?: (progress: CopyProgress) => void;
}

/** Tables in an order where every table comes after the tables its foreign keys point to. */
export function tablesParentsFirst(sqlite: BetterSqlite3.Database): string[] {
  const tables = sqlite
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like ? order by name`)
    .pluck()
    .all(`${MIGRATION_TABLE}%`) as string[];
  const parents = new Map(
    tables.map((table) => [
      table,
      new Set((sqlite.pragma(`foreign_key_list(${quoteIdentifier(table)})`) as { table: string }[]).map((key) => key.table).filter((t) => t !== table)),
    ]),
  );
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((table) => !placed.has(table) && [...parents.get(table)!].every((parent) => placed.has(parent) || !parents.has(parent)));
    if (ready.length === 0) throw new Error(`the foreign keys of ${tables.filter((t) => !placed.has(t)).join(', ')} form a cycle`);
    for (const table of ready) {
      ordered.push(table);
      placed.add(table);
    }
  }
  return ordered;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** One value as a CSV field of PostgreSQL's COPY: NULL unquoted and empty, text always quoted, bytes as \x hex. */
export function copyCsvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `"\\x${Buffer.from(value).toString('hex')}"`;
  return `"${String(value).replaceAll('"', '""')}"`;
}

async function* csvLines(rows: IterableIterator<unknown[]>): AsyncGenerator<string> {
  let batch = '';
  for (const row of rows) {
    batch += `${row.map(copyCsvField).join(',')}\n`;
    if (batch.length >= 1 << 16) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

/**
 * The source already kept its foreign keys (SQLite checks them on every write supportlens makes), so checking each
 * copied row again only slows the copy several times over. Skipping the checks needs a superuser (it switches off
 * every trigger for this transaction); for anyone else the copy checks them, slower. Ingest's merge uses it too: it
 * inserts every parent row before its children.
 *
 * @example
 * const skipped = await skipForeignKeyChecks(client); // inside the transaction
 */
export async function skipForeignKeyChecks(client: pg.PoolClient): Promise<boolean> {
  await client.query('savepoint replication_role');
  try {
    await client.query('set local session_replication_role = replica');
    return true;
  } catch {
    await client.query('rollback to savepoint replication_role');
    return false;
  }
}

/**
 * Copies every table of the SQLite database into the PostgreSQL one (same schema version, empty): all or nothing.
 *
 * @example
 * await copyToPostgres(handle.sqlite, postgres.pool, { onTable: ({ table, rows }) => console.log(table, rows) });
 */
export async function copyToPostgres(sqlite: BetterSqlite3.Database, pool: pg.Pool, options: CopyToPostgresOptions = {}): Promise<CopyProgress[]> {
  const sqliteMigrations = sqlite.prepare(`select name from ${MIGRATION_TABLE} order by name`).pluck().all() as string[];
  const client = await pool.connect();
  const copied: CopyProgress[] = [];
  try {
    const postgresMigrations = (await client.query<{ name: string }>(`select name from ${MIGRATION_TABLE} order by name`)).rows.map((row) => row.name);
    if (sqliteMigrations.join() !== postgresMigrations.join()) {
      throw new Error(
        `the two databases are at different schema versions (SQLite ${sqliteMigrations.at(-1) ?? 'none'}, PostgreSQL ${postgresMigrations.at(-1) ?? 'none'}): open both with this version of supportlens first`,
      );
    }
    await client.query('begin');
    await skipForeignKeyChecks(client);
    for (const table of tablesParentsFirst(sqlite)) {
      const quoted = quoteIdentifier(table);
      const present = await client.query(`select 1 from ${quoted} limit 1`);
      if (present.rowCount !== 0) throw new Error(`the PostgreSQL table ${table} already holds rows: copy into an empty database`);
      const columns = (sqlite.pragma(`table_info(${quoted})`) as { name: string }[]).map((column) => quoteIdentifier(column.name));
      const rows = sqlite
        .prepare(`select ${columns.join(', ')} from ${quoted}`)
        .raw(true)
        .iterate() as IterableIterator<unknown[]>;
      const copy = client.query(copyFrom(`copy ${quoted} (${columns.join(', ')}) from stdin with (format csv)`));
      await pipeline(Readable.from(csvLines(rows)), copy);
      const progress = { table, rows: Number(copy.rowCount) };
      copied.push(progress);
      options.onTable?.(progress);
      // Identity columns (SQLite's rowid keys) go on after the highest copied id.
      const identities = await client.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1 and is_identity = 'YES'`,
        [table],
      );
      for (const { column_name } of identities.rows) {
        const column = quoteIdentifier(column_name);
        await client.query(`select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${column}) from ${quoted}), 0) + 1, false)`, [
          quoted,
          column_name,
        ]);
      }
    }
    await client.query('commit');
    // Every table is new to the planner: its statistics are gathered now rather than when autovacuum comes by.
    for (const { table, rows } of copied) if (rows > 0) await client.query(`analyze ${quoteIdentifier(table)}`);
    return copied;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
