import { expect, test } from 'vitest';
import { medianOf, percentileOfSorted, summarizeDurations } from '../../../analysis/response-times/duration-statistics.js';
import { mulberry32 } from '../../../analysis/topics/seeded-random.js';

/** The k-th smallest value (0-based), found by counting instead of sorting. */
function orderStatistic(values: number[], k: number): number {
  for (const candidate of values) {
    const below = values.filter((value) => value < candidate).length;
    const atMost = values.filter((value) => value <= candidate).length;
    if (below <= k && k < atMost) return candidate;
  }
  throw new Error('unreachable');
}

/** Linear interpolation between closest ranks, from the definition. */
function referencePercentile(values: number[], p: number): number {
  const h = ((values.length - 1) * p) / 100;
  const low = orderStatistic(values, Math.floor(h));
  const high = orderStatistic(values, Math.ceil(h));
  return low + (h - Math.floor(h)) * (high - low);
}

/** A fixed-seed generator (mulberry32), so a failure can be reproduced. */
const random = mulberry32;

test.each([
  { values: [], expected: { count: 0, mean: null, median: null, p90: null, p95: null } },
  { values: [7], expected: { count: 1, mean: 7, median: 7, p90: 7, p95: 7 } },
  { values: [1000, 3000], expected: { count: 2, mean: 2000, median: 2000, p90: 2800, p95: 2900 } },
  { values: [40, 10, 30, 20], expected: { count: 4, mean: 25, median: 25, p90: 37, p95: 38.5 } },
  { values: [5, 1, 3], expected: { count: 3, mean: 3, median: 3, p90: 4.6, p95: 4.8 } },
])('summarizeDurations($values)', ({ values, expected }) => {
  const summary = summarizeDurations(values);
  expect(summary.count).toBe(expected.count);
  for (const key of ['mean', 'median', 'p90', 'p95'] as const) {
    if (expected[key] === null) expect(summary[key]).toBeNull();
    else expect(summary[key]).toBeCloseTo(expected[key]!, 9);
  }
});

test('percentiles match a brute-force reference on random data (with ties and skew)', () => {
  const next = random(20260302);
  for (let round = 0; round < 200; round += 1) {
    const n = 1 + Math.floor(next() * 120);
    const values = Array.from({ length: n }, () => (next() < 0.2 ? 60_000 : Math.floor(Math.exp(next() * 14))));
    const summary = summarizeDurations(values);
    expect(summary.count).toBe(n);
    expect(summary.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / n, 6);
    expect(summary.median).toBeCloseTo(referencePercentile(values, 50), 6);
    expect(summary.p90).toBeCloseTo(referencePercentile(values, 90), 6);
    expect(summary.p95).toBeCloseTo(referencePercentile(values, 95), 6);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [0, 1, 25, 99, 100]) expect(percentileOfSorted(sorted, p)).toBeCloseTo(referencePercentile(values, p), 6);
  }
});

test.each([
  [[], null],
  [[4], 4],
  [[9, 3], 6],
  [[9, 3, 5], 5],
  [[8, 1, 4, 2], 3],
])('medianOf(%j) = %s', (values, expected) => {
  expect(medianOf(values)).toBe(expected);
});
