import { sql } from '#kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { KNOWN_MIGRATIONS } from '../../db/migrate.js';
import { describePostgresUrl, openPostgres, type PostgresHandle } from '../../db/postgres-connection.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';

// The same migrations make the same schema on both engines: every table with the same columns (name, nullability,
// default present), the same primary keys, indexes and foreign keys.

interface TableShape {
  columns: string[];
  primaryKey: string[];
  indexes: string[];
  foreignKeys: string[];
}

async function sqliteSchema(): Promise<Record<string, TableShape>> {
  const handle = await openDatabase({ path: ':memory:' });
  try {
    const { sqlite } = handle;
    const tables = sqlite.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).pluck().all() as string[];
    const schema: Record<string, TableShape> = {};
    for (const table of tables) {
      const info = sqlite.pragma(`table_info(${table})`) as { name: string; notnull: number; pk: number; dflt_value: string | null }[];
      const indexes = (sqlite.pragma(`index_list(${table})`) as { name: string; origin: string }[])
        .filter((index) => index.origin === 'c')
        .map((index) => index.name);
      const foreignKeys = (sqlite.pragma(`foreign_key_list(${table})`) as { from: string; table: string; to: string }[]).map(
        (key) => `${key.from} -> ${key.table}.${key.to}`,
      );
      schema[table] = {
        columns: info.map((column) => `${column.name}${column.notnull || column.pk ? ' not null' : ''}${column.dflt_value === null ? '' : ' default'}`).sort(),
        primaryKey: info
          .filter((column) => column.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((column) => column.name),
        indexes: indexes.sort(),
        foreignKeys: foreignKeys.sort(),
      };
    }
    return schema;
  } finally {
    await handle.close();
  }
}

async function postgresSchema(handle: PostgresHandle): Promise<Record<string, TableShape>> {
  const { db } = handle;
  const rows = async <T>(query: ReturnType<typeof sql<T>>): Promise<T[]> => (await query.execute(db)).rows;
  const tables = await rows<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const schema: Record<string, TableShape> = {};
  for (const { table_name: table } of tables) {
    const columns = await rows<{ column_name: string; is_nullable: string; column_default: string | null; is_identity: string }>(sql`
      select column_name, is_nullable, column_default, is_identity from information_schema.columns
      where table_schema = 'public' and table_name = ${table}`);
    const primaryKey = await rows<{ column_name: string }>(sql`
      select a.attname as column_name
      from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = ${table}::regclass and i.indisprimary
      order by array_position(i.indkey, a.attnum)`);
    const indexes = await rows<{ indexname: string }>(sql`
      select i.relname as indexname from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = ${table}::regclass and not x.indisprimary
        and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid and c.contype = 'u')`);
    const foreignKeys = await rows<{ description: string }>(sql`
      select a.attname || ' -> ' || t.relname || '.' || b.attname as description
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_class t on t.oid = c.confrelid
      join pg_attribute b on b.attrelid = c.confrelid and b.attnum = c.confkey[1]
      where c.conrelid = ${table}::regclass and c.contype = 'f'`);
    schema[table] = {
      columns: columns
        .map(
          (column) =>
            // An identity column is SQLite's rowid alias: no default written in SQLite either.
            `${column.column_name}${column.is_nullable === 'NO' ? ' not null' : ''}${column.column_default === null || column.is_identity === 'YES' ? '' : ' default'}`,
        )
        .sort(),
      primaryKey: primaryKey.map((row) => row.column_name),
      indexes: indexes.map((row) => row.indexname).sort(),
      foreignKeys: foreignKeys.map((row) => row.description).sort(),
    };
  }
  return schema;
}

const serverUrl = testPostgresUrl();

describe.skipIf(serverUrl === undefined)('migrations on PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  let handle: PostgresHandle;

  beforeAll(async () => {
    database = await freshPostgresDatabase(serverUrl!);
    handle = await openPostgres({ url: database.url });
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('applies every migration', async () => {
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(handle.db);
    expect(applied.rows.map((row) => row.name)).toEqual([...KNOWN_MIGRATIONS]);
  });

  it('makes the schema SQLite has: tables, columns, keys, indexes', async () => {
    const sqlite = await sqliteSchema();
    const postgres = await postgresSchema(handle);
    delete sqlite['kysely_migration'];
    delete sqlite['kysely_migration_lock'];
    delete postgres['kysely_migration'];
    delete postgres['kysely_migration_lock'];
    expect(Object.keys(sqlite).length).toBeGreaterThan(20);
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
    for (const table of Object.keys(sqlite)) expect({ table, ...postgres[table] }).toEqual({ table, ...sqlite[table] });
  });

  it('stores milliseconds past 2^31 and reads numbers back as numbers', async () => {
    const startedAt = Date.UTC(2026, 11, 6);
    const inserted = await handle.db
      .insertInto('ingest_runs')
      .values({ started_at: startedAt, status: 'running', pid: 1, hostname: 'h', timezone: 'UTC' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await handle.db.selectFrom('ingest_runs').select(['id', 'started_at']).where('id', '=', inserted.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ id: inserted.id, started_at: startedAt });
    const counted = await handle.db
      .selectFrom('ingest_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(counted.n).toBe(1);
  });

  it('survives the server ending its idle connections, and the next query opens another', async () => {
    await sql`select 1`.execute(handle.db);
    const admin = await openPostgres({ url: database.url, migrate: false });
    try {
      const { rows } = await sql<{ ended: number }>`
        select count(pg_terminate_backend(pid))::int as ended from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`.execute(admin.db);
      expect(rows[0]!.ended).toBeGreaterThan(0);
    } finally {
      await admin.close();
    }
    // The terminated connection's error reaches the pool while it is idle; without a listener it would be uncaught.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
    expect(rows[0]!.one).toBe(1);
  });

  it('opens an up-to-date database again without migrating, and never prints a password', async () => {
    const again = await openPostgres({ url: database.url });
    await again.close();
    // A migration this version does not know: made by a newer supportlens, refused as on SQLite.
    await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01')`.execute(handle.db);
    await expect(openPostgres({ url: database.url })).rejects.toThrow(/was made by a newer supportlens \(migration 9999_from_the_future is unknown/);
    await sql`delete from kysely_migration where name = '9999_from_the_future'`.execute(handle.db);
    const withPassword = new URL(database.url);
    withPassword.password = 'secret-pw';
    expect(describePostgresUrl(withPassword.toString())).not.toContain('secret-pw');
    const refused = new URL(database.url);
    refused.port = '1';
    refused.password = 'secret-pw';
    refused.searchParams.delete('host');
    refused.hostname = '127.0.0.1';
    const error = await openPostgres({ url: refused.toString() }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot use postgres:\/\/supportlens:\*\*\*@127\.0\.0\.1:1\//);
    expect((error as Error).message).not.toContain('secret-pw');
  });
});
