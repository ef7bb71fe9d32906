import { expect, test } from 'vitest';
import { dot32 } from '../../../analysis/topics/dot-product.js';
import { NearestCentroid } from '../../../analysis/topics/nearest-centroid.js';
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
