import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isProcessAlive } from '../../../db/abandoned-runs.js';
import { acquireJobLock, startHeartbeat } from '../../../db/job-lock.js';
import { NIGHTLY_JOB, runTick } from '../../../cli/schedule/run-tick.js';
import { openDatabase, type DatabaseHandle } from '../../../db/connection.js';
import { temporaryFolder } from '../../helpers.js';
import { FAST_SCAN, scheduleConfig, writeConversations } from './inbox-files.js';

/** Waits until `condition` holds, for at most 20 s; the assertion after it says what did not happen. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

let folder: ReturnType<typeof temporaryFolder>;
let first: DatabaseHandle;
let second: DatabaseHandle;
beforeEach(async () => {
  folder = temporaryFolder();
  const path = join(folder.path, 'shared.db');
  first = await openDatabase({ path });
  second = await openDatabase({ path });
});
afterEach(async () => {
  await first.close();
  await second.close();
  folder.cleanup();
});

/** The id of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(child.stdout);
  expect(isProcessAlive(pid)).toBe(false);
  return pid;
}

describe('the job lock', () => {
  test('two handles on one database file: the second cannot take it until the first releases it', () => {
    const a = acquireJobLock(first, NIGHTLY_JOB);
    expect(a.acquired).toBe(true);
    const b = acquireJobLock(second, NIGHTLY_JOB);
    expect(b).toMatchObject({ acquired: false, holder: { holder_pid: process.pid, holder_hostname: hostname() } });
    if (a.acquired) a.lock.release();
    const c = acquireJobLock(second, NIGHTLY_JOB);
    expect(c.acquired).toBe(true);
    if (c.acquired) {
      expect(c.lock.tookOverFrom).toBeNull();
      c.lock.release();
    }
  });

  test('the lock of a dead process on this host is taken over', () => {
    const pid = deadPid();
    const dead = acquireJobLock(first, NIGHTLY_JOB, { pid });
    expect(dead.acquired).toBe(true);
    const taken = acquireJobLock(second, NIGHTLY_JOB);
    expect(taken.acquired).toBe(true);
    if (!taken.acquired || !dead.acquired) return;
    expect(taken.lock.tookOverFrom).toMatchObject({ holder_pid: pid });
    // The old holder can neither refresh nor release the new holder's lock.
    expect(dead.lock.heartbeat()).toBe(false);
    dead.lock.release();
    expect(acquireJobLock(first, NIGHTLY_JOB).acquired).toBe(false);
    expect(taken.lock.heartbeat()).toBe(true);
  });

  test('a live holder on another host keeps it until its heartbeat is stale', () => {
    let now = 1_000_000;
    const other = acquireJobLock(first, NIGHTLY_JOB, { pid: 1, hostname: 'other-host', now: () => now });
    expect(other.acquired).toBe(true);
    now += 60_000;
    expect(acquireJobLock(second, NIGHTLY_JOB, { now: () => now, staleAfterMs: 120_000 }).acquired).toBe(false);
    if (other.acquired) other.lock.heartbeat();
    now += 100_000;
    expect(acquireJobLock(second, NIGHTLY_JOB, { now: () => now, staleAfterMs: 120_000 }).acquired).toBe(false);
    now += 120_001;
    const stale = acquireJobLock(second, NIGHTLY_JOB, { now: () => now, staleAfterMs: 120_000 });
    expect(stale.acquired).toBe(true);
    if (stale.acquired) expect(stale.lock.tookOverFrom).toMatchObject({ holder_hostname: 'other-host' });
  });
});

describe('two ticks at once', () => {
  test('the second is recorded as skipped and ingests nothing; the files are loaded once', async () => {
    const inbox = join(folder.path, 'inbox');
    mkdirSync(inbox);
    writeConversations(inbox, 'a.jsonl', { prefix: 'a', count: 3 });
    const config = scheduleConfig(inbox);
    const [one, two] = await Promise.all([
      runTick(first, config, { trigger: 'schedule', inboxScan: FAST_SCAN }),
      runTick(second, config, { trigger: 'manual', inboxScan: FAST_SCAN }),
    ]);
    expect([one.status, two.status].sort()).toEqual(['skipped', 'succeeded']);
    const skipped = one.status === 'skipped' ? one : two;
    expect(skipped.heldBy).toMatchObject({ pid: process.pid, hostname: hostname() });
    const runs = await first.db.selectFrom('job_runs').select(['status', 'files_count', 'error']).orderBy('id').execute();
    expect(runs.map((run) => run.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(runs.find((run) => run.status === 'skipped')!.error).toMatch(/another run holds the lock: pid \d+ on /);
    const conversations = await first.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(conversations.n).toBe(3);
    expect(await first.db.selectFrom('job_locks').selectAll().execute()).toEqual([]);
  });

  test('a stale lock left by a dead process does not stop the next tick', async () => {
    const inbox = join(folder.path, 'inbox');
    mkdirSync(inbox, { recursive: true });
    const pid = deadPid();
    const dead = acquireJobLock(first, NIGHTLY_JOB, { pid });
    expect(dead.acquired).toBe(true);
    // The dead holder's run, left `running`.
    await first.db
      .insertInto('job_runs')
      .values({ job: NIGHTLY_JOB, trigger: 'schedule', attempt: 1, started_at: Date.now() - 60_000, status: 'running', pid, hostname: hostname(), inbox })
      .execute();
    const messages: string[] = [];
    const result = await runTick(second, scheduleConfig(inbox), { trigger: 'schedule', inboxScan: FAST_SCAN, log: (line) => messages.push(line) });
    expect(result.status).toBe('succeeded');
    expect(messages[0]).toMatch(/^took over the lock of pid \d+/);
    const runs = await second.db.selectFrom('job_runs').select(['id', 'status', 'error']).orderBy('id').execute();
    expect(runs).toEqual([
      { id: 1, status: 'interrupted', error: 'the process ended before the run finished (its lock was taken over)' },
      { id: 2, status: 'succeeded', error: null },
    ]);
  });
});

test('a database kept busy by another writer: the tick is skipped, not crashed', async () => {
  first.sqlite.pragma('busy_timeout = 100');
  second.sqlite.exec('BEGIN IMMEDIATE');
  try {
    const lines: string[] = [];
    const result = await runTick(first, scheduleConfig(join(folder.path, 'inbox')), {
      trigger: 'manual',
      inboxScan: FAST_SCAN,
      log: (line) => lines.push(line),
    });
    expect(result.status).toBe('skipped');
    expect(result.attempts[0]!.error).toMatch(/^the database is busy \(another process is writing\)/);
    expect(lines).toEqual([expect.stringMatching(/^run \(not recorded: database busy\) skipped: the database is busy/)]);
  } finally {
    second.sqlite.exec('ROLLBACK');
  }
  mkdirSync(join(folder.path, 'inbox'), { recursive: true });
  expect((await runTick(first, scheduleConfig(join(folder.path, 'inbox')), { trigger: 'manual', inboxScan: FAST_SCAN })).status).toBe('succeeded');
});

test('the heartbeat refreshes the lock while it is held, and reports when it was taken', async () => {
  let now = 5_000_000;
  const held = acquireJobLock(first, NIGHTLY_JOB, { now: () => now });
  if (!held.acquired) throw new Error('not acquired');
  let lost = 0;
  const stop = startHeartbeat(held.lock, 20, () => (lost += 1));
  try {
    now += 1_000;
    // Polled rather than slept for: on a loaded machine a 20 ms timer may fire late.
    const readLock = () => second.db.selectFrom('job_locks').select(['heartbeat_at', 'acquired_at']).executeTakeFirstOrThrow();
    await until(async () => (await readLock()).heartbeat_at === 5_001_000);
    expect(await readLock()).toEqual({ acquired_at: 5_000_000, heartbeat_at: 5_001_000 });
    expect(lost).toBe(0);
    await second.db.deleteFrom('job_locks').execute();
    await until(async () => lost > 0);
    expect(lost).toBeGreaterThan(0);
  } finally {
    stop();
  }
});
