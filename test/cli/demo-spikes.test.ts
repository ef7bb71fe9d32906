import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateDemoData, VOLATILITY_WARMUP_DAYS, type DemoDataSummary } from '../../cli/demo/generate-demo-data.js';
import { listAlerts, type StoredAlert } from '../../analysis/alerts/alert-queries.js';
import { computeAlerts } from '../../analysis/alerts/alerts-store.js';
import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import { loadConfig } from '../../cli/config.js';
import type { Digest } from '../../analysis/alerts/digest.js';
import { CLI, temporaryFolder } from '../helpers.js';
import { openTestLocation, testDatabaseLocation } from '../support/test-database.js';

// The demo is spike detection's acceptance test: the generator plants volatility days (3-5x chat, slower answers,
// extra questions about withdrawals, disputed trades and slow support) and returns those after its warm-up as truth.
const DAY = 86_400_000;
const END = Date.UTC(2026, 11, 6);
const DAYS = 90;
const folder = temporaryFolder();
/** The database: a SQLite file, or on the PostgreSQL pass a PostgreSQL database. */
let db = '';
const config = join(folder.path, 'supportlens.config.json');
let demo: DemoDataSummary;
let alerts: StoredAlert[];
/** Each topic's most frequent demo tag (the generator's topic key). */
const topicKey = new Map<number, string>();

function supportlens(...args: string[]): string {
  const result = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  db = await testDatabaseLocation(join(folder.path, 'demo.db'));
  demo = generateDemoData({ outDir: join(folder.path, 'demo'), days: DAYS, seed: 1, endDate: new Date(END) });
  const firstVolatility = Date.parse(`${demo.volatility[0]!.day}T00:00:00Z`);
  writeFileSync(
    join(folder.path, 'events.jsonl'),
    `${JSON.stringify({ time: new Date(firstVolatility - 2 * 3_600_000).toISOString(), title: 'BTC -12% in an hour', tags: ['market'] })}\n` +
      `${JSON.stringify({ time: new Date(firstVolatility - 10 * DAY).toISOString(), title: 'exchange maintenance' })}\n`,
  );
  writeFileSync(config, JSON.stringify({ alerts: { events: join(folder.path, 'events.jsonl') } }));
  supportlens('ingest', '--db', db, '--quiet', join(folder.path, 'demo'));
  supportlens('analyze', '--db', db, '--quiet', '--config', config);
  const handle = await openTestLocation(db);
  alerts = await listAlerts(handle.db);
  const rows = await handle.db
    .selectFrom('topic_assignments as t')
    .innerJoin('conversations as c', 'c.id', 't.conversation_id')
    .select(['t.topic_id', 'c.tags'])
    .execute();
  await handle.close();
  const counts = new Map<number, Map<string, number>>();
  for (const row of rows) {
    const tag = (JSON.parse(row.tags) as string[])[0] ?? '';
    const perTopic = counts.get(row.topic_id) ?? new Map<string, number>();
    perTopic.set(tag, (perTopic.get(tag) ?? 0) + 1);
    counts.set(row.topic_id, perTopic);
  }
  for (const [topicId, perTopic] of counts) topicKey.set(topicId, [...perTopic].sort((a, b) => b[1] - a[1])[0]![0]);
}, 240_000);
afterAll(() => folder.cleanup());

describe('spikes on the demo, against the planted volatility days', () => {
  test('the demo plants volatility days after the warm-up, with the topics that grow', () => {
    // Seed 1 plants four volatility days; the first is the demo's first day, which has no history to be judged on.
    expect(demo.spikeDays).toHaveLength(4);
    expect(demo.volatility.map((day) => day.day)).toEqual(demo.spikeDays.slice(1));
    const first = END - (DAYS - 1) * DAY + VOLATILITY_WARMUP_DAYS * DAY;
    for (const day of demo.volatility) {
      expect(Date.parse(day.day)).toBeGreaterThanOrEqual(first);
      expect(day.grewTopics).toEqual(['withdrawal-missing', 'disputed-trade', 'slow-support']);
    }
  });

  test('every volatility day is a daily spike of chat and of all channels; no other day has any channel spike or drop', () => {
    const volatility = demo.volatility.map((day) => day.day);
    const dailySpikes = (key: string) => alerts.filter((a) => a.kind === 'spike' && a.granularity === 'day' && a.scopeKey === key).map((a) => a.periodLabel);
    expect(dailySpikes('chat')).toEqual(volatility);
    expect(dailySpikes('all')).toEqual(volatility);
    const channelAlertDays = new Set(alerts.filter((a) => a.scope === 'channel').map((a) => a.periodLabel.slice(0, 10)));
    expect([...channelAlertDays].sort()).toEqual(volatility);
  });

  test('each volatility spike is sized, names the planted topics among those that grew most, and the slower answers', () => {
    for (const day of demo.volatility) {
      const spike = alerts.find((a) => a.alertId === `spike:day:channel:all:${day.day}`)!;
      expect(spike.details.ratio!).toBeGreaterThan(2);
      const named = spike.details.topics.slice(0, 3).map((topic) => topicKey.get(topic.topicId));
      expect(named.filter((key) => day.grewTopics.includes(key!)).length, `${day.day}: ${named.join(', ')}`).toBeGreaterThanOrEqual(2);
      const chat = alerts.find((a) => a.alertId === `spike:day:channel:chat:${day.day}`)!;
      expect(chat.details.firstResponse.medianMs!).toBeGreaterThan(2 * chat.details.firstResponse.baselineMedianMs!);
      expect(chat.details.withinTarget.share!).toBeLessThan(chat.details.withinTarget.baselineShare! - 0.3);
    }
  });

  test('a spike near an event names it; an event days away is not named', () => {
    const first = alerts.find((a) => a.alertId === `spike:day:channel:all:${demo.volatility[0]!.day}`)!;
    expect(first.details.events.map((event) => event.title)).toEqual(['BTC -12% in an hour']);
  });

  test('the digest of a volatility day names the topics that grew, its spike and its event', () => {
    const day = demo.volatility[0]!;
    const digest = JSON.parse(
      supportlens('digest', '--db', db, '--config', config, '--period', 'day', '--as-of', day.day, '--format', 'json', '--dry-run'),
    ) as Digest;
    expect(digest.window.label).toBe(day.day);
    expect(digest.spikes.some((alert) => alert.alertId === `spike:day:channel:chat:${day.day}`)).toBe(true);
    const grew = digest.topicsGrew.slice(0, 3).map((topic) => topicKey.get(topic.topicId));
    expect(grew.filter((key) => day.grewTopics.includes(key!)).length, grew.join(', ')).toBeGreaterThanOrEqual(2);
    expect(digest.events.map((event) => event.title)).toEqual(['BTC -12% in an hour']);
    const text = supportlens('digest', '--db', db, '--config', config, '--period', 'day', '--as-of', day.day, '--dry-run');
    expect(text).toContain(`Support digest: day ${day.day} (UTC)`);
    expect(text).toContain(`spike chat ${day.day}: `);
    expect(text).toContain('near: "BTC -12% in an hour"');
  });
});

test('the conversations are read in pages: pages of 97 give the same alerts as one page', async () => {
  const handle = await openTestLocation(db);
  try {
    const { alerts: settings, responseTimes } = await loadConfig(config);
    const analysisRunId = (await findLatestSucceededAnalysisRunId(handle.db))!;
    const asOf = END + DAY;
    await computeAlerts(handle, { settings, responseTimes }, { analysisRunId, asOf, pageRows: 1_000_000 });
    const whole = await listAlerts(handle.db);
    const paged = await computeAlerts(handle, { settings, responseTimes }, { analysisRunId, asOf, pageRows: 97 });
    expect(paged.spikes).toBeGreaterThan(0);
    expect(await listAlerts(handle.db)).toEqual(whole);
  } finally {
    await handle.close();
  }
});
