import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ANALYSIS_RESULT_TABLES } from '../../db/analysis-runs.js';
import { openDatabase } from '../../db/connection.js';
import { CLI, temporaryFolder } from '../helpers.js';

const folder = temporaryFolder('supportlens-analyze-kill-');
const base = join(folder.path, 'base.db');
const changedConfig = join(folder.path, 'changed.config.json');
const AS_OF = '2030-01-01T00:00:00Z';
let readersAfterFirstRun: Record<string, string>;

function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: folder.path, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 });
}

function succeed(args: readonly string[]): string {
  const result = cli(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** A copy of the database after its first analysis, for one case (report faq-gaps saves each report it makes). */
function copyOfBase(name: string): string {
  const copy = join(folder.path, `${name}.db`);
  copyFileSync(base, copy);
  return copy;
}

/** What every reader gives, read the same way each time: default configuration, a fixed "now". */
function readAll(db: string): Record<string, string> {
  return {
    responseTimes: succeed(['report', 'response-times', '--db', db, '--format', 'json', '--group-by', 'day', '--business-hours', '--as-of', AS_OF]),
    heatmap: succeed(['report', 'response-times', '--db', db, '--format', 'json', '--heatmap', '--business-hours', '--as-of', AS_OF]),
    topics: succeed(['report', 'topics', '--db', db, '--format', 'json']),
    faqGaps: succeed(['report', 'faq-gaps', '--db', db, '--format', 'json']),
    export: succeed(['export', 'conversations', '--db', db, '--format', 'jsonl']),
  };
}

beforeAll(() => {
  succeed(['demo-data', '--out', join(folder.path, 'demo'), '--days', '20']);
  succeed(['ingest', '--db', base, '--quiet', join(folder.path, 'demo/inbox'), join(folder.path, 'demo/faq')]);
  succeed(['analyze', '--db', base, '--quiet']);
  expect(existsSync(`${base}-wal`)).toBe(false);
  // Every analysis gives other results under this configuration: another reporting zone, business hours, other
  // topics, a lower FAQ threshold.
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
  writeFileSync(
    changedConfig,
    JSON.stringify({
      reportingTimeZone: 'Asia/Shanghai',
      businessHours: {
        chat: { timeZone: 'Asia/Shanghai', intervals: [{ days: weekdays, start: '09:00', end: '18:00' }] },
        email: { timeZone: 'Asia/Shanghai', intervals: [{ days: weekdays, start: '09:00', end: '17:00' }] },
        social: { timeZone: 'Asia/Shanghai', intervals: [{ days: weekdays, start: '10:00', end: '16:00' }] },
      },
      topics: { maxTopics: 5, seed: 7 },
      faq: { coveredThreshold: 0.1 },
    }),
  );
  readersAfterFirstRun = readAll(copyOfBase('first-run'));
}, 240_000);
afterAll(() => folder.cleanup());

test('the changed configuration changes what every reader gives, once its run has succeeded', () => {
  const db = copyOfBase('second-run');
  succeed(['analyze', '--db', db, '--quiet', '--config', changedConfig]);
  const after = readAll(db);
  for (const reader of Object.keys(readersAfterFirstRun)) expect({ reader, same: after[reader] === readersAfterFirstRun[reader] }).toEqual({ reader, same: false });
}, 120_000);

test.each(['responseTimes', 'topics', 'faq'])(
  'analyze killed (SIGKILL) after the %s step: every reader gives what it gave after the last successful run',
  async (step) => {
    const db = copyOfBase(`killed-after-${step}`);
    const killed = cli(['analyze', '--db', db, '--quiet', '--config', changedConfig], { SUPPORTLENS_TEST_KILL_AFTER_STEP: step });
    expect(killed.signal).toBe('SIGKILL');
    expect(readAll(db)).toEqual(readersAfterFirstRun);

    // The next run marks the dead one interrupted and, once it has succeeded, drops the dead run's rows: what is left
    // is its own and the run before it (which a reader may have been reading when it succeeded).
    succeed(['analyze', '--db', db, '--quiet']);
    const handle = await openDatabase({ path: db });
    try {
      const runs = await handle.db.selectFrom('analysis_runs').select(['id', 'status']).orderBy('id').execute();
      expect(runs).toEqual([
        { id: 1, status: 'succeeded' },
        { id: 2, status: 'interrupted' },
        { id: 3, status: 'succeeded' },
      ]);
      const runsIn = (table: string, column: string) =>
        handle.sqlite.prepare(`select distinct ${column} from ${table} order by 1`).pluck().all();
      for (const { table, runColumn } of ANALYSIS_RESULT_TABLES) expect({ table, runs: runsIn(table, runColumn) }).toEqual({ table, runs: [1, 3] });
    } finally {
      await handle.close();
    }
  },
  120_000,
);
