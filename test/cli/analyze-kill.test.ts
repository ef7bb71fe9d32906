import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ANALYSIS_RESULT_TABLES } from '../../db/analysis-runs.js';
import { openDatabase } from '../../db/connection.js';
import { temporaryFolder } from '../helpers.js';
import { copyOfBase, prepareDemoAnalysis, readAll, runCli, succeed, type DemoAnalysis } from './demo-analysis.js';

const folder = temporaryFolder('supportlens-analyze-kill-');
let demo: DemoAnalysis;
let readersAfterFirstRun: Record<string, string>;

beforeAll(() => {
  demo = prepareDemoAnalysis(folder.path);
  expect(existsSync(`${demo.base}-wal`)).toBe(false);
  readersAfterFirstRun = readAll(folder.path, copyOfBase(demo, 'first-run'));
}, 240_000);
afterAll(() => folder.cleanup());

test('the changed configuration changes what every reader gives, once its run has succeeded', () => {
  const db = copyOfBase(demo, 'second-run');
  succeed(folder.path, ['analyze', '--db', db, '--quiet', '--config', demo.changedConfig]);
  const after = readAll(folder.path, db);
  for (const reader of Object.keys(readersAfterFirstRun))
    expect({ reader, same: after[reader] === readersAfterFirstRun[reader] }).toEqual({ reader, same: false });
}, 120_000);

test.each(['responseTimes', 'topics', 'faq'])(
  'analyze killed (SIGKILL) after the %s step: every reader gives what it gave after the last successful run',
  async (step) => {
    const db = copyOfBase(demo, `killed-after-${step}`);
    const killed = runCli(folder.path, ['analyze', '--db', db, '--quiet', '--config', demo.changedConfig], { SUPPORTLENS_TEST_KILL_AFTER_STEP: step });
    expect(killed.signal).toBe('SIGKILL');
    expect(readAll(folder.path, db)).toEqual(readersAfterFirstRun);

    // The next run marks the dead one interrupted and, once it has succeeded, drops the dead run's rows: what is left
    // is its own and the run before it (which a reader may have been reading when it succeeded).
    succeed(folder.path, ['analyze', '--db', db, '--quiet']);
    const handle = await openDatabase({ path: db });
    try {
      const runs = await handle.db.selectFrom('analysis_runs').select(['id', 'status']).orderBy('id').execute();
      expect(runs).toEqual([
        { id: 1, status: 'succeeded' },
        { id: 2, status: 'interrupted' },
        { id: 3, status: 'succeeded' },
      ]);
      const runsIn = (table: string, column: string) => handle.sqlite.prepare(`select distinct ${column} from ${table} order by 1`).pluck().all();
      for (const { table, runColumn } of ANALYSIS_RESULT_TABLES) {
        // A 20-day demo has not the three weeks of history alerts need: no run finds any, and none may be the dead run's.
        const expected = table === 'alerts' ? (runsIn(table, runColumn) as number[]).filter((run) => run === 1 || run === 3) : [1, 3];
        expect({ table, runs: runsIn(table, runColumn) }).toEqual({ table, runs: expected });
      }
    } finally {
      await handle.close();
    }
  },
  120_000,
);
