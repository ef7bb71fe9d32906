import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestDatabase } from '../support/test-database.js';
import { buildApp } from '../../dashboard/build-app.js';
import { ROOT, temporaryFolder } from '../helpers.js';
import { config, HOSTILE_BODIES, seedDashboardDatabase } from './dashboard-db.js';

/** Debian's chromium; `.ci/run` installs it. Never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium; CI installs it)`);

// CI installs chromium (.ci/run): there a missing browser is a failure, never a skip.
test.runIf(!HAVE_CHROMIUM && process.env.CI !== undefined)('chromium is installed in CI', () => {
  expect(existsSync(CHROMIUM)).toBe(true);
});

const SCREENSHOTS = join(ROOT, 'test/.tmp/screenshots');
const NOW = Date.parse('2026-04-01T12:00:00Z');
const RANGE = 'from=2026-03-04&to=2026-03-31';
/**
 * A sanity bound on "charts drawn" (from navigation start) while the whole suite runs in parallel on a shared
 * machine; the 1.5 s target of issue 7 is measured by `npm run bench:dashboard` on an idle machine.
 */
const DRAWN_WITHIN_MS = 5000;

let folder: ReturnType<typeof temporaryFolder>;
let profile: string;
let handle: TestDatabase & { location: string };
let app: FastifyInstance;
let browser: BrowserContext;
let base: string;

interface PageProblems {
  errors: string[];
  dialogs: string[];
}

/** Opens a URL, collecting console errors, page errors, failed requests and dialogs (an alert() means a script ran). */
async function open(url: string): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage();
  const problems: PageProblems = { errors: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(message.text());
  });
  page.on('pageerror', (error) => problems.errors.push(String(error)));
  page.on('requestfailed', (request) => problems.errors.push(`request failed: ${request.url()}`));
  page.on('dialog', (dialog) => {
    problems.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${base}${url}`);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 10_000 });
  return { page, problems };
}

async function api(path: string): Promise<any> {
  // The same Host the browser sends: the server answers only requests that name it.
  const res = await app.inject({ url: path, headers: { host: new URL(base).host } });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function chartData(page: Page, id: string): Promise<{ labels: string[]; datasets: { label: string; data: (number | null)[] }[] }> {
  return page.evaluate((canvasId) => {
    const chart = (globalThis as any).Chart.getChart(canvasId);
    return { labels: chart.data.labels, datasets: chart.data.datasets.map((d: any) => ({ label: d.label, data: d.data })) };
  }, id);
}

describe.skipIf(!HAVE_CHROMIUM)('dashboard in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    folder = temporaryFolder('supportlens-browser-');
    handle = await seedDashboardDatabase(folder.path);
    app = await buildApp({ db: handle.db, responseTimes: config.responseTimes, now: () => NOW });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    profile = mkdtempSync(join(tmpdir(), 'supportlens-chromium-'));
    const { chromium } = await import('playwright-core');
    // A fresh profile per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
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
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await handle?.close();
    folder?.cleanup();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test.each([
    ['overview', '/'],
    ['peak-times', '/peak-times'],
    ['topics', '/topics'],
    ['faq-gaps', '/faq-gaps'],
    ['runs', '/runs'],
  ])('%s loads without console errors, draws its charts in time, and runs no customer script', async (name, path) => {
    const { page, problems } = await open(`${path}?${RANGE}`);
    const drawnAt = Number(await page.getAttribute('body', 'data-charts-drawn'));
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    expect(problems).toEqual({ errors: [], dialogs: [] });
    expect(await page.evaluate(() => (globalThis as any).__xss)).toBeUndefined();
    expect(await page.textContent('#status')).toBe('');
    expect(drawnAt).toBeLessThan(DRAWN_WITHIN_MS);
    await page.close();
  });

  test('overview: the charts show the numbers the API returns, and the channel filter changes them (kept in the URL)', async () => {
    const { page, problems } = await open(`/?${RANGE}`);
    const all = await api(`/api/overview?${RANGE}`);
    const volume = await chartData(page, 'chart-volume');
    expect(volume.labels).toEqual(all.days);
    expect(volume.datasets).toEqual(all.series.map((s: any) => ({ label: s.channel, data: s.days.map((d: any) => d.conversations) })));
    // Each channel's response times on its own chart and scale: chat in minutes, email in hours.
    const chatIndex = all.series.findIndex((s: any) => s.channel === 'chat');
    const emailIndex = all.series.findIndex((s: any) => s.channel === 'email');
    for (const [index, unit] of [
      [chatIndex, 60_000],
      [emailIndex, 3_600_000],
    ] as const) {
      const median = (await chartData(page, `chart-first-response-${index}`)).datasets.find((d) => d.label === 'median')!;
      expect(median.data).toEqual(
        all.series[index].days.map((d: any) => (d.firstResponseMedianMs === null ? null : Math.round((d.firstResponseMedianMs / unit) * 100) / 100)),
      );
    }
    expect(await page.textContent('#target-table')).toContain('open around the clock');

    await page.selectOption('select[name="channel"]', 'email');
    await Promise.all([page.waitForURL(/channel=email/), page.click('button[type="submit"]')]);
    await page.waitForSelector('body[data-charts-drawn]');
    expect(new URL(page.url()).searchParams.get('channel')).toBe('email');
    const email = await api(`/api/overview?${RANGE}&channel=email`);
    const filtered = await chartData(page, 'chart-volume');
    expect(filtered.datasets).toEqual([{ label: 'email', data: email.series[0].days.map((d: any) => d.conversations) }]);
    expect(filtered.datasets).not.toEqual(volume.datasets);
    expect(await page.textContent('#channel-table tbody')).toContain(String(email.total.conversations));
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-email.png'), fullPage: true });
    expect(problems.errors).toEqual([]);
    await page.close();
  });

  test('peak times: the hour chart and heatmap cells show the API figures', async () => {
    const { page } = await open(`/peak-times?${RANGE}`);
    const body = await api(`/api/peak-times?${RANGE}`);
    const perHour = new Array<number>(24).fill(0);
    for (const cell of body.cells) perHour[cell.hour] += cell.conversations;
    expect((await chartData(page, 'chart-hours')).datasets[0]!.data).toEqual(perHour);
    const busiest = body.cells.reduce((a: any, b: any) => (b.conversations > a.conversations ? b : a));
    expect(await page.textContent(`#heatmap-volume td[data-weekday="${busiest.weekday}"][data-hour="${busiest.hour}"]`)).toBe(String(busiest.conversations));
    await page.close();
  });

  test('hostile customer text shows literally and nothing runs (topics, FAQ gaps, rejects)', async () => {
    const topics = await api(`/api/topics?${RANGE}&channel=chat`);
    const { page, problems } = await open(`/topics?${RANGE}&channel=chat`);
    const shown = await page.$$eval('#topic-examples .customer-text', (nodes) => nodes.map((node) => node.textContent));
    const questions = topics.topics.flatMap((t: any) => t.examples.map((e: any) => e.question));
    expect(shown).toEqual(questions);
    // Each hostile body is an example question, shown character for character (entities not decoded either).
    for (const body of HOSTILE_BODIES) expect(shown).toContain(body);
    expect(await page.$$eval('#topic-examples img, #topic-examples script, #topic-examples a[href^="javascript"]', (nodes) => nodes.length)).toBe(0);
    const labels = await page.$$eval('#topic-table tbody tr td:first-child', (nodes) => nodes.map((node) => node.textContent));
    expect(labels).toEqual(topics.topics.map((t: any) => t.label));
    await page.close();

    const runs = await open('/runs');
    const raw = await runs.page.$$eval('#reject-table .customer-text', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(raw.some((text) => text.includes(`{"id": "<script>window.__xss='reject'</script>"`))).toBe(true);
    expect(await runs.page.$$eval('#reject-table script, #reject-table img', (nodes) => nodes.length)).toBe(0);
    await runs.page.screenshot({ path: join(SCREENSHOTS, 'runs-hostile.png'), fullPage: true });
    expect(await runs.page.evaluate(() => (globalThis as any).__xss)).toBeUndefined();
    expect(problems).toEqual({ errors: [], dialogs: [] });
    expect(runs.problems).toEqual({ errors: [], dialogs: [] });
    await runs.page.close();
  });

  test('FAQ gaps: the chart shows the findings and each download gives the report file', async () => {
    const { page, problems } = await open(`/faq-gaps?${RANGE}`);
    const report = await api(`/api/faq-gaps?${RANGE}`);
    expect((await chartData(page, 'chart-findings')).datasets[0]!.data).toEqual(report.findings.slice(0, 20).map((f: any) => f.conversations));
    for (const format of ['csv', 'json', 'markdown']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#download-${format}`)]);
      const saved = join(folder.path, download.suggestedFilename());
      await download.saveAs(saved);
      const expected = (await app.inject({ url: `/api/faq-gaps/download?${RANGE}&format=${format}`, headers: { host: new URL(base).host } })).body;
      expect(readFileSync(saved, 'utf8')).toBe(expected);
      expect(download.suggestedFilename()).toBe(`faq-gaps-2026-03-04-to-2026-03-31.${format === 'markdown' ? 'md' : format}`);
    }
    expect(problems.errors).toEqual([]);
    await page.close();
  });

  test('an invalid filter in the URL shows the 400 message naming the parameter', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/?from=yesterday`);
    expect(response?.status()).toBe(400);
    expect(await page.textContent('body')).toContain('querystring/from');
    await page.close();
  });
});
