import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { getConversationList, type DashboardContext } from '../../dashboard/dashboard-data.js';
import { ResponseCache } from '../../dashboard/response-cache.js';
import { runAnalysis } from '../../cli/commands/analyze-command.js';
import { temporaryFolder } from '../helpers.js';
import { config, SEED_END_DAY, seedDashboardDatabase } from './dashboard-db.js';

const NOW = Date.parse('2026-04-01T12:00:00Z');
const RANGE = { from: '2026-03-04', to: SEED_END_DAY };

let folder: ReturnType<typeof temporaryFolder>;
let handle: TestDatabase & { location: string };

beforeAll(async () => {
  folder = temporaryFolder('supportlens-list-totals-');
  handle = await seedDashboardDatabase(folder.path);
}, 180_000);

afterAll(async () => {
  await handle?.close();
  folder?.cleanup();
});

test("every page of a list shares the list's total; another filter or a new analysis counts again", async () => {
  const totals = new ResponseCache(60_000, 500, () => NOW);
  const cachedContext: DashboardContext = { db: handle.db, responseTimes: config.responseTimes, now: () => NOW, listTotals: totals };
  const plainContext: DashboardContext = { db: handle.db, responseTimes: config.responseTimes, now: () => NOW };

  const first = await getConversationList(cachedContext, { ...RANGE, sort: 'slowest' });
  expect(first.next).not.toBeNull();
  expect(first.total).toBe((await getConversationList(plainContext, { ...RANGE, sort: 'slowest' })).total);
  const second = await getConversationList(cachedContext, { ...RANGE, sort: 'slowest', after: first.next! });
  const newest = await getConversationList(cachedContext, { ...RANGE, sort: 'newest' });
  expect(second.total).toBe(first.total);
  expect(newest.total).toBe(first.total);
  expect(second.rows[0]!.id).not.toBe(first.rows[0]!.id);
  expect(totals.size).toBe(1);

  const chat = await getConversationList(cachedContext, { ...RANGE, channel: 'chat' });
  expect(totals.size).toBe(2);
  expect(chat.total).toBe((await getConversationList(plainContext, { ...RANGE, channel: 'chat' })).total);
  expect(chat.total).toBeLessThan(first.total);

  // A conversation gone from the store disappears from the next analysis: its lists are counted again.
  const gone = first.rows[0]!.id;
  await handle.db.deleteFrom('conversations').where('id', '=', gone).execute();
  const analysis = await runAnalysis(handle, config);
  expect(analysis.status).toBe('succeeded');
  const after = await getConversationList(cachedContext, { ...RANGE, sort: 'slowest' });
  expect(totals.size).toBe(3);
  expect(after.total).toBe(first.total - 1);
}, 180_000);
