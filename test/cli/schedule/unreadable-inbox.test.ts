import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { deferUntilRetry, recordFailure } from '../../../cli/schedule/failing-files.js';
import { runTick } from '../../../cli/schedule/run-tick.js';
import type { TestDatabase } from '../../support/test-database.js';
import { CLI, makeReadableAgain, makeUnreadable, memoryDatabase, temporaryFolder } from '../../helpers.js';
import { FAST_SCAN, scheduleConfig, writeConversations } from './inbox-files.js';

let folder: ReturnType<typeof temporaryFolder>;
let inbox: string;
let handle: TestDatabase;
let locked: string[] = [];
beforeEach(async () => {
  folder = temporaryFolder();
  inbox = join(folder.path, 'inbox');
  mkdirSync(inbox);
  handle = await memoryDatabase();
  locked = [];
});
afterEach(async () => {
  for (const path of locked) makeReadableAgain(path);
  await handle.close();
  folder.cleanup();
});

/** A file (or folder) of the inbox that cannot be read: mode 000, or for root a link to a kernel path. */
function unreadable(name: string, kind: 'file' | 'folder'): string {
  const path = join(inbox, name);
  expect(makeUnreadable(path, kind), 'no way to make a path unreadable here').toBe(true);
  locked.push(path);
  return path;
}

const lastSummary = async () => {
  const row = await handle.db.selectFrom('job_runs').select(['status', 'error', 'summary']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  return {
    ...row,
    summary: JSON.parse(row.summary ?? '{}') as { unreadable: { path: string }[]; failing: { path: string; failures: number; skipTicks: number }[] },
  };
};

describe('an unreadable file or subfolder in the inbox', () => {
  test('the rest loads, the run is partial and names both with the system error, and it is not retried', async () => {
    writeConversations(inbox, 'a.jsonl', { prefix: 'a', count: 2 });
    const file = unreadable('bad.jsonl', 'file');
    const sub = unreadable('locked', 'folder');
    const result = await runTick(handle, scheduleConfig(inbox, { retries: 2, retryDelay: '10s' }), { trigger: 'manual', inboxScan: FAST_SCAN });
    expect(result.status).toBe('partial');
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]!.records).toEqual({ read: 2, inserted: 2, updated: 0, rejected: 0 });
    const { error, summary } = await lastSummary();
    expect(error).toMatch(
      new RegExp(
        `^not read: ${sub}: cannot read folder: EACCES: permission denied, scandir '[^']+'; ${file}: cannot read file: EACCES: permission denied, open '[^']+'$`,
      ),
    );
    expect(summary.unreadable.map((entry) => entry.path)).toEqual([sub, file]);
  });

  test('a file that keeps failing the same way is left alone for 1, then 3 ticks, and tried at once when it changes', async () => {
    const file = unreadable('bad.jsonl', 'file');
    const config = scheduleConfig(inbox);
    const tick = async () => {
      await runTick(handle, config, { trigger: 'schedule', inboxScan: FAST_SCAN });
      const { status, error, summary } = await lastSummary();
      const tried = summary.unreadable.some((entry) => entry.path === file);
      const failing = summary.failing.find((entry) => entry.path === file);
      return { status, tried, left: error?.includes('left alone this tick') ?? false, failures: failing?.failures, skipTicks: failing?.skipTicks };
    };
    const ticks = [];
    for (let i = 0; i < 7; i++) ticks.push(await tick());
    expect(ticks).toEqual([
      { status: 'partial', tried: true, left: false, failures: 1, skipTicks: 0 },
      { status: 'partial', tried: true, left: false, failures: 2, skipTicks: 1 },
      { status: 'partial', tried: false, left: true, failures: 2, skipTicks: 0 },
      { status: 'partial', tried: true, left: false, failures: 3, skipTicks: 3 },
      { status: 'partial', tried: false, left: true, failures: 3, skipTicks: 2 },
      { status: 'partial', tried: false, left: true, failures: 3, skipTicks: 1 },
      { status: 'partial', tried: false, left: true, failures: 3, skipTicks: 0 },
    ]);
    // Replaced by a readable file: its size and change time moved, so it is read at the next tick.
    makeReadableAgain(file);
    rmSync(file);
    locked = [];
    writeConversations(inbox, 'bad.jsonl', { prefix: 'fixed', count: 1 });
    const fixed = await runTick(handle, config, { trigger: 'schedule', inboxScan: FAST_SCAN });
    expect(fixed.status).toBe('succeeded');
    expect(fixed.attempts[0]!.records.inserted).toBe(1);
    expect((await lastSummary()).summary.failing).toEqual([]);
  });

  test('back-off arithmetic: the same error doubles the wait up to 15 ticks; another error or a change starts over', () => {
    const failure = { path: '/inbox/x', error: 'cannot read file: EIO', signature: '10:1' };
    let entry = recordFailure(undefined, failure);
    const waits = [entry.skipTicks];
    for (let i = 0; i < 6; i++) waits.push((entry = recordFailure(entry, failure)).skipTicks);
    expect(waits).toEqual([0, 1, 3, 7, 15, 15, 15]);
    expect(recordFailure(entry, { ...failure, error: 'cannot read file: EACCES' })).toMatchObject({ failures: 1, skipTicks: 0 });
    expect(deferUntilRetry(entry, '10:1')).toMatchObject({ skipTicks: 14 });
    expect(deferUntilRetry(entry, '11:2')).toBeUndefined();
  });
});

describe('a missing inbox folder', () => {
  test('fails the run with a message that says so, without retrying', async () => {
    const missing = join(folder.path, 'no-such-inbox');
    const result = await runTick(handle, scheduleConfig(missing, { retries: 2, retryDelay: '10s' }), { trigger: 'manual', inboxScan: FAST_SCAN });
    expect(result.status).toBe('failed');
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]!.error).toBe(`the inbox folder ${missing} does not exist: create it, or set schedule.inbox in the configuration`);
  });

  test('supportlens run-now says so and exits 1', () => {
    writeFileSync(join(folder.path, 'supportlens.config.json'), JSON.stringify({ schedule: { inbox: './no-such-inbox' } }));
    const result = spawnSync(process.execPath, [...CLI, 'run-now', '--db', join(folder.path, 'test.db')], { encoding: 'utf8', cwd: folder.path });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `run 1 (attempt 1) failed: the inbox folder ${join(folder.path, 'no-such-inbox')} does not exist: create it, or set schedule.inbox in the configuration\n`,
    );
  });
});
