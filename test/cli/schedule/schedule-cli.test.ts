import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { acquireJobLock } from '../../../db/job-lock.js';
import { NIGHTLY_JOB } from '../../../cli/schedule/run-tick.js';
import { openDatabase } from '../../../db/connection.js';
import { openTestLocation, sqliteOnlyTest, testDatabaseLocation } from '../../support/test-database.js';
import { ON_POSTGRES_PASS } from '../../support/test-engine.js';
import { CLI, temporaryFolder } from '../../helpers.js';
import { writeConversations } from './inbox-files.js';

let folder: ReturnType<typeof temporaryFolder>;
let db: string;
let inbox: string;
beforeEach(async () => {
  folder = temporaryFolder();
  db = await testDatabaseLocation(join(folder.path, 'test.db'));
  inbox = join(folder.path, 'inbox');
  mkdirSync(inbox);
  writeFileSync(join(folder.path, 'supportlens.config.json'), JSON.stringify({ schedule: { inbox: './inbox', retries: 0 } }));
});
afterEach(() => folder.cleanup());

function supportlens(...args: string[]) {
  const result = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', cwd: folder.path });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function jobRuns() {
  const handle = await openTestLocation(db);
  try {
    return await handle.db.selectFrom('job_runs').select(['trigger', 'attempt', 'status', 'files_count', 'records_inserted', 'error']).orderBy('id').execute();
  } finally {
    await handle.close();
  }
}

describe('supportlens run-now', () => {
  test('ingests the new files and analyses, exit 0; again: nothing new, exit 0', async () => {
    writeConversations(inbox, 'day-1.jsonl', { prefix: 'a', count: 3 });
    const first = supportlens('run-now', '--db', db);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('run 1 (attempt 1) succeeded: 1 new file, 3 records read (3 inserted, 0 updated, 0 rejected)\n');
    expect(first.code).toBe(0);
    const second = supportlens('run-now', '--db', db, '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'succeeded', attempts: [{ attempt: 1, files: [], analysisRunId: null }] });
    expect(await jobRuns()).toEqual([
      { trigger: 'manual', attempt: 1, status: 'succeeded', files_count: 1, records_inserted: 3, error: null },
      { trigger: 'manual', attempt: 1, status: 'succeeded', files_count: 0, records_inserted: 0, error: null },
    ]);
  });

  sqliteOnlyTest("SQLite's job-lock table; PostgreSQL's advisory lock has the same test in test/cli/postgres-engine.test.ts")(
    'exit 1, recorded as skipped, while another process holds the lock',
    async () => {
      writeConversations(inbox, 'day-1.jsonl', { prefix: 'a', count: 1 });
      const handle = await openDatabase({ path: db });
      const held = acquireJobLock(handle, NIGHTLY_JOB);
      try {
        const result = supportlens('run-now', '--db', db);
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(new RegExp(`^run 1 skipped: another run holds the lock: pid ${process.pid} on `));
      } finally {
        if (held.acquired) held.lock.release();
        await handle.close();
      }
      expect((await jobRuns()).map((run) => run.status)).toEqual(['skipped']);
      expect(supportlens('run-now', '--db', db).code).toBe(0);
    },
  );

  test('two processes at once: the files are loaded once', async () => {
    writeConversations(inbox, 'day-1.jsonl', { prefix: 'a', count: 4 });
    const runNow = () =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [...CLI, 'run-now', '--db', db], { cwd: folder.path });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stdout }));
      });
    // An existing database (a new one: the test below).
    await (await openTestLocation(db)).close();
    const results = await Promise.all([runNow(), runNow()]);
    const runs = await jobRuns();
    expect(runs.filter((run) => run.files_count > 0)).toEqual([expect.objectContaining({ status: 'succeeded', files_count: 1, records_inserted: 4 })]);
    // Either the runs overlapped (one skipped, exit 1) or the second came after the first and found nothing new.
    expect(runs.map((run) => run.status).sort()).toSatisfy(
      (statuses: string[]) => statuses.join() === 'skipped,succeeded' || statuses.join() === 'succeeded,succeeded',
    );
    expect(results.map((result) => result.code).sort()).toEqual(runs.some((run) => run.status === 'skipped') ? [0, 1] : [0, 0]);
  });

  test('two processes at once on a new database, several times: no crash, one runs, the other is recorded as skipped', async () => {
    writeConversations(inbox, 'day-1.jsonl', { prefix: 'a', count: 2_000 });
    const runNow = (path: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [...CLI, 'run-now', '--db', path], { cwd: folder.path });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    for (let round = 1; round <= 4; round++) {
      db = join(folder.path, `new-${round}.db`);
      const results = await Promise.all([runNow(db), runNow(db)]);
      expect(
        results.map((result) => result.stderr),
        `round ${round}`,
      ).toEqual(['', '']);
      expect(results.map((result) => result.code).sort(), `round ${round}`).toEqual([0, 1]);
      const runs = await jobRuns();
      expect(runs.map((run) => [run.status, run.records_inserted]).sort(), `round ${round}`).toEqual([
        ['skipped', 0],
        ['succeeded', 2_000],
      ]);
    }
  }, 120_000);

  test('exit 2 for a bad schedule section, naming the keys', () => {
    writeFileSync(join(folder.path, 'bad.json'), JSON.stringify({ schedule: { retries: 'often', cron: '0 2 * *  * * *' } }));
    const result = supportlens('run-now', '--db', db, '--config', 'bad.json');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/schedule\.cron: "0 2 \* \* {2}\* \* \*" is not a cron expression/);
    expect(result.stderr).toMatch(/schedule\.retries: expected a whole number from 0 to 20, got "often"/);
  });
});

describe('supportlens schedule', () => {
  test('ticks on the cron expression; SIGTERM stops it cleanly', async () => {
    writeFileSync(join(folder.path, 'fast.json'), JSON.stringify({ schedule: { inbox: './inbox', cron: '* * * * * *', timeZone: 'UTC' } }));
    writeConversations(inbox, 'day-1.jsonl', { prefix: 'a', count: 2 });
    const child = spawn(process.execPath, [...CLI, 'schedule', '--db', db, '--config', 'fast.json'], { cwd: folder.path });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 15_000;
    while (!/succeeded: 1 new file/.test(stderr) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const database = ON_POSTGRES_PASS ? 'postgres://\\S+' : '.*test\\.db';
    expect(stderr).toMatch(new RegExp(`schedule "\\* \\* \\* \\* \\* \\*" in UTC; inbox .*inbox; database ${database}; next run \\d{4}-`));
    expect(stderr).toMatch(/run 1 \(attempt 1\) succeeded: 1 new file, 2 records read/);
    expect(stderr).toMatch(/SIGTERM: waiting for the current run to finish\n.*stopped\n$/);
    const runs = await jobRuns();
    expect(runs[0]).toMatchObject({ trigger: 'schedule', status: 'succeeded', files_count: 1 });
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
  });
});
