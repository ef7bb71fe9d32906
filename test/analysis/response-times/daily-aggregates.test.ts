import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { packValues, unpackValues } from '../../../analysis/response-times/daily-aggregates.js';
import { parseRangeBound } from '../../../analysis/conversation-filter.js';
import { mulberry32 } from '../../../analysis/topics/seeded-random.js';
import { computeResponseFacts } from '../../../analysis/response-times/response-facts-store.js';
import { insertSucceededAnalysisRun } from '../../helpers.js';
import { DEFAULT_RESPONSE_TIME_CONFIG, type ResponseTimeConfig } from '../../../analysis/response-times/response-time-config.js';
import { getResponseTimeReport, type ResponseTimeGroupBy } from '../../../analysis/response-times/response-time-queries.js';
import { seededDatabase, type SeedConversation, type SeedMessage } from './seed-conversations.js';

const ZONE = 'America/New_York';
const config: ResponseTimeConfig = {
  reportingTimeZone: ZONE,
  businessHours: {
    email: { timeZone: ZONE, intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }], holidays: ['2026-03-10'] },
    chat: {
      timeZone: 'Europe/Berlin',
      intervals: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '08:00', end: '12:00' },
        { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '13:00', end: '20:00' },
      ],
      holidays: [],
    },
  },
  targets: {
    ...DEFAULT_RESPONSE_TIME_CONFIG.targets,
    email: { firstResponseMs: 8 * 3_600_000, resolutionMs: 48 * 3_600_000, basis: 'business' },
    chat: { firstResponseMs: 5 * 60_000, resolutionMs: 3_600_000, basis: 'calendar' },
  },
};

const random = mulberry32;

/** Random conversations over three weeks around the March 2026 change in New York. */
function randomConversations(count: number): SeedConversation[] {
  const next = random(7);
  const start = Date.parse('2026-02-28T00:00:00Z');
  return Array.from({ length: count }, (_, index) => {
    let clock = start + Math.floor(next() * 21 * 86_400_000);
    const iso = (): string => new Date(clock).toISOString();
    const messages: SeedMessage[] = [{ role: 'customer', at: iso() }];
    const turns = Math.floor(next() * 4);
    for (let turn = 0; turn < turns; turn += 1) {
      clock += Math.floor(next() * 8 * 3_600_000);
      messages.push({ role: next() < 0.2 ? 'bot' : 'agent', at: iso(), internal: next() < 0.1 });
      clock += Math.floor(next() * 3_600_000);
      messages.push({ role: 'customer', at: iso() });
    }
    const resolved = next() < 0.6;
    return {
      id: `r${index}`,
      channel: next() < 0.5 ? 'chat' : next() < 0.8 ? 'email' : 'sms',
      messages,
      ...(resolved ? { resolvedAt: new Date(clock + 60_000).toISOString() } : {}),
      ...(resolved && next() < 0.3 ? { events: [{ kind: 'reopened' as const, at: new Date(clock + 120_000).toISOString() }] } : {}),
    };
  });
}

let handle: TestDatabase;
beforeAll(async () => {
  handle = await seededDatabase(randomConversations(400));
  await computeResponseFacts(handle, config, { runId: await insertSucceededAnalysisRun(handle) });
});
afterAll(async () => {
  await handle.close();
});

test('packs and unpacks float64 values', () => {
  expect([...unpackValues(packValues([0, 1.5, 1e15, -3]))]).toEqual([0, 1.5, 1e15, -3]);
});

const groupings: (ResponseTimeGroupBy | null)[] = [null, 'day', 'week', 'month', 'channel'];
test.each(groupings.flatMap((groupBy) => [false, true].map((businessHours) => ({ groupBy, businessHours }))))(
  'the per-day aggregates give exactly the report the facts give: group by $groupBy, business hours $businessHours',
  async ({ groupBy, businessHours }) => {
    const asOf = Date.parse('2026-03-25T12:00:00Z');
    const filters = [{}, { from: parseRangeBound('2026-03-05', 'from', ZONE)!, to: parseRangeBound('2026-03-12', 'to', ZONE)!, channels: ['email', 'sms'] }];
    for (const filter of filters) {
      const fromAggregates = await getResponseTimeReport(handle.db, filter, { config, asOf, businessHours }, groupBy);
      const fromFacts = await getResponseTimeReport(handle.db, filter, { config, asOf, businessHours, source: 'facts' }, groupBy);
      expect(fromAggregates.total.conversations).toBeGreaterThan(0);
      expect([fromAggregates.source, fromFacts.source]).toEqual(['daily', 'facts']);
      expect({ ...fromAggregates, source: 'facts' }).toEqual(fromFacts);
    }
  },
);

test('a report in another zone than the analysis, or over part of a day, reads the facts and stays right', async () => {
  const asOf = Date.parse('2026-03-25T12:00:00Z');
  const other = { ...config, reportingTimeZone: 'Asia/Tokyo' };
  const byDay = await getResponseTimeReport(handle.db, {}, { config: other, asOf }, 'day');
  const facts = await getResponseTimeReport(handle.db, {}, { config: other, asOf, source: 'facts' }, 'day');
  expect(byDay.source).toBe('facts');
  expect(byDay).toEqual(facts);
  const partial = { from: Date.parse('2026-03-05T12:00:00Z'), to: Date.parse('2026-03-06T12:00:00Z') };
  expect(await getResponseTimeReport(handle.db, partial, { config, asOf }, 'channel')).toEqual(
    await getResponseTimeReport(handle.db, partial, { config, asOf, source: 'facts' }, 'channel'),
  );
});
