import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sqliteHandle, sqliteOnlyTest, type TestDatabase } from '../support/test-database.js';
import { ON_POSTGRES_PASS } from '../support/test-engine.js';
import { BatchEncoder, DecodedBatch, RunTracker } from '../../ingest/record-codec.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { PARSE_WORKER_URL } from '../../ingest/worker-source.js';
import { readMessagesCsvEncoded } from '../../ingest/sources/messages-csv.js';
import { IngestStore } from '../../ingest/ingest-store.js';
import { eachTestDatabaseAndFolder, seededRandom, type TemporaryFolder } from '../helpers.js';

// Full batches of message rows that the store knows to be new are written without a savepoint (no way to undo
// them); these tests check that the knowledge is right, whatever the file holds.

let handle: TestDatabase;
let folder: TemporaryFolder;
eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));

describe('RunTracker: a row is fresh when it continues its conversation with a message id new to the run', () => {
  const rows: [string, string][] = [
    ['A', 'm1'],
    ['A', 'm2'],
    ['A', 'm2'],
    ['A', 'm3'],
    ['B', 'm1'],
    ['B', 'm2'],
    ['A', 'm4'],
    ['A', 'm5'],
  ];

  function encode(runs: RunTracker | undefined, otherBefore = -1): boolean[] {
    const encoder = new BatchEncoder(rows.length + 1, runs);
    rows.forEach(([conversation, message], i) => {
      if (i === otherBefore) encoder.add({ line: 99, raw: 'x', messagesRead: 1, parsed: { ok: false, reason: 'bad row' } });
      encoder.addBare(i + 2, 'canonical', conversation, 'chat', message, 'customer', null, 0, 'hi', 2, false, false);
    });
    const batch = new DecodedBatch(encoder.finish());
    const fresh: boolean[] = [];
    for (let i = 0; i < batch.size; i++) {
      if (!batch.isBare(i)) {
        batch.nextOther();
        continue;
      }
      batch.nextBare();
      fresh.push(batch.freshInRun);
    }
    return fresh;
  }

  test('first rows of a run and repeated ids are not fresh; a conversation seen again starts a new run', () => {
    expect(encode(new RunTracker())).toEqual([false, true, false, true, false, true, false, true]);
  });

  test('a record that is not a message (a line that failed to parse) ends the run', () => {
    expect(encode(new RunTracker(), 3)).toEqual([false, true, false, false, false, true, false, true]);
  });

  test('runs are followed across batches of the same file', () => {
    const runs = new RunTracker();
    const first = new BatchEncoder(2, runs);
    first.addBare(2, 'canonical', 'A', 'chat', 'm1', 'customer', null, 0, 'hi', 2, false, false);
    first.finish();
    const second = new BatchEncoder(1, runs);
    second.addBare(3, 'canonical', 'A', 'chat', 'm2', 'customer', null, 0, 'hi', 2, false, false);
    const batch = new DecodedBatch(second.finish());
    batch.nextBare();
    expect(batch.freshInRun).toBe(true);
  });

  test('a long run still knows every id it has seen', () => {
    const runs = new RunTracker();
    const fresh = Array.from({ length: 100 }, (_, i) => runs.message('canonical', 'A', `m${i}`));
    expect(fresh).toEqual([false, ...Array.from({ length: 99 }, () => true)]);
    expect([runs.message('canonical', 'A', 'm3'), runs.message('canonical', 'A', 'm70'), runs.message('canonical', 'A', 'm100')]).toEqual([false, false, true]);
    expect(runs.message('canonical', 'B', 'm3')).toBe(false);
    expect(runs.message('canonical', 'B', 'm70')).toBe(true);
  });

  test('without a tracker no row is fresh', () => {
    expect(encode(undefined)).toEqual(rows.map(() => false));
  });
});

const HEADER = 'conversation_id,message_id,channel,author_role,created_at,body';

/** Full batches written without and with a savepoint, and the rows the store sent the general way (repeats). */
async function writeThroughStore(path: string): Promise<{ new: number; guarded: number; general: number }> {
  const run = await handle.db
    .insertInto('ingest_runs')
    .values({ started_at: Date.now(), status: 'running', pid: process.pid, hostname: 'test', timezone: 'UTC', summary: null, error: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const store = new IngestStore(sqliteHandle(handle), run.id);
  await store.begin();
  const context = { path, timezone: 'UTC', onChunk: () => {}, warn: () => {} };
  let general = 0;
  for await (const encoded of readMessagesCsvEncoded(context)) {
    const batch = new DecodedBatch(encoded);
    for (let i = 0; i < batch.size; i++) {
      batch.nextBare();
      if (store.queueBareMessage(batch)) continue;
      general += 1;
      const record = batch.bareRecord();
      if (!record.parsed.ok || record.parsed.value.type !== 'message') throw new Error('a bare row is a message');
      expect(store.saveMessageRow(record.parsed.value.head, record.parsed.value.message, record.line)).toBeUndefined();
    }
  }
  store.flushMessageRows();
  await store.commit();
  return { ...store.batchesWritten, general };
}

const sqliteStoreTest = sqliteOnlyTest("SQLite's ingest store and its savepoints; PostgreSQL stages by COPY");

sqliteStoreTest('rows of conversations the file creates are written without a savepoint; the same rows again are guarded', async () => {
  const path = join(folder.path, 'new.csv');
  const rows = Array.from(
    { length: 300 },
    (_, i) => `c${Math.floor(i / 5)},m${i % 5},chat,customer,2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z,hello ${i}`,
  );
  writeFileSync(path, `${HEADER}\n${rows.join('\n')}\n`);
  expect(await writeThroughStore(path)).toEqual({ new: 2, guarded: 0, general: 0 });
  expect(await writeThroughStore(path)).toEqual({ new: 0, guarded: 2, general: 0 });
});

sqliteStoreTest('a repeated message id inside a run is compared with its first row apart from the batches', async () => {
  const path = join(folder.path, 'repeat.csv');
  const rows = Array.from({ length: 256 }, (_, i) => `c${Math.floor(i / 4)},m${i === 201 ? 0 : i % 4},chat,agent,2024-05-01T10:00:00Z,same`);
  writeFileSync(path, `${HEADER}\n${rows.join('\n')}\n`);
  // Rows 128-200 and 202-255 are written row by row (the repeat at 201 cuts their batch short); none needs a savepoint.
  expect(await writeThroughStore(path)).toEqual({ new: 1, guarded: 0, general: 1 });
  const stored = await handle.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  expect(stored.n).toBe(255);
});

/**
 * What storing the rows one at a time means, written independently of the store: a message new to the database is
 * inserted, one stored with other content is updated, else unchanged; a row whose channel contradicts its
 * conversation's, or whose timestamp does not parse, is rejected; a row dated before its conversation's start moves
 * the start back, which makes the record updated. A message the same file showed before is kept as first stored: the
 * repeat is unchanged when it would change nothing, else rejected.
 */
class Model {
  readonly conversations = new Map<string, { channel: string; start: number }>();
  readonly messages = new Map<string, string>();

  apply(rows: Row[]) {
    const records = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
    const seenInFile = new Set<string>();
    for (const row of rows) {
      records.read += 1;
      const at = Date.parse(row.createdAt);
      if (Number.isNaN(at)) {
        records.rejected += 1;
        continue;
      }
      let conversation = this.conversations.get(row.conversation);
      if (conversation && conversation.channel !== row.channel) {
        records.rejected += 1;
        continue;
      }
      const key = `${row.conversation}/${row.message}`;
      const content = `${row.role}|${at}|${row.body}`;
      if (seenInFile.has(key)) {
        if (this.messages.get(key) === content && at >= conversation!.start) records.unchanged += 1;
        else records.rejected += 1;
        continue;
      }
      seenInFile.add(key);
      let conversationChanged = false;
      if (!conversation) {
        conversation = { channel: row.channel, start: at };
        this.conversations.set(row.conversation, conversation);
        conversationChanged = true;
      } else if (at < conversation.start) {
        conversation.start = at;
        conversationChanged = true;
      }
      const stored = this.messages.get(key);
      this.messages.set(key, content);
      if (stored === undefined) records.inserted += 1;
      else if (stored !== content || conversationChanged) records.updated += 1;
      else records.unchanged += 1;
    }
    return records;
  }
}

const BODIES = ['Where is my withdrawal?', '我的提币还没有到账，已经过了两个小时 🙂', 'tab\tinside', 'é'];
const pick = (random: () => number, values: string[]) => values[Math.floor(random() * values.length)]!;

interface Row {
  conversation: string;
  message: string;
  channel: string;
  role: string;
  createdAt: string;
  body: string;
}

/**
 * Stretches of clean runs (a new conversation's rows, ids unique), which fill whole batches the store writes without
 * a savepoint, between messy stretches: conversations seen before, repeated and edited ids, a few rows dated before
 * their conversation, a channel that contradicts it, a timestamp that does not parse.
 */
function randomRows(random: () => number, count: number, firstConversation: number): Row[] {
  const rows: Row[] = [];
  let next = firstConversation;
  const time = () => new Date(Date.UTC(2024, 4, 1, 10) + Math.floor(random() * 40) * 60_000).toISOString();
  while (rows.length < count) {
    const clean = rows.length % 400 < 250;
    const conversation = clean || random() < 0.5 || next === 0 ? next++ : Math.floor(random() * next);
    const length = 1 + Math.floor(random() * 8);
    for (let i = 0; i < length && rows.length < count; i++) {
      const kind = clean ? 0.5 : random();
      rows.push({
        conversation: `c${conversation}`,
        message: clean ? `m${i}` : `m${Math.floor(random() * (random() < 0.3 ? 3 : 12))}`,
        channel: kind < 0.03 ? 'email' : 'chat',
        role: pick(random, ['customer', 'agent', 'bot', 'system']),
        createdAt: kind > 0.96 ? 'yesterday' : time(),
        body: clean || random() < 0.7 ? pick(random, BODIES) : `edited ${pick(random, BODIES)} ${Math.floor(random() * 3)}`,
      });
    }
  }
  return rows;
}

describe.each([
  ['parsed in place', { parseInWorker: false }],
  ['parsed in a worker thread', { parseInWorker: true, workerUrl: PARSE_WORKER_URL }],
])('random files, %s: counts and stored rows match storing the rows one at a time', (_, parsing) => {
  test.each([1, 2, 3, 4])('seed %i', async (seed) => {
    const random = seededRandom(seed);
    const model = new Model();
    const files = [randomRows(random, 1200, 0), randomRows(random, 900, 100), randomRows(random, 600, 0)];
    files.push(files[0]!);
    for (const [index, rows] of files.entries()) {
      const path = join(folder.path, `day-${index}.csv`);
      const csv = rows.map((r) => `${r.conversation},${r.message},${r.channel},${r.role},${r.createdAt},${r.body}`);
      writeFileSync(path, `${HEADER}\n${csv.join('\n')}\n`);
      const summary = await runIngest(handle, { paths: [path], timezone: 'UTC', ...parsing });
      expect(summary.files[0]!.error ?? summary.files[0]!.status).toBe('loaded');
      expect(summary.records).toEqual(model.apply(rows));
    }
    const types = await handle.db
      .selectFrom('messages')
      // A body is stored as text, never as a blob: SQLite's typeof, PostgreSQL's pg_typeof.
      .select((eb) => eb.fn<string>(ON_POSTGRES_PASS ? 'pg_typeof' : 'typeof', ['body']).as('type'))
      .distinct()
      .execute();
    expect(types).toEqual([{ type: 'text' }]);
    const stored = await handle.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['conversations.external_id as conversation', 'messages.external_id as message', 'author_role', 'messages.created_at', 'body'])
      .execute();
    expect(new Map(stored.map((m) => [`${m.conversation}/${m.message}`, `${m.author_role}|${m.created_at}|${m.body}`]))).toEqual(model.messages);
    const conversations = await handle.db.selectFrom('conversations').select(['external_id', 'channel', 'created_at']).execute();
    expect(new Map(conversations.map((c) => [c.external_id, { channel: c.channel, start: c.created_at }]))).toEqual(model.conversations);
  });
});

test('internal and truncated messages in full batches keep their flags (the plain statement takes both as 0)', async () => {
  const { MAX_BODY_CHARS } = await import('../../ingest/limits.js');
  const rows = Array.from({ length: 384 }, (_, i) => {
    const internal = i >= 128 && i % 50 === 0 ? '1' : '0';
    const body = i === 300 ? 'z'.repeat(MAX_BODY_CHARS + 5) : `message ${i}`;
    return `c${Math.floor(i / 4)},m${i % 4},chat,agent,2024-05-01T10:00:00Z,${body},${internal}`;
  });
  const path = join(folder.path, 'flags.csv');
  writeFileSync(path, `${HEADER},internal\n${rows.join('\n')}\n`);
  const summary = await runIngest(handle, { paths: [path], timezone: 'UTC', parseInWorker: false });
  expect(summary.records).toMatchObject({ read: 384, inserted: 384 });
  const stored = await handle.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['conversations.external_id as conversation', 'messages.external_id as message', 'internal', 'body_truncated', 'body_length'])
    .execute();
  const flags = new Map(stored.map((m) => [`${m.conversation}/${m.message}`, [m.internal, m.body_truncated, m.body_length]]));
  expect(flags.get('c0/m0')).toEqual([0, 0, 'message 0'.length]);
  expect(flags.get('c37/m2')).toEqual([1, 0, 'message 150'.length]);
  expect(flags.get('c75/m0')).toEqual([1, 1, MAX_BODY_CHARS + 5]);
  expect(stored.filter((m) => m.internal === 1).length).toBe(5);
});
