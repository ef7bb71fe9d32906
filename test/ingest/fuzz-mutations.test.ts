import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { exitCodeFor } from '../../cli/commands/ingest-command.js';
import type { TestDatabase } from '../support/test-database.js';
import { runIngest, type Counts, type IngestSummary } from '../../ingest/run-ingest.js';
import { PARSE_WORKER_URL } from '../../ingest/worker-source.js';
import { memoryDatabase, temporaryFolder } from '../helpers.js';
import { caseSeed, createRandom, FUZZ_TARGETS, mutatedInput, randomInput, type Random } from './fuzz/fuzz-inputs.js';

// `npm run fuzz` runs more cases (FUZZ_MUTATION_CASES, per reader) from another seed (FUZZ_SEED); the suite runs a few, always the same.
const CASES = Number(process.env['FUZZ_MUTATION_CASES'] ?? 12);
const SEED = Number(process.env['FUZZ_SEED'] ?? 19);
/** Inputs that broke a guarantee are copied here, named by reader, seed and case, to be run again by hand. */
const KEEP = join(tmpdir(), 'supportlens-fuzz-failures');

/** The compiled parsing thread (`npm test` builds first): large CSV and JSON Lines files are parsed there in production. */
const WORKER_FORMATS = new Set(['conversations-jsonl', 'messages-csv']);

const folder = temporaryFolder('supportlens-fuzz-');
afterAll(() => folder.cleanup());

const ran: Record<string, number> = {};
afterAll(() => {
  process.stdout.write(
    `fuzz (seed ${SEED}): ${Object.entries(ran)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ')}; ${Object.values(ran).reduce((a, b) => a + b, 0)} cases\n`,
  );
});

const sum = (counts: Counts): number => counts.inserted + counts.updated + counts.unchanged + counts.rejected;

/** What a run leaves in the tables ingest writes, without the columns that name the run that last saw a row. */
async function storedContent(handle: TestDatabase) {
  const { db } = handle;
  return {
    conversations: await db
      .selectFrom('conversations')
      .selectAll()
      .orderBy('id')
      .execute()
      .then((rows) => rows.map(({ last_run_id: _, ...row }) => row)),
    messages: await db
      .selectFrom('messages')
      .selectAll()
      .orderBy('conversation_id')
      .orderBy('external_id')
      .execute()
      .then((rows) => rows.map(({ last_run_id: _, ...row }) => row)),
    events: await db.selectFrom('conversation_events').selectAll().orderBy('id').execute(),
    faqEntries: await db
      .selectFrom('faq_entries')
      .selectAll()
      .orderBy('id')
      .execute()
      .then((rows) => rows.map(({ last_run_id: _, ...row }) => row)),
    faqVersions: await db.selectFrom('faq_entry_versions').selectAll().orderBy('id').execute(),
  };
}

async function rejectsOf(handle: TestDatabase, runId: number) {
  return handle.db.selectFrom('rejects').select(['path', 'line', 'kind', 'reason', 'raw']).where('run_id', '=', runId).orderBy('id').execute();
}

/** The promises every run keeps, whatever the file holds. */
async function expectConsistentRun(handle: TestDatabase, summary: IngestSummary, path: string): Promise<void> {
  expect(summary.files).toHaveLength(1);
  const file = summary.files[0]!;
  expect(file.path).toBe(path);
  expect(['loaded', 'empty', 'failed']).toContain(file.status);
  // The exit code and the run's status say what the file's status says.
  expect(summary.status).toBe(file.status === 'failed' ? 'failed' : 'succeeded');
  expect(exitCodeFor(summary)).toBe(file.status === 'failed' ? 3 : 0);
  if (file.status === 'failed') {
    expect(file.error).toMatch(/\S/);
    // The file is readable: whatever failed it, it was not reading it.
    expect(file.error).not.toMatch(/^cannot read file/);
  } else expect(file.error).toBeNull();

  for (const counts of [file.records, file.messages, summary.records, summary.messages]) expect(counts.read).toBe(sum(counts));
  expect(summary.records).toEqual(file.records);
  expect(summary.messages).toEqual(file.messages);
  expect(summary.warnings).toBe(file.warnings);

  // Every reject and warning is stored with its file and a reason; a rejected record or message has its line
  // (elements of a JSON document have none: their reason names the element, or the id it repeats, instead).
  const rejects = await rejectsOf(handle, summary.runId);
  for (const reject of rejects) {
    expect(reject.path).toBe(path);
    expect(reject.reason).toMatch(/\S/);
    if (reject.kind !== 'warning') {
      if (reject.line === null)
        expect(reject.reason).toMatch(/^(element|ticket|comment|audit|ticket event|event|user) \d+[: ]|^(conversation|FAQ entry) ".*" repeats/);
      else expect(reject.line).toBeGreaterThanOrEqual(1);
    }
  }
  expect(rejects.filter((r) => r.kind === 'record')).toHaveLength(file.records.rejected);
  // The messages of a rejected record count as rejected under the record's reject; a message rejected alone has its own.
  const messageRejects = rejects.filter((r) => r.kind === 'message').length;
  if (file.records.rejected === 0) expect(messageRejects).toBe(file.messages.rejected);
  else expect(messageRejects).toBeLessThanOrEqual(file.messages.rejected);
  expect(rejects.filter((r) => r.kind === 'warning')).toHaveLength(file.warnings);

  const row = await handle.db.selectFrom('ingest_files').selectAll().where('run_id', '=', summary.runId).executeTakeFirstOrThrow();
  expect([row.status, row.format, row.error]).toEqual([file.status, file.format, file.error]);
  expect([row.records_read, row.records_inserted, row.records_updated, row.records_unchanged, row.records_rejected]).toEqual([
    file.records.read,
    file.records.inserted,
    file.records.updated,
    file.records.unchanged,
    file.records.rejected,
  ]);
  expect([row.messages_read, row.messages_inserted, row.messages_updated, row.messages_unchanged, row.messages_rejected]).toEqual([
    file.messages.read,
    file.messages.inserted,
    file.messages.updated,
    file.messages.unchanged,
    file.messages.rejected,
  ]);
  const run = await handle.db.selectFrom('ingest_runs').select(['status', 'finished_at']).where('id', '=', summary.runId).executeTakeFirstOrThrow();
  expect(run.status).toBe(summary.status);
  expect(run.finished_at).not.toBeNull();
}

/** Ingests the bytes twice into a fresh database, as `supportlens ingest` does, and checks every promise. */
async function checkInput(bytes: Buffer, path: string, inWorker: boolean): Promise<void> {
  writeFileSync(path, bytes);
  const handle = await memoryDatabase();
  try {
    const options = { paths: [path], timezone: 'UTC', ...(inWorker ? { parseInWorker: true, workerUrl: PARSE_WORKER_URL } : { parseInWorker: false }) };
    const first = await runIngest(handle, options);
    await expectConsistentRun(handle, first, path);
    const file = first.files[0]!;
    if (file.status !== 'loaded') expect(await storedContent(handle)).toEqual({ conversations: [], messages: [], events: [], faqEntries: [], faqVersions: [] });
    const stored = await storedContent(handle);

    // The same file again changes nothing: every record it stored is unchanged, every reject is rejected again.
    const second = await runIngest(handle, options);
    await expectConsistentRun(handle, second, path);
    const again = second.files[0]!;
    expect(again.status).toBe(file.status);
    // Helpdesk exports are the exception by design: a ticket or conversation held twice is a later version of itself
    // (an incremental export), so both copies are written again, in the same order, and the rows end as before.
    const laterVersions = /^(zendesk|intercom|chatwoot|helpscout|freshdesk|webhook)-/.test(file.format ?? '');
    for (const [counts, before] of [
      [again.records, file.records],
      [again.messages, file.messages],
    ] as const) {
      if (laterVersions) {
        expect([counts.read, counts.inserted, counts.rejected]).toEqual([before.read, 0, before.rejected]);
      } else {
        expect(counts).toEqual({ read: before.read, inserted: 0, updated: 0, unchanged: before.read - before.rejected, rejected: before.rejected });
      }
    }
    expect(await storedContent(handle)).toEqual(stored);
    expect(await rejectsOf(handle, second.runId)).toEqual(await rejectsOf(handle, first.runId));
  } finally {
    await handle.close();
  }
}

async function runCase(
  label: string,
  index: number,
  make: (random: Random) => { bytes: Buffer; steps: string[]; extension: string },
  inWorker: boolean,
): Promise<void> {
  const seed = caseSeed(SEED, label, index);
  const { bytes, steps, extension } = make(createRandom(seed));
  const path = join(folder.path, `${label}-${index}${extension}`);
  try {
    await checkInput(bytes, path, inWorker);
  } catch (error) {
    mkdirSync(KEEP, { recursive: true });
    const kept = join(KEEP, `seed-${SEED}-${basename(path)}`);
    copyFileSync(path, kept);
    (error as Error).message =
      `${label} case ${index} (FUZZ_SEED=${SEED}, ${steps.join(' + ')}${inWorker ? ', parsed in a worker' : ''}; input kept at ${kept}): ${(error as Error).message}`;
    throw error;
  }
  ran[label] = (ran[label] ?? 0) + 1;
}

test.each(FUZZ_TARGETS.map((target) => [target.name, target] as const))(
  `%s: ${CASES} mutated files ingest without a crash, with consistent counts and rejects, and a second ingest changes nothing`,
  async (name, target) => {
    for (let index = 0; index < CASES; index++) {
      const inWorker = WORKER_FORMATS.has(name) && index % 3 === 2;
      await runCase(name, index, (random) => ({ ...mutatedInput(target, random), extension: target.extension }), inWorker);
    }
  },
  600_000,
);

test(`format detection and every reader: ${CASES * 2} random files (bytes, text, JSON, CSV) keep the same promises`, async () => {
  for (let index = 0; index < CASES * 2; index++) await runCase('random', index, randomInput, index % 4 === 3);
}, 600_000);
