import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { TickResult, TickStages } from '../../../cli/schedule/run-tick.js';
import { startSchedule } from '../../../cli/schedule/start-schedule.js';
import type { TestDatabase } from '../../support/test-database.js';
import { memoryDatabase, temporaryFolder } from '../../helpers.js';
import { FAST_SCAN, scheduleConfig, writeConversations } from './inbox-files.js';

let folder: ReturnType<typeof temporaryFolder>;
let inbox: string;
let handle: TestDatabase;
beforeEach(async () => {
  folder = temporaryFolder();
  inbox = join(folder.path, 'inbox');
  mkdirSync(inbox);
  handle = await memoryDatabase();
});
afterEach(async () => {
  await handle.close();
  folder.cleanup();
});

function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`not reached in ${timeoutMs} ms`));
      }
    }, 20);
  });
}

test('node-cron fires ticks every second; a failing tick does not stop the schedule', async () => {
  writeConversations(inbox, 'a.jsonl', { prefix: 'a', count: 2 });
  let calls = 0;
  const stages: Partial<TickStages> = {
    ingest: async () => {
      calls += 1;
      throw new Error('first night: the disk is not mounted');
    },
  };
  const results: TickResult[] = [];
  const lines: string[] = [];
  const schedule = startSchedule(handle, scheduleConfig(inbox, { cron: '* * * * * *', timeZone: 'UTC' }), {
    tick: { inboxScan: FAST_SCAN, stages },
    onTick: (result) => results.push(result),
    log: (line) => lines.push(line),
  });
  expect(schedule.nextRun()!.getTime() - Date.now()).toBeLessThanOrEqual(1_000);
  try {
    await waitFor(() => results.length >= 2, 30_000);
  } finally {
    await schedule.stop();
  }
  expect(calls).toBeGreaterThanOrEqual(2);
  expect(results.slice(0, 2).map((result) => result.status)).toEqual(['failed', 'failed']);
  expect(lines.some((line) => /\(attempt 1\) failed: .*the disk is not mounted/.test(line))).toBe(true);
  const runs = await handle.db.selectFrom('job_runs').select(['trigger', 'status']).execute();
  expect(runs.length).toBeGreaterThanOrEqual(2);
  expect(new Set(runs.map((run) => `${run.trigger} ${run.status}`))).toEqual(new Set(['schedule failed']));
  // Stopped: no more ticks.
  const count = results.length;
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  expect(results.length).toBe(count);
});

test('the default schedule is 02:00 every night in the reporting time zone', () => {
  const config = scheduleConfig(inbox, { retries: 2 });
  expect(config.schedule.cron).toBe('0 2 * * *');
  const schedule = startSchedule(handle, { ...config, schedule: { ...config.schedule, timeZone: 'Asia/Shanghai' } });
  try {
    const next = schedule.nextRun()!;
    // 02:00 in Shanghai (UTC+8) is 18:00 UTC.
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([18, 0, 0]);
  } finally {
    void schedule.stop();
  }
});

test('stop() lets the running tick finish (no retry after it), then resolves', async () => {
  writeConversations(inbox, 'a.jsonl', { prefix: 'a', count: 2 });
  let release: () => void = () => {};
  let started = false;
  const stages: Partial<TickStages> = {
    analyze: async () => {
      started = true;
      await new Promise<void>((resolve) => (release = resolve));
      throw new Error('analysis crashed after the signal');
    },
  };
  const results: TickResult[] = [];
  const schedule = startSchedule(handle, scheduleConfig(inbox, { cron: '* * * * * *', retries: 5, retryDelay: '1h' }), {
    tick: { inboxScan: FAST_SCAN, stages },
    onTick: (result) => results.push(result),
  });
  await waitFor(() => started, 30_000);
  let stopped = false;
  const stopping = schedule.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(stopped).toBe(false);
  release();
  await stopping;
  expect(results).toHaveLength(1);
  expect(results[0]!.attempts.map((attempt) => attempt.status)).toEqual(['failed']);
  const runs = await handle.db.selectFrom('job_runs').select(['status', 'finished_at']).execute();
  expect(runs).toHaveLength(1);
  expect(runs[0]!.finished_at).not.toBeNull();
});
