import { expect, test } from 'vitest';
import { embedRows, type LatentSpace } from '../../../analysis/topics/latent-space.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';

// Dimensions below, at and off whole kernel blocks of 16; rows empty, short and long, columns repeated across rows.
test.each([1, 7, 16, 96])('embedding rows in the SIMD kernel gives exactly the plain vectors (%i dimensions)', (dimensions) => {
  const random = createSeededRandom(dimensions);
  const columns = 300;
  const space: LatentSpace = { projection: Float32Array.from({ length: columns * dimensions }, () => random.gaussian()), dimensions };
  const rows = Array.from({ length: 120 }, (_, i) => {
    const length = i % 10 === 0 ? 0 : 1 + ((i * 37) % 200);
    return {
      columns: Int32Array.from({ length }, (_, p) => (p * 7 + i) % columns),
      values: Float32Array.from({ length }, () => random.next()),
    };
  });
  const simd = embedRows(rows, space);
  const plain = embedRows(rows, space, { simd: false });
  expect(simd.count).toBe(120);
  expect([...simd.data.keys()].filter((i) => !Object.is(simd.data[i], plain.data[i]))).toEqual([]);
  // Unit length, and an empty row all zeros.
  let norm = 0;
  for (let c = 0; c < dimensions; c++) norm += simd.data[dimensions + c]! ** 2;
  expect(norm).toBeCloseTo(1, 5);
  expect([...simd.data.subarray(0, dimensions)].every((value) => value === 0)).toBe(true);
});
