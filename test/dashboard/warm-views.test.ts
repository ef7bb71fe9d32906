import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { buildApp } from '../../dashboard/build-app.js';
import { runAnalysis } from '../../cli/commands/analyze-command.js';
import { temporaryFolder } from '../helpers.js';
import { config, seedDashboardDatabase } from './dashboard-db.js';

const NOW = Date.parse('2026-04-01T12:00:00Z');

let folder: ReturnType<typeof temporaryFolder>;
let handle: TestDatabase & { location: string };

beforeAll(async () => {
  folder = temporaryFolder('supportlens-warm-views-');
  handle = await seedDashboardDatabase(folder.path);
}, 180_000);

afterAll(async () => {
  await handle?.close();
  folder?.cleanup();
});

test('after each analysis the default views are prepared, with and without their days named', async () => {
  const ready: string[] = [];
  let announce: (() => void) | undefined;
  const app = await buildApp({
    db: handle.db,
    responseTimes: config.responseTimes,
    now: () => NOW,
    viewsPollMs: 50,
    onViewsReady: ({ analysis }) => {
      ready.push(analysis);
      announce?.();
    },
  });
  const next = () => new Promise<void>((resolve) => (announce = resolve));
  try {
    const first = next();
    await app.ready();
    await first;
    expect(ready).toHaveLength(1);
    const topics = (await app.inject('/api/topics')).json();
    expect(topics.topics.length).toBeGreaterThan(0);
    const days = `from=${topics.range.from}&to=${topics.range.to}`;

    // The answers come from what was prepared: the topics taken out of the store beneath them do not show.
    const runId = Number(ready[0]);
    await handle.db.deleteFrom('topic_assignments').where('analysis_run_id', '=', runId).execute();
    expect((await app.inject('/api/topics')).json()).toEqual(topics);
    expect((await app.inject(`/api/topics?${days}`)).json()).toEqual(topics);
    for (const path of ['/api/overview', '/api/peak-times', '/api/faq-gaps', '/api/agents', '/api/conversations']) {
      expect((await app.inject(`${path}?${days}`)).json(), path).toEqual((await app.inject(path)).json());
    }

    // Paging through more list pages than the cache holds answers does not push the prepared views out.
    for (let page = 0; page < 600; page++) await app.inject(`/api/conversations?sort=oldest&after=${page}:${page}`);
    expect((await app.inject(`/api/topics?${days}`)).json()).toEqual(topics);

    // A new analysis is prepared in turn (its topics are back).
    const prepared = next();
    const analysis = await runAnalysis(handle, config);
    await prepared;
    expect(ready).toEqual([String(runId), String(analysis.runId)]);
    expect((await app.inject('/api/topics')).json().topics.length).toBe(topics.topics.length);
  } finally {
    await app.close();
  }
}, 180_000);
