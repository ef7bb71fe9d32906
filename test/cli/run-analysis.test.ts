import { hostname } from 'node:os';
import { afterEach, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { runAnalysis, type AnalysisStep } from '../../cli/commands/analyze-command.js';
import { parseConfig } from '../../cli/config.js';
import { seededDatabase } from '../analysis/response-times/seed-conversations.js';

let handle: TestDatabase | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

const config = parseConfig({}, 'defaults');

test('a run goes from running to succeeded, with per-analysis counts and durations', async () => {
  handle = await seededDatabase([
    {
      id: 'a',
      messages: [
        { role: 'customer', at: '2026-03-02T09:00:00Z' },
        { role: 'agent', at: '2026-03-02T09:02:00Z' },
      ],
    },
  ]);
  const summary = await runAnalysis(handle, config);
  expect(summary).toMatchObject({ status: 'succeeded', config: 'defaults', analyses: { responseTimes: { conversations: 1, answered: 1 } } });
  const row = await handle.db.selectFrom('analysis_runs').selectAll().where('id', '=', summary.runId).executeTakeFirstOrThrow();
  expect(row.status).toBe('succeeded');
  expect(row.finished_at).not.toBeNull();
  const stored = JSON.parse(row.summary!);
  expect(stored.analyses.responseTimes).toMatchObject({ conversations: 1 });
  expect(typeof stored.analyses.responseTimes.durationMs).toBe('number');
});

test('a failing step marks the run failed with its error; a run left by a dead process becomes interrupted', async () => {
  handle = await seededDatabase([]);
  await handle.db
    .insertInto('analysis_runs')
    .values({ started_at: 1, status: 'running', pid: 2 ** 22 + 12345, hostname: hostname() })
    .execute();
  const failing: AnalysisStep = { name: 'broken', run: async () => Promise.reject(new Error('disk on fire')) };
  const summary = await runAnalysis(handle, config, [failing]);
  expect(summary).toMatchObject({ status: 'failed', error: 'disk on fire' });
  const rows = await handle.db.selectFrom('analysis_runs').select(['status', 'error']).orderBy('id').execute();
  expect(rows.map((row) => row.status)).toEqual(['interrupted', 'failed']);
});
