import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { IdsSeenInFile, NOT_SEEN } from '../../ingest/ids-seen-in-file.js';
import { runIngest, type IngestSummary } from '../../ingest/run-ingest.js';
import { PARSE_WORKER_URL } from '../../ingest/worker-source.js';
import { eachTestDatabaseAndFolder, type TemporaryFolder } from '../helpers.js';

let handle: TestDatabase;
let folder: TemporaryFolder;
eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));

const PARSING: [string, { parseInWorker: boolean; workerUrl?: URL }][] = [
  ['parsed in place', { parseInWorker: false }],
  ['parsed in a worker thread', { parseInWorker: true, workerUrl: PARSE_WORKER_URL }],
];

const conversation = (id: string, body: string) =>
  JSON.stringify({
    id,
    channel: 'chat',
    created_at: '2024-05-01T10:00:00Z',
    messages: [{ id: 'm1', author_role: 'customer', created_at: '2024-05-01T10:00:00Z', body }],
  });

const counts = (summary: IngestSummary) => {
  const { read, inserted, updated, unchanged, rejected } = summary.records;
  return [read, inserted, updated, unchanged, rejected];
};
const rejects = () => handle.db.selectFrom('rejects').select(['run_id', 'line', 'kind', 'reason']).orderBy('id').execute();
const bodies = () =>
  handle.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['conversations.external_id as conversation', 'messages.external_id as message', 'body'])
    .orderBy('conversations.external_id')
    .orderBy('messages.external_id')
    .execute();

describe.each(PARSING)('an id repeated in one file with different content, %s', (_label, parsing) => {
  const ingest = (path: string) => runIngest(handle, { paths: [path], timezone: 'UTC', ...parsing });

  test('JSON Lines: the first conversation is kept, the repeat rejected with its line; a second ingest changes nothing', async () => {
    const path = join(folder.path, 'repeat.jsonl');
    writeFileSync(
      path,
      [conversation('c1', 'first words'), conversation('c2', 'other'), conversation('c1', 'second words'), conversation('c2', 'other')].join('\n') + '\n',
    );

    const first = await ingest(path);
    expect(counts(first)).toEqual([4, 2, 0, 1, 1]);
    expect(first.messages).toEqual({ read: 4, inserted: 2, updated: 0, unchanged: 1, rejected: 1 });
    const second = await ingest(path);
    expect(counts(second)).toEqual([4, 0, 0, 3, 1]);
    expect(second.messages).toEqual({ read: 4, inserted: 0, updated: 0, unchanged: 3, rejected: 1 });

    const reason = 'conversation "c1" repeats line 1 with different content; the first was kept';
    expect(await rejects()).toEqual([
      { run_id: first.runId, line: 3, kind: 'record', reason },
      { run_id: second.runId, line: 3, kind: 'record', reason },
    ]);
    expect(await bodies()).toEqual([
      { conversation: 'c1', message: 'm1', body: 'first words' },
      { conversation: 'c2', message: 'm1', body: 'other' },
    ]);
  });

  test('messages CSV: the first row of a message is kept, later different ones rejected naming its line; a second ingest changes nothing', async () => {
    const path = join(folder.path, 'repeat.csv');
    writeFileSync(
      path,
      [
        'conversation_id,message_id,channel,author_role,created_at,body,status',
        'c1,m1,chat,customer,2024-05-01T10:00:00Z,first words,',
        'c1,m1,chat,customer,2024-05-01T10:00:00Z,right after,',
        'c2,m1,chat,customer,2024-05-01T11:00:00Z,other,',
        'c1,m2,chat,agent,2024-05-01T10:05:00Z,an answer,',
        'c1,m1,chat,customer,2024-05-01T10:00:00Z,much later,',
        'c1,m1,chat,customer,2024-05-01T10:00:00Z,first words,solved',
        'c1,m1,chat,customer,2024-05-01T10:00:00Z,first words,',
      ].join('\n') + '\n',
    );

    const first = await ingest(path);
    expect(counts(first)).toEqual([7, 3, 0, 1, 3]);
    const second = await ingest(path);
    expect(counts(second)).toEqual([7, 0, 0, 4, 3]);
    expect(second.messages).toEqual({ read: 7, inserted: 0, updated: 0, unchanged: 4, rejected: 3 });

    const reason = 'message "m1" of conversation "c1" repeats line 2 with different content; the first was kept';
    const expected = (runId: number) => [3, 6, 7].map((line) => ({ run_id: runId, line, kind: 'record', reason }));
    expect(await rejects()).toEqual([...expected(first.runId), ...expected(second.runId)]);
    expect(await bodies()).toEqual([
      { conversation: 'c1', message: 'm1', body: 'first words' },
      { conversation: 'c1', message: 'm2', body: 'an answer' },
      { conversation: 'c2', message: 'm1', body: 'other' },
    ]);
    const stored = await handle.db.selectFrom('conversations').select(['external_id', 'status']).orderBy('external_id').execute();
    expect(stored).toEqual([
      { external_id: 'c1', status: null },
      { external_id: 'c2', status: null },
    ]);
  });
});

test('the same id in two files of one run is an update, not a repeat', async () => {
  const day1 = join(folder.path, 'day-1.jsonl');
  const day2 = join(folder.path, 'day-2.jsonl');
  writeFileSync(day1, `${conversation('c1', 'first words')}\n`);
  writeFileSync(day2, `${conversation('c1', 'edited words')}\n`);
  const summary = await runIngest(handle, { paths: [day1, day2], timezone: 'UTC' });
  expect(counts(summary)).toEqual([2, 1, 1, 0, 0]);
  expect((await bodies())[0]!.body).toBe('edited words');
});

test('IdsSeenInFile remembers the first line of each id across growth, and parts do not run together', () => {
  const seen = new IdsSeenInFile();
  for (let i = 0; i < 5_000; i++)
    expect(
      seen
        .begin()
        .add('canonical')
        .add(`c${i}`)
        .add('m1')
        .note(i + 1),
    ).toBe(NOT_SEEN);
  for (let i = 0; i < 5_000; i++) expect(seen.begin().add('canonical').add(`c${i}`).add('m1').note(99_999)).toBe(i + 1);
  expect(seen.begin().add('canonical').add('c1m').add('1').note(7)).toBe(NOT_SEEN);
  expect(seen.begin().add('xc1', 1).add('m1').note(null)).toBe(NOT_SEEN);
  expect(seen.begin().add('c1').add('m1').note(3)).toBe(0);
  seen.clear();
  expect(seen.begin().add('canonical').add('c1').add('m1').note(1)).toBe(NOT_SEEN);
});

test('Twitter CSV: a tweet id repeated with other text keeps the first; a second ingest changes nothing', async () => {
  const path = join(folder.path, 'twcs.csv');
  writeFileSync(
    path,
    [
      'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
      '1001,9001,True,Mon Oct 02 10:00:00 +0000 2017,@AcmeSupport my order never arrived,1002,',
      '1002,AcmeSupport,False,Mon Oct 02 10:07:30 +0000 2017,@9001 Sorry to hear that!,,1001',
      '1001,9001,True,Mon Oct 02 10:00:00 +0000 2017,@AcmeSupport my order never arrived!!,1002,',
    ].join('\n') + '\n',
  );
  const first = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(counts(first)).toEqual([3, 2, 0, 0, 1]);
  const second = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(counts(second)).toEqual([3, 0, 0, 2, 1]);
  const reason = 'message "1001" of conversation "1001" repeats line 2 with different content; the first was kept';
  expect(await rejects()).toEqual([
    { run_id: first.runId, line: 4, kind: 'record', reason },
    { run_id: second.runId, line: 4, kind: 'record', reason },
  ]);
  expect((await bodies()).map((row) => row.body)).toEqual(['@AcmeSupport my order never arrived', '@9001 Sorry to hear that!']);
});

describe('found by the reader fuzz test: a file that gives the same result every time it is ingested', () => {
  const ingest = (path: string) => runIngest(handle, { paths: [path], timezone: 'UTC', parseInWorker: false });

  test.each([
    [
      'CSV',
      'faq.csv',
      'id,title,body\nfees,What are the fees?,One dollar.\nkyc,How long is KYC?,A day.\nfees,What are the fees?,Two dollars.\n',
      2,
      4,
      ['One dollar.', 'A day.'],
    ],
    [
      'JSON Lines',
      'faq.jsonl',
      ['fees', 'kyc', 'fees'].map((id, i) => JSON.stringify({ id, title: `Q ${id}`, body: `A ${i}` })).join('\n') + '\n',
      1,
      3,
      ['A 0', 'A 1'],
    ],
  ] as const)(
    'FAQ entries as %s: an id repeated with other content is rejected with its line, the first kept; a second ingest changes nothing',
    async (_format, name, content, firstLine, repeatLine, kept) => {
      const path = join(folder.path, name);
      writeFileSync(path, content);
      const first = await ingest(path);
      const second = await ingest(path);
      expect([counts(first), counts(second)]).toEqual([
        [3, 2, 0, 0, 1],
        [3, 0, 0, 2, 1],
      ]);
      const reason = `FAQ entry "fees" repeats line ${firstLine} with different content; the first was kept`;
      expect((await rejects()).map((r) => [r.line, r.kind, r.reason])).toEqual([
        [repeatLine, 'record', reason],
        [repeatLine, 'record', reason],
      ]);
      const versions = await handle.db.selectFrom('faq_entry_versions').select(['body']).orderBy('id').execute();
      expect(versions.map((v) => v.body)).toEqual(kept);
    },
  );

  test('a lone UTF-16 surrogate escaped in JSON ("\\ud800") is stored as U+FFFD, and the same file again is unchanged', async () => {
    const path = join(folder.path, 'surrogate.jsonl');
    writeFileSync(path, `${conversation('c1', 'x').replace('"body":"x"', '"body":"broken \\ud800 text"')}\n`);
    const first = await ingest(path);
    const second = await ingest(path);
    expect([counts(first), counts(second)]).toEqual([
      [1, 1, 0, 0, 0],
      [1, 0, 0, 1, 0],
    ]);
    expect(await bodies()).toEqual([{ conversation: 'c1', message: 'm1', body: 'broken \ufffd text' }]);
  });
});
