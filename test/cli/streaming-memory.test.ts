import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CLI, temporaryFolder } from '../helpers.js';
import { writeMessagesCsv } from './generate-csv.js';
import { writeHelpdeskExport } from '../../bench/helpdesk-exports.js';

const folder = temporaryFolder();
afterAll(() => folder.cleanup());
const MB = 1024 * 1024;
/** A JavaScript heap far smaller than the file: anything kept per row would run out of memory. */
const HEAP_LIMIT_MB = 64;

function ingest(rows: number): number {
  const csv = writeMessagesCsv(join(folder.path, `rows-${rows}.csv`), rows);
  const result = spawnSync(
    process.execPath,
    [`--max-old-space-size=${HEAP_LIMIT_MB}`, ...CLI, 'ingest', '--db', join(folder.path, `rows-${rows}.db`), '--json', csv],
    {
      encoding: 'utf8',
    },
  );
  expect(result.status, result.stderr).toBe(0);
  const summary = JSON.parse(result.stdout) as { peakRssBytes: number; records: { inserted: number } };
  expect(summary.records.inserted).toBe(rows);
  return summary.peakRssBytes;
}

// Resident memory also holds SQLite's page cache (capped at 64 MB, db/connection.ts) and each thread's young
// generation; those are bounded, not proportional to the file.
test('memory stays flat: a 400,000-row file loads with a 64 MB heap, and four times the rows costs little more memory', () => {
  const small = ingest(100_000);
  const large = ingest(400_000);
  expect(large - small, `peak RSS ${Math.round(small / MB)} MB for 100k rows, ${Math.round(large / MB)} MB for 400k rows`).toBeLessThan(80 * MB);
  expect(large).toBeLessThan(300 * MB);
});

test('a JSON document is streamed: a 40 MB Chatwoot export loads with a 64 MB heap (read whole, it would not fit)', async () => {
  const path = join(folder.path, 'chatwoot.json');
  await writeHelpdeskExport('chatwoot', path, 90_000, 7);
  expect(statSync(path).size).toBeGreaterThan(40 * MB);
  const result = spawnSync(
    process.execPath,
    [`--max-old-space-size=${HEAP_LIMIT_MB}`, ...CLI, 'ingest', '--db', join(folder.path, 'chatwoot.db'), '--json', path],
    { encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  const summary = JSON.parse(result.stdout) as { peakRssBytes: number; messages: { inserted: number; rejected: number } };
  expect(summary.messages).toMatchObject({ inserted: 90_000, rejected: 0 });
  expect(summary.peakRssBytes).toBeLessThan(300 * MB);
}, 120_000);
