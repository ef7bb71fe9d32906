import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { summarizeDurations } from '../../../analysis/response-times/duration-statistics.js';
import { parseRangeBound } from '../../../analysis/conversation-filter.js';
import { computeResponseFacts } from '../../../analysis/response-times/response-facts-store.js';
import { DEFAULT_RESPONSE_TIME_CONFIG, type ResponseTimeConfig } from '../../../analysis/response-times/response-time-config.js';
import {
  getResponseTimeHeatmap,
  getResponseTimeReport,
  listResponseTimeBreaches,
  type ResponseTimeQueryOptions,
} from '../../../analysis/response-times/response-time-queries.js';
import { seededDatabase, type SeedConversation } from './seed-conversations.js';
import { insertSucceededAnalysisRun } from '../../helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SHANGHAI = 'Asia/Shanghai'; // UTC+8, no daylight saving

// Shanghai local times in the comments.
const conversations: SeedConversation[] = [
  // Mon 23:50 -> Tue 00:10: spans midnight, belongs to Monday (its start)
  {
    id: 'c1',
    tags: ['fees', 'deposit'],
    messages: [
      { role: 'customer', at: '2026-03-02T15:50:00Z' },
      { role: 'agent', at: '2026-03-02T16:10:00Z' },
    ],
  },
  // Tue 00:30: Monday in UTC, Tuesday in Shanghai
  {
    id: 'c2',
    tags: ['fees'],
    messages: [
      { role: 'customer', at: '2026-03-02T16:30:00Z' },
      { role: 'agent', at: '2026-03-02T16:32:00Z' },
    ],
  },
  {
    id: 'c3',
    messages: [
      { role: 'customer', at: '2026-03-03T02:00:00Z' },
      { role: 'agent', at: '2026-03-03T02:10:00Z', author: 'bob' },
    ],
  },
  {
    id: 'c4',
    channel: 'email',
    messages: [
      { role: 'customer', at: '2026-03-03T03:00:00Z' },
      { role: 'agent', at: '2026-03-04T05:00:00Z' },
    ],
  },
  { id: 'c5', messages: [{ role: 'customer', at: '2026-03-03T04:00:00Z' }] },
];
const config: ResponseTimeConfig = { ...DEFAULT_RESPONSE_TIME_CONFIG, reportingTimeZone: SHANGHAI };
const options: ResponseTimeQueryOptions = { config, asOf: Date.parse('2026-03-03T06:00:00Z') };

let handle: TestDatabase;
beforeEach(async () => {
  handle = await seededDatabase(conversations);
  await computeResponseFacts(handle, config, { runId: await insertSucceededAnalysisRun(handle) });
});
afterEach(async () => {
  await handle.close();
});

describe('getResponseTimeReport', () => {
  test('days are days of the reporting time zone; a conversation spanning midnight counts on its start day', async () => {
    const report = await getResponseTimeReport(handle.db, {}, options, 'day');
    expect(report.groups.map((group) => [group.key, group.conversations, group.answered, group.unanswered])).toEqual([
      ['2026-03-02', 1, 1, 0],
      ['2026-03-03', 4, 3, 1],
    ]);
    expect(report.groups[0]!.firstResponse).toMatchObject({ count: 1, median: 20 * MINUTE });
    expect(report.groups[1]!.oldestUnansweredAgeMs).toBe(2 * HOUR);
    expect(report.groups[1]!.waiting).toBe(1);
  });

  test('totals are exact over all conversations, not averages of the daily figures', async () => {
    const report = await getResponseTimeReport(handle.db, {}, options, 'day');
    const all = [20 * MINUTE, 2 * MINUTE, 10 * MINUTE, 26 * HOUR];
    expect(report.total.firstResponse).toEqual(summarizeDurations(all));
    expect(report.total.firstResponse.mean).toBe(((20 + 2 + 10 + 26 * 60) * MINUTE) / 4);
    const averageOfDailyMeans = (report.groups[0]!.firstResponse.mean! + report.groups[1]!.firstResponse.mean!) / 2;
    expect(report.total.firstResponse.mean).not.toBe(averageOfDailyMeans);
  });

  test('by channel, with target shares (chat 5 minutes, email 24 hours; an overdue unanswered chat is a breach)', async () => {
    const report = await getResponseTimeReport(handle.db, {}, options, 'channel');
    const chat = report.groups.find((group) => group.key === 'chat')!;
    const email = report.groups.find((group) => group.key === 'email')!;
    expect(chat).toMatchObject({ conversations: 4, answered: 3, unanswered: 1, firstResponseTarget: { met: 1, breached: 3, pending: 0, share: 0.25 } });
    expect(email).toMatchObject({ conversations: 1, answered: 1, firstResponseTarget: { met: 0, breached: 1, share: 0 } });
    expect(chat.reply).toMatchObject({ count: 3, median: 10 * MINUTE });
  });

  test.each([
    ['week', [['2026-03-02', 5]]],
    ['month', [['2026-03', 5]]],
    [
      'tag',
      [
        ['(none)', 3],
        ['fees', 2],
        ['deposit', 1],
      ],
    ],
    [
      'agent',
      [
        ['alice', 3],
        ['(none)', 1],
        ['bob', 1],
      ],
    ],
  ] as const)('by %s', async (groupBy, expected) => {
    const report = await getResponseTimeReport(handle.db, {}, options, groupBy);
    expect(report.groups.map((group) => [group.key, group.conversations])).toEqual(expected);
  });

  test('by team: the team stored on each conversation, "(none)" without one; exact figures per team', async () => {
    for (const [id, team] of [
      ['c1', 'Billing'],
      ['c2', 'Billing'],
      ['c4', 'Email desk'],
    ] as const) {
      await handle.db.updateTable('conversations').set({ team }).where('external_id', '=', id).execute();
    }
    const report = await getResponseTimeReport(handle.db, {}, options, 'team');
    expect(report.source).toBe('facts');
    expect(report.groups.map((group) => [group.key, group.conversations, group.answered])).toEqual([
      ['(none)', 2, 1],
      ['Billing', 2, 2],
      ['Email desk', 1, 1],
    ]);
    expect(report.groups.find((group) => group.key === 'Billing')!.firstResponse).toEqual(summarizeDurations([20 * MINUTE, 2 * MINUTE]));
    const chatOnly = await getResponseTimeReport(handle.db, { channels: ['chat'] }, options, 'team');
    expect(chatOnly.groups.map((group) => group.key)).toEqual(['(none)', 'Billing']);
  });

  test('a date range is whole days in the reporting zone; channels filter', async () => {
    const from = parseRangeBound('2026-03-03', 'from', SHANGHAI)!;
    const to = parseRangeBound('2026-03-03', 'to', SHANGHAI)!;
    expect([from, to]).toEqual([Date.parse('2026-03-02T16:00:00Z'), Date.parse('2026-03-03T16:00:00Z')]);
    expect((await getResponseTimeReport(handle.db, { from, to }, options)).total.conversations).toBe(4);
    expect((await getResponseTimeReport(handle.db, { from, to, channels: ['chat'] }, options)).total.conversations).toBe(3);
  });

  test('an unanswered conversation still within its target is pending, not breached', async () => {
    const early = { ...options, asOf: Date.parse('2026-03-03T04:03:00Z') };
    const report = await getResponseTimeReport(handle.db, { channels: ['chat'] }, early);
    expect(report.total.firstResponseTarget).toEqual({ met: 1, breached: 2, pending: 1, share: 1 / 3 });
    expect(report.total.oldestUnansweredAgeMs).toBe(3 * MINUTE);
  });
});

test('heatmap: weekday x hour of the start in the reporting zone, with median first response', async () => {
  const cells = await getResponseTimeHeatmap(handle.db, {}, options);
  expect(cells).toHaveLength(7 * 24);
  const nonEmpty = cells.filter((cell) => cell.conversations > 0).map((cell) => [cell.weekday, cell.hour, cell.conversations, cell.medianFirstResponseMs]);
  expect(nonEmpty).toEqual([
    [1, 23, 1, 20 * MINUTE],
    [2, 0, 1, 2 * MINUTE],
    [2, 10, 1, 10 * MINUTE],
    [2, 11, 1, 26 * HOUR],
    [2, 12, 1, null],
  ]);
  // without business hours configured, business time is calendar time
  expect(await getResponseTimeHeatmap(handle.db, {}, { ...options, businessHours: true })).toEqual(cells);
});

test('breaches: late and still waiting, largest overshoot first, with the ids the source gave', async () => {
  const breaches = await listResponseTimeBreaches(handle.db, {}, options);
  expect(breaches.map((breach) => [breach.externalId, breach.kind, breach.status, breach.durationMs, breach.targetMs])).toEqual([
    ['c4', 'first_response', 'late', 26 * HOUR, 24 * HOUR],
    ['c5', 'first_response', 'waiting', 2 * HOUR, 5 * MINUTE],
    ['c1', 'first_response', 'late', 20 * MINUTE, 5 * MINUTE],
    ['c3', 'first_response', 'late', 10 * MINUTE, 5 * MINUTE],
  ]);
});
