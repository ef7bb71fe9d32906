import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runTick } from '../../../cli/schedule/run-tick.js';
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

const jobRuns = () => handle.db.selectFrom('job_runs').selectAll().orderBy('id').execute();

describe('new files', () => {
  test('are ingested and analysed once; the second tick takes nothing', async () => {
    writeConversations(inbox, 'a.jsonl', { prefix: 'a', count: 3 });
    mkdirSync(join(inbox, 'sub'));
    writeConversations(join(inbox, 'sub'), 'b.jsonl', { prefix: 'b', count: 2 });
    const config = scheduleConfig(inbox);

    const first = await runTick(handle, config, { trigger: 'schedule', inboxScan: FAST_SCAN });
    expect(first.status).toBe('succeeded');
    expect(first.attempts[0]!.files.map((file) => file.path.slice(inbox.length))).toEqual(['/a.jsonl', '/sub/b.jsonl']);
    expect(first.attempts[0]!.records).toEqual({ read: 5, inserted: 5, updated: 0, rejected: 0 });
    expect(first.attempts[0]!.analysisRunId).not.toBeNull();

    const second = await runTick(handle, config, { trigger: 'schedule', inboxScan: FAST_SCAN });
    expect(second.status).toBe('succeeded');
    expect(second.attempts[0]!.files).toEqual([]);
    expect(second.attempts[0]!.ingestRunId).toBeNull();
    expect(second.attempts[0]!.analysisRunId).toBeNull();

    const runs = await jobRuns();
    expect(runs.map((run) => [run.trigger, run.attempt, run.status, run.files_count, run.records_inserted])).toEqual([
      ['schedule', 1, 'succeeded', 2, 5],
      ['schedule', 1, 'succeeded', 0, 0],
    ]);
    expect(runs[0]!.finished_at).toBeGreaterThanOrEqual(runs[0]!.started_at);
    expect(JSON.parse(runs[0]!.files)).toHaveLength(2);
    const conversations = await handle.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(conversations.n).toBe(5);
  });

  test('a renamed copy of a loaded file is recognised by its content', async () => {
    const config = scheduleConfig(inbox);
    writeConversations(inbox, 'day-1.jsonl', { prefix: 'x', count: 2 });
    await runTick(handle, config, { trigger: 'manual', inboxScan: FAST_SCAN });
    writeConversations(inbox, 'day-1-again.jsonl', { prefix: 'x', count: 2 });
    writeConversations(inbox, 'day-2.jsonl', { prefix: 'y', count: 1 });
    const result = await runTick(handle, config, { trigger: 'manual', inboxScan: FAST_SCAN });
    expect(result.attempts[0]!.files.map((file) => file.path.slice(inbox.length))).toEqual(['/day-2.jsonl']);
  });

  test('a missing inbox is not an empty one: the run fails and says so (see unreadable-inbox.test.ts)', async () => {
    const result = await runTick(handle, scheduleConfig(join(folder.path, 'nowhere')), { trigger: 'manual', inboxScan: FAST_SCAN });
    expect(result.status).toBe('failed');
    expect(result.attempts[0]!.inboxMissing).toBe(true);
  });
});

describe('a file still being written', () => {
  test('modified within the quiet period is left for the next tick, then taken', async () => {
    const config = scheduleConfig(inbox);
    writeConversations(inbox, 'done.jsonl', { prefix: 'd', count: 1 });
    const growing = writeConversations(inbox, 'growing.jsonl', { prefix: 'g', count: 2, ageMs: 0 });
    const first = await runTick(handle, config, { trigger: 'schedule', inboxScan: FAST_SCAN });
    expect(first.attempts[0]!.files.map((file) => file.path)).toEqual([join(inbox, 'done.jsonl')]);
    expect(first.attempts[0]!.waiting).toEqual([growing]);
    expect((await jobRuns())[0]!.files_waiting).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, FAST_SCAN.quietPeriodMs + 100));
    const second = await runTick(handle, config, { trigger: 'schedule', inboxScan: FAST_SCAN });
    expect(second.attempts[0]!.files.map((file) => file.path)).toEqual([growing]);
    expect(second.attempts[0]!.waiting).toEqual([]);
  });

  test('whose size changes between the two looks is left, even when its modification time looks old', async () => {
    const growing = writeConversations(inbox, 'growing.jsonl', { prefix: 'g', count: 2 });
    // The writer appends between the scan's two looks, whatever the machine's load.
    const waitBetweenLooks = async (): Promise<void> => appendFileSync(growing, '{"id": "g-late"');
    const result = await runTick(handle, scheduleConfig(inbox), { trigger: 'schedule', inboxScan: { settleCheckMs: 200, quietPeriodMs: 0, waitBetweenLooks } });
    expect(result.attempts[0]!.waiting).toEqual([growing]);
    expect(result.attempts[0]!.files).toEqual([]);
  });
});
