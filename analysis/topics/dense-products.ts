import { dot, LANES, laneOrder } from './dot-product.js';
import { createLatentProjectionKernel, KERNEL_BLOCK, type LatentProjectionKernel } from './latent-projection-kernel.js';

/**
 * The dense products of a randomized SVD on its tall thin matrices (thousands of rows, about a hundred columns).
 * Every element is computed with the same products added in the same order, in doubles, by both implementations.
 */
export interface DenseProducts {
  /** Mᵀ M for a row-major (rows x width) M: element (x, y) is `dot` of columns x and y. */
  gram(m: Float64Array, rows: number, width: number): Float64Array;
  /** M R⁻¹ for upper-triangular R (width x width): each row solved by forward substitution, its sums by `dot`. */
  solveUpper(m: Float64Array, rows: number, width: number, r: Float64Array): Float64Array;
  /** Z W for Z (rows x width) and W (width x columns): row j adds z[j][r] · W's row r for r in order, zeros skipped. */
  times(z: Float64Array, rows: number, width: number, w: Float64Array, columns: number): Float64Array;
}

/**
 * The products in WebAssembly SIMD where it is available (the projection kernel: each output row a weighted sum of
 * stored rows, every lane in order), else in plain JavaScript (`options.simd` false): identical to the bit either way.
 *
 * @example
 * const products = createDenseProducts();
 * const gram = products.gram(q, 8000, 106);
 */
export function createDenseProducts(options: { simd?: boolean } = {}): DenseProducts {
  if (options.simd === false) return PLAIN;
  return SimdDenseProducts.create() ?? PLAIN;
}

const PLAIN: DenseProducts = {
  gram(m, rows, width) {
    const columns = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) for (let x = 0; x < width; x++) columns[x * rows + i] = m[i * width + x]!;
    const gram = new Float64Array(width * width);
    for (let x = 0; x < width; x++) {
      const xBase = x * rows;
      for (let y = x; y < width; y++) {
        const value = dot(columns, xBase, columns, y * rows, rows);
        gram[x * width + y] = value;
        gram[y * width + x] = value;
      }
    }
    return gram;
  },
  solveUpper(m, rows, width, r) {
    const rt = transposeSquare(r, width);
    const out = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) {
      const base = i * width;
      for (let j = 0; j < width; j++) out[base + j] = (m[base + j]! - dot(out, base, rt, j * width, j)) / rt[j * width + j]!;
    }
    return out;
  },
  times(z, rows, width, w, columns) {
    const out = new Float64Array(rows * columns);
    for (let j = 0; j < rows; j++) {
      const zBase = j * width;
      const outBase = j * columns;
      for (let r = 0; r < width; r++) {
        const value = z[zBase + r]!;
        if (value === 0) continue;
        const wBase = r * columns;
        for (let c = 0; c < columns; c++) out[outBase + c]! += value * w[wBase + c]!;
      }
    }
    return out;
  },
};

function transposeSquare(r: Float64Array, n: number): Float64Array {
  const rt = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) rt[j * n + k] = r[k * n + j]!;
  return rt;
}

const padded = (count: number): number => Math.max(1, Math.ceil(count / KERNEL_BLOCK)) * KERNEL_BLOCK;

/** One kernel whose memory is laid out afresh for each product (stored rows, addresses, weights, lane sums). */
class SimdDenseProducts implements DenseProducts {
  private constructor(private readonly kernel: LatentProjectionKernel) {}

  static create(): SimdDenseProducts | undefined {
    const kernel = createLatentProjectionKernel(65_536);
    return kernel ? new SimdDenseProducts(kernel) : undefined;
  }

  /** The memory, at least `bytes` long (views taken before a call are stale after it). */
  private buffer(bytes: number): ArrayBuffer {
    const memory = this.kernel.memory;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65_536));
    return memory.buffer;
  }

  gram(m: Float64Array, rows: number, width: number): Float64Array {
    // M's rows stored as they are (padded to whole blocks); row x of the product weights row i by m[i][x].
    const stride = padded(width);
    const rowBytes = stride * 8;
    const { order, laneStart } = laneOrder(rows);
    const at = { addresses: rows * rowBytes + KERNEL_BLOCK * 8, weights: 0, sums: 0 };
    at.weights = at.addresses + align16(rows * 4);
    at.sums = at.weights + rows * 8;
    const buffer = this.buffer(at.sums + LANES * rowBytes);
    const stored = new Float64Array(buffer, 0, rows * stride);
    for (let i = 0; i < rows; i++) stored.set(m.subarray(i * width, i * width + width), i * stride);
    const addresses = new Int32Array(buffer, at.addresses, rows);
    for (let p = 0; p < rows; p++) addresses[p] = order[p]! * rowBytes;
    const weights = new Float64Array(buffer, at.weights, rows);
    const sums = new Float64Array(buffer, at.sums, LANES * stride);
    const gram = new Float64Array(width * width);
    for (let x = 0; x < width; x++) {
      for (let p = 0; p < rows; p++) weights[p] = m[order[p]! * width + x]!;
      this.lanes(laneStart, at, stride);
      for (let y = x; y < width; y++) {
        const value = sums[y]! + sums[stride + y]! + sums[2 * stride + y]! + sums[3 * stride + y]!;
        gram[x * width + y] = value;
        gram[y * width + x] = value;
      }
    }
    return gram;
  }

  solveUpper(m: Float64Array, rows: number, width: number, r: Float64Array): Float64Array {
    // The result column by column: column j needs columns 0 .. j - 1 of every row, stored as rows of the kernel.
    const stride = padded(rows);
    const rowBytes = stride * 8;
    const at = { addresses: width * rowBytes + KERNEL_BLOCK * 8, weights: 0, sums: 0 };
    at.weights = at.addresses + align16(width * 4);
    at.sums = at.weights + width * 8;
    const buffer = this.buffer(at.sums + LANES * rowBytes);
    const columns = new Float64Array(buffer, 0, width * stride);
    const addresses = new Int32Array(buffer, at.addresses, width);
    const weights = new Float64Array(buffer, at.weights, width);
    const sums = new Float64Array(buffer, at.sums, LANES * stride);
    const out = new Float64Array(rows * width);
    for (let j = 0; j < width; j++) {
      const { order, laneStart } = laneOrder(j);
      for (let p = 0; p < j; p++) {
        addresses[p] = order[p]! * rowBytes;
        weights[p] = r[order[p]! * width + j]!;
      }
      this.lanes(laneStart, at, stride);
      const diagonal = r[j * width + j]!;
      const column = j * stride;
      for (let i = 0; i < rows; i++) {
        const sum = sums[i]! + sums[stride + i]! + sums[2 * stride + i]! + sums[3 * stride + i]!;
        const value = (m[i * width + j]! - sum) / diagonal;
        out[i * width + j] = value;
        columns[column + i] = value;
      }
    }
    return out;
  }

  times(z: Float64Array, rows: number, width: number, w: Float64Array, columns: number): Float64Array {
    const stride = padded(columns);
    const rowBytes = stride * 8;
    const at = { addresses: width * rowBytes + KERNEL_BLOCK * 8, weights: 0, sums: 0 };
    at.weights = at.addresses + align16(width * 4);
    at.sums = at.weights + width * 8;
    const buffer = this.buffer(at.sums + rowBytes);
    const stored = new Float64Array(buffer, 0, width * stride);
    for (let r = 0; r < width; r++) stored.set(w.subarray(r * columns, r * columns + columns), r * stride);
    const addresses = new Int32Array(buffer, at.addresses, width);
    const weights = new Float64Array(buffer, at.weights, width);
    const sums = new Float64Array(buffer, at.sums, stride);
    const out = new Float64Array(rows * columns);
    for (let j = 0; j < rows; j++) {
      let count = 0;
      for (let r = 0; r < width; r++) {
        const value = z[j * width + r]!;
        if (value === 0) continue;
        addresses[count] = r * rowBytes;
        weights[count++] = value;
      }
      this.kernel.project(at.addresses, at.weights, count, stride / KERNEL_BLOCK, at.sums);
      out.set(sums.subarray(0, columns), j * columns);
    }
    return out;
  }

  /** Each lane's weighted sum of its stored rows, into four rows of sums `stride` apart. */
  private lanes(laneStart: Int32Array, at: { addresses: number; weights: number; sums: number }, stride: number): void {
    for (let lane = 0; lane < LANES; lane++) {
      const start = laneStart[lane]!;
      this.kernel.project(at.addresses + 4 * start, at.weights + 8 * start, laneStart[lane + 1]! - start, stride / KERNEL_BLOCK, at.sums + lane * stride * 8);
    }
  }
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
