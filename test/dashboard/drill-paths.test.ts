import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestDatabase } from '../support/test-database.js';
import { buildApp } from '../../dashboard/build-app.js';
import { exportConversations } from '../../analysis/export/conversation-export.js';
import { conversationColumns } from '../../analysis/export/conversation-columns.js';
import { responseTimeColumns } from '../../analysis/response-times/response-time-columns.js';
import { temporaryFolder } from '../helpers.js';
import { config, seedDashboardDatabase } from './dashboard-db.js';

/** Debian's chromium, as the other browser tests use; never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const NOW = Date.parse('2026-04-01T12:00:00Z');
const RANGE = 'from=2026-03-04&to=2026-03-31';

let folder: ReturnType<typeof temporaryFolder>;
let profile: string;
let handle: TestDatabase & { location: string };
let app: FastifyInstance;
let browser: BrowserContext;
let base: string;
/** `supportlens export` of every conversation, by its id. */
const exported = new Map<string, Record<string, unknown>>();

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${base}${path}`);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 15_000 });
  return { page, errors };
}

/** Clicks a link that leads to a list, and returns the number it showed and the list's count. */
async function followToList(page: Page, selector: string): Promise<{ clicked: number; listed: number }> {
  const link = page.locator(selector).first();
  const clicked = Number(await link.textContent());
  await Promise.all([page.waitForURL(/\/conversations\?/), link.click()]);
  return { clicked, listed: await listTotal(page) };
}

async function listTotal(page: Page): Promise<number> {
  await page.waitForSelector('body[data-charts-drawn]');
  return Number(await page.getAttribute('#list-summary', 'data-total'));
}

/** Opens the list's first conversation and checks that the facts it shows are the export's. */
async function openFirstConversationAndCompare(page: Page): Promise<void> {
  const link = page.locator('a.conversation-link').first();
  const id = await link.textContent();
  await Promise.all([page.waitForURL(/\/conversations\/\d+$/), link.click()]);
  await page.waitForSelector('body[data-charts-drawn]');
  const row = exported.get(id!)!;
  expect(row, `conversation ${id} is in the export`).toBeDefined();
  const fact = (name: string) => page.textContent(`[data-fact="${name}"]`);
  expect(await fact('channel')).toBe(row['channel']);
  expect(await fact('source')).toBe(row['source']);
  expect(await fact('agent')).toBe(row['agent'] ?? '\u2014');
  expect(await fact('start')).toBe(`${(row['start_at'] as string).replace('T', ' ').slice(0, 19)} UTC`);
  expect(await fact('replies')).toBe(String(row['reply_count']));
  const firstResponse = row['first_response_ms'] as number | null;
  if (firstResponse !== null) {
    const expected = await page.evaluate((ms) => (globalThis as any).SupportlensCharts.formatDuration(ms), firstResponse);
    expect(await fact('first-response')).toBe(expected);
  } else {
    expect(await fact('first-response')).toMatch(/^unanswered for /);
  }
  expect(await page.locator('#conversation-transcript li').count()).toBeGreaterThan(0);
}

describe.skipIf(!HAVE_CHROMIUM)('drill paths in chromium: from a number to its conversations and to one of them', () => {
  beforeAll(async () => {
    folder = temporaryFolder('supportlens-drill-');
    handle = await seedDashboardDatabase(folder.path);
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    await exportConversations(handle, { providers: [conversationColumns, responseTimeColumns], format: 'jsonl', filter: {}, out });
    for (const line of chunks.join('').trim().split('\n')) {
      const row = JSON.parse(line) as Record<string, unknown>;
      exported.set(row['conversation_id'] as string, row);
    }
    app = await buildApp({ db: handle.db, responseTimes: config.responseTimes, now: () => NOW });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    profile = mkdtempSync(join(tmpdir(), 'supportlens-chromium-'));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await handle?.close();
    folder?.cleanup();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test.each([
    ['a channel row', '#channel-table tbody tr:first-child td:nth-child(2) a'],
    ['an unanswered count', '#channel-table tbody tr td:nth-child(3) a:not(:text-is("0"))'],
    ['a breach count', '#channel-table tbody tr td:nth-child(8) a:not(:text-is("0"))'],
    ['the total of a channel card', '.channel-cards .figure a'],
  ])('overview: %s', async (_name, selector) => {
    const { page, errors } = await open(`/?${RANGE}`);
    const { clicked, listed } = await followToList(page, selector);
    expect(clicked).toBeGreaterThan(0);
    expect(listed).toBe(clicked);
    await openFirstConversationAndCompare(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('overview: a day bar', async () => {
    const { page, errors } = await open(`/?${RANGE}`);
    const bar = await page.evaluate(() => {
      const chart = (globalThis as any).Chart.getChart('chart-volume');
      const meta = chart.getDatasetMeta(0);
      let best = 0;
      chart.data.datasets[0].data.forEach((value: number, index: number) => {
        if (value > chart.data.datasets[0].data[best]) best = index;
      });
      const element = meta.data[best];
      return { x: element.x, y: (element.y + element.base) / 2, value: chart.data.datasets[0].data[best] as number };
    });
    await Promise.all([page.waitForURL(/\/conversations\?/), page.locator('#chart-volume').click({ position: { x: bar.x, y: bar.y } })]);
    expect(await listTotal(page)).toBe(bar.value);
    await openFirstConversationAndCompare(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('peak times: a heatmap cell', async () => {
    const { page } = await open(`/peak-times?${RANGE}`);
    const { clicked, listed } = await followToList(page, '#heatmap-volume td.cell a');
    expect(listed).toBe(clicked);
    await openFirstConversationAndCompare(page);
    await page.close();
  });

  test('topics: a topic', async () => {
    const { page } = await open(`/topics?${RANGE}`);
    const { clicked, listed } = await followToList(page, '#topic-table tbody tr td:nth-child(3) a');
    expect(listed).toBe(clicked);
    await openFirstConversationAndCompare(page);
    await page.close();
  });

  test('FAQ gaps: a finding', async () => {
    const { page } = await open(`/faq-gaps?${RANGE}`);
    const { clicked, listed } = await followToList(page, '#finding-table tbody td:nth-child(7) a');
    expect(listed).toBe(clicked);
    await openFirstConversationAndCompare(page);
    await page.close();
  });

  test('agents: an agent and a team', async () => {
    for (const table of ['#agent-table', '#team-table']) {
      const { page } = await open(`/agents?${RANGE}`);
      const { clicked, listed } = await followToList(page, `${table} tbody td:nth-child(3) a`);
      expect(listed).toBe(clicked);
      await openFirstConversationAndCompare(page);
      await page.close();
    }
  });

  test('the list: sorting and the CSV link keep the filter', async () => {
    const { page } = await open(`/conversations?${RANGE}&channel=chat&sort=slowest`);
    const href = await page.getAttribute('#download-csv', 'href');
    expect(href).toBe(`/api/conversations.csv?${RANGE}&channel=chat&sort=slowest`);
    expect(await page.inputValue('select[name="sort"]')).toBe('slowest');
    await page.close();
  });
});
