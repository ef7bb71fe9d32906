import { createLatentProjectionKernel, KERNEL_BLOCK } from './latent-projection-kernel.js';
import { randomizedSvd } from './randomized-svd.js';
import type { SeededRandom } from './seeded-random.js';
import type { DenseVectors } from './spherical-kmeans.js';
import { stackRows, type SparseRow } from './tfidf-vectorizer.js';

/** LSA: a projection from TF-IDF columns to a few hundred latent dimensions. Plain data, transferable. */
export interface LatentSpace {
  /** Row-major (columns x dimensions), Float32 to halve what a worker is sent. */
  projection: Float32Array;
  dimensions: number;
}

export function fitLatentSpace(rows: readonly SparseRow[], columns: number, dimensions: number, random: SeededRandom): LatentSpace {
  const matrix = stackRows(rows, columns);
  const svd = randomizedSvd(matrix, { rank: dimensions, random, powerIterations: 4 });
  return { projection: Float32Array.from(svd.projection), dimensions: svd.rank };
}

/** A TF-IDF row's unit-length latent vector, written into `out` at `offset`. */
export function embedRow(row: SparseRow, space: LatentSpace, out: Float32Array, offset: number): void {
  const d = space.dimensions;
  const acc = new Float64Array(d);
  for (let p = 0; p < row.columns.length; p++) {
    const value = row.values[p]!;
    const base = row.columns[p]! * d;
    for (let c = 0; c < d; c++) acc[c]! += value * space.projection[base + c]!;
  }
  let norm = 0;
  for (let c = 0; c < d; c++) norm += acc[c]! * acc[c]!;
  norm = Math.sqrt(norm) || 1;
  for (let c = 0; c < d; c++) out[offset + c] = acc[c]! / norm;
}

/**
 * Every row's unit latent vector (`embedRow` of each), the projections summed in the projection kernel where
 * WebAssembly SIMD is available: each dimension adds its products in the rows' column order, in doubles, as `embedRow`
 * does, so the vectors are identical to the bit (`options.simd` false runs `embedRow` itself).
 */
export function embedRows(rows: readonly SparseRow[], space: LatentSpace, options: { simd?: boolean } = {}): DenseVectors {
  const d = space.dimensions;
  const data = new Float32Array(rows.length * d);
  const columns = space.projection.length / Math.max(d, 1);
  const longest = rows.reduce((most, row) => Math.max(most, row.columns.length), 0);
  const stride = Math.max(1, Math.ceil(d / KERNEL_BLOCK)) * KERNEL_BLOCK;
  const at = { weights: columns * stride * 8, addresses: 0, sums: 0 };
  at.addresses = at.weights + longest * 8;
  at.sums = at.addresses + Math.ceil((longest * 4) / 16) * 16;
  const kernel = options.simd === false || d === 0 ? undefined : createLatentProjectionKernel(at.sums + stride * 8);
  if (!kernel) {
    for (let i = 0; i < rows.length; i++) embedRow(rows[i]!, space, data, i * d);
    return { count: rows.length, dimensions: d, data };
  }
  const buffer = kernel.memory.buffer;
  const projection = new Float64Array(buffer, 0, columns * stride);
  for (let j = 0; j < columns; j++) for (let c = 0; c < d; c++) projection[j * stride + c] = space.projection[j * d + c]!;
  const weights = new Float64Array(buffer, at.weights, longest);
  const addresses = new Int32Array(buffer, at.addresses, longest);
  const acc = new Float64Array(buffer, at.sums, stride);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let p = 0; p < row.columns.length; p++) {
      weights[p] = row.values[p]!;
      addresses[p] = row.columns[p]! * stride * 8;
    }
    kernel.project(at.addresses, at.weights, row.columns.length, stride / KERNEL_BLOCK, at.sums);
    let norm = 0;
    for (let c = 0; c < d; c++) norm += acc[c]! * acc[c]!;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < d; c++) data[i * d + c] = acc[c]! / norm;
  }
  return { count: rows.length, dimensions: d, data };
}
