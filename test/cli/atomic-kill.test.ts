import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { CLI, temporaryFolder } from '../helpers.js';
import { writeMessagesCsv } from './generate-csv.js';

const ROWS = 400_000;
const folder = temporaryFolder();
let csv: string;
beforeAll(() => {
  csv = writeMessagesCsv(join(folder.path, 'large.csv'), ROWS);
});
afterAll(() => folder.cleanup());

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

// An empty database is loaded through a rollback journal, one with data through the write-ahead log: both must hold.
test.each([
  ['an empty database (rollback journal)', false],
  ['a database that already holds data (WAL)', true],
] as const)('SIGKILL mid-file into %s leaves nothing of that file; the rerun loads everything exactly once', async (_name, preload) => {
  const db = join(folder.path, `kill-${preload ? 'wal' : 'journal'}.db`);
  const earlier = preload ? 5 : 0;
  if (preload) {
    const small = writeMessagesCsv(join(folder.path, 'earlier.csv'), earlier);
    expect(spawnSync(process.execPath, [...CLI, 'ingest', '--db', db, '--quiet', small]).status).toBe(0);
  }
  const sizeBefore = existsSync(db) ? statSync(db).size : 0;
  const child = spawn(process.execPath, [...CLI, 'ingest', '--db', db, '--quiet', csv], { stdio: 'ignore' });
  const wal = `${db}-wal`;
  const journal = `${db}-journal`;
  // Kill once the transaction has clearly started writing pages (into the log, or into the file under a journal).
  // Each file may come and go between two looks (the empty database's migrations pass through the WAL): a missing
  // file is size 0, never an error.
  const sizeOf = (path: string): number => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  const writing = await waitFor(() => sizeOf(wal) > 4 * 1024 * 1024 || (existsSync(journal) && sizeOf(db) > sizeBefore + 4 * 1024 * 1024), 60_000);
  expect(writing).toBe(true);
  child.kill('SIGKILL');
  const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
  expect(signal).toBe('SIGKILL');

  const handle = await openDatabase({ path: db });
  try {
    const count = async (table: 'messages' | 'conversations' | 'ingest_files' | 'rejects') =>
      (
        await handle.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    expect(await count('messages')).toBe(earlier);
    expect(await count('conversations')).toBe(Math.ceil(earlier / 5));
    expect(await count('ingest_files')).toBe(preload ? 1 : 0);
    expect(await count('rejects')).toBe(0);
    // The killed load had dropped the conversations' secondary indexes inside its transaction: they are back.
    const indexes = handle.sqlite
      .prepare(`select name from sqlite_master where type = 'index' and tbl_name = 'conversations' and sql is not null order by name`)
      .pluck()
      .all();
    expect(indexes).toEqual(['conversations_channel_created_at_idx', 'conversations_created_at_idx', 'conversations_team']);
    const runs = await handle.db.selectFrom('ingest_runs').select('status').orderBy('id').execute();
    expect(runs.map((r) => r.status)).toEqual(preload ? ['succeeded', 'running'] : ['running']);
  } finally {
    await handle.close();
  }

  const rerun = spawnSync(process.execPath, [...CLI, 'ingest', '--db', db, '--json', csv], { encoding: 'utf8' });
  expect(rerun.status).toBe(0);
  const summary = JSON.parse(rerun.stdout) as { records: { inserted: number; unchanged: number } };
  // The earlier file's rows are the first rows of the large one (same ids and content): unchanged.
  expect(summary.records.inserted).toBe(ROWS - earlier);
  expect(summary.records.unchanged).toBe(earlier);

  const after = await openDatabase({ path: db });
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
    expect(runs.map((r) => r.status)).toEqual(preload ? ['succeeded', 'interrupted', 'succeeded'] : ['interrupted', 'succeeded']);
  } finally {
    await after.close();
  }
});
