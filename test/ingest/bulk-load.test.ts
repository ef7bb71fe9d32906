import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/connection.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { writeMessagesCsv } from '../cli/generate-csv.js';
import { temporaryFolder } from '../helpers.js';

let folder: ReturnType<typeof temporaryFolder>;
let handle: DatabaseHandle;
beforeEach(async () => {
  folder = temporaryFolder();
  handle = await openDatabase({ path: join(folder.path, 'support.db') });
});
afterEach(async () => {
  await handle.close();
  folder.cleanup();
});

const indexes = () => handle.sqlite.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = 'conversations' order by name`).all();

test('the first load into an empty database is written without the write-ahead log, and WAL mode is back afterwards', async () => {
  const before = indexes();
  expect(before.length).toBeGreaterThanOrEqual(3);
  const csv = writeMessagesCsv(join(folder.path, 'first.csv'), 20_000);
  let modeDuringLoad: string | undefined;
  const summary = await runIngest(handle, {
    paths: [csv],
    timezone: 'UTC',
    onProgress: () => (modeDuringLoad ??= handle.sqlite.pragma('journal_mode', { simple: true }) as string),
  });
  expect(summary.records.inserted).toBe(20_000);
  expect(modeDuringLoad).toBe('delete');
  expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(existsSync(join(folder.path, 'support.db-journal'))).toBe(false);
  // Its conversation indexes were built at the end of the file, identical to the migrations' ones.
  expect(indexes()).toEqual(before);
  const plan = handle.sqlite.prepare(`explain query plan select id from conversations where created_at >= 0 and created_at < 1`).all();
  expect(JSON.stringify(plan)).toMatch(/conversations_created_at_idx/);
});

test('a first file that fails keeps every index; the next file loads', async () => {
  const before = indexes();
  // Recognised as a messages CSV, then refused once its header is read: inside the file's transaction.
  copyFileSync(new URL('../fixtures/hostile/20-missing-required-column.csv', import.meta.url), join(folder.path, 'a-broken.csv'));
  const summary = await runIngest(handle, {
    paths: [join(folder.path, 'a-broken.csv'), writeMessagesCsv(join(folder.path, 'b-good.csv'), 100)],
    timezone: 'UTC',
  });
  expect(summary.files.map((file) => file.status)).toEqual(['failed', 'loaded']);
  expect(indexes()).toEqual(before);
});

test('a database that already holds conversations is loaded in WAL mode', async () => {
  await runIngest(handle, { paths: [writeMessagesCsv(join(folder.path, 'first.csv'), 50)], timezone: 'UTC' });
  writeFileSync(
    join(folder.path, 'more.csv'),
    'conversation_id,message_id,channel,author_role,created_at,body\nc9999,m1,chat,customer,2024-05-02T10:00:00Z,hello\n',
  );
  const modes: string[] = [];
  await runIngest(handle, {
    paths: [join(folder.path, 'more.csv')],
    timezone: 'UTC',
    onProgress: () => modes.push(handle.sqlite.pragma('journal_mode', { simple: true }) as string),
  });
  expect(modes.length).toBeGreaterThan(0);
  expect(new Set(modes)).toEqual(new Set(['wal']));
});

test('with a reader connected, the first load stays in WAL mode and the reader keeps reading', async () => {
  const reader = new BetterSqlite3(join(folder.path, 'support.db'), { readonly: true });
  try {
    expect(reader.prepare('select count(*) from conversations').pluck().get()).toBe(0);
    const summary = await runIngest(handle, { paths: [writeMessagesCsv(join(folder.path, 'first.csv'), 2_000)], timezone: 'UTC' });
    expect(summary.records.inserted).toBe(2_000);
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reader.prepare('select count(*) from messages').pluck().get()).toBe(2_000);
  } finally {
    reader.close();
  }
});
