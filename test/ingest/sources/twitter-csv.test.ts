import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { detectFormat } from '../../../ingest/detect-format.js';
import { TWCS_FIXTURE_FIRST_RESPONSES, TWCS_FIXTURE_FIRST_RESPONSES_BY_BRAND, TWCS_FIXTURE_UNANSWERED } from '../../fixtures/twcs/expected-first-responses.js';
import { fixture, freshDatabase, ingest, temporaryFile } from '../ingest-helpers.js';

const THREADS = fixture('twcs', 'threads-out-of-order.csv');
/** The shared datasets folder sits beside the repository (`../shared`), or beside the folder of worktrees. */
const SAMPLE =
  ['../../../../shared', '../../../../../shared']
    .map((folder) => fileURLToPath(new URL(`${folder}/datasets/twcs/kaggle_sample.csv`, import.meta.url)))
    .find((path) => existsSync(path)) ?? 'kaggle_sample.csv (not found)';
/** PROVENANCE.md: the corpus's official 93-row sample (some texts span several lines). */
const SAMPLE_ROWS = 93;

let handle: TestDatabase;
beforeEach(async () => {
  handle = await freshDatabase();
});
afterEach(async () => {
  await handle.close();
});

async function conversation(externalId: string) {
  return handle.db.selectFrom('conversations').selectAll().where('source', '=', 'twitter').where('external_id', '=', externalId).executeTakeFirstOrThrow();
}

async function messagesOf(externalId: string) {
  const { id } = await conversation(externalId);
  return handle.db.selectFrom('messages').selectAll().where('conversation_id', '=', id).orderBy('created_at').execute();
}

describe('Twitter customer-support corpus CSV', () => {
  test('is detected from its header', async () => {
    const detection = await detectFormat(THREADS);
    expect(detection.kind === 'format' && detection.format).toBe('twitter-csv');
  });

  test('rebuilds threads from in_response_to_tweet_id, whatever the row order', async () => {
    const summary = await ingest(handle, THREADS);
    expect(summary.files[0]).toMatchObject({ format: 'twitter-csv', status: 'loaded' });
    expect(summary.records).toEqual({ read: 16, inserted: 14, updated: 0, unchanged: 0, rejected: 2 });
    expect(summary.messages).toEqual({ read: 16, inserted: 14, updated: 0, unchanged: 0, rejected: 2 });

    const threads = await handle.db.selectFrom('conversations').select(['external_id', 'channel', 'customer_id', 'assignee']).orderBy('external_id').execute();
    expect(threads).toEqual([
      { external_id: '1001', channel: 'social', customer_id: '9001', assignee: 'AcmeSupport' },
      { external_id: '2001', channel: 'social', customer_id: '9002', assignee: 'ByteBankHelp' },
      { external_id: '3001', channel: 'social', customer_id: '9003', assignee: 'AcmeSupport' },
      { external_id: '4002', channel: 'social', customer_id: null, assignee: 'ByteBankHelp' },
      { external_id: '5001', channel: 'social', customer_id: '9006', assignee: null },
    ]);
    expect((await messagesOf('2001')).map((m) => m.external_id)).toEqual(['2001', '2002', '2003']);
    expect((await messagesOf('3001')).map((m) => [m.external_id, m.author_role, m.author_id])).toEqual([
      ['3001', 'customer', '9003'],
      ['3002', 'customer', '9004'],
      ['3003', 'agent', 'AcmeSupport'],
    ]);
  });

  test.each([
    { field: 'created_at (Twitter style, UTC)', tweet: '1001', expected: { created_at: Date.UTC(2017, 9, 2, 10, 0, 0) } },
    { field: 'inbound True: a customer', tweet: '1001', expected: { author_role: 'customer', author_id: '9001', internal: 0 } },
    { field: 'inbound False: the brand as agent', tweet: '1002', expected: { author_role: 'agent', author_id: 'AcmeSupport' } },
    { field: 'text with Twitter HTML escaping decoded', tweet: '1001', expected: { body: '@AcmeSupport my order never arrived & nobody answers >:(' } },
    { field: 'quoted multi-line text', tweet: '2003', expected: { body: '@9002 Hi! Withdrawals can take up to 2 hours.\nPlease DM us the transaction id.' } },
    { field: 'emoji', tweet: '3002', expected: { body: '@9003 @AcmeSupport same here 😩' } },
  ])('maps $field', async ({ tweet, expected }) => {
    await ingest(handle, THREADS);
    const message = await handle.db.selectFrom('messages').selectAll().where('external_id', '=', tweet).executeTakeFirstOrThrow();
    expect(message).toMatchObject(expected);
  });

  test('a conversation starts at its earliest tweet', async () => {
    await ingest(handle, THREADS);
    expect(await conversation('3001')).toMatchObject({ created_at: Date.UTC(2017, 9, 4, 23, 50), created_at_derived: 1 });
  });

  test('a reply whose parent is missing is kept, rooted at the topmost tweet present, and reported with its line', async () => {
    const summary = await ingest(handle, THREADS);
    expect(summary.warnings).toBe(1);
    expect((await messagesOf('4002')).map((m) => m.external_id)).toEqual(['4002', '4003', '4004']);
    const warnings = await handle.db.selectFrom('rejects').select(['line', 'kind', 'reason']).where('kind', '=', 'warning').execute();
    expect(warnings).toEqual([
      {
        line: 13,
        kind: 'warning',
        reason: 'tweet 4002 replies to tweet 4001, which is not in this file (or was rejected); its thread is kept as conversation 4002',
      },
    ]);
  });

  test('malformed rows are rejected with line and reason while the rest loads', async () => {
    await ingest(handle, THREADS);
    const rejects = await handle.db.selectFrom('rejects').select(['line', 'reason', 'raw']).where('kind', '=', 'record').orderBy('line').execute();
    expect(rejects.map(({ line, reason }) => ({ line, reason }))).toEqual([
      { line: 17, reason: '"inbound" must be True or False, got the text "maybe"' },
      { line: 18, reason: '"created_at": impossible date "Sat Oct 07 31:00:00 +0000 2017": hour 31 does not exist' },
    ]);
    expect(rejects[0]!.raw).toContain('broken inbound flag');
  });

  test('the same file twice changes nothing the second time', async () => {
    await ingest(handle, THREADS);
    const again = await ingest(handle, THREADS);
    expect(again.records).toEqual({ read: 16, inserted: 0, updated: 0, unchanged: 14, rejected: 2 });
    expect(again.messages).toMatchObject({ inserted: 0, updated: 0, unchanged: 14 });
    const count = await handle.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(14);
  });

  test("each brand's first response times match the times worked out by hand", async () => {
    await ingest(handle, THREADS);
    const measured: Record<string, number[]> = {};
    for (const expected of TWCS_FIXTURE_FIRST_RESPONSES) {
      const messages = await messagesOf(expected.conversation);
      const start = messages.find((m) => m.author_role === 'customer')!;
      const reply = messages.find((m) => m.author_role === 'agent' && m.internal === 0 && m.created_at >= start.created_at)!;
      expect(start.created_at).toBe(Date.parse(expected.customerTweetAt));
      expect(reply.created_at).toBe(Date.parse(expected.brandReplyAt));
      expect(reply.author_id).toBe(expected.brand);
      expect(reply.created_at - start.created_at).toBe(expected.firstResponseMs);
      (measured[expected.brand] ??= []).push(reply.created_at - start.created_at);
    }
    for (const list of Object.values(measured)) list.sort((a, b) => a - b);
    expect(measured).toEqual(TWCS_FIXTURE_FIRST_RESPONSES_BY_BRAND);
    for (const unanswered of TWCS_FIXTURE_UNANSWERED) {
      const messages = await messagesOf(unanswered.conversation);
      expect(messages.some((m) => m.author_role === 'agent')).toBe(false);
      expect(messages[0]!.created_at).toBe(Date.parse(unanswered.customerTweetAt));
    }
  });

  test.each([
    {
      scenario: 'a loop of replies',
      rows: ['7001,9010,True,Mon Oct 02 10:00:00 +0000 2017,first,,7002', '7002,Brand,False,Mon Oct 02 10:01:00 +0000 2017,second,,7001'],
      conversations: 1,
      warning: /a loop/,
    },
    {
      scenario: 'a tweet that replies to itself',
      rows: ['7101,9010,True,Mon Oct 02 10:00:00 +0000 2017,me,,7101'],
      conversations: 1,
      warning: /names itself as its parent/,
    },
    {
      scenario: 'the same tweet twice (the second row is recognised as unchanged)',
      rows: [
        '7201,9010,True,Mon Oct 02 10:00:00 +0000 2017,q,,',
        '7202,Brand,False,Mon Oct 02 10:05:00 +0000 2017,a,,7201',
        '7201,9010,True,Mon Oct 02 10:00:00 +0000 2017,q,,',
      ],
      conversations: 1,
      warning: undefined,
    },
    {
      scenario: '64-bit ids and parents written as floats',
      rows: [
        '923456789012345678,9010,True,Mon Oct 02 10:00:00 +0000 2017,q,,',
        '923456789012345679,Brand,False,Mon Oct 02 10:05:00 +0000 2017,a,,923456789012345678.0',
      ],
      conversations: 1,
      warning: undefined,
    },
  ])('survives $scenario', async ({ rows, conversations, warning }) => {
    const file = await temporaryFile(
      'tweets.csv',
      ['tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id', ...rows].join('\n'),
    );
    try {
      const summary = await ingest(handle, file.path);
      expect(summary.files[0]!.status).toBe('loaded');
      expect(summary.records.rejected).toBe(0);
      const stored = await handle.db.selectFrom('conversations').select('external_id').execute();
      expect(stored).toHaveLength(conversations);
      const reasons = (await handle.db.selectFrom('rejects').select('reason').execute()).map((r) => r.reason);
      if (warning) expect(reasons.some((r) => warning.test(r))).toBe(true);
      else expect(reasons).toEqual([]);
    } finally {
      await file.cleanup();
    }
  });

  test('BOM and CRLF; a reply to a rejected tweet stays in its thread', async () => {
    const rows = [
      '\uFEFFtweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
      '1,9,True,Mon Oct 02 10:00:00 +0000 2017,first,,',
      '2,9,True,Mon Oct 02 10:00:00 +0000 2017,"broken, author below",,1',
      '3,,False,Mon Oct 02 10:01:00 +0000 2017,no author,,2',
      '4,Brand,False,Mon Oct 02 10:02:00 +0000 2017,reply to the rejected tweet,,3',
    ];
    const file = await temporaryFile('tweets.csv', rows.join('\r\n') + '\r\n');
    try {
      const summary = await ingest(handle, file.path);
      expect(summary.records).toEqual({ read: 4, inserted: 3, updated: 0, unchanged: 0, rejected: 1 });
      const rejects = await handle.db.selectFrom('rejects').select(['line', 'kind', 'reason']).orderBy('id').execute();
      expect(rejects).toEqual([{ line: 4, kind: 'record', reason: 'missing field "author_id"' }]);
      // Tweet 3 is rejected, but its id and parent still link tweet 4 to the thread of tweet 1.
      expect((await messagesOf('1')).map((m) => m.external_id)).toEqual(['1', '2', '4']);
    } finally {
      await file.cleanup();
    }
  });

  test('a file without the thread column fails with the missing column named, and nothing is kept', async () => {
    const file = await temporaryFile('tweets.csv', 'tweet_id,author_id,inbound,created_at,text\n1,9,True,Mon Oct 02 10:00:00 +0000 2017,hi\n');
    try {
      const summary = await ingest(handle, file.path);
      expect(summary.files[0]).toMatchObject({ status: 'failed', format: 'twitter-csv' });
      expect(summary.files[0]!.error).toMatch(/in_response_to_tweet_id/);
      expect(await handle.db.selectFrom('conversations').selectAll().execute()).toEqual([]);
    } finally {
      await file.cleanup();
    }
  });

  test.skipIf(!existsSync(SAMPLE))('loads the corpus sample in ../shared/datasets/twcs without losing a tweet', async () => {
    const rows = SAMPLE_ROWS;
    const summary = await ingest(handle, SAMPLE);
    expect(summary.files[0]).toMatchObject({ format: 'twitter-csv', status: 'loaded' });
    expect(summary.records.read).toBe(rows);
    expect(summary.records.rejected).toBe(0);
    expect(summary.records.inserted).toBe(rows);
    const stored = await handle.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(stored.n).toBe(rows);
    // The sample is cut out of the corpus: some replies lost their parents, and each of those is reported.
    const warnings = await handle.db.selectFrom('rejects').select(['line', 'reason']).where('kind', '=', 'warning').execute();
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) expect(warning.reason).toMatch(/which is not in this file \(or was rejected\)/);
    // Threads in the sample: VirginTrains answered customer 105836 in one conversation rooted at its orphan reply 119246.
    const virgin = await messagesOf('119246');
    expect(virgin.map((m) => m.external_id).sort()).toEqual(['119240', '119241', '119242', '119243', '119244', '119245', '119246']);
    const again = await ingest(handle, SAMPLE);
    expect(again.records).toMatchObject({ inserted: 0, updated: 0, unchanged: rows, rejected: 0 });
  });
});
