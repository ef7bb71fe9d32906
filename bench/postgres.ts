/**
 * `npm run bench:postgres`: what PostgreSQL costs and gives beside SQLite, on the same data in the same run.
 *
 * 1. Bulk load: the canonical CSV of `bench:ingest` (BENCH_MESSAGES, default 1,000,000 messages) loaded by
 *    `psql \copy` into an unindexed table (the reference: the fastest a client can put rows on this server), beside
 *    `supportlens ingest --db URL` of the same CSV into an empty database (its schema created before the clock starts,
 *    as \copy's table is; the rows of new conversations go by COPY straight into the tables, in one transaction),
 *    whose time is set against \copy's (the issue's floor: 0.5x, ingest at least half as fast as \copy); then the
 *    server's own floor for the same tables (measureServerFloor). BENCH_ONLY=ingest stops after this part;
 *    BENCH_ONLY=analyze skips it (and part 4).
 * 2. `supportlens analyze` on each engine from the same ingested-but-unanalysed database of BENCH_CONVERSATIONS
 *    conversations (default 200,000; generated once by bench:response-times): the SQLite file as it is, and
 *    PostgreSQL after `copy-database` of that file. Wall time, CPU and peak RSS of the supportlens process (GNU time),
 *    and the CPU of the server's backends.
 * 3. The 30-day reports (response times by day, topics, FAQ gaps) through the CLI on both engines: wall time, and
 *    whether the two analyses give the same answer.
 * 4. The dashboard's API served from each engine: p50/p99 with 20 connections for BENCH_SECONDS (default 5) per route,
 *    idle (the "during an ingest" half waits for ingest on PostgreSQL).
 * The cluster is a throwaway one with PostgreSQL's default durability (fsync on) and memory settings, on this machine,
 * reached through a Unix socket. Each timed load starts after a CHECKPOINT, so none pays for writing out the one before.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { dropPostgresIndexes } from '../db/bulk-load.js';
import { findPostgresBinaries, startThrowawayCluster } from '../db/throwaway-postgres.js';
import { finishFirstLoad } from '../ingest/postgres-direct-copy-store.js';
import { describeMachine } from './bench-machine.js';
import { serveDashboard } from './serve-dashboard.js';
import { writeCanonicalCsv } from './canonical-csv.js';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 1_000_000);
const CONVERSATIONS = Number(process.env['BENCH_CONVERSATIONS'] ?? 200_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const CONNECTIONS = 20;
const SEED = 1;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT_DIR = join(ROOT, 'bench/out');
const CLI = join(ROOT, 'dist/cli/main.js');
const SOURCE_DB = join(OUT_DIR, `response-times-${CONVERSATIONS}.db`);
const SERVED_DB = join(OUT_DIR, `postgres-bench-${CONVERSATIONS}.db`);

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}

function runNode(args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}

function copySqlite(from: string, to: string): void {
  const sqlite = new BetterSqlite3(from);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(to + suffix, { force: true });
  copyFileSync(from, to);
}

/** The ingested-but-unanalysed database bench:response-times generates (once; reused from bench/out/). */
function prepareSourceDatabase(): void {
  if (!existsSync(SOURCE_DB)) runNode([join(ROOT, 'dist/bench/response-times.js')], { BENCH_CONVERSATIONS: String(CONVERSATIONS) });
}

interface ChildFigures {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  loadBefore: number;
}

/** Runs node under GNU time: wall clock, the child's user+system CPU and its peak RSS. */
function timeNode(args: string[]): ChildFigures {
  const report = join(OUT_DIR, 'time.txt');
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-o', report, '-f', '%U %S %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const wallSeconds = seconds(started);
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  const [user, system, rssKb] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wallSeconds, cpuSeconds: user! + system!, peakRssMb: Math.round(rssKb! / 1024), loadBefore };
}

/**
 * CPU seconds (user+system) of the cluster's server processes that have ended: the postmaster's reaped children
 * (each connection's backend), from /proc/<postmaster>/stat; long-lived helpers (checkpointer, WAL writer) not counted.
 */
function serverCpuSeconds(folder: string): number {
  const pid = readFileSync(join(folder, 'data/postmaster.pid'), 'utf8').split('\n')[0]!.trim();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: field 3 is state, so cutime (field 16) and cstime (17) are at indexes 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface RouteFigures {
  coldMs: number;
  p50: number;
  p99: number;
  requestsPerSecond: number;
  failures: number;
}

async function measureRoute(url: string, path: string): Promise<RouteFigures> {
  const started = performance.now();
  await (await fetch(`${url}${path}`)).arrayBuffer();
  const coldMs = performance.now() - started;
  const result = await autocannon({ url: `${url}${path}`, connections: CONNECTIONS, duration: SECONDS });
  return {
    coldMs,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requestsPerSecond: result.requests.average,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * The least time any client can take to leave the tables as `ingest` leaves them, on this server: the rows the ingest
 * wrote (read back from its database as binary COPY files, so there is nothing left to parse, check or encode) go by
 * binary COPY into the emptied tables of a new database, then the work the ingest's first load does on the server
 * after its rows: the indexes built again, the statistics gathered, the commit (finishFirstLoad). Foreign-key checks
 * are skipped as the ingest skips them. Timed from the transaction's start to its commit.
 */
async function measureServerFloor(clusterUrl: string, ingestedUrl: string): Promise<number> {
  const files = { messages: join(OUT_DIR, 'floor-messages.bin'), conversations: join(OUT_DIR, 'floor-conversations.bin') };
  const source = new pg.Client({ connectionString: ingestedUrl });
  await source.connect();
  try {
    for (const [table, file] of Object.entries(files)) await pipeline(source.query(copyTo(`copy ${table} to stdout (format binary)`)), createWriteStream(file));
  } finally {
    await source.end();
  }
  const created = spawnSync(join(findPostgresBinaries()!, 'psql'), [clusterUrl, '-q', '-c', 'create database floor_bench'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(created.stderr);
  const floorUrl = new URL(clusterUrl);
  floorUrl.pathname = '/floor_bench';
  runNode([CLI, 'rejects', '--db', floorUrl.toString()]);
  const pool = new pg.Pool({ connectionString: floorUrl.toString(), max: 1 });
  const client = await pool.connect();
  try {
    await client.query('checkpoint');
    const started = performance.now();
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    const dropped = [await dropPostgresIndexes(client, 'conversations'), await dropPostgresIndexes(client, 'messages')];
    for (const [table, file] of Object.entries(files))
      await pipeline(createReadStream(file), client.query(copyFrom(`copy ${table} from stdin (format binary)`)));
    await finishFirstLoad(client, dropped);
    await client.query('commit');
    return seconds(started);
  } finally {
    client.release();
    await pool.end();
    for (const file of Object.values(files)) rmSync(file, { force: true });
  }
}

async function main(): Promise<void> {
  const binaries = findPostgresBinaries();
  if (binaries === undefined) {
    console.log("bench:postgres: PostgreSQL's programs are not installed (on Debian: apt-get install postgresql); nothing measured");
    return;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  console.log(`machine: ${describeMachine()}`);
  const cluster = startThrowawayCluster(binaries, { durable: true });
  try {
    const version = spawnSync(join(binaries, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim();
    console.log(`server: ${version}, throwaway cluster, default settings (fsync on), Unix socket`);

    // 1. Bulk load.
    if (process.env['BENCH_ONLY'] !== 'analyze') {
      const csv = join(OUT_DIR, `messages-${MESSAGES}-seed${SEED}.csv`);
      if (!existsSync(csv)) await writeCanonicalCsv(csv, MESSAGES, SEED);
      const psql = join(binaries, 'psql');
      const sqlOf = (statement: string) => spawnSync(psql, [cluster.url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', statement], { encoding: 'utf8' });
      const header = spawnSync('head', ['-1', csv], { encoding: 'utf8' }).stdout.trim().split(',');
      const created = sqlOf(`create table copy_reference (${header.map((column) => `"${column}" text`).join(', ')})`);
      if (created.status !== 0) throw new Error(created.stderr);
      sqlOf('checkpoint');
      const started = performance.now();
      const copied = sqlOf(`\\copy copy_reference from '${csv}' with (format csv, header true)`);
      if (copied.status !== 0) throw new Error(copied.stderr);
      const referenceSeconds = seconds(started);
      sqlOf('drop table copy_reference');

      const created2 = sqlOf('create database ingest_bench');
      if (created2.status !== 0) throw new Error(created2.stderr);
      const ingestUrl = new URL(cluster.url);
      ingestUrl.pathname = '/ingest_bench';
      // The schema is created before the clock starts, as \copy's table is: both load into empty tables.
      runNode([CLI, 'rejects', '--db', ingestUrl.toString()]);
      sqlOf('checkpoint');
      const loadBefore = loadavg()[0]!;
      const ingestStarted = performance.now();
      const ingested = JSON.parse(runNode([CLI, 'ingest', '--db', ingestUrl.toString(), '--json', csv])) as {
        records: { inserted: number; rejected: number };
        peakRssBytes: number;
      };
      const ingestSeconds = seconds(ingestStarted);
      const loadAfter = loadavg()[0]!;
      const rate = (rows: number, s: number) =>
        Math.round(rows / s)
          .toLocaleString('en-US')
          .padStart(10);
      console.log(`\nbulk load                                           rows          s     rows/s`);
      console.log(
        `psql \\copy of the bench:ingest CSV, unindexed table ${MESSAGES.toLocaleString('en-US').padStart(10)} ${referenceSeconds.toFixed(1).padStart(10)} ${rate(MESSAGES, referenceSeconds)}`,
      );
      console.log(
        `supportlens ingest --db postgres://, same CSV       ${ingested.records.inserted.toLocaleString('en-US').padStart(10)} ${ingestSeconds.toFixed(1).padStart(10)} ${rate(MESSAGES, ingestSeconds)}`,
      );
      console.log(
        `ingest / \\copy speed: ${(referenceSeconds / ingestSeconds).toFixed(2)}x (floor 0.5x); ingest peak RSS ${Math.round(ingested.peakRssBytes / 2 ** 20)} MB; 1-minute load ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
      );
      const floor = await measureServerFloor(cluster.url, ingestUrl.toString());
      console.log(
        `server alone: the ingest's own rows, read back as binary files, COPY'd into its emptied tables, indexes built, statistics, commit: ${floor.toFixed(1)} s, ${(referenceSeconds / floor).toFixed(2)}x of \\copy's speed (no client can load these tables faster than this on this server)`,
      );
      if (process.env['BENCH_ONLY'] === 'ingest') return;
    } else {
      console.log('(bulk load skipped: BENCH_ONLY=analyze)');
    }

    // 2. analyze on each engine, from the same ingested-but-unanalysed database.
    prepareSourceDatabase();
    copySqlite(SOURCE_DB, SERVED_DB);
    const sqlite = new BetterSqlite3(SERVED_DB, { readonly: true });
    const messageRows = sqlite.prepare('select count(*) from messages').pluck().get() as number;
    sqlite.close();
    let started = performance.now();
    const out = runNode([CLI, 'copy-database', '--from', SERVED_DB, '--to', cluster.url]);
    const copySeconds = seconds(started);
    console.log(
      `\ncopy-database of the unanalysed database (messages: ${messageRows.toLocaleString('en-US')}): ${out.match(/copied (\d+) rows/)?.[1] ?? '?'} rows in ${copySeconds.toFixed(1)} s`,
    );
    const analyzeArgs = ['analyze', '--quiet'];
    const sqliteAnalyze = timeNode([CLI, ...analyzeArgs, '--db', SERVED_DB]);
    const serverBefore = serverCpuSeconds(cluster.folder);
    const postgresAnalyze = timeNode([CLI, ...analyzeArgs, '--db', cluster.url]);
    const serverCpu = serverCpuSeconds(cluster.folder) - serverBefore;
    console.log(`\nsupportlens analyze (${CONVERSATIONS.toLocaleString('en-US')} conversations)      SQLite  PostgreSQL`);
    const row = (label: string, a: string, b: string) => console.log(`${label.padEnd(50)}${a.padStart(8)}${b.padStart(12)}`);
    row('wall s', sqliteAnalyze.wallSeconds.toFixed(1), postgresAnalyze.wallSeconds.toFixed(1));
    row('CPU s of the supportlens process (user+sys)', sqliteAnalyze.cpuSeconds.toFixed(1), postgresAnalyze.cpuSeconds.toFixed(1));
    row('CPU s of the server backends', '-', serverCpu.toFixed(1));
    row('peak RSS MB of the supportlens process', String(sqliteAnalyze.peakRssMb), String(postgresAnalyze.peakRssMb));
    row('1-minute load before', sqliteAnalyze.loadBefore.toFixed(2), postgresAnalyze.loadBefore.toFixed(2));

    // 3. Reports through the CLI, each engine reading its own analysis.
    const latest = JSON.parse(runNode([CLI, 'report', 'topics', '--db', SERVED_DB, '--format', 'json'])) as { from: number; to: number };
    const period = ['--from', new Date(latest.from).toISOString().slice(0, 10), '--to', new Date(latest.to).toISOString().slice(0, 10)];
    const reports: [string, string[]][] = [
      [
        'report response-times --group-by day',
        ['report', 'response-times', '--group-by', 'day', '--format', 'json', '--as-of', new Date(latest.to).toISOString(), ...period],
      ],
      ['report topics', ['report', 'topics', '--format', 'json', ...period]],
      ['report faq-gaps', ['report', 'faq-gaps', '--format', 'json', ...period]],
    ];
    console.log(`\n30-day reports (${CONVERSATIONS.toLocaleString('en-US')} conversations), CLI wall s   SQLite  PostgreSQL  same answer`);
    for (const [label, args] of reports) {
      started = performance.now();
      const fromSqlite = runNode([CLI, ...args, '--db', SERVED_DB]);
      const sqliteSeconds = seconds(started);
      started = performance.now();
      const fromPostgres = runNode([CLI, ...args, '--db', cluster.url]);
      const postgresSeconds = seconds(started);
      console.log(
        `${label.padEnd(62)}${sqliteSeconds.toFixed(2).padStart(7)}${postgresSeconds.toFixed(2).padStart(12)}  ${fromSqlite === fromPostgres ? 'yes' : 'NO'}`,
      );
    }

    if (process.env['BENCH_ONLY'] === 'analyze') return;

    // 4. Dashboard.
    const window = `from=${period[1]}&to=${period[3]}`;
    const routes = [
      `/api/overview?${window}`,
      `/api/peak-times?${window}`,
      `/api/topics?${window}`,
      `/api/faq-gaps?${window}`,
      `/api/agents?${window}`,
      `/api/conversations?${window}`,
      '/api/runs',
    ];
    console.log(`\ndashboard API, idle, ${CONNECTIONS} connections, ${SECONDS} s per route: cold ms / p50 / p99 ms (target p99 < 50 ms)`);
    console.log(`${'route'.padEnd(40)}${'SQLite'.padStart(24)}${'PostgreSQL'.padStart(24)}`);
    const sqliteServer = await serveDashboard(CLI, SERVED_DB);
    const postgresServer = await serveDashboard(CLI, cluster.url);
    try {
      // Both servers prepare the default views of the analysis first; measuring starts when they are done.
      await Promise.all([sqliteServer.viewsReady, postgresServer.viewsReady]);
      for (const route of routes) {
        const a = await measureRoute(sqliteServer.url, route);
        const b = await measureRoute(postgresServer.url, route);
        const cell = (f: RouteFigures) => `${f.coldMs.toFixed(0)} / ${f.p50} / ${f.p99}${f.failures > 0 ? ` (${f.failures} failed)` : ''}`;
        console.log(`${route.replace(window, '{30 days}').padEnd(40)}${cell(a).padStart(24)}${cell(b).padStart(24)}`);
      }
    } finally {
      sqliteServer.child.kill('SIGTERM');
      postgresServer.child.kill('SIGTERM');
    }
  } finally {
    cluster.stop();
  }
}

await main();
