import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../support/test-database.js';
import { buildApp } from '../../dashboard/build-app.js';
import { DEFAULT_RESPONSE_TIME_CONFIG } from '../../analysis/response-times/response-time-config.js';
import { insertSucceededAnalysisRun, memoryDatabase } from '../helpers.js';

let handle: TestDatabase;
let app: FastifyInstance;

const alert = (runId: number, scopeKey: string, day: string, events: { id: string; title: string; startsAt: number; endsAt: null }[] = []) => ({
  analysis_run_id: runId,
  alert_id: `spike:day:channel:${scopeKey}:${day}`,
  kind: 'spike' as const,
  granularity: 'day' as const,
  scope: 'channel' as const,
  scope_key: scopeKey,
  scope_label: scopeKey === 'all' ? 'all channels' : scopeKey,
  period_start: Date.parse(`${day}T00:00:00Z`),
  period_end: Date.parse(`${day}T00:00:00Z`) + 86_400_000,
  period_label: day,
  observed: 187,
  baseline: 40,
  score: 21,
  details: JSON.stringify({
    ratio: 4.675,
    historyWeeks: 8,
    topics: [],
    firstResponse: { medianMs: null, baselineMedianMs: null },
    withinTarget: { share: null, baselineShare: null, judged: 0 },
    events,
  }),
});

beforeAll(async () => {
  handle = await memoryDatabase();
  const runId = await insertSucceededAnalysisRun(handle);
  const btc = { id: 'btc', title: 'BTC -12% in an hour <b>', startsAt: Date.parse('2026-03-10T07:00:00Z'), endsAt: null };
  await handle.db
    .insertInto('alerts')
    .values([alert(runId, 'all', '2026-03-10', [btc]), alert(runId, 'chat', '2026-03-10'), alert(runId, 'all', '2026-02-01')])
    .execute();
  await handle.db
    .insertInto('events')
    .values({ id: 'btc', starts_at: btc.startsAt, ends_at: null, title: btc.title, tags: '[]', source_path: 'events.jsonl', line: 1 })
    .execute();
  app = await buildApp({ db: handle.db, responseTimes: DEFAULT_RESPONSE_TIME_CONFIG, now: () => Date.parse('2026-04-01T12:00:00Z') });
});

afterAll(async () => {
  await app.close();
  await handle.close();
});

test('GET /api/annotations: the daily spikes of all channels (or the filtered one) and the events in the range, by day', async () => {
  const all = await app.inject('/api/annotations?from=2026-03-01&to=2026-03-31');
  expect(all.statusCode).toBe(200);
  expect(all.json()).toEqual({
    annotations: [
      { day: '2026-03-10', kind: 'spike', text: 'Spike all channels: 187 conversations, 4.7x the usual 40; near "BTC -12% in an hour <b>"' },
      { day: '2026-03-10', kind: 'event', text: 'BTC -12% in an hour <b>' },
    ],
  });
  const chat = await app.inject('/api/annotations?from=2026-03-01&to=2026-03-31&channel=chat');
  expect(chat.json().annotations.map((mark: { text: string }) => mark.text)).toEqual([
    'Spike chat: 187 conversations, 4.7x the usual 40',
    'BTC -12% in an hour <b>',
  ]);
  expect((await app.inject('/api/annotations?from=2026-03-31&to=2026-03-01')).statusCode).toBe(400);
});

test('the overview page has the list the script fills with text', async () => {
  const page = await app.inject('/?from=2026-03-01&to=2026-03-31');
  expect(page.body).toContain('<ul id="annotations"></ul>');
});
