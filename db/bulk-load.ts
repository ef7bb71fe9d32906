import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { type Kysely, sql } from '#kysely';
import type { DatabaseHandle } from './connection.js';
import { hasConversations } from './conversation-queries.js';
import type { Database } from './schema.js';

/** SQLite page cache while ingesting, in KiB (negative: a size, not a page count). */
const INGEST_CACHE_KIB = -16_384;

/** Undoes `beginIngestSession`: restores the connection's settings. */
export type EndIngestSession = () => void;

/**
 * Sets the connection up for a bulk write and returns what puts it back (SQLite's pragmas, all in this one place):
 * - foreign keys off: the ingest store inserts every parent row before its children, so the per-row checks only cost
 *   time;
 * - a small page cache: ingest appends, so the index pages it touches are recent ones;
 * - `bulkLoad` (whether it switched): the first load into an empty database is written through a rollback journal
 *   instead of the write-ahead log: a rollback journal copies only pages that existed before the transaction (here
 *   almost none), so every new page is written once, where the log writes it twice (into the log, then into the
 *   database at the checkpoint). Each file is still one atomic transaction. It needs the database to itself: when
 *   another connection has it open (a dashboard), the switch is refused and the load stays in WAL mode.
 *
 * @example
 * const session = await beginIngestSession(handle);
 * try { ... } finally { session.end(); }
 */
export async function beginIngestSession(handle: Pick<DatabaseHandle, 'db' | 'sqlite'>): Promise<{ bulkLoad: boolean; end: EndIngestSession }> {
  const { sqlite } = handle;
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true }) as number;
  sqlite.pragma('foreign_keys = OFF');
  const cacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
  sqlite.pragma(`cache_size = ${INGEST_CACHE_KIB}`);
  let bulkLoad = false;
  if (!(await hasConversations(handle.db))) {
    try {
      bulkLoad = sqlite.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
    } catch {
      bulkLoad = false;
    }
  }
  return {
    bulkLoad,
    end: () => {
      sqlite.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
      sqlite.pragma(`cache_size = ${cacheSize}`);
      // Back to WAL, so that readers never wait for a writer again; refused only if another connection opened meanwhile.
      if (bulkLoad) {
        try {
          sqlite.pragma('journal_mode = WAL');
        } catch {
          // The next openDatabase sets WAL.
        }
      }
    },
  };
}

/**
 * Runs `write`, which opens and commits its own transaction, with SQLite's row-by-row foreign-key checks off
 * (`rowChecks` false), and turns them back on after it, whether it succeeded or not. Each checked row costs a lookup of its parent row: a
 * million result rows referencing conversations spent 3 of their 7.6 seconds on them. The caller checks its
 * references as a set before it commits (one `not in` over the parent's key costs about 0.1 s there).
 * Without a SQLite connection (PostgreSQL), or inside an open transaction, where SQLite ignores the switch, `write`
 * runs with the checks as they are.
 *
 * @example
 * await withoutRowForeignKeyChecks(handle.sqlite, (rowChecks) => inTransaction(handle, async (db) => { ... }));
 */
export async function withoutRowForeignKeyChecks<T>(sqlite: BetterSqlite3.Database | undefined, write: (rowChecks: boolean) => Promise<T>): Promise<T> {
  if (sqlite === undefined || sqlite.inTransaction || !sqlite.pragma('foreign_keys', { simple: true })) return write(true);
  sqlite.pragma('foreign_keys = OFF');
  try {
    return await write(false);
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

/**
 * Drops the table's indexes other than its primary key and unique constraints (inside the open transaction) and
 * returns their definitions for `createIndexes` (SQLite: read from `sqlite_master`).
 *
 * @example
 * const deferred = await dropSecondaryIndexes(db, 'conversations');
 * // ... bulk insert ...
 * await createIndexes(db, deferred);
 */
export async function dropSecondaryIndexes(db: Kysely<Database>, table: 'conversations'): Promise<string[]> {
  const { rows } = await sql<{ name: string; sql: string }>`
    select name, sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null
  `.execute(db);
  for (const index of rows) await db.schema.dropIndex(index.name).execute();
  return rows.map((index) => index.sql);
}

/** Creates indexes from the definitions `dropSecondaryIndexes` returned. */
export async function createIndexes(db: Kysely<Database>, definitions: readonly string[]): Promise<void> {
  for (const definition of definitions) await sql.raw(definition).execute(db);
}

/** What `dropPostgresIndexes` dropped: the statements that build it again. */
export interface DroppedIndexes {
  rebuild: string[];
}

/**
 * PostgreSQL: drops the table's indexes (and the unique or primary-key constraints they carry), inside the open
 * transaction, and returns the statements that build them again: building an index once from all its rows is cheaper
 * than updating it row by row. An index a foreign key relies on is kept. Takes the table's ACCESS EXCLUSIVE lock
 * until the commit, so it is for a first load into empty tables, where readers have nothing to miss.
 *
 * @example
 * const dropped = await dropPostgresIndexes(client, 'messages');
 * // ... COPY ...
 * await rebuildPostgresIndexes(client, dropped);
 */
export async function dropPostgresIndexes(client: pg.PoolClient, table: 'conversations' | 'messages'): Promise<DroppedIndexes> {
  const { rows } = await client.query<{ drop: string; rebuild: string }>(
    `select case when c.conname is null then format('drop index %s', i.indexrelid::regclass)
        else format('alter table %I drop constraint %I', $1::text, c.conname) end as drop,
      case when c.conname is null then pg_get_indexdef(i.indexrelid)
        else format('alter table %I add constraint %I %s', $1::text, c.conname, pg_get_constraintdef(c.oid)) end as rebuild
    from pg_index i
    left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u')
    where i.indrelid = $1::regclass
      and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid)
    order by i.indexrelid`,
    [table],
  );
  for (const row of rows) await client.query(row.drop);
  return { rebuild: rows.map((row) => row.rebuild) };
}

/** Builds again what `dropPostgresIndexes` dropped. */
export async function rebuildPostgresIndexes(client: pg.PoolClient, dropped: DroppedIndexes): Promise<void> {
  for (const statement of dropped.rebuild) await client.query(statement);
}
