import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { eachTestDatabaseAndFolder, type TemporaryFolder } from '../helpers.js';

let handle: TestDatabase;
let folder: TemporaryFolder;
eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));

const conversation = (id: string, messages: { id: string; role: string; at: string; body: string }[], extra: object = {}) =>
  JSON.stringify({
    id,
    channel: 'chat',
    created_at: '2024-05-01T10:00:00Z',
    ...extra,
    messages: messages.map((m) => ({ id: m.id, author_role: m.role, created_at: m.at, body: m.body })),
  });

const ask = { id: 'm1', role: 'customer', at: '2024-05-01T10:00:00Z', body: 'Where is my withdrawal?' };
const answer = { id: 'm2', role: 'agent', at: '2024-05-01T10:03:00Z', body: 'It is confirmed on chain.' };
const thanks = { id: 'm3', role: 'customer', at: '2024-05-01T10:05:00Z', body: 'Thanks!' };

async function counts() {
  const conversations = await handle.db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const messages = await handle.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { conversations: conversations.n, messages: messages.n };
}

test('the same JSON Lines file twice: the second run inserts nothing and reports every record unchanged', async () => {
  const path = join(folder.path, 'day.jsonl');
  writeFileSync(path, `${conversation('c1', [ask, answer])}\n${conversation('c2', [ask])}\n`);
  const first = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(first.records).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
  const before = await counts();
  const second = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(second.records).toEqual({ read: 2, inserted: 0, updated: 0, unchanged: 2, rejected: 0 });
  expect(second.messages).toEqual({ read: 3, inserted: 0, updated: 0, unchanged: 3, rejected: 0 });
  expect(await counts()).toEqual(before);
});

test('a conversation seen again with more messages is updated, and no message is duplicated', async () => {
  const morning = join(folder.path, 'morning.jsonl');
  const evening = join(folder.path, 'evening.jsonl');
  writeFileSync(morning, `${conversation('c1', [ask])}\n`);
  writeFileSync(evening, `${conversation('c1', [ask, answer, thanks], { status: 'solved', resolved_at: '2024-05-01T10:06:00Z' })}\n`);
  await runIngest(handle, { paths: [morning], timezone: 'UTC' });
  const later = await runIngest(handle, { paths: [evening], timezone: 'UTC' });
  expect(later.records).toEqual({ read: 1, inserted: 0, updated: 1, unchanged: 0, rejected: 0 });
  expect(later.messages).toEqual({ read: 3, inserted: 2, updated: 0, unchanged: 1, rejected: 0 });
  expect(await counts()).toEqual({ conversations: 1, messages: 3 });
  const stored = await handle.db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
  expect(stored.status).toBe('solved');
  expect(stored.resolved_at).toBe(Date.parse('2024-05-01T10:06:00Z'));
  expect(stored.first_run_id).toBe(1);
  expect(stored.last_run_id).toBe(2);
  // Messages absent from a later, partial export are kept.
  await runIngest(handle, { paths: [morning], timezone: 'UTC' });
  expect(await counts()).toEqual({ conversations: 1, messages: 3 });
});

test('an edited message is updated in place', async () => {
  const path = join(folder.path, 'edit.jsonl');
  writeFileSync(path, `${conversation('c1', [ask])}\n`);
  await runIngest(handle, { paths: [path], timezone: 'UTC' });
  writeFileSync(path, `${conversation('c1', [{ ...ask, body: 'Where is my withdrawal? (edited)' }])}\n`);
  const second = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(second.messages.updated).toBe(1);
  const message = await handle.db.selectFrom('messages').selectAll().executeTakeFirstOrThrow();
  expect(message.body).toBe('Where is my withdrawal? (edited)');
  expect(await counts()).toEqual({ conversations: 1, messages: 1 });
});

test('CSV rows: the same file twice is unchanged; later rows of a conversation extend it', async () => {
  const header = 'conversation_id,message_id,channel,author_role,created_at,body,status';
  const path = join(folder.path, 'messages.csv');
  writeFileSync(path, `${header}\nk1,1,email,customer,2024-05-01T10:00:00Z,Hello,\nk1,2,email,agent,2024-05-01T11:00:00Z,Hi,open\n`);
  const first = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(first.records).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
  const again = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(again.records).toEqual({ read: 2, inserted: 0, updated: 0, unchanged: 2, rejected: 0 });
  const more = join(folder.path, 'more.csv');
  writeFileSync(more, `${header}\nk1,2,email,agent,2024-05-01T11:00:00Z,Hi,open\nk1,3,email,customer,2024-05-01T12:00:00Z,Thanks,solved\n`);
  const third = await runIngest(handle, { paths: [more], timezone: 'UTC' });
  expect(third.records).toEqual({ read: 2, inserted: 1, updated: 0, unchanged: 1, rejected: 0 });
  expect(await counts()).toEqual({ conversations: 1, messages: 3 });
  const stored = await handle.db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
  expect(stored.status).toBe('solved');
  expect(stored.created_at).toBe(Date.parse('2024-05-01T10:00:00Z'));
  expect(stored.created_at_derived).toBe(1);
});

test('CSV rows out of order: the conversation starts at its earliest message', async () => {
  const path = join(folder.path, 'unordered.csv');
  writeFileSync(
    path,
    'conversation_id,message_id,channel,author_role,created_at,body\nk9,2,chat,agent,2024-05-01T10:05:00Z,hi\nk9,1,chat,customer,2024-05-01T10:00:00Z,hello\n',
  );
  await runIngest(handle, { paths: [path], timezone: 'UTC' });
  const stored = await handle.db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
  expect(stored.created_at).toBe(Date.parse('2024-05-01T10:00:00Z'));
});

test('events are stored once however often they are seen', async () => {
  const path = join(folder.path, 'events.jsonl');
  const events = [
    { type: 'resolved', created_at: '2024-05-01T10:10:00Z' },
    { type: 'reopened', created_at: '2024-05-02T09:00:00Z' },
    { type: 'resolved', created_at: '2024-05-02T10:00:00Z' },
  ];
  writeFileSync(path, `${conversation('c1', [ask, answer], { events })}\n`);
  await runIngest(handle, { paths: [path], timezone: 'UTC' });
  await runIngest(handle, { paths: [path], timezone: 'UTC' });
  const stored = await handle.db.selectFrom('conversation_events').select(['kind', 'created_at']).orderBy('created_at').execute();
  expect(stored.map((e) => e.kind)).toEqual(['resolved', 'reopened', 'resolved']);
});

test('large CSV files (written in multi-row batches): repeats inside a batch, a second run, an edited row', async () => {
  const header = 'conversation_id,message_id,channel,author_role,created_at,body';
  const row = (i: number, body = `message ${i}`) =>
    `c${Math.floor(i / 4)},m${i},chat,${i % 4 === 0 ? 'customer' : 'agent'},${new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString()},${body}`;
  const rows = Array.from({ length: 1000 }, (_, i) => row(i));
  rows.splice(300, 0, row(299)); // an identical repeat inside one batch
  const path = join(folder.path, 'large.csv');
  writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
  const first = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(first.records).toEqual({ read: 1001, inserted: 1000, updated: 0, unchanged: 1, rejected: 0 });
  expect(await counts()).toEqual({ conversations: 250, messages: 1000 });

  rows[700] = row(699, 'message 699 (edited)');
  writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
  const second = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(second.records).toEqual({ read: 1001, inserted: 0, updated: 1, unchanged: 1000, rejected: 0 });
  expect(second.messages).toEqual({ read: 1001, inserted: 0, updated: 1, unchanged: 1000, rejected: 0 });
  expect(await counts()).toEqual({ conversations: 250, messages: 1000 });
  const edited = await handle.db.selectFrom('messages').select('body').where('external_id', '=', 'm699').executeTakeFirstOrThrow();
  expect(edited.body).toBe('message 699 (edited)');
});

test('CSV rows out of time order: a later row dated earlier moves its conversation start back, once', async () => {
  const path = join(folder.path, 'out-of-order.csv');
  writeFileSync(
    path,
    [
      'conversation_id,message_id,channel,author_role,created_at,body',
      'c1,m2,chat,agent,2024-05-01T10:05:00Z,Checking now.',
      'c1,m1,chat,customer,2024-05-01T10:00:00Z,Where is my withdrawal?',
      'c1,m3,chat,customer,2024-05-01T10:07:00Z,Thanks',
    ].join('\n') + '\n',
  );
  const first = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(first.records).toEqual({ read: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
  const stored = await handle.db.selectFrom('conversations').select(['created_at', 'created_at_derived']).executeTakeFirstOrThrow();
  expect(stored).toEqual({ created_at: Date.parse('2024-05-01T10:00:00Z'), created_at_derived: 1 });
  const again = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(again.records).toEqual({ read: 3, inserted: 0, updated: 0, unchanged: 3, rejected: 0 });
});
