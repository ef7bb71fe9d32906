import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runAnalysis } from '../../../cli/commands/analyze-command.js';
import { ingestStage, runTick, type TickStages } from '../../../cli/schedule/run-tick.js';
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
  writeConversations(inbox, 'a.jsonl', { prefix: 'a', count: 2 });
  handle = await memoryDatabase();
});
afterEach(async () => {
  await handle.close();
  folder.cleanup();
});

const jobRuns = () => handle.db.selectFrom('job_runs').select(['attempt', 'status', 'error', 'files_count', 'analysis_run_id']).orderBy('id').execute();

/** Stages whose ingest throws the first `failures` times, then works. */
function flakyIngest(failures: number): Partial<TickStages> & { calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    ingest: async (db, options) => {
      calls += 1;
      if (calls <= failures) throw new Error(`disk unplugged (call ${calls})`);
      return ingestStage(db, options);
    },
  };
}

describe('a failing run', () => {
  test('is retried as configured, each attempt recorded, until one succeeds', async () => {
    const stages = flakyIngest(2);
    const started = Date.now();
    const result = await runTick(handle, scheduleConfig(inbox, { retries: 3, retryDelay: '100ms' }), { trigger: 'schedule', inboxScan: FAST_SCAN, stages });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(result.status).toBe('succeeded');
    expect(stages.calls()).toBe(3);
    const runs = await jobRuns();
    expect(runs.map((run) => [run.attempt, run.status, run.error])).toEqual([
      [1, 'failed', 'disk unplugged (call 1)'],
      [2, 'failed', 'disk unplugged (call 2)'],
      [3, 'succeeded', null],
    ]);
  });

  test('stops after the configured retries and is recorded as failed; the lock is released', async () => {
    const stages = flakyIngest(10);
    const result = await runTick(handle, scheduleConfig(inbox, { retries: 1, retryDelay: '1ms' }), { trigger: 'schedule', inboxScan: FAST_SCAN, stages });
    expect(result.status).toBe('failed');
    expect((await jobRuns()).map((run) => [run.attempt, run.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(await handle.db.selectFrom('job_locks').selectAll().execute()).toEqual([]);
    // The next tick works.
    const next = await runTick(handle, scheduleConfig(inbox), { trigger: 'schedule', inboxScan: FAST_SCAN });
    expect(next.status).toBe('succeeded');
    expect(next.attempts[0]!.files).toHaveLength(1);
  });

  test('a failed analysis fails the attempt; the retry finds the files already loaded and analyses again', async () => {
    let analyses = 0;
    const stages: Partial<TickStages> = {
      analyze: async (db, config) => {
        analyses += 1;
        const failing = [{ name: 'boom', run: async () => Promise.reject(new Error('out of memory')) }];
        return analyses === 1 ? runAnalysis(db, config, failing) : runAnalysis(db, config);
      },
    };
    const result = await runTick(handle, scheduleConfig(inbox, { retries: 2 }), { trigger: 'manual', inboxScan: FAST_SCAN, stages });
    const runs = await jobRuns();
    expect(runs.map((run) => [run.attempt, run.status, run.error, run.files_count])).toEqual([
      [1, 'failed', 'analysis failed: out of memory', 1],
      [2, 'succeeded', null, 0],
    ]);
    expect(result.status).toBe('succeeded');
    expect(analyses).toBe(2);
    expect(runs[1]!.analysis_run_id).not.toBeNull();
    // Caught up: the next tick has nothing to do.
    const next = await runTick(handle, scheduleConfig(inbox), { trigger: 'manual', inboxScan: FAST_SCAN, stages });
    expect(next.attempts[0]!.analysisRunId).toBeNull();
    expect(analyses).toBe(2);
  });

  test('stopRetrying cuts the retry delay short: no further attempt', async () => {
    const controller = new AbortController();
    const stages = flakyIngest(10);
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await runTick(handle, scheduleConfig(inbox, { retries: 5, retryDelay: '1h' }), {
      trigger: 'schedule',
      inboxScan: FAST_SCAN,
      stages,
      stopRetrying: controller.signal,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.attempts).toHaveLength(1);
    expect(result.status).toBe('failed');
  });
});
