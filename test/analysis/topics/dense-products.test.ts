import { expect, test } from 'vitest';
import { createDenseProducts } from '../../../analysis/topics/dense-products.js';
import { laneOrder } from '../../../analysis/topics/dot-product.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';

function gaussian(length: number, seed: number, zeroEvery = 0): Float64Array {
  const random = createSeededRandom(seed);
  return Float64Array.from({ length }, (_, i) => (zeroEvery > 0 && i % zeroEvery === 0 ? 0 : random.gaussian()));
}

function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const differing = [...actual.keys()].filter((i) => !Object.is(actual[i], expected[i]));
  expect(differing).toEqual([]);
}

const simd = createDenseProducts();
const plain = createDenseProducts({ simd: false });

// Rows below, at and off a multiple of dot's four lanes; widths below, at and off whole kernel blocks of 16.
test.each([
  [1, 1],
  [3, 2],
  [7, 5],
  [64, 16],
  [301, 17],
  [1000, 106],
])('the SIMD dense products of %i x %i matrices equal the plain ones to the bit', (rows, width) => {
  const m = gaussian(rows * width, rows + width);
  expectSameBits(simd.gram(m, rows, width), plain.gram(m, rows, width));
  // An upper-triangular R with a safe diagonal.
  const r = gaussian(width * width, width);
  for (let i = 0; i < width; i++) for (let j = 0; j < width; j++) if (j < i) r[i * width + j] = 0;
  for (let i = 0; i < width; i++) r[i * width + i] = 2 + Math.abs(r[i * width + i]!);
  expectSameBits(simd.solveUpper(m, rows, width, r), plain.solveUpper(m, rows, width, r));
  // Z with zeros (skipped), times W of a width off the kernel's blocks.
  const z = gaussian(rows * width, rows * 3, 3);
  for (const columns of [1, 16, 33, 96]) {
    const w = gaussian(width * columns, columns);
    expectSameBits(simd.times(z, rows, width, w, columns), plain.times(z, rows, width, w, columns));
  }
});

test('the dense products compute what they say: Mᵀ M, M R⁻¹ and Z W', () => {
  const rows = 37;
  const width = 6;
  const m = gaussian(rows * width, 5);
  const gram = simd.gram(m, rows, width);
  for (let x = 0; x < width; x++)
    for (let y = 0; y < width; y++) {
      let sum = 0;
      for (let i = 0; i < rows; i++) sum += m[i * width + x]! * m[i * width + y]!;
      expect(gram[x * width + y]).toBeCloseTo(sum, 10);
    }
  const r = new Float64Array(width * width);
  for (let i = 0; i < width; i++) for (let j = i; j < width; j++) r[i * width + j] = i === j ? 2 + i : 0.5 - j / 10;
  const solved = simd.solveUpper(m, rows, width, r);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < width; j++) {
      let back = 0;
      for (let k = 0; k <= j; k++) back += solved[i * width + k]! * r[k * width + j]!;
      expect(back).toBeCloseTo(m[i * width + j]!, 10);
    }
  const w = gaussian(width * 3, 9);
  const product = simd.times(m, rows, width, w, 3);
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let k = 0; k < width; k++) sum += m[i * width + k]! * w[k * 3 + c]!;
      expect(product[i * 3 + c]).toBeCloseTo(sum, 10);
    }
});

test('laneOrder lists the indices lane by lane as dot adds them, the remainder in lane 0', () => {
  expect(laneOrder(6)).toEqual({ order: Int32Array.from([0, 4, 5, 1, 2, 3]), laneStart: Int32Array.from([0, 3, 4, 5, 6]) });
  expect(laneOrder(8)).toEqual({ order: Int32Array.from([0, 4, 1, 5, 2, 6, 3, 7]), laneStart: Int32Array.from([0, 2, 4, 6, 8]) });
  expect(laneOrder(0)).toEqual({ order: new Int32Array(0), laneStart: new Int32Array(5) });
});
