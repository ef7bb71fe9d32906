import { createLatentProjectionKernel, KERNEL_BLOCK, type LatentProjectionKernel } from './latent-projection-kernel.js';
import { multiplySparseDense, multiplySparseTransposeDense, type SparseMatrix } from './sparse-matrix.js';

/** `A · M` and `Aᵀ · M` for one sparse `A` and dense row-major `M` of a fixed width, many times over. */
export interface SparseProducts {
  /** `A · M` for `M` (A.columns x width): (A.rows x width). */
  times(m: Float64Array): Float64Array;
  /** `Aᵀ · M` for `M` (A.rows x width): (A.columns x width). */
  transposeTimes(m: Float64Array): Float64Array;
}

/**
 * The products a randomized SVD repeats, in WebAssembly SIMD where it is available (the kernel that projects questions:
 * each output row is a weighted sum of input rows). Every output element adds its products in the same order and in
 * doubles as `multiplySparseDense` and `multiplySparseTransposeDense` do (`Aᵀ` is stored by columns, each column's
 * entries in row order), so the results are identical to the bit; `options.simd` false uses those two directly.
 *
 * @example
 * const products = createSparseProducts(a, 106);
 * const y = products.times(omega);
 */
export function createSparseProducts(a: SparseMatrix, width: number, options: { simd?: boolean } = {}): SparseProducts {
  const plain: SparseProducts = {
    times: (m) => multiplySparseDense(a, m, width),
    transposeTimes: (m) => multiplySparseTransposeDense(a, m, width),
  };
  if (options.simd === false || width === 0 || a.rows === 0 || a.columns === 0) return plain;
  return SimdSparseProducts.create(a, width) ?? plain;
}

/** Column-major copy of `A` (its transpose as compressed rows), each column's entries in increasing row order. */
function transpose(a: SparseMatrix): SparseMatrix {
  const nonZeros = a.rowStart[a.rows]!;
  const rowStart = new Int32Array(a.columns + 1);
  for (let p = 0; p < nonZeros; p++) rowStart[a.columnIndex[p]! + 1]!++;
  for (let j = 0; j < a.columns; j++) rowStart[j + 1]! += rowStart[j]!;
  const next = rowStart.slice(0, a.columns);
  const columnIndex = new Int32Array(nonZeros);
  const values = new Float32Array(nonZeros);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const at = next[a.columnIndex[p]!]!++;
      columnIndex[at] = i;
      values[at] = a.values[p]!;
    }
  }
  return { rows: a.columns, columns: a.rows, rowStart, columnIndex, values };
}

/**
 * Kernel memory: each matrix's weights (doubles) and source-row byte addresses, then the input rows and the output
 * rows, each padded to whole kernel blocks.
 */
class SimdSparseProducts implements SparseProducts {
  private readonly a: SparseMatrix;
  private readonly aTransposed: SparseMatrix;
  private readonly width: number;
  private readonly blocks: number;

  private constructor(
    private readonly kernel: LatentProjectionKernel,
    matrices: { a: SparseMatrix; aTransposed: SparseMatrix },
    shape: { width: number; blocks: number },
    private readonly layout: { forward: MatrixLayout; backward: MatrixLayout; input: number; output: number },
  ) {
    this.a = matrices.a;
    this.aTransposed = matrices.aTransposed;
    this.width = shape.width;
    this.blocks = shape.blocks;
  }

  static create(a: SparseMatrix, width: number): SimdSparseProducts | undefined {
    const blocks = Math.ceil(width / KERNEL_BLOCK);
    const rowBytes = blocks * KERNEL_BLOCK * 8;
    const nonZeros = a.rowStart[a.rows]!;
    const longest = Math.max(a.rows, a.columns);
    const matrixBytes = align16(nonZeros * 8) + align16(nonZeros * 4);
    const input = 2 * matrixBytes;
    const output = input + longest * rowBytes;
    const kernel = createLatentProjectionKernel(output + longest * rowBytes);
    if (!kernel) return undefined;
    const aTransposed = transpose(a);
    const forward = writeMatrix(kernel, a, { at: 0, input, rowBytes });
    const backward = writeMatrix(kernel, aTransposed, { at: matrixBytes, input, rowBytes });
    return new SimdSparseProducts(kernel, { a, aTransposed }, { width, blocks }, { forward, backward, input, output });
  }

  times(m: Float64Array): Float64Array {
    return this.multiply(this.a, this.layout.forward, m);
  }

  transposeTimes(m: Float64Array): Float64Array {
    return this.multiply(this.aTransposed, this.layout.backward, m);
  }

  private multiply(matrix: SparseMatrix, layout: MatrixLayout, m: Float64Array): Float64Array {
    const { width, blocks } = this;
    const stride = blocks * KERNEL_BLOCK;
    const buffer = this.kernel.memory.buffer;
    const input = new Float64Array(buffer, this.layout.input, matrix.columns * stride);
    for (let r = 0; r < matrix.columns; r++) input.set(m.subarray(r * width, r * width + width), r * stride);
    const rowBytes = stride * 8;
    for (let i = 0; i < matrix.rows; i++) {
      const start = matrix.rowStart[i]!;
      this.kernel.project(layout.addresses + 4 * start, layout.weights + 8 * start, matrix.rowStart[i + 1]! - start, blocks, this.layout.output + i * rowBytes);
    }
    const output = new Float64Array(buffer, this.layout.output, matrix.rows * stride);
    const out = new Float64Array(matrix.rows * width);
    for (let i = 0; i < matrix.rows; i++) out.set(output.subarray(i * stride, i * stride + width), i * width);
    return out;
  }
}

interface MatrixLayout {
  weights: number;
  addresses: number;
}

function writeMatrix(
  kernel: LatentProjectionKernel,
  matrix: SparseMatrix,
  { at, input, rowBytes }: { at: number; input: number; rowBytes: number },
): MatrixLayout {
  const nonZeros = matrix.rowStart[matrix.rows]!;
  const weights = new Float64Array(kernel.memory.buffer, at, nonZeros);
  const addresses = new Int32Array(kernel.memory.buffer, at + align16(nonZeros * 8), nonZeros);
  for (let p = 0; p < nonZeros; p++) {
    weights[p] = matrix.values[p]!;
    addresses[p] = input + matrix.columnIndex[p]! * rowBytes;
  }
  return { weights: at, addresses: at + align16(nonZeros * 8) };
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
