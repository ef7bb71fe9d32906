import { afterEach, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { computeResponseFacts } from '../../../analysis/response-times/response-facts-store.js';
import { DEFAULT_RESPONSE_TIME_CONFIG, type ResponseTimeConfig } from '../../../analysis/response-times/response-time-config.js';
import { seededDatabase, type SeedConversation } from './seed-conversations.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let handle: TestDatabase | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

const conversations: SeedConversation[] = [
  // Friday 16:30 Berlin -> Monday 09:30 Berlin
  {
    id: 'weekend',
    channel: 'email',
    messages: [
      { role: 'customer', at: '2026-03-06T15:30:00Z' },
      { role: 'agent', at: '2026-03-09T08:30:00Z' },
    ],
  },
  {
    id: 'waiting',
    messages: [
      { role: 'customer', at: '2026-03-02T09:00:00Z' },
      { role: 'bot', at: '2026-03-02T09:00:01Z' },
    ],
  },
  {
    id: 'reopened',
    channel: 'email',
    tags: ['fees'],
    messages: [
      { role: 'customer', at: '2026-03-02T08:00:00Z' },
      { role: 'agent', at: '2026-03-02T09:00:00Z', author: 'carol' },
    ],
    events: [
      { kind: 'resolved', at: '2026-03-02T10:00:00Z' },
      { kind: 'reopened', at: '2026-03-02T11:00:00Z' },
      { kind: 'resolved', at: '2026-03-02T12:00:00Z' },
    ],
  },
];

test('writes one row per conversation, read in batches across conversation boundaries', async () => {
  handle = await seededDatabase(conversations);
  const summary = await computeResponseFacts(handle, DEFAULT_RESPONSE_TIME_CONFIG, { runId: 9, batchSize: 2 });
  expect(summary).toMatchObject({ conversations: 3, messages: 6, answered: 2, unanswered: 1, replies: 2, resolved: 1, reopened: 1 });
  const rows = await handle.db
    .selectFrom('conversation_facts as f')
    .innerJoin('conversations as c', 'c.id', 'f.conversation_id')
    .select([
      'c.external_id',
      'f.run_id',
      'f.first_response_ms',
      'f.first_response_business_ms',
      'f.unanswered',
      'f.resolution_count',
      'f.reopen_count',
      'f.resolution_ms',
      'f.reply_times_ms',
      'f.agent',
      'f.tags',
    ])
    .orderBy('c.external_id')
    .execute();
  expect(rows).toEqual([
    {
      external_id: 'reopened',
      run_id: 9,
      first_response_ms: HOUR,
      first_response_business_ms: HOUR,
      unanswered: 0,
      resolution_count: 2,
      reopen_count: 1,
      resolution_ms: 4 * HOUR,
      reply_times_ms: `[${HOUR}]`,
      agent: 'carol',
      tags: '["fees"]',
    },
    {
      external_id: 'waiting',
      run_id: 9,
      first_response_ms: null,
      first_response_business_ms: null,
      unanswered: 1,
      resolution_count: 0,
      reopen_count: 0,
      resolution_ms: null,
      reply_times_ms: '[]',
      agent: null,
      tags: '[]',
    },
    {
      external_id: 'weekend',
      run_id: 9,
      first_response_ms: 65 * HOUR,
      first_response_business_ms: 65 * HOUR,
      unanswered: 0,
      resolution_count: 0,
      reopen_count: 0,
      resolution_ms: null,
      reply_times_ms: `[${65 * HOUR}]`,
      agent: 'alice',
      tags: '[]',
    },
  ]);
});

test('a change of business hours applies to history on the next run', async () => {
  handle = await seededDatabase(conversations);
  await computeResponseFacts(handle, DEFAULT_RESPONSE_TIME_CONFIG, { runId: 1 });
  const config: ResponseTimeConfig = {
    ...DEFAULT_RESPONSE_TIME_CONFIG,
    businessHours: {
      email: { timeZone: 'Europe/Berlin', intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }], holidays: [] },
    },
  };
  await computeResponseFacts(handle, config, { runId: 2 });
  const weekend = await handle.db
    .selectFrom('conversation_facts as f')
    .innerJoin('conversations as c', 'c.id', 'f.conversation_id')
    .select(['f.run_id', 'f.first_response_ms', 'f.first_response_business_ms'])
    .where('c.external_id', '=', 'weekend')
    .orderBy('f.run_id')
    .execute();
  // Each run's facts are filed under it: readers of the first run still see its figures until the second succeeds.
  expect(weekend).toEqual([
    { run_id: 1, first_response_ms: 65 * HOUR, first_response_business_ms: 65 * HOUR },
    { run_id: 2, first_response_ms: 65 * HOUR, first_response_business_ms: HOUR },
  ]);
  const count = await handle.db
    .selectFrom('conversation_facts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', 2)
    .executeTakeFirstOrThrow();
  expect(count.n).toBe(3);
});

test('a failure leaves the previous facts in place', async () => {
  handle = await seededDatabase(conversations);
  await computeResponseFacts(handle, DEFAULT_RESPONSE_TIME_CONFIG, { runId: 1 });
  const broken: ResponseTimeConfig = {
    ...DEFAULT_RESPONSE_TIME_CONFIG,
    businessHours: { chat: { timeZone: 'Not/AZone', intervals: [{ days: ['mon'], start: '09:00', end: '17:00' }], holidays: [] } },
  };
  await expect(computeResponseFacts(handle, broken, { runId: 2 })).rejects.toThrow();
  expect(
    (
      await handle.db
        .selectFrom('conversation_facts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ).toBe(3);
  expect(handle.sqlite?.inTransaction ?? false).toBe(false);
});
