import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPostgres, type PostgresHandle } from '../../db/postgres-connection.js';
import { refreshPostgresStatistics } from '../../db/postgres-statistics.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';

const serverUrl = testPostgresUrl();

describe.skipIf(serverUrl === undefined)('planner statistics on PostgreSQL', () => {
  let postgres: PostgresHandle & { drop: () => Promise<void> };
  beforeAll(async () => {
    const database = await freshPostgresDatabase(serverUrl!);
    postgres = { ...(await openPostgres({ url: database.url })), drop: database.drop };
  });
  afterAll(async () => {
    await postgres?.close();
    await postgres?.drop();
  });

  /** Rows written on one connection, its counts handed to the server's statistics before it goes idle. */
  async function insertRuns(count: number): Promise<void> {
    const client = await postgres.pool.connect();
    try {
      await client.query(
        `insert into ingest_runs (started_at, status, pid, hostname, timezone) select g, 'succeeded', 1, 'h', 'UTC' from generate_series(1, $1::int) g`,
        [count],
      );
      // PostgreSQL 15 and later hand a session's counts over at once when asked; older servers within half a second.
      await client.query('select pg_stat_force_next_flush()').catch(() => undefined);
    } finally {
      client.release();
    }
  }

  const flushed = async (table: string) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { rows } = await postgres.pool.query<{ n: number }>('select n_mod_since_analyze as n from pg_stat_user_tables where relname = $1', [table]);
      if ((rows[0]?.n ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  test('a table filled since its statistics were gathered is analysed; unchanged ones are left alone', async () => {
    await insertRuns(1000);
    await flushed('ingest_runs');
    expect(await refreshPostgresStatistics(postgres.db)).toContain('public.ingest_runs');
    // Nothing changed since: nothing to do.
    expect(await refreshPostgresStatistics(postgres.db)).not.toContain('public.ingest_runs');
    // A change below a tenth of the table's rows does not call for new statistics.
    await insertRuns(10);
    await flushed('ingest_runs');
    expect(await refreshPostgresStatistics(postgres.db)).not.toContain('public.ingest_runs');
  });
});
