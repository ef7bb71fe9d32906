import { afterEach, beforeEach, expect, test } from 'vitest';
import { temporaryFolder, type TemporaryFolder } from '../helpers.js';
import { fuzzCases, runFuzz } from './fuzz-readers.js';

let folder: TemporaryFolder;
beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(() => folder.cleanup());

// `npm run fuzz` runs many more cases: FUZZ_CASES and FUZZ_SEED choose them.
const CASES = Number(process.env['FUZZ_CASES'] ?? 100);
const SEED = Number(process.env['FUZZ_SEED'] ?? 19);
/** About 15 ms a case (each is ingested twice), with room for a slow machine. */
const TIME_PER_CASE_MS = 200;

test('the generator is deterministic: the same seed gives the same cases', () => {
  const recipes = (seed: number) => [...fuzzCases(seed, 30)].map((c) => `${c.name} ${c.recipe} ${c.bytes.toString('base64')}`);
  expect(recipes(7)).toEqual(recipes(7));
  expect(recipes(7)).not.toEqual(recipes(8));
});

test(
  `every reader keeps its guarantees on ${CASES} random and mutated files (seed ${SEED})`,
  async () => {
    const totals = await runFuzz(folder.path, SEED, CASES);
    console.log(`fuzz: ${totals.cases} cases, seed ${SEED}: ${JSON.stringify(totals.byStatus)} files, ${JSON.stringify(totals.records)} records`);
    expect(totals.violations).toEqual([]);
    expect(totals.cases).toBe(CASES);
    // The mix reaches every outcome: files that load, files that fail, records inserted and rejected.
    expect(totals.byStatus['loaded']).toBeGreaterThan(0);
    expect(totals.byStatus['failed']).toBeGreaterThan(0);
    expect(totals.records.inserted).toBeGreaterThan(0);
    expect(totals.records.rejected).toBeGreaterThan(0);
  },
  CASES * TIME_PER_CASE_MS + 10_000,
);
