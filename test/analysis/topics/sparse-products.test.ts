import { expect, test } from 'vitest';
import { randomizedSvd } from '../../../analysis/topics/randomized-svd.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';
import type { SparseMatrix } from '../../../analysis/topics/sparse-matrix.js';
import { createSparseProducts } from '../../../analysis/topics/sparse-products.js';

/** Random sparse rows (some empty, some columns never used, repeated magnitudes and signs), in compressed rows. */
function randomSparse(rows: number, columns: number, seed: number): SparseMatrix {
  const random = createSeededRandom(seed);
  const rowStart = new Int32Array(rows + 1);
  const columnIndex: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    const used = i % 7 === 3 ? 0 : 1 + random.int(Math.min(columns - 2, 40));
    const picked = new Set<number>();
    while (picked.size < used) picked.add(random.int(Math.max(1, columns - 2)));
    for (const column of [...picked].sort((x, y) => x - y)) {
      columnIndex.push(column);
      values.push(random.next() < 0.1 ? -random.next() : random.next() * 3);
    }
    rowStart[i + 1] = columnIndex.length;
  }
  return { rows, columns, rowStart, columnIndex: Int32Array.from(columnIndex), values: Float32Array.from(values) };
}

test.each([
  [200, 300, 106],
  [150, 40, 16],
  [30, 500, 13],
  [50, 60, 1],
  [1, 6, 33],
])('SIMD sparse products equal the plain JavaScript ones to the bit (%i x %i, width %i)', (rows, columns, width) => {
  const a = randomSparse(rows, columns, rows + columns + width);
  const simd = createSparseProducts(a, width);
  const plain = createSparseProducts(a, width, { simd: false });
  const random = createSeededRandom(width);
  const m = Float64Array.from({ length: columns * width }, () => random.gaussian());
  const n = Float64Array.from({ length: rows * width }, () => random.gaussian());
  for (let round = 0; round < 2; round++) {
    const times = simd.times(m);
    expect(times.length).toBe(rows * width);
    expect([...times]).toEqual([...plain.times(m)]);
    const transposeTimes = simd.transposeTimes(n);
    expect(transposeTimes.length).toBe(columns * width);
    expect([...transposeTimes]).toEqual([...plain.transposeTimes(n)]);
  }
});

test('the randomized SVD gives the same projection with and without SIMD', () => {
  const a = randomSparse(400, 250, 3);
  const simd = randomizedSvd(a, { rank: 24, random: createSeededRandom(1), powerIterations: 4 });
  const plain = randomizedSvd(a, { rank: 24, random: createSeededRandom(1), powerIterations: 4, simd: false });
  expect([...simd.singularValues]).toEqual([...plain.singularValues]);
  expect([...simd.projection]).toEqual([...plain.projection]);
});
