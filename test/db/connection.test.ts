import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator } from '#kysely';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { migrations } from '../../db/migrations/index.js';
import { temporaryFolder } from '../helpers.js';

let folder: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(() => folder.cleanup());

test('a new file database is created in WAL mode with foreign keys on and every table migrated', async () => {
  const handle = await openDatabase({ path: join(folder.path, 'new.db') });
  try {
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (await handle.db.introspection.getTables()).map((t) => t.name).sort();
    expect(tables).toEqual(
      expect.arrayContaining([
        'conversations',
        'messages',
        'conversation_events',
        'faq_entries',
        'faq_entry_versions',
        'ingest_runs',
        'ingest_files',
        'rejects',
        'analysis_runs',
      ]),
    );
  } finally {
    await handle.close();
  }
});

test('opening again applies nothing twice', async () => {
  const path = join(folder.path, 'again.db');
  await (await openDatabase({ path })).close();
  const handle = await openDatabase({ path, migrate: false });
  try {
    const { error, results } = await migrateToLatest(handle.db);
    expect(error).toBeUndefined();
    expect(results).toEqual([]);
  } finally {
    await handle.close();
  }
});

test('foreign keys are enforced', async () => {
  const handle = await openDatabase({ path: ':memory:' });
  try {
    await expect(
      handle.db
        .insertInto('messages')
        .values({
          conversation_id: 999,
          external_id: 'm',
          author_role: 'customer',
          author_id: null,
          created_at: 0,
          body: '',
          body_length: 0,
          first_run_id: 1,
          last_run_id: 1,
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  } finally {
    await handle.close();
  }
});

test('a new database gets 16 KiB pages; an existing one keeps its page size', async () => {
  const fresh = await openDatabase({ path: join(folder.path, 'fresh.db') });
  try {
    expect(fresh.sqlite.pragma('page_size', { simple: true })).toBe(16_384);
  } finally {
    await fresh.close();
  }
  const path = join(folder.path, 'old.db');
  const old = new BetterSqlite3(path);
  old.pragma('page_size = 4096');
  old.exec('create table t (x)');
  old.close();
  const reopened = await openDatabase({ path });
  try {
    expect(reopened.sqlite.pragma('page_size', { simple: true })).toBe(4096);
  } finally {
    await reopened.close();
  }
});

test('migration 0007 moves existing messages into the table keyed by conversation and message id', async () => {
  const path = join(folder.path, 'before-0007.db');
  const handle = await openDatabase({ path, migrate: false });
  try {
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('0006_create_job_runs')).error).toBeUndefined();
    const { sqlite } = handle;
    sqlite.exec(`insert into ingest_runs (started_at, status, pid, hostname, timezone) values (1, 'succeeded', 1, 'h', 'UTC')`);
    sqlite.exec(`insert into conversations (source, external_id, channel, created_at, first_run_id, last_run_id)
                 values ('canonical', 'c1', 'chat', 10, 1, 1), ('canonical', 'c2', 'email', 20, 1, 1)`);
    sqlite.exec(`insert into messages (conversation_id, external_id, author_role, author_id, created_at, body, body_length,
                   body_truncated, internal, first_run_id, last_run_id)
                 values (2, 'm1', 'customer', 'u2', 20, 'second conversation', 19, 0, 0, 1, 1),
                        (1, 'm2', 'agent', 'a1', 12, 'an answer', 9, 0, 1, 1, 1),
                        (1, 'm1', 'customer', 'u1', 10, '问题 🙂', 4, 1, 0, 1, 1)`);

    expect((await migrateToLatest(handle.db)).error).toBeUndefined();

    const rows = sqlite.prepare('select * from messages').all();
    expect(rows).toEqual([
      {
        conversation_id: 1,
        external_id: 'm1',
        author_role: 'customer',
        author_id: 'u1',
        created_at: 10,
        internal: 0,
        body_length: 4,
        body_truncated: 1,
        first_run_id: 1,
        last_run_id: 1,
        body: '问题 🙂',
      },
      {
        conversation_id: 1,
        external_id: 'm2',
        author_role: 'agent',
        author_id: 'a1',
        created_at: 12,
        internal: 1,
        body_length: 9,
        body_truncated: 0,
        first_run_id: 1,
        last_run_id: 1,
        body: 'an answer',
      },
      {
        conversation_id: 2,
        external_id: 'm1',
        author_role: 'customer',
        author_id: 'u2',
        created_at: 20,
        internal: 0,
        body_length: 19,
        body_truncated: 0,
        first_run_id: 1,
        last_run_id: 1,
        body: 'second conversation',
      },
    ]);
    const ddl = sqlite.prepare(`select sql from sqlite_master where name = 'messages'`).pluck().get() as string;
    expect(ddl).toMatch(/without rowid$/i);
    expect(() =>
      sqlite.exec(`insert into messages (conversation_id, external_id, author_role, created_at, body, body_length, first_run_id, last_run_id)
                               values (1, 'm1', 'customer', 1, 'again', 5, 1, 1)`),
    ).toThrow(/UNIQUE constraint failed/);
    expect(() =>
      sqlite.exec(`insert into messages (conversation_id, external_id, author_role, created_at, body, body_length, first_run_id, last_run_id)
                               values (99, 'm1', 'customer', 1, 'orphan', 6, 1, 1)`),
    ).toThrow(/FOREIGN KEY constraint failed/);
    expect(sqlite.prepare(`select count(*) from sqlite_master where name = 'messages_conversation_timeline_idx'`).pluck().get()).toBe(0);
  } finally {
    await handle.close();
  }
});

test('migration 0008 files the in-place analysis results under their run, dropping rows without one', async () => {
  const path = join(folder.path, 'before-0008.db');
  const handle = await openDatabase({ path, migrate: false });
  try {
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('0007_cluster_messages_by_conversation')).error).toBeUndefined();
    const { sqlite } = handle;
    sqlite.exec(`insert into ingest_runs (started_at, status, pid, hostname, timezone) values (1, 'succeeded', 1, 'h', 'UTC')`);
    sqlite.exec(`insert into conversations (source, external_id, channel, created_at, first_run_id, last_run_id)
                 values ('canonical', 'c1', 'chat', 10, 1, 1), ('canonical', 'c2', 'email', 20, 1, 1)`);
    sqlite.exec(
      `insert into analysis_runs (started_at, status, pid, hostname) values (1, 'succeeded', 1, 'h'), (2, 'succeeded', 1, 'h'), (3, 'interrupted', 1, 'h')`,
    );
    sqlite.exec(`insert into conversation_facts (conversation_id, run_id, channel, start_at, initiated_by, reply_count, resolution_count,
                   is_resolved, reopen_count, unanswered, first_response_ms)
                 values (1, 2, 'chat', 10, 'customer', 0, 0, 0, 0, 0, 500), (2, null, 'email', 20, 'customer', 0, 0, 0, 0, 1, null)`);
    sqlite.exec(`insert into response_time_daily (time_zone, day, channel, run_id, conversations, answered, unanswered, waiting, reopened,
                   first_response_ms, first_response_business_ms, reply_ms, reply_business_ms, resolution_ms, resolution_business_ms,
                   unanswered_since_at, open_since_at)
                 values ('UTC', '1970-01-01', 'chat', 2, 1, 1, 0, 0, 0, x'', x'', x'', x'', x'', x'', x'', x'')`);
    // Questions were rewritten only when they changed: c1's is older than the latest succeeded run.
    sqlite.exec(`insert into conversation_questions (conversation_id, question, language, analysis_run_id) values (1, 'q1', 'en', 1), (2, 'q2', 'en', 2)`);

    expect((await migrateToLatest(handle.db)).error).toBeUndefined();

    expect(sqlite.prepare('select run_id, conversation_id, first_response_ms from conversation_facts').all()).toEqual([
      { run_id: 2, conversation_id: 1, first_response_ms: 500 },
    ]);
    expect(sqlite.prepare('select run_id, time_zone, day, channel, conversations from response_time_daily').all()).toEqual([
      { run_id: 2, time_zone: 'UTC', day: '1970-01-01', channel: 'chat', conversations: 1 },
    ]);
    expect(sqlite.prepare('select analysis_run_id, conversation_id, question from conversation_questions order by conversation_id').all()).toEqual([
      { analysis_run_id: 2, conversation_id: 1, question: 'q1' },
      { analysis_run_id: 2, conversation_id: 2, question: 'q2' },
    ]);
    // A run may now hold the same conversation as another run.
    sqlite.exec(`insert into conversation_questions (conversation_id, question, language, analysis_run_id) values (1, 'q1 again', 'en', 3)`);
    expect(sqlite.prepare(`select count(*) from sqlite_master where name = 'conversation_facts_run_start_at_idx'`).pluck().get()).toBe(1);

    // Down again: one row per conversation, from the latest run that has any.
    expect((await migrator.migrateTo('0007_cluster_messages_by_conversation')).error).toBeUndefined();
    expect(sqlite.prepare('select conversation_id, question, analysis_run_id from conversation_questions').all()).toEqual([
      { conversation_id: 1, question: 'q1 again', analysis_run_id: 3 },
    ]);
    expect(sqlite.prepare('select conversation_id, run_id from conversation_facts').all()).toEqual([{ conversation_id: 1, run_id: 2 }]);
  } finally {
    await handle.close();
  }
});

/**
 * A child process that holds `path` in rollback-journal mode under an exclusive lock for `holdMs`, as a first bulk load
 * does (`db/bulk-load.ts`); with `write` false it takes the lock without writing, so no journal file exists.
 */
async function holdExclusively(path: string, options: { write: boolean; holdMs: number }): Promise<{ released: Promise<number | null> }> {
  const script = `
    const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(path)});
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
    if (${options.write}) db.exec('create table held (x)');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, ${options.holdMs});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`the lock holder exited with ${code} before locking`)));
  });
  return { released };
}

test("opening waits for another process's first bulk load to commit, past the busy timeout", async () => {
  const path = join(folder.path, 'loading.db');
  await (await openDatabase({ path })).close();
  const holder = await holdExclusively(path, { write: true, holdMs: 1_500 });
  const started = Date.now();
  const handle = await openDatabase({ path, busyTimeoutMs: 200 });
  try {
    expect(Date.now() - started).toBeGreaterThan(1_000);
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  } finally {
    await handle.close();
  }
  expect(await holder.released).toBe(0);
});

test('a lock held without a load in progress still fails after the busy timeout, saying so', async () => {
  const path = join(folder.path, 'locked.db');
  await (await openDatabase({ path })).close();
  const holder = await holdExclusively(path, { write: false, holdMs: 3_000 });
  await expect(openDatabase({ path, busyTimeoutMs: 200 })).rejects.toMatchObject({
    problem: 'busy',
    message: expect.stringMatching(/locked\.db stayed locked by another process \(database is locked\)/),
  });
  expect(await holder.released).toBe(0);
});
