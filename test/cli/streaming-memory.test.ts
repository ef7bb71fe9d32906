import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CLI, temporaryFolder } from '../helpers.js';
import { writeMessagesCsv } from './generate-csv.js';

const folder = temporaryFolder();
afterAll(() => folder.cleanup());

function peakRss(rows: number): number {
  const csv = writeMessagesCsv(join(folder.path, `rows-${rows}.csv`), rows);
  const result = spawnSync(process.execPath, [CLI, 'ingest', '--db', join(folder.path, `rows-${rows}.db`), '--json', csv], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return (JSON.parse(result.stdout) as { peakRssBytes: number }).peakRssBytes;
}

// SQLite's page cache may grow to its 64 MB cap (db/connection.ts); beyond that nothing grows with the file.
test('memory stays flat: four times the rows costs almost no more memory', () => {
  const small = peakRss(100_000);
  const large = peakRss(400_000);
  const MB = 1024 * 1024;
  expect(large - small, `peak RSS ${Math.round(small / MB)} MB for 100k rows, ${Math.round(large / MB)} MB for 400k rows`).toBeLessThan(50 * MB);
  expect(large).toBeLessThan(300 * MB);
});
