import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPostgres } from '../../db/postgres-connection.js';
import { CLI, temporaryFolder } from '../helpers.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';
import { writeMessagesCsv } from './generate-csv.js';

// test/cli/atomic-kill.test.ts on PostgreSQL: a SIGKILL while a file is being staged leaves nothing of that file
// (the server rolls back the dropped connection's transaction); the rerun loads everything exactly once.

const ROWS = 200_000;
const serverUrl = testPostgresUrl();

describe.skipIf(serverUrl === undefined)('ingest into PostgreSQL killed mid-file', () => {
  const folder = temporaryFolder();
  let csv: string;
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    csv = writeMessagesCsv(join(folder.path, 'large.csv'), ROWS);
    database = await freshPostgresDatabase(serverUrl!);
  });
  afterAll(async () => {
    await database?.drop();
    folder.cleanup();
  });

  test('SIGKILL mid-file leaves nothing of that file; the rerun loads everything exactly once', async () => {
    const earlier = 5;
    const small = writeMessagesCsv(join(folder.path, 'earlier.csv'), earlier);
    const first = spawnSync(process.execPath, [...CLI, 'ingest', '--db', database.url, '--quiet', small], { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);

    const child = spawn(process.execPath, [...CLI, 'ingest', '--db', database.url, '--quiet', csv], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SUPPORTLENS_TEST_PROGRESS: '1' },
    });
    // Killed once half the file's records have been read and staged.
    let staged = 0;
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^progress 0 (\d+)$/.exec(line);
        if (match && Number(match[1]) >= ROWS / 2 && staged === 0) {
          staged = Number(match[1]);
          child.kill('SIGKILL');
        }
      }
    });
    const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');
    expect(staged).toBeGreaterThanOrEqual(ROWS / 2);
    expect(staged).toBeLessThan(ROWS);

    const handle = await openPostgres({ url: database.url });
    try {
      const count = async (table: 'messages' | 'conversations' | 'ingest_files' | 'rejects') =>
        (
          await handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      // The server notices the dropped connection and rolls its transaction back.
      for (let tries = 0; tries < 100; tries++) {
        const open = await handle.db
          .selectFrom('ingest_runs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        if (open.n === 2) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await count('messages')).toBe(earlier);
      expect(await count('conversations')).toBe(Math.ceil(earlier / 5));
      expect(await count('ingest_files')).toBe(1);
      expect(await count('rejects')).toBe(0);
      const runs = await handle.db.selectFrom('ingest_runs').select('status').orderBy('id').execute();
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'running']);
    } finally {
      await handle.close();
    }

    const rerun = spawnSync(process.execPath, [...CLI, 'ingest', '--db', database.url, '--json', csv], { encoding: 'utf8' });
    expect(rerun.status, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout) as { records: { inserted: number; unchanged: number } };
    // The earlier file's rows are the first rows of the large one (same ids and content): unchanged.
    expect(summary.records.inserted).toBe(ROWS - earlier);
    expect(summary.records.unchanged).toBe(earlier);

    const after = await openPostgres({ url: database.url });
    try {
      const messages = await after.db
        .selectFrom('messages')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('external_id').distinct().as('distinct')])
        .executeTakeFirstOrThrow();
      expect(messages).toEqual({ n: ROWS, distinct: ROWS });
      const conversations = await after.db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(conversations.n).toBe(ROWS / 5);
      const runs = await after.db.selectFrom('ingest_runs').select(['id', 'status']).orderBy('id').execute();
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'interrupted', 'succeeded']);
    } finally {
      await after.close();
    }
  }, 300_000);
});
