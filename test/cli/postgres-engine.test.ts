import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, temporaryFolder } from '../helpers.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';
import { runCli, succeed } from './demo-analysis.js';

// The demo analysed in SQLite and copied into PostgreSQL (copy-database): every report, the rejects list and the
// dashboard's API give byte for byte the same answers from either engine.

const AS_OF = '2030-01-01T00:00:00Z';
const serverUrl = testPostgresUrl();

function readers(folder: string, db: string): Record<string, string> {
  const read = (args: readonly string[]) => succeed(folder, [...args, '--db', db]);
  return {
    responseTimes: read(['report', 'response-times', '--format', 'json', '--group-by', 'day', '--business-hours', '--as-of', AS_OF]),
    responseTimesTeam: read(['report', 'response-times', '--format', 'csv', '--group-by', 'team', '--as-of', AS_OF]),
    breaches: read(['report', 'response-times', '--format', 'json', '--breaches', '--as-of', AS_OF]),
    heatmap: read(['report', 'response-times', '--format', 'json', '--heatmap', '--as-of', AS_OF]),
    topics: read(['report', 'topics', '--format', 'json']),
    faqGaps: read(['report', 'faq-gaps', '--format', 'json']),
    faqGapsAgain: read(['report', 'faq-gaps', '--format', 'markdown']),
    rejects: read(['rejects', '--json']),
  };
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

describe.skipIf(serverUrl === undefined)('PostgreSQL engine: the same answers as SQLite', () => {
  const folder = temporaryFolder();
  const sqliteDb = join(folder.path, 'demo.db');
  let database: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    database = await freshPostgresDatabase(serverUrl!);
    succeed(folder.path, ['demo-data', '--out', join(folder.path, 'demo'), '--days', '20']);
    succeed(folder.path, ['ingest', '--db', sqliteDb, '--quiet', join(folder.path, 'demo/inbox'), join(folder.path, 'demo/faq')]);
    succeed(folder.path, ['analyze', '--db', sqliteDb, '--quiet']);
    const copy = runCli(folder.path, ['copy-database', '--from', sqliteDb, '--to', database.url]);
    expect(copy.status, copy.stderr).toBe(0);
    expect(copy.stdout).toMatch(/^copied \d+ rows in \d+ tables from .*demo\.db to postgres:\/\/supportlens@localhost:\d+\/t_\w+\?host=.* in [\d.]+ s\n$/);
    expect(copy.stderr).toMatch(/^messages: [1-9]\d* rows$/m);
  }, 300_000);
  afterAll(async () => {
    await database?.drop();
    folder.cleanup();
  });

  test('every report and the rejects list, byte for byte', () => {
    const fromSqlite = readers(folder.path, sqliteDb);
    const fromPostgres = readers(folder.path, database.url);
    expect(JSON.parse(fromSqlite.topics!).topics.length).toBeGreaterThan(5);
    expect(JSON.parse(fromSqlite.faqGaps!).findings.length).toBeGreaterThan(3);
    for (const name of Object.keys(fromSqlite)) expect({ name, output: fromPostgres[name] }).toEqual({ name, output: fromSqlite[name] });
  }, 600_000);

  test('SUPPORTLENS_DB names the database when --db is not given', () => {
    const viaFlag = succeed(folder.path, ['report', 'topics', '--format', 'json', '--db', database.url]);
    const viaEnvironment = runCli(folder.path, ['report', 'topics', '--format', 'json'], { SUPPORTLENS_DB: database.url });
    expect(viaEnvironment.stderr).toBe('');
    expect(viaEnvironment.stdout).toBe(viaFlag);
  }, 300_000);

  test("the dashboard's API", async () => {
    const paths = [
      '/api/overview?days=30',
      '/api/peak-times?days=30',
      '/api/topics?days=30',
      '/api/faq-gaps?days=30',
      '/api/agents?days=30',
      '/api/conversations?days=30&limit=50',
      '/api/runs',
    ];
    const fromSqlite = await dashboardAnswers(folder.path, sqliteDb, paths);
    const fromPostgres = await dashboardAnswers(folder.path, database.url, paths);
    for (const path of paths) expect(fromSqlite[path]).toMatch(/^200 /);
    for (const path of paths) expect({ path, body: fromPostgres[path] }).toEqual({ path, body: fromSqlite[path] });
  }, 300_000);

  test('FAQ files cannot be ingested into PostgreSQL yet: each fails saying so and what to do, and nothing changes', () => {
    const topics = ['report', 'topics', '--format', 'json', '--db', database.url];
    const before = succeed(folder.path, topics);
    const ingest = runCli(folder.path, ['ingest', '--db', database.url, join(folder.path, 'demo/faq')]);
    expect(ingest.status).toBe(3);
    expect(ingest.stdout).toMatch(/FAQ entries cannot be ingested into PostgreSQL yet: .*supportlens copy-database/);
    expect(succeed(folder.path, topics)).toBe(before);
  }, 300_000);

  test('copy-database refuses a database that already holds data, and leaves it as it was', () => {
    const topics = ['report', 'topics', '--format', 'json', '--db', database.url];
    const before = succeed(folder.path, topics);
    const again = runCli(folder.path, ['copy-database', '--from', sqliteDb, '--to', database.url]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/the PostgreSQL table \w+ already holds rows: copy into an empty database/);
    expect(succeed(folder.path, topics)).toBe(before);
  }, 300_000);
});
