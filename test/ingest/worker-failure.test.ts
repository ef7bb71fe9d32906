import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { PARSE_WORKER_URL } from '../../ingest/worker-source.js';
import { writeMessagesCsv } from '../cli/generate-csv.js';
import { eachTestDatabaseAndFolder, type TemporaryFolder } from '../helpers.js';

let handle: TestDatabase;
let folder: TemporaryFolder;
const countMessages = async () =>
  (
    await handle.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));

test.each([
  ['exits', 'process.exit(3);', /the parsing thread stopped with code 3/],
  ['throws', "throw new Error('parser exploded');", /parser exploded/],
])('a parsing thread that %s fails its file with the reason, keeps nothing of it, and the run goes on', async (_name, body, reason) => {
  const script = join(folder.path, 'broken-worker.mjs');
  writeFileSync(script, `${body}\n`);
  const csv = writeMessagesCsv(join(folder.path, 'a.csv'), 500);
  const second = writeMessagesCsv(join(folder.path, 'b.csv'), 5);
  const summary = await runIngest(handle, { paths: [csv], timezone: 'UTC', parseInWorker: true, workerUrl: pathToFileURL(script) });
  expect(summary.files[0]!.status).toBe('failed');
  expect(summary.files[0]!.error).toMatch(reason);
  expect(await countMessages()).toBe(0);
  // The same database takes the next file normally.
  const next = await runIngest(handle, { paths: [second], timezone: 'UTC' });
  expect(next.records.inserted).toBe(5);
});

test('a parsing thread whose script is missing fails its file; the file is not parsed in this thread instead', async () => {
  const csv = writeMessagesCsv(join(folder.path, 'a.csv'), 50);
  const missing = pathToFileURL(join(folder.path, 'no-such-worker.js'));
  const summary = await runIngest(handle, { paths: [csv], timezone: 'UTC', parseInWorker: true, workerUrl: missing });
  expect(summary.files[0]!.status).toBe('failed');
  expect(summary.files[0]!.error).toMatch(/no-such-worker/);
  expect(await countMessages()).toBe(0);
});

test('the parsing thread, run from the sources as in every test, loads the file', async () => {
  const csv = writeMessagesCsv(join(folder.path, 'a.csv'), 300);
  const threaded = await runIngest(handle, { paths: [csv], timezone: 'UTC', parseInWorker: true, workerUrl: PARSE_WORKER_URL });
  expect(threaded.files[0]!.status).toBe('loaded');
  expect(threaded.records.inserted).toBe(300);
});
