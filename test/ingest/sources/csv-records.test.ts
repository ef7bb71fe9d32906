import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, expect, test } from 'vitest';
import { readCsvRows } from '../../../ingest/sources/csv-records.js';
import { temporaryFolder } from '../../helpers.js';

const folder = temporaryFolder();
afterAll(() => folder.cleanup());

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Fields full of what makes CSV hard: quotes, commas, CR, LF, CRLF, multi-byte text; some very long. */
function randomField(random: () => number): string {
  const pieces = ['a', 'b c', ',', '"', '""', '\n', '\r\n', '提币', '😀', 'x'.repeat(1 + Math.floor(random() * 40))];
  let text = '';
  const length = random() < 0.02 ? 3000 : Math.floor(random() * 12);
  for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
  return text;
}

test.each([1, 2, 3, 4, 5, 6])('segmented reading agrees with Papa Parse reading the whole file (seed %i)', async (seed) => {
  const random = seeded(seed);
  const rows = Array.from({ length: 3000 }, (_, i) => [`id${i}`, randomField(random), randomField(random)]);
  const path = join(folder.path, `random-${seed}.csv`);
  writeFileSync(path, Papa.unparse([['id', 'first', 'second'], ...rows], { newline: seed % 2 === 0 ? '\r\n' : '\n' }));

  const read: string[][] = [];
  const lines: number[] = [];
  for await (const batch of readCsvRows(path, () => undefined)) {
    for (const row of batch) {
      expect(row.ok).toBe(true);
      if (row.ok) {
        read.push([row.fields['id']!, row.fields['first']!, row.fields['second']!]);
        lines.push(row.line);
      }
    }
  }
  expect(read).toEqual(rows);
  // Each row starts one line after the previous row's last line.
  let expectedLine = 2;
  rows.forEach((row, index) => {
    expect(lines[index]).toBe(expectedLine);
    expectedLine += 1 + row.join('').split('\n').length - 1;
  });
});
