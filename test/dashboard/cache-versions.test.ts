import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../support/test-database.js';
import { buildApp } from '../../dashboard/build-app.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { runAnalysis } from '../../cli/commands/analyze-command.js';
import { getFaqGapReport } from '../../analysis/faq/faq-gap-report.js';
import { saveFaqGapReport } from '../../analysis/faq/faq-gap-store.js';
import { temporaryFolder } from '../helpers.js';
import { config, seedDashboardDatabase } from './dashboard-db.js';

let folder: ReturnType<typeof temporaryFolder>;
let handle: TestDatabase & { location: string };
let app: FastifyInstance;

beforeAll(async () => {
  folder = temporaryFolder('supportlens-cache-versions-');
  handle = await seedDashboardDatabase(folder.path);
  app = await buildApp({ db: handle.db, responseTimes: config.responseTimes, cacheTtlMs: 3_600_000 });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await handle?.close();
  folder?.cleanup();
});

type Runs = { ingestRuns: { id: number; status: string }[]; analysisRuns: { id: number }[]; rejects: { reason: string }[] };

test('the runs page is served from the cache until a run, a file, a reject or an analysis is recorded', async () => {
  const runs = async (): Promise<Runs> => (await app.inject('/api/runs')).json();
  const before = await runs();
  expect(await runs()).toEqual(before);

  const file = join(folder.path, 'late.csv');
  writeFileSync(
    file,
    'conversation_id,message_id,channel,author_role,author_id,created_at,body\nlate-1,m1,chat,customer,u1,2026-03-30T10:00:00Z,Hello\nlate-1,m2,chat,robot,u1,2026-03-30T10:01:00Z,Bad role\n',
  );
  const ingest = await runIngest(handle, { paths: [file], timezone: 'UTC' });
  const afterIngest = await runs();
  expect(afterIngest.ingestRuns.map((run) => run.id)).toEqual([ingest.runId, ...before.ingestRuns.map((run) => run.id)]);
  expect(afterIngest.rejects.length).toBe(before.rejects.length + 1);
  expect(afterIngest.analysisRuns).toEqual(before.analysisRuns);

  const analysis = await runAnalysis(handle, config);
  expect((await runs()).analysisRuns[0]!.id).toBe(analysis.runId);
  expect((await runs()).analysisRuns.length).toBe(before.analysisRuns.length + 1);
}, 180_000);

test("topics and FAQ gaps are kept for the whole analysis; a saved gap report changes the FAQ gaps' comparison at once", async () => {
  const gaps = async () => (await app.inject('/api/faq-gaps')).json() as { comparedWithReport: number | null; findings: { status: string }[] };
  const before = await gaps();
  expect(before.findings.length).toBeGreaterThan(0);
  const report = await getFaqGapReport(handle.db, { from: 0, to: Date.parse('2100-01-01T00:00:00Z') });
  const saved = await saveFaqGapReport(handle.db, report, Date.now());
  const after = await gaps();
  expect(after.comparedWithReport).toBe(saved.reportId);
  expect(after.comparedWithReport).not.toBe(before.comparedWithReport);

  // A new FAQ entry, ingested without a new analysis, is in the next answer (an entry nothing asked about: UNUSED).
  const faq = join(folder.path, 'faq');
  mkdirSync(faq, { recursive: true });
  writeFileSync(
    join(faq, 'margin-calls.md'),
    '---\nid: margin-calls\ntitle: What is a margin call?\nlanguage: en\n---\nWhen your margin falls below the maintenance level.\n',
  );
  await runIngest(handle, { paths: [faq], timezone: 'UTC' });
  const withEntry = (await app.inject('/api/faq-gaps')).json() as { findings: { entryId?: string | null }[] };
  expect(JSON.stringify(withEntry)).toContain('margin-calls');
  expect(JSON.stringify(after)).not.toContain('margin-calls');
});
