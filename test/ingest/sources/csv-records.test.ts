import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, expect, test } from 'vitest';
import { readCsvRows } from '../../../ingest/sources/csv-records.js';
import { seededRandom, temporaryFolder } from '../../helpers.js';

const folder = temporaryFolder();
afterAll(() => folder.cleanup());

/** Fields full of what makes CSV hard: quotes, commas, CR, LF, CRLF, multi-byte text; some very long. */
function randomField(random: () => number): string {
  const pieces = ['a', 'b c', ',', '"', '""', '\n', '\r\n', '提币', '😀', 'x'.repeat(1 + Math.floor(random() * 40))];
  let text = '';
  const length = random() < 0.02 ? 3000 : Math.floor(random() * 12);
  for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
  return text;
}

test.each([1, 2, 3, 4, 5, 6])('segmented reading agrees with Papa Parse reading the whole file (seed %i)', async (seed) => {
  const random = seededRandom(seed);
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

/** Text that is CSV only in part: stray and unclosed quotes, lone carriage returns, blank lines, ragged rows. */
function messyCsv(random: () => number, rare: boolean): string {
  // `rare`: the broken pieces are rare, so most segments are well-formed and some are not.
  const common = ['a', 'b c', ',', ',', '"x",', '"multi\nline",', '\n', '\r\n', '提币', '😀', 'x'.repeat(1 + Math.floor(random() * 40))];
  const broken = ['"', '""', '"y"z', '"x"', '\r'];
  let text = 'id,first,second\n';
  for (let line = 0; line < 8000; line++) {
    const pieces = !rare || random() < 0.002 ? [...common, ...broken] : common;
    const length = random() < 0.01 ? 600 : Math.floor(random() * 8);
    for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
    text += random() < 0.5 ? '\n' : '\r\n';
  }
  return text;
}

const messyParsers = new Set<string>();

/** Every row of the file, read with the given parser; `onParser` learns which parser read each segment. */
async function readAll(path: string, parser: 'auto' | 'papa', onParser: (name: string) => void = () => {}) {
  const rows = [];
  for await (const batch of readCsvRows(path, () => undefined, undefined, { parser, onParser })) rows.push(...batch);
  return rows;
}

test.each([1, 2, 3, 4, 5, 6, 7, 8])('the fast parser and Papa Parse read even broken CSV the same way (seed %i)', async (seed) => {
  const random = seededRandom(seed * 7919);
  const path = join(folder.path, `messy-${seed}.csv`);
  writeFileSync(path, messyCsv(random, seed % 2 === 0));
  const onParser = (name: string) => messyParsers.add(name);
  const papa = await readAll(path, 'papa', onParser);
  expect(papa.length).toBeGreaterThan(500);
  expect(await readAll(path, 'auto', onParser)).toEqual(papa);
});

test('the broken files above were read partly by each parser', () => {
  expect([...messyParsers].sort()).toEqual(['d3-dsv', 'papaparse']);
});

test('a well-formed file is read by the fast parser and agrees with Papa Parse', async () => {
  const random = seededRandom(99);
  const rows = Array.from({ length: 5000 }, (_, i) => [`id${i}`, randomField(random).replace(/\r/g, ''), `plain ${i}`]);
  const path = join(folder.path, 'well-formed.csv');
  writeFileSync(path, Papa.unparse([['id', 'first', 'second'], ...rows], { newline: '\r\n' }));
  const used: string[] = [];
  const fast = await readAll(path, 'auto', (name) => used.push(name));
  expect(used.length).toBeGreaterThan(1);
  expect(used.every((name) => name === 'd3-dsv')).toBe(true);
  expect(fast).toEqual(await readAll(path, 'papa'));
});

test('the first rows come in a small batch of their own; a quoted record across that cut is read whole', async () => {
  const header = '\ufeffid,body\n';
  const filler = Array.from({ length: 400 }, (_, i) => `r${i},${'x'.repeat(30)}\n`).join('');
  // The quoted body starts before byte 8192 and ends well after it, with a line break and a comma inside.
  const straddling = `long,"${'y'.repeat(200)}\n${'z'.repeat(100)}, still the body"\n`;
  const prefix = header + filler.slice(0, 8192 - Buffer.byteLength(header) - 150);
  const cut = prefix.lastIndexOf('\n') + 1;
  const text = prefix.slice(0, cut) + straddling + filler.slice(cut - Buffer.byteLength(header));
  expect(Buffer.byteLength(text.slice(0, text.indexOf('long,')))).toBeLessThan(8192);
  expect(Buffer.byteLength(text.slice(0, text.indexOf(', still')))).toBeGreaterThan(8192);
  const path = join(folder.path, 'first-piece.csv');
  writeFileSync(path, text);

  const batches: number[] = [];
  const bodies = new Map<string, string>();
  for await (const batch of readCsvRows(path, () => undefined)) {
    batches.push(batch.length);
    for (const row of batch) if (row.ok) bodies.set(row.fields['id']!, row.fields['body']!);
  }
  expect(batches.length).toBeGreaterThan(1);
  expect(batches[0]).toBeLessThan(250);
  expect(bodies.get('long')).toBe(`${'y'.repeat(200)}\n${'z'.repeat(100)}, still the body`);
  expect(bodies.get('r0')).toBe('x'.repeat(30));
  const expected = Papa.parse<string[]>(text.slice(1).trimEnd(), { newline: '\n' }).data.slice(1);
  expect(batches.reduce((a, b) => a + b, 0)).toBe(expected.length);
});
