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

export function embedRows(rows: readonly SparseRow[], space: LatentSpace): DenseVectors {
  const data = new Float32Array(rows.length * space.dimensions);
  for (let i = 0; i < rows.length; i++) embedRow(rows[i]!, space, data, i * space.dimensions);
  return { count: rows.length, dimensions: space.dimensions, data };
}
