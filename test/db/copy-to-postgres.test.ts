import { sql } from '#kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/connection.js';
import { copyCsvField, copyToPostgres } from '../../db/copy-to-postgres.js';
import { openPostgres } from '../../db/postgres-connection.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';

const serverUrl = testPostgresUrl();

/** Bodies that break naive CSV: quotes, separators, line ends, backslashes, an empty string (not NULL), other scripts. */
const AWKWARD_BODIES = ['say "hi", then\nleave', 'C:\\path\\to\\file \\N', '', '提币显示成功但是钱包没有收到 🙂', '\r\n\t', '"', ',,,', '\\x00ff'];

async function sourceDatabase(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ path: ':memory:' });
  const run = await handle.db
    .insertInto('ingest_runs')
    .values({ started_at: Date.UTC(2026, 0, 1), status: 'succeeded', pid: 1, hostname: 'h', timezone: 'UTC' })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let index = 0; index < 3; index++) {
    const conversation = await handle.db
      .insertInto('conversations')
      .values({
        source: 'canonical',
        external_id: `c${index}`,
        channel: 'chat',
        created_at: Date.UTC(2026, 0, 1, index),
        first_run_id: run.id,
        last_run_id: run.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db
      .insertInto('messages')
      .values(
        AWKWARD_BODIES.map((body, message) => ({
          conversation_id: conversation.id,
          external_id: `m${message}`,
          author_role: message % 2 === 0 ? ('customer' as const) : ('agent' as const),
          author_id: message === 1 ? null : `a${message}`,
          created_at: Date.UTC(2026, 0, 1, index, message),
          body,
          body_length: body.length,
          first_run_id: run.id,
          last_run_id: run.id,
        })),
      )
      .execute();
  }
  return handle;
}

describe('COPY fields', () => {
  it('writes NULL unquoted and empty, text quoted with doubled quotes, bytes as hex', () => {
    expect(copyCsvField(null)).toBe('');
    expect(copyCsvField('')).toBe('""');
    expect(copyCsvField('a "b", c')).toBe('"a ""b"", c"');
    expect(copyCsvField(42)).toBe('42');
    expect(copyCsvField(1.5)).toBe('1.5');
    expect(copyCsvField(Buffer.from([0, 255]))).toBe('"\\x00ff"');
  });
});

describe.skipIf(serverUrl === undefined)('copy-database into PostgreSQL', () => {
  let source: DatabaseHandle;
  beforeAll(async () => {
    source = await sourceDatabase();
  });
  afterAll(async () => source?.close());

  async function copyAndCompare(url: string): Promise<void> {
    const target = await openPostgres({ url });
    try {
      const copied = await copyToPostgres(source.sqlite, target.pool);
      expect(copied.find((table) => table.table === 'messages')?.rows).toBe(3 * AWKWARD_BODIES.length);
      // Parents before children.
      const order = copied.map((table) => table.table);
      expect(order.indexOf('ingest_runs')).toBeLessThan(order.indexOf('conversations'));
      expect(order.indexOf('conversations')).toBeLessThan(order.indexOf('messages'));
      // Every table that received rows has the planner's statistics once the copy is done.
      const analysed = await target.pool.query<{ relname: string }>('select relname from pg_stat_user_tables where last_analyze is not null');
      expect(analysed.rows.map((row) => row.relname)).toEqual(expect.arrayContaining(['ingest_runs', 'conversations', 'messages']));
      const columns = ['conversation_id', 'external_id', 'author_role', 'author_id', 'created_at', 'body', 'body_length'] as const;
      const read = (db: typeof source.db) => db.selectFrom('messages').select(columns).orderBy('conversation_id').orderBy('external_id').execute();
      expect(await read(target.db)).toEqual(await read(source.db));
      // A conversation added after the copy gets the next id, not one the copy used.
      const next = await target.db
        .insertInto('conversations')
        .values({ source: 'canonical', external_id: 'after', channel: 'chat', created_at: 0, first_run_id: 1, last_run_id: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const highest = await source.db
        .selectFrom('conversations')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirstOrThrow();
      expect(next.id).toBe(Number(highest.id) + 1);
    } finally {
      await target.close();
    }
  }

  it('copies every row exactly as a superuser (foreign keys not re-checked)', async () => {
    const database = await freshPostgresDatabase(serverUrl!);
    try {
      await copyAndCompare(database.url);
    } finally {
      await database.drop();
    }
  });

  it('copies as an ordinary user who owns the database (foreign keys checked), and rolls back on a failure', async () => {
    const database = await freshPostgresDatabase(serverUrl!);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const role = `plain_${process.pid}`;
    try {
      await admin.query(`create role ${role} login`);
      await admin.query(`grant all on schema public to ${role}`);
      await admin.query(`alter database ${new URL(database.url).pathname.slice(1)} owner to ${role}`);
      const url = new URL(database.url);
      url.username = role;
      await copyAndCompare(url.toString());
      // Into a database that holds rows: refused, nothing changed.
      const before = await admin.query('select count(*)::int as n from messages');
      await expect(
        (async () => {
          const target = await openPostgres({ url: url.toString() });
          try {
            await copyToPostgres(source.sqlite, target.pool);
          } finally {
            await target.close();
          }
        })(),
      ).rejects.toThrow(/already holds rows: copy into an empty database/);
      expect((await admin.query('select count(*)::int as n from messages')).rows).toEqual(before.rows);
    } finally {
      await admin.end();
      await database.drop();
      const cleanup = new pg.Client({ connectionString: serverUrl! });
      await cleanup.connect();
      await cleanup.query(`drop role if exists ${role}`).finally(() => cleanup.end());
    }
  });

  it('refuses databases at different schema versions', async () => {
    const database = await freshPostgresDatabase(serverUrl!);
    const target = await openPostgres({ url: database.url });
    try {
      await sql`delete from kysely_migration where name = (select max(name) from kysely_migration)`.execute(target.db);
      await expect(copyToPostgres(source.sqlite, target.pool)).rejects.toThrow(/the two databases are at different schema versions/);
    } finally {
      await target.close();
      await database.drop();
    }
  });
});
