/**
 * Benchmark of the dashboard's JSON API: `npm run bench:dashboard`.
 *
 * Uses the response-time benchmark's database of BENCH_CONVERSATIONS (default 1,000,000) conversations (generating
 * it with `bench/response-times.js` when missing), analyzes it once with the default configuration, then serves a
 * copy with `supportlens serve` in its own process and runs autocannon (20 connections, BENCH_SECONDS each) against
 * every API route for the 30-day window up to the latest conversation: once idle, once while `supportlens ingest`
 * loads BENCH_INGEST_MESSAGES (default 1,000,000) more messages into the same database in another process.
 * Then, when /usr/bin/chromium exists, the time each page takes to draw its charts. Measuring starts once `serve`
 * says it has prepared the default views of the analysis (it does so at start and after each analysis); a route's
 * "cold" time is then its first request's, prepared or not.
 * BENCH_ENGINE=postgres does the same against PostgreSQL: a throwaway cluster (Debian's postgresql) that
 * `copy-database` fills from the analyzed SQLite database, served and ingested into with `--db postgres://...`.
 * Targets: p99 under 50 ms idle and under 250 ms during the ingest; charts drawn within 1.5 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import BetterSqlite3 from 'better-sqlite3';
import { findPostgresBinaries, startThrowawayCluster, type ThrowawayCluster } from '../db/throwaway-postgres.js';
import { describeMachine } from './machine.js';
import { serveDashboard } from './serve-dashboard.js';

const CONVERSATIONS = Number(process.env['BENCH_CONVERSATIONS'] ?? 1_000_000);
const INGEST_MESSAGES = Number(process.env['BENCH_INGEST_MESSAGES'] ?? 1_000_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = 20;
const ENGINE = process.env['BENCH_ENGINE'] ?? 'sqlite';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT_DIR = join(ROOT, 'bench/out');
const CLI = join(ROOT, 'dist/cli/main.js');
const SOURCE_DB = join(OUT_DIR, `response-times-${CONVERSATIONS}.db`);
const ANALYZED_DB = join(OUT_DIR, `dashboard-${CONVERSATIONS}.db`);
const SERVED_DB = join(OUT_DIR, `dashboard-${CONVERSATIONS}-served.db`);
/** One file of new conversations per route, so every route is measured during an ingest that inserts. */
const ingestCsv = (round: number): string => join(OUT_DIR, `dashboard-ingest-${INGEST_MESSAGES}-${round}.csv`);
const TARGET_IDLE_P99_MS = 50;
const TARGET_INGEST_P99_MS = 250;
const TARGET_DRAWN_MS = 1500;
/** A route whose first answer takes longer is reported as not measured (its queue would hold up every later route). */
const COLD_LIMIT_MS = Number(process.env['BENCH_COLD_LIMIT_MS'] ?? 120_000);
/** Routes (and pages) whose path matches this regular expression are left out, e.g. `faq-gaps`. */
const SKIP = process.env['BENCH_SKIP'] ? new RegExp(process.env['BENCH_SKIP']) : undefined;
const kept = (path: string): boolean => SKIP === undefined || !SKIP.test(path);

function run(command: string, args: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(process.execPath, [command, ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/** Copies a database after folding its WAL in, so the copy is complete. */
function copyDatabase(from: string, to: string): void {
  const sqlite = new BetterSqlite3(from);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  removeDatabase(to);
  copyFileSync(from, to);
}

async function prepareDatabase(): Promise<void> {
  if (existsSync(ANALYZED_DB)) return;
  if (!existsSync(SOURCE_DB)) run(join(ROOT, 'dist/bench/response-times.js'), [], { BENCH_CONVERSATIONS: String(CONVERSATIONS) });
  copyDatabase(SOURCE_DB, ANALYZED_DB);
  const started = performance.now();
  run(CLI, ['analyze', '--db', ANALYZED_DB, '--quiet']);
  console.log(
    `analyze (default configuration) of ${CONVERSATIONS.toLocaleString('en-US')} conversations: ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** Canonical messages CSV: new conversations of five messages each, customer and agent alternating. */
async function writeIngestCsv(round: number): Promise<void> {
  if (existsSync(ingestCsv(round))) return;
  const out = createWriteStream(ingestCsv(round));
  out.write('conversation_id,message_id,channel,author_role,author_id,created_at,body\n');
  const start = Date.parse('2026-02-01T00:00:00Z');
  for (let index = 0; index < INGEST_MESSAGES; index += 1) {
    const conversation = Math.floor(index / 5);
    const turn = index % 5;
    const role = turn % 2 === 0 ? 'customer' : 'agent';
    const at = new Date(start + conversation * 7_000 + turn * 90_000).toISOString();
    const body = role === 'customer' ? `My withdrawal ${conversation} has not arrived, please check` : `We are checking withdrawal ${conversation} for you`;
    if (
      !out.write(
        `bench-ingest-${round}-${conversation},m${turn},${conversation % 3 === 0 ? 'email' : 'chat'},${role},${role === 'agent' ? 'agent-' + (conversation % 40) : 'c' + conversation},${at},"${body}"\n`,
      )
    ) {
      await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

interface Measurement {
  route: string;
  coldMs: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * A route, or a set of distinct URLs of one route that autocannon cycles through (each connection in turn), so that
 * most requests miss the cache (which holds 500 answers): what a user paging through lists or opening
 * conversations waits for.
 */
interface Route {
  label: string;
  paths: string[];
}

async function measure(url: string, route: Route | string): Promise<Measurement> {
  const { label, paths } = typeof route === 'string' ? { label: route, paths: [route] } : route;
  // The first (cold) request alone: what a user waits for before the answer is cached.
  const coldStarted = performance.now();
  const answered = await fetch(`${url}${paths[0]}`, { signal: AbortSignal.timeout(COLD_LIMIT_MS) }).then(
    (res) => res.arrayBuffer().then(() => true),
    () => false,
  );
  const coldMs = performance.now() - coldStarted;
  if (!answered) {
    console.log(`${label}: no answer within ${COLD_LIMIT_MS / 1000} s; not measured`);
    return { route: label, coldMs, requestsPerSecond: 0, p50: Number.NaN, p99: Number.NaN, non2xx: 0, errors: 1 };
  }
  console.log(`measuring ${label} (cold ${coldMs.toFixed(0)} ms)`);
  const result = await autocannon({
    url: `${url}${paths[0]}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(paths.length > 1 ? { requests: paths.map((path) => ({ method: 'GET' as const, path })) } : {}),
  });
  return {
    route: label,
    coldMs,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function report(title: string, rows: Measurement[], targetP99: number): void {
  console.log(`\n${title} (${CONNECTIONS} connections, ${SECONDS} s per route; target p99 < ${targetP99} ms)`);
  console.log('route'.padEnd(72) + 'cold ms'.padStart(9) + 'req/s'.padStart(9) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + '  non-2xx/errors  target');
  for (const row of rows) {
    console.log(
      row.route.padEnd(72) +
        row.coldMs.toFixed(0).padStart(9) +
        row.requestsPerSecond.toFixed(0).padStart(9) +
        String(row.p50).padStart(9) +
        String(row.p99).padStart(9) +
        `  ${row.non2xx}/${row.errors}`.padEnd(16) +
        (row.requestsPerSecond > 0 && row.p99 < targetP99 ? '  met' : '  MISSED'),
    );
  }
}

async function measurePageDraws(url: string, window: string): Promise<void> {
  const chromiumPath = '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    console.log('\npage draw times: skipped (no /usr/bin/chromium)');
    return;
  }
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'supportlens-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  console.log(`\npage draw times in chromium (navigation start to charts drawn; target < ${TARGET_DRAWN_MS} ms)`);
  try {
    for (const path of ['/', '/peak-times', '/topics', '/faq-gaps', '/agents', '/conversations', '/runs'].filter(kept)) {
      const page = await context.newPage();
      await page.goto(`${url}${path}?${path === '/runs' ? '' : window}`);
      await page.waitForSelector('body[data-charts-drawn]', { timeout: 30_000 });
      const drawn = Number(await page.getAttribute('body', 'data-charts-drawn'));
      console.log(`${path.padEnd(14)}${String(drawn).padStart(6)} ms  ${drawn < TARGET_DRAWN_MS ? 'met' : 'MISSED'}`);
      await page.close();
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Different URLs per "distinct" route: far more than the cache holds. */
const DISTINCT_URLS = 2_000;

/**
 * The conversation list and conversation routes: the first page of the window's list, a filtered and sorted list,
 * 2,000 distinct keyset pages (cursors spread over the window) and 2,000 distinct conversations of the window.
 */
async function listRoutes(url: string, window: string): Promise<(Route | string)[]> {
  const first = (await (await fetch(`${url}/api/conversations?${window}`)).json()) as { range: { fromMs: number; toMs: number }; rows: { id: number }[] };
  const { fromMs, toMs } = first.range;
  // On PostgreSQL the served database is a copy of the analyzed file, ids and all.
  const sqlite = new BetterSqlite3(ENGINE === 'postgres' ? ANALYZED_DB : SERVED_DB, { readonly: true });
  const ids = sqlite
    .prepare('SELECT id FROM conversations WHERE created_at >= ? AND created_at < ? ORDER BY id LIMIT ?')
    .pluck()
    .all(fromMs, toMs, DISTINCT_URLS * 40) as number[];
  sqlite.close();
  const spread = (count: number, pick: (index: number) => string): string[] => Array.from({ length: count }, (_unused, index) => pick(index));
  const cursors = spread(DISTINCT_URLS, (index) => {
    const at = Math.floor(fromMs + ((toMs - fromMs) * (index + 0.5)) / DISTINCT_URLS);
    return `/api/conversations?${window}&after=${at}:${ids[(index * 37) % ids.length] ?? 0}`;
  });
  const conversations = spread(DISTINCT_URLS, (index) => `/api/conversations/${ids[(index * 20) % ids.length]!}`);
  return [
    `/api/conversations?${window}`,
    `/api/conversations?${window}&channel=chat&breached=first_response&sort=slowest`,
    { label: `/api/conversations?{window}&after={2,000 distinct cursors}`, paths: cursors },
    `/api/conversations/${first.rows[0]?.id ?? 1}`,
    { label: '/api/conversations/{2,000 distinct ids}', paths: conversations },
  ];
}

/** The CSV of the whole window's list, once: its size and how long it takes (a download, not a page). */
async function measureCsvDownload(url: string, window: string): Promise<void> {
  const started = performance.now();
  const body = await (await fetch(`${url}/api/conversations.csv?${window}`)).arrayBuffer();
  console.log(
    `CSV of the window's conversation list: ${(body.byteLength / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(2)} s (cold)`,
  );
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  console.log(`machine: ${describeMachine()}`);
  await prepareDatabase();
  let cluster: ThrowawayCluster | undefined;
  let served = SERVED_DB;
  if (ENGINE === 'postgres') {
    const binaries = findPostgresBinaries();
    if (binaries === undefined) throw new Error("BENCH_ENGINE=postgres: PostgreSQL's programs are not installed (on Debian: apt-get install postgresql)");
    cluster = startThrowawayCluster(binaries, { durable: true });
    const started = performance.now();
    run(CLI, ['copy-database', '--from', ANALYZED_DB, '--to', cluster.url]);
    console.log(
      `engine: PostgreSQL (throwaway cluster, default settings); copy-database of the analyzed database: ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    served = cluster.url;
  } else {
    console.log('engine: SQLite');
    copyDatabase(ANALYZED_DB, SERVED_DB);
  }
  const serveStarted = performance.now();
  const server = await serveDashboard(CLI, served);
  try {
    // The server prepares the default views of the analysis first (what a visitor after the nightly job finds);
    // measuring meanwhile would measure that work too.
    console.log(`serve: ${await server.viewsReady} (${((performance.now() - serveStarted) / 1000).toFixed(1)} s after start)`);
    const overview = (await (await fetch(`${server.url}/api/overview`)).json()) as { range: { from: string; to: string } };
    const window = `from=${overview.range.from}&to=${overview.range.to}`;
    console.log(`database: ${CONVERSATIONS.toLocaleString('en-US')} conversations; window ${overview.range.from} .. ${overview.range.to} (30 days)`);
    const routes: (Route | string)[] = [
      ...(await listRoutes(server.url, window)),
      `/api/overview?${window}`,
      `/api/overview?${window}&channel=chat`,
      `/api/peak-times?${window}`,
      `/api/topics?${window}`,
      `/api/faq-gaps?${window}`,
      `/api/faq-gaps/download?${window}&format=csv`,
      `/api/agents?${window}`,
      '/api/runs',
    ];
    routes.splice(0, routes.length, ...routes.filter((route) => kept(typeof route === 'string' ? route : route.label)));
    if (SKIP) console.log(`left out (BENCH_SKIP=${SKIP.source}): routes and pages matching it`);
    await measureCsvDownload(server.url, window);
    const idle: Measurement[] = [];
    for (const route of routes) idle.push(await measure(server.url, route));
    report('idle', idle, TARGET_IDLE_P99_MS);
    console.log(
      `("distinct": ${DISTINCT_URLS.toLocaleString('en-US')} different URLs of the route, cycled by every connection; the cache holds 500 answers, so most requests are computed)`,
    );
    await measurePageDraws(server.url, window).catch((error: Error) => console.log(`page draw times: failed: ${error.message.split('\n')[0]}`));

    const loaded: Measurement[] = [];
    for (const [round, route] of routes.entries()) {
      await writeIngestCsv(round);
      const ingest = spawn(process.execPath, [CLI, 'ingest', '--db', served, ingestCsv(round)], { stdio: ['ignore', 'ignore', 'inherit'] });
      const started = performance.now();
      let endedAt: number | undefined;
      const exited = once(ingest, 'exit').then(([code]) => {
        endedAt = performance.now();
        return code as number;
      });
      await new Promise((wait) => setTimeout(wait, 2000));
      const measurement = await measure(server.url, route);
      const measuredUntil = performance.now();
      const code = await exited;
      const covered = endedAt! >= measuredUntil ? 'the whole measurement' : `only ${((endedAt! - started) / 1000).toFixed(1)} s of it`;
      console.log(
        `ingest ${round + 1} of ${INGEST_MESSAGES.toLocaleString('en-US')} messages: exit ${code}, ${((endedAt! - started) / 1000).toFixed(1)} s; ran during ${covered} of ${typeof route === 'string' ? route : route.label}`,
      );
      loaded.push(measurement);
    }
    report('during ingest', loaded, TARGET_INGEST_P99_MS);
  } finally {
    // A server that has died already gives no 'exit' to wait for; the cluster is stopped either way.
    if (server.child.exitCode === null && server.child.signalCode === null) {
      const exited = once(server.child, 'exit');
      server.child.kill('SIGTERM');
      await exited;
    }
    if (cluster) cluster.stop();
    else removeDatabase(SERVED_DB);
  }
}

await main();
