import type { SeededRandom } from './seeded-random.js';
import type { SparseMatrix } from './sparse-matrix.js';
import { createSparseProducts } from './sparse-products.js';
import { createDenseProducts, type DenseProducts } from './dense-products.js';

export interface TruncatedSvd {
  /** Row-major (A.columns x rank): a row vector x maps to its latent coordinates (like U·S) as x · projection. */
  projection: Float64Array;
  rank: number;
  singularValues: Float64Array;
}

export interface RandomizedSvdOptions {
  rank: number;
  oversampling?: number;
  powerIterations?: number;
  random: SeededRandom;
  /** False keeps the sparse products in plain JavaScript (the same results, slower). */
  simd?: boolean;
}

/**
 * Truncated SVD of a sparse matrix by the randomized range finder of Halko, Martinsson and Tropp (2011), with power
 * iterations: what scikit-learn's TruncatedSVD (LSA) computes, in typed arrays.
 */
export function randomizedSvd(a: SparseMatrix, options: RandomizedSvdOptions): TruncatedSvd {
  const rank = Math.max(1, Math.min(options.rank, a.rows - 1, a.columns - 1));
  const width = Math.min(rank + (options.oversampling ?? 10), a.rows, a.columns);
  const omega = new Float64Array(a.columns * width);
  for (let i = 0; i < omega.length; i++) omega[i] = options.random.gaussian();
  const iterations = options.powerIterations ?? 2;
  const products = createSparseProducts(a, width, { simd: options.simd });
  const dense = createDenseProducts({ simd: options.simd });
  let q = orthonormalize(dense, products.times(omega), a.rows, width, iterations === 0 ? 2 : 1);
  for (let iteration = 0; iteration < iterations; iteration++) {
    // Orthonormalizing the n-side only is enough for a few iterations and halves the cost.
    const z = products.transposeTimes(q);
    q = orthonormalize(dense, products.times(z), a.rows, width, iteration + 1 === iterations ? 2 : 1);
  }
  // B = Qᵀ A; Bᵀ = Aᵀ Q = Z. B Bᵀ = W S² Wᵀ; V = Bᵀ W S⁻¹.
  const z = products.transposeTimes(q);
  const gram = dense.gram(z, a.columns, width);
  const { values, vectors } = symmetricEigen(gram, width);
  const order = Array.from({ length: width }, (_, i) => i).sort((x, y) => values[y]! - values[x]!);
  const singularValues = new Float64Array(rank);
  const w = new Float64Array(width * rank);
  for (let c = 0; c < rank; c++) {
    const source = order[c]!;
    const s = Math.sqrt(Math.max(values[source]!, 0));
    singularValues[c] = s;
    const scale = s > 1e-12 ? 1 / s : 0;
    for (let r = 0; r < width; r++) w[r * rank + c] = vectors[r * width + source]! * scale;
  }
  const projection = dense.times(z, a.columns, width, w, rank);
  return { projection, rank, singularValues };
}

/** Orthonormal columns spanning M's columns, by Cholesky QR (applied twice when `passes` is 2). */
function orthonormalize(dense: DenseProducts, m: Float64Array, rows: number, width: number, passes = 1): Float64Array {
  let q = m;
  for (let pass = 0; pass < passes; pass++) {
    const gram = dense.gram(q, rows, width);
    let trace = 0;
    for (let x = 0; x < width; x++) trace += gram[x * width + x]!;
    const jitter = (trace / width) * 1e-10 + 1e-300;
    const r = cholesky(gram, width, jitter);
    q = dense.solveUpper(q, rows, width, r);
  }
  return q;
}

/** Upper-triangular R with Rᵀ R = G (+ jitter on the diagonal when G is near singular). */
function cholesky(g: Float64Array, n: number, jitter: number): Float64Array {
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diagonal = g[j * n + j]! + jitter;
    for (let k = 0; k < j; k++) diagonal -= r[k * n + j]! ** 2;
    const rjj = Math.sqrt(Math.max(diagonal, jitter));
    r[j * n + j] = rjj;
    for (let i = j + 1; i < n; i++) {
      let sum = g[j * n + i]!;
      for (let k = 0; k < j; k++) sum -= r[k * n + j]! * r[k * n + i]!;
      r[j * n + i] = sum / rjj;
    }
  }
  return r;
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations; vectors are columns. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let offDiagonal = 0;
    let total = 0;
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        const value = a[p * n + q]! ** 2;
        total += value;
        if (p !== q) offDiagonal += value;
      }
    }
    if (offDiagonal <= 1e-22 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}
