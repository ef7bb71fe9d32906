import { expect, test } from 'vitest';
import { dot32 } from '../../../analysis/topics/dot-product.js';
import { DotTable, NearestCentroid } from '../../../analysis/topics/nearest-centroid.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';

function unitRows(count: number, d: number, seed: number): Float32Array {
  const random = createSeededRandom(seed);
  const data = new Float32Array(count * d);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let c = 0; c < d; c++) {
      const value = random.gaussian();
      data[i * d + c] = value;
      norm += value * value;
    }
    for (let c = 0; c < d; c++) data[i * d + c] = data[i * d + c]! / Math.sqrt(norm);
  }
  return data;
}

// Dimensions below, at and off a multiple of four (dot32's lanes); k below, at and above whole kernel blocks of 16.
test.each([
  [96, 52],
  [96, 16],
  [13, 17],
  [3, 5],
  [1, 2],
  [8, 160],
])('the SIMD nearest centroid gives exactly the plain choice and similarity (%i dimensions, k %i)', (d, k) => {
  const points = unitRows(300, d, d + k);
  const simd = new NearestCentroid(d);
  const plain = new NearestCentroid(d, { simd: false });
  for (const round of [0, 1]) {
    const centroids = unitRows(k, d, round + 7);
    // A duplicated centroid: a tie goes to the first.
    centroids.set(centroids.subarray(0, d), (k - 1) * d);
    simd.load(centroids, k);
    plain.load(centroids, k);
    for (let i = 0; i < 300; i++) {
      const cluster = simd.find(points, i * d);
      expect(cluster).toBe(plain.find(points, i * d));
      expect(Object.is(simd.similarity, plain.similarity)).toBe(true);
      expect(plain.similarity).toBe(dot32(points, i * d, centroids, cluster * d, d));
    }
  }
});

// Ranges starting off a kernel block and off an even column, ending before, at and after one, and the whole table.
test.each([
  [96, 200],
  [13, 33],
  [3, 17],
  [1, 1],
])('the SIMD dot table gives exactly dot32 of a vector with each stored one, over any range (%i dimensions, %i vectors)', (d, count) => {
  const vectors = unitRows(count, d, d * count);
  const queries = unitRows(20, d, d + 1);
  const simd = new DotTable(d);
  const plain = new DotTable(d, { simd: false });
  simd.load(vectors, count);
  plain.load(vectors, count);
  const ranges = [
    [0, count],
    [1, count],
    [Math.min(3, count), Math.min(20, count)],
    [Math.min(16, count - 1), count],
    [count - 1, count],
  ];
  for (let q = 0; q < 20; q++) {
    for (const [from, to] of ranges) {
      const fast = new Float64Array(to! - from!);
      const slow = new Float64Array(to! - from!);
      simd.dots(queries, q * d, fast, from, to);
      plain.dots(queries, q * d, slow, from, to);
      for (let j = from!; j < to!; j++) {
        expect(Object.is(fast[j - from!], dot32(queries, q * d, vectors, j * d, d))).toBe(true);
        expect(Object.is(slow[j - from!], fast[j - from!])).toBe(true);
      }
    }
  }
});
