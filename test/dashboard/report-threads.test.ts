import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { buildApp } from '../../dashboard/build-app.js';
import { temporaryFolder } from '../helpers.js';
import { config, seedDashboardDatabase } from './dashboard-db.js';

const NOW = Date.parse('2026-04-01T12:00:00Z');
const RANGE = 'from=2026-03-04&to=2026-03-31';

let folder: ReturnType<typeof temporaryFolder>;
let handle: TestDatabase & { location: string };
let threaded: FastifyInstance;
let inPlace: FastifyInstance;

beforeAll(async () => {
  folder = temporaryFolder('supportlens-report-threads-');
  handle = await seedDashboardDatabase(folder.path);
  // No cache: every analytics request is a cold one.
  const deps = { db: handle.db, responseTimes: config.responseTimes, now: () => NOW, cacheTtlMs: 0 };
  threaded = await buildApp({ ...deps, databasePath: handle.location });
  inPlace = await buildApp(deps);
}, 120_000);

afterAll(async () => {
  await threaded?.close();
  await inPlace?.close();
  await handle?.close();
  folder?.cleanup();
});

/**
 * Cold topics and FAQ-gaps reports and, meanwhile, /api/runs asked again and again, one after the other: the order in
 * which they finish. Where a report is computed in the server's thread, each runs request waits for the report's
 * synchronous work, and the reports finish while the runs requests are still coming.
 */
async function finishingOrder(app: FastifyInstance): Promise<string[]> {
  const finished: string[] = [];
  const heavy = [`/api/faq-gaps?${RANGE}`, `/api/topics?${RANGE}`, '/api/faq-gaps?from=2026-03-10&to=2026-03-31'].map((url) =>
    app.inject(url).then((res) => {
      expect(res.statusCode).toBe(200);
      finished.push('report');
    }),
  );
  for (let i = 0; i < RUNS_REQUESTS; i++) {
    const res = await app.inject('/api/runs');
    expect(res.statusCode).toBe(200);
    finished.push('runs');
  }
  await Promise.all(heavy);
  return finished;
}
const RUNS_REQUESTS = 10;

test('while cold topics and FAQ-gaps reports are computed, /api/runs answers at once, again and again: it waits for no computation', async () => {
  expect(await finishingOrder(threaded)).toEqual([...Array<string>(RUNS_REQUESTS).fill('runs'), 'report', 'report', 'report']);
});

test.each(['/api/overview', '/api/peak-times', '/api/topics', '/api/faq-gaps', '/api/faq-gaps/download?format=csv&'].map((route) => [route]))(
  '%s: the answer computed in a thread is the one computed in place',
  async (route) => {
    const url = `${route}${route.includes('?') ? '' : '?'}${RANGE}`;
    const [fromThread, fromHere] = await Promise.all([threaded.inject(url), inPlace.inject(url)]);
    expect(fromThread.statusCode).toBe(200);
    expect(fromThread.headers['content-type']).toBe(fromHere.headers['content-type']);
    expect(fromThread.body).toBe(fromHere.body);
  },
);

test('a bad range found in a thread is still a 400 with its message', async () => {
  const res = await threaded.inject('/api/topics?from=2026-03-20&to=2026-03-01');
  expect(res.statusCode).toBe(400);
  expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('"2026-03-20" is after to "2026-03-01"') });
});
