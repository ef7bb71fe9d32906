import { spawn } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NIGHTLY_JOB } from '../../cli/schedule/run-tick.js';
import { ANALYSIS_RESULT_TABLES } from '../../db/analysis-runs.js';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { acquireEngineJobLock } from '../../db/engine-job-lock.js';
import { CLI, temporaryFolder } from '../helpers.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';
import { runCli, succeed } from './demo-analysis.js';

// The demo ingested into SQLite and copied, unanalysed, into PostgreSQL (copy-database); then `analyze` runs on each
// engine. Every report in every format, the full export and every dashboard API route give byte for byte the same
// answers from either engine; the commands that write (analyze, run-now, digest, demo) work on PostgreSQL.

const AS_OF = '2030-01-01T00:00:00Z';
const serverUrl = testPostgresUrl();

function readers(folder: string, db: string): Record<string, string> {
  const read = (args: readonly string[]) => succeed(folder, [...args, '--db', db]);
  const outputs: Record<string, string> = {};
  for (const format of ['table', 'csv', 'json']) {
    outputs[`responseTimes ${format}`] = read(['report', 'response-times', '--format', format, '--as-of', AS_OF]);
    outputs[`responseTimes by day, business hours ${format}`] = read([
      'report',
      'response-times',
      '--format',
      format,
      '--group-by',
      'day',
      '--business-hours',
      '--as-of',
      AS_OF,
    ]);
    outputs[`breaches ${format}`] = read(['report', 'response-times', '--format', format, '--breaches', '--as-of', AS_OF]);
    outputs[`heatmap ${format}`] = read(['report', 'response-times', '--format', format, '--heatmap', '--as-of', AS_OF]);
    outputs[`topics ${format}`] = read(['report', 'topics', '--format', format]);
  }
  outputs['responseTimes by team'] = read(['report', 'response-times', '--format', 'csv', '--group-by', 'team', '--as-of', AS_OF]);
  outputs['responseTimes by channel'] = read(['report', 'response-times', '--format', 'json', '--group-by', 'channel', '--as-of', AS_OF]);
  // Each faq-gaps report is saved and compared with the previous one: the same sequence on both engines.
  for (const format of ['json', 'markdown', 'csv']) outputs[`faqGaps ${format}`] = read(['report', 'faq-gaps', '--format', format]);
  outputs.rejects = read(['rejects', '--json']);
  outputs['export csv'] = read(['export', 'conversations', '--format', 'csv']);
  outputs['export jsonl'] = read(['export', 'conversations', '--format', 'jsonl']);
  outputs['export chat, from'] = read(['export', 'conversations', '--format', 'jsonl', '--channel', 'chat', '--from', '2020-01-01']);
  return outputs;
}

/** The CLI in a child process without blocking this one (whose HTTP server must keep answering). */
function runCliAsync(folder: string, args: readonly string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: folder, env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** GET each path from a dashboard served on `db`; the bodies by path. */
async function dashboardAnswers(folder: string, db: string, paths: readonly string[]): Promise<Record<string, string>> {
  const child = spawn(process.execPath, [...CLI, 'serve', '--db', db, '--port', '0', '--as-of', AS_OF], {
    cwd: folder,
    env: { ...process.env, SUPPORTLENS_TOKEN: '' },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /(http:\/\/\S+?)\//.exec(out);
        if (match) resolve(match[1]!);
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
    });
    const answers: Record<string, string> = {};
    for (const path of paths) {
      const response = await fetch(`${url}${path}`);
      answers[path] = `${response.status} ${await response.text()}`;
    }
    return answers;
  } finally {
    child.kill('SIGTERM');
  }
}

/** The runs page without what differs between two runs of the same analysis (when and where, and how long). */
function withoutTimes(body: string): string {
  return body.replace(/"(\w*(At|_at|Ms|_ms|duration\w*|pid|hostname|summary))":("[^"]*"|-?[\d.]+|null)/g, '"$1":"-"');
}

describe.skipIf(serverUrl === undefined)('PostgreSQL engine: the same answers as SQLite', () => {
  const folder = temporaryFolder();
  const sqliteDb = join(folder.path, 'demo.db');
  let database: { url: string; drop: () => Promise<void> };
  let sqliteAnalysis: { runId: number; analyses: Record<string, Record<string, number>> };
  let postgresAnalysis: typeof sqliteAnalysis;

  beforeAll(async () => {
    database = await freshPostgresDatabase(serverUrl!);
    succeed(folder.path, ['demo-data', '--out', join(folder.path, 'demo'), '--days', '20', '--end', '2026-12-06']);
    succeed(folder.path, ['ingest', '--db', sqliteDb, '--quiet', join(folder.path, 'demo/inbox'), join(folder.path, 'demo/faq')]);
    // Copied before any analysis: each engine analyses the same ingested data itself.
    const copy = runCli(folder.path, ['copy-database', '--from', sqliteDb, '--to', database.url]);
    expect(copy.status, copy.stderr).toBe(0);
    expect(copy.stdout).toMatch(/^copied \d+ rows in \d+ tables from .*demo\.db to postgres:\/\/supportlens@localhost:\d+\/t_\w+\?host=.* in [\d.]+ s\n$/);
    expect(copy.stderr).toMatch(/^messages: [1-9]\d* rows$/m);
    expect(copy.stderr).toMatch(/^conversation_facts: 0 rows$/m);
    sqliteAnalysis = JSON.parse(succeed(folder.path, ['analyze', '--db', sqliteDb, '--json']));
    postgresAnalysis = JSON.parse(succeed(folder.path, ['analyze', '--db', database.url, '--json']));
  }, 600_000);
  afterAll(async () => {
    await database?.drop();
    folder.cleanup();
  });

  test('analyze counts the same on both engines', () => {
    const counts = (summary: typeof sqliteAnalysis) =>
      Object.fromEntries(
        Object.entries(summary.analyses).map(([name, values]) => [
          name,
          Object.fromEntries(Object.entries(values).filter(([key]) => !/Ms$|Threads$|^workers$/.test(key))),
        ]),
      );
    expect(postgresAnalysis.runId).toBe(1);
    expect(counts(postgresAnalysis)).toEqual(counts(sqliteAnalysis));
    expect(postgresAnalysis.analyses.responseTimes!.conversations).toBeGreaterThan(500);
    expect(postgresAnalysis.analyses.topics!.topics).toBeGreaterThan(5);
  });

  test('every report in every format, the rejects list and the full export, byte for byte', () => {
    const fromSqlite = readers(folder.path, sqliteDb);
    const fromPostgres = readers(folder.path, database.url);
    expect(JSON.parse(fromSqlite['topics json']!).topics.length).toBeGreaterThan(5);
    expect(JSON.parse(fromSqlite['faqGaps json']!).findings.length).toBeGreaterThan(3);
    expect(fromSqlite['export csv']!.split('\n').length).toBeGreaterThan(500);
    for (const name of Object.keys(fromSqlite)) expect({ name, output: fromPostgres[name] }).toEqual({ name, output: fromSqlite[name] });
  }, 900_000);

  test('SUPPORTLENS_DB names the database when --db is not given', () => {
    const viaFlag = succeed(folder.path, ['report', 'topics', '--format', 'json', '--db', database.url]);
    const viaEnvironment = runCli(folder.path, ['report', 'topics', '--format', 'json'], { SUPPORTLENS_DB: database.url });
    expect(viaEnvironment.stderr).toBe('');
    expect(viaEnvironment.stdout).toBe(viaFlag);
  }, 300_000);

  test("every route of the dashboard's API", async () => {
    const filters = 'days=30';
    const paths = [
      `/api/overview?${filters}`,
      `/api/overview?${filters}&channel=chat`,
      `/api/annotations?${filters}`,
      `/api/peak-times?${filters}`,
      `/api/topics?${filters}`,
      `/api/faq-gaps?${filters}`,
      `/api/faq-gaps/download?${filters}&format=csv`,
      `/api/faq-gaps/download?${filters}&format=json`,
      `/api/faq-gaps/download?${filters}&format=markdown`,
      `/api/agents?${filters}`,
      `/api/conversations?${filters}&limit=50`,
      `/api/conversations?${filters}&sort=slowest`,
      `/api/conversations?${filters}&sort=fastest&unanswered=1`,
      `/api/conversations?${filters}&breached=first_response`,
      `/api/conversations?${filters}&breached=resolution&channel=email`,
      // No target for social, no such hour in the range: conditions no row meets.
      `/api/conversations?${filters}&breached=first_response&channel=social`,
      `/api/conversations?${filters}&weekday=3&hour=10`,
      `/api/conversations?${filters}&topic=1,2,3`,
      `/api/conversations?${filters}&language=zh`,
      `/api/conversations.csv?${filters}`,
      '/api/conversations/1',
      '/api/conversations/2',
      '/api/runs',
    ];
    const fromSqlite = await dashboardAnswers(folder.path, sqliteDb, paths);
    const fromPostgres = await dashboardAnswers(folder.path, database.url, paths);
    for (const path of paths) expect({ path, status: fromSqlite[path]!.slice(0, 4) }).toEqual({ path, status: '200 ' });
    // The two analysis runs differ only in when they ran.
    fromSqlite['/api/runs'] = withoutTimes(fromSqlite['/api/runs']!);
    fromPostgres['/api/runs'] = withoutTimes(fromPostgres['/api/runs']!);
    for (const path of paths) expect({ path, body: fromPostgres[path] }).toEqual({ path, body: fromSqlite[path] });
  }, 300_000);

  test('digest gives the same digest from both engines', () => {
    for (const period of ['day', 'week']) {
      const args = ['digest', '--period', period, '--as-of', '2030-01-01', '--dry-run', '--format', 'json'];
      expect(succeed(folder.path, [...args, '--db', database.url])).toBe(succeed(folder.path, [...args, '--db', sqliteDb]));
    }
  }, 300_000);

  test('digest delivers on PostgreSQL once: the same day again is not sent twice', async () => {
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const config = join(folder.path, 'digest.config.json');
      writeFileSync(
        config,
        JSON.stringify({ deliveries: { destinations: [{ name: 'team', type: 'webhook', urlEnv: 'HOOK', digests: ['day'] }], retries: 0 } }),
      );
      const args = ['digest', '--period', 'day', '--as-of', '2030-01-01', '--db', database.url, '--config', config];
      const first = await runCliAsync(folder.path, args, { HOOK: hook });
      expect(first.stderr).toBe('supportlens: delivery team digest-day 2030-01-01: sent\n');
      expect(first.status).toBe(0);
      expect(bodies).toHaveLength(1);
      const again = await runCliAsync(folder.path, args, { HOOK: hook });
      expect(again.status).toBe(0);
      expect(again.stderr).toMatch(/team digest-day 2030-01-01: already delivered/);
      expect(bodies).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 300_000);

  test('run-now on PostgreSQL takes the advisory lock: while another process holds it, the run is skipped', async () => {
    const inbox = join(folder.path, 'empty-inbox');
    mkdirSync(inbox, { recursive: true });
    const config = join(folder.path, 'run-now.config.json');
    writeFileSync(config, JSON.stringify({ schedule: { inbox, retries: 0 } }));
    const holder = await openLocation(parseDatabaseLocation(database.url));
    try {
      const held = await acquireEngineJobLock(holder, NIGHTLY_JOB, { pid: 4242, hostname: 'other-machine' });
      expect(held.acquired).toBe(true);
      const skipped = runCli(folder.path, ['run-now', '--db', database.url, '--config', config, '--json']);
      expect(skipped.status).toBe(1);
      expect(JSON.parse(skipped.stdout)).toMatchObject({ status: 'skipped', heldBy: { pid: 4242, hostname: 'other-machine' } });
      if (held.acquired) await held.lock.release();
      const ran = runCli(folder.path, ['run-now', '--db', database.url, '--config', config, '--json']);
      expect(ran.stderr).toBe('');
      expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'succeeded' });
    } finally {
      await holder.close();
    }
  }, 300_000);

  test('run-now on PostgreSQL ingests new inbox files there and analyses them', async () => {
    const inbox = join(folder.path, 'new-inbox');
    mkdirSync(inbox, { recursive: true });
    const file = join(inbox, 'late.jsonl');
    const conversation = {
      id: 'late-1',
      channel: 'chat',
      created_at: '2026-12-01T10:00:00Z',
      messages: [
        { id: 'm1', author_role: 'customer', created_at: '2026-12-01T10:00:00Z', body: 'How do I reset two-factor authentication?' },
        { id: 'm2', author_role: 'agent', created_at: '2026-12-01T10:03:00Z', body: 'Open Security, then Reset 2FA.' },
      ],
    };
    writeFileSync(file, `${JSON.stringify(conversation)}\n`);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(file, old, old);
    const config = join(folder.path, 'new-inbox.config.json');
    writeFileSync(config, JSON.stringify({ schedule: { inbox, retries: 0 } }));
    const empty = await freshPostgresDatabase(serverUrl!);
    try {
      const run = runCli(folder.path, ['run-now', '--db', empty.url, '--config', config, '--json']);
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout);
      expect(result).toMatchObject({ status: 'succeeded' });
      expect(result.attempts[0].records).toMatchObject({ read: 1, inserted: 1, rejected: 0 });
      const report = JSON.parse(
        succeed(folder.path, ['report', 'response-times', '--format', 'json', '--db', empty.url, '--from', '2026-12-01', '--to', '2026-12-01']),
      );
      expect(report.total).toMatchObject({ conversations: 1, answered: 1, firstResponse: { count: 1, median: 180_000 } });
      // The same file again is not new: the next run reads nothing.
      const again = JSON.parse(runCli(folder.path, ['run-now', '--db', empty.url, '--config', config, '--json']).stdout);
      expect(again.attempts[0].files).toEqual([]);
    } finally {
      await empty.drop();
    }
  }, 300_000);

  test('the FAQ folder ingested again into PostgreSQL: every entry unchanged, the reports as they were', () => {
    const topics = ['report', 'topics', '--format', 'json', '--db', database.url];
    const gapsArgs = ['report', 'faq-gaps', '--format', 'json', '--db', database.url];
    // Each faq-gaps report is saved and compared with the one before it: the first here settles that comparison, and
    // the number of the report compared with is left out.
    const gaps = () => succeed(folder.path, gapsArgs).replace(/"comparedWithReport": \d+/, '"comparedWithReport": "-"');
    succeed(folder.path, gapsArgs);
    const before = [succeed(folder.path, topics), gaps()];
    const ingest = runCli(folder.path, ['ingest', '--db', database.url, '--json', join(folder.path, 'demo/faq')]);
    expect(ingest.status, ingest.stderr).toBe(0);
    const summary = JSON.parse(ingest.stdout);
    expect(summary.records.read).toBeGreaterThan(3);
    expect(summary.records).toMatchObject({ inserted: 0, updated: 0, rejected: 0, unchanged: summary.records.read });
    expect([succeed(folder.path, topics), gaps()]).toEqual(before);
  }, 300_000);

  test('demo into an empty PostgreSQL database ingests and analyses the demo files as demo into SQLite does', async () => {
    const empty = await freshPostgresDatabase(serverUrl!);
    try {
      const demo = runCli(folder.path, ['demo', '--db', empty.url, '--dir', join(folder.path, 'demo')]);
      expect(demo.status, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/^ingest run 1 succeeded: /m);
      expect(demo.stdout).toMatch(/^analysis run 1 succeeded /m);
      const demoDb = join(folder.path, 'demo-command.db');
      const onSqlite = runCli(folder.path, ['demo', '--db', demoDb, '--dir', join(folder.path, 'demo')]);
      expect(onSqlite.status, onSqlite.stderr).toBe(0);
      const gaps = (db: string) => succeed(folder.path, ['report', 'faq-gaps', '--format', 'json', '--db', db]);
      const fromPostgres = gaps(empty.url);
      expect(JSON.parse(fromPostgres).findings.length).toBeGreaterThan(3);
      expect(fromPostgres).toBe(gaps(demoDb));
    } finally {
      await empty.drop();
    }
  }, 600_000);

  test('copy-database refuses a database that already holds data, and leaves it as it was', () => {
    const topics = ['report', 'topics', '--format', 'json', '--db', database.url];
    const before = succeed(folder.path, topics);
    const again = runCli(folder.path, ['copy-database', '--from', sqliteDb, '--to', database.url]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/the PostgreSQL table \w+ already holds rows: copy into an empty database/);
    expect(succeed(folder.path, topics)).toBe(before);
  }, 300_000);

  test('analyze killed (SIGKILL) after its topics step on PostgreSQL: readers keep the last successful run; the next run drops its rows', async () => {
    const read = () => [
      succeed(folder.path, ['report', 'topics', '--format', 'json', '--db', database.url]),
      succeed(folder.path, ['report', 'response-times', '--format', 'json', '--as-of', AS_OF, '--db', database.url]),
    ];
    const before = read();
    const killed = runCli(folder.path, ['analyze', '--db', database.url, '--quiet'], { SUPPORTLENS_TEST_KILL_AFTER_STEP: 'topics' });
    expect(killed.signal).toBe('SIGKILL');
    expect(read()).toEqual(before);
    const next = JSON.parse(succeed(folder.path, ['analyze', '--db', database.url, '--json']));
    const handle = await openLocation(parseDatabaseLocation(database.url), { readonly: true });
    try {
      const runs = await handle.db.selectFrom('analysis_runs').select(['id', 'status']).orderBy('id', 'desc').limit(2).execute();
      expect(runs).toEqual([
        { id: next.runId, status: 'succeeded' },
        { id: next.runId - 1, status: 'interrupted' },
      ]);
      for (const { table, runColumn } of ANALYSIS_RESULT_TABLES) {
        const rows = await handle.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where(runColumn, '=', next.runId - 1)
          .executeTakeFirstOrThrow();
        expect({ table, rows: Number(rows.n) }).toEqual({ table, rows: 0 });
      }
    } finally {
      await handle.close();
    }
  }, 300_000);

  test('demo on PostgreSQL analyses the data it holds', () => {
    const demo = succeed(folder.path, ['demo', '--db', database.url, '--dir', join(folder.path, 'demo')]);
    expect(demo).toMatch(/already holds data; nothing generated\nanalysis run \d+ succeeded/);
  }, 300_000);
});
