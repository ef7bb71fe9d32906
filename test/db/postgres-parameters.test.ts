import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPostgres, type PostgresHandle } from '../../db/postgres-connection.js';
import { prepareStatement } from '../../db/engine-statements.js';
import { slot } from '../../db/compiled-statement.js';
import { beginClientTransaction } from '../../db/transaction.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';

const serverUrl = testPostgresUrl();

describe.skipIf(serverUrl === undefined)('what Kysely sends to PostgreSQL', () => {
  let postgres: PostgresHandle & { drop: () => Promise<void> };
  beforeAll(async () => {
    const database = await freshPostgresDatabase(serverUrl!);
    postgres = { ...(await openPostgres({ url: database.url })), drop: database.drop };
  });
  afterAll(async () => {
    await postgres?.close();
    await postgres?.drop();
  });

  test('a NUL in a text parameter is stored as U+FFFD and found again by the same text, in and out of a transaction', async () => {
    const insert = (db: PostgresHandle['db'], hostname: string) =>
      db.insertInto('ingest_runs').values({ started_at: 1, status: 'succeeded', pid: 1, hostname, timezone: 'UTC' }).returning('id').executeTakeFirstOrThrow();
    const outside = await insert(postgres.db, 'host\u0000a');
    const transaction = await beginClientTransaction(postgres.pool);
    const inside = await insert(transaction.db, 'host\u0000b');
    await transaction.commit();
    const found = await postgres.db
      .selectFrom('ingest_runs')
      .select(['id', 'hostname'])
      .where('hostname', 'in', ['host\u0000a', 'host\u0000b'])
      .orderBy('id')
      .execute();
    expect(found).toEqual([
      { id: outside.id, hostname: 'host\uFFFDa' },
      { id: inside.id, hostname: 'host\uFFFDb' },
    ]);
  });

  test('a statement of prepareStatement is prepared on the server once per connection and run by name', async () => {
    const transaction = await beginClientTransaction(postgres.pool);
    try {
      const target = { db: transaction.db, sqlite: undefined };
      const find = prepareStatement(
        target,
        transaction.db.selectFrom('ingest_runs').select('hostname').where('pid', '=', slot<number>('pid')).where('hostname', '=', slot<string>('hostname')),
        ['pid', 'hostname'],
      );
      expect(await find.all({ pid: 1, hostname: 'host\u0000a' })).toEqual([{ hostname: 'host\uFFFDa' }]);
      expect(await find.all({ pid: 2, hostname: 'host\u0000a' })).toEqual([]);
      const prepared = await transaction.client.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements');
      const ours = prepared.rows.filter((row) => row.statement.includes('"ingest_runs"'));
      expect(ours).toHaveLength(1);
      expect(ours[0]!.name).toMatch(/^supportlens_\d+$/);
    } finally {
      await transaction.rollback();
    }
  });
});
