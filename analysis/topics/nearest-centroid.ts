import { createLatentProjectionKernel, KERNEL_BLOCK, type LatentProjectionKernel } from './latent-projection-kernel.js';
import { dot32, LANES, laneOrder } from './dot-product.js';

/**
 * The nearest of k unit centroids to a point, by cosine: the centroid with the highest `dot32`, the first one on a tie.
 * In WebAssembly SIMD where it is available: the centroids stored by dimension, each lane of `dot32` summed for all
 * centroids at once by the projection kernel (in doubles, in the same order), the four lanes then added as `dot32`
 * adds them, so every similarity and every choice is identical to the bit to the plain loop (`options.simd` false).
 *
 * @example
 * const nearest = new NearestCentroid(96, { simd: true });
 * nearest.load(centroids, k);
 * const cluster = nearest.find(points.data, i * 96); // nearest.similarity is its cosine
 */
export class NearestCentroid {
  /** The similarity of the last point found to its nearest centroid. */
  similarity = -Infinity;
  private centroids: Float32Array = new Float32Array(0);
  private k = 0;
  private readonly simd: SimdLanes | undefined;

  constructor(
    private readonly dimensions: number,
    options: { simd?: boolean } = {},
  ) {
    this.simd = options.simd === false || dimensions === 0 ? undefined : SimdLanes.create(dimensions);
  }

  /** The centroids (row-major, k x dimensions) that `find` compares with, until the next `load`. */
  load(centroids: Float32Array, k: number): void {
    this.centroids = centroids;
    this.k = k;
    this.simd?.load(centroids, k);
  }

  /** Index of the nearest centroid to `data[offset .. offset + dimensions)` (0 when there are none). */
  find(data: Float32Array, offset: number): number {
    const d = this.dimensions;
    let best = 0;
    let bestSimilarity = -Infinity;
    if (this.simd) {
      const lanes = this.simd.sums(data, offset);
      const stride = this.simd.stride;
      for (let cluster = 0; cluster < this.k; cluster++) {
        const value = lanes[cluster]! + lanes[stride + cluster]! + lanes[2 * stride + cluster]! + lanes[3 * stride + cluster]!;
        if (value > bestSimilarity) {
          bestSimilarity = value;
          best = cluster;
        }
      }
    } else {
      for (let cluster = 0; cluster < this.k; cluster++) {
        const value = dot32(data, offset, this.centroids, cluster * d, d);
        if (value > bestSimilarity) {
          bestSimilarity = value;
          best = cluster;
        }
      }
    }
    this.similarity = bestSimilarity;
    return best;
  }
}

/**
 * `dot32` of one vector with each of many stored vectors, identical to the bit (the lanes of `NearestCentroid`, in
 * WebAssembly SIMD where it is available): what k-means++ seeding, neighbour search and the silhouette's similarities
 * compute a vector against many at a time.
 *
 * @example
 * const table = new DotTable(96);
 * table.load(points.data, points.count);
 * table.dots(points.data, chosen * 96, out); // out[j] === dot32(points.data, chosen * 96, points.data, j * 96, 96)
 */
export class DotTable {
  private vectors: Float32Array = new Float32Array(0);
  private count = 0;
  private readonly simd: SimdLanes | undefined;

  constructor(
    private readonly dimensions: number,
    options: { simd?: boolean } = {},
  ) {
    this.simd = options.simd === false || dimensions === 0 ? undefined : SimdLanes.create(dimensions);
  }

  /** The vectors (row-major, count x dimensions) that `dots` compares with, until the next `load`. */
  load(vectors: Float32Array, count: number): void {
    this.vectors = vectors;
    this.count = count;
    this.simd?.load(vectors, count);
  }

  /** `out[j - from]` = `dot32(data, offset, vectors, j * dimensions, dimensions)` for j in `from` .. `to` - 1. */
  dots(data: Float32Array, offset: number, out: Float64Array | Float32Array, from = 0, to = this.count): void {
    const d = this.dimensions;
    if (this.simd) {
      const lanes = this.simd.sums(data, offset, from, to - from);
      const stride = this.simd.stride;
      for (let j = 0; j < to - from; j++) out[j] = lanes[j]! + lanes[stride + j]! + lanes[2 * stride + j]! + lanes[3 * stride + j]!;
      return;
    }
    for (let j = from; j < to; j++) out[j - from] = dot32(data, offset, this.vectors, j * d, d);
  }
}

/**
 * Kernel memory: the transposed centroids (one row per dimension, `stride` doubles), the four lanes' sums, the point's
 * coordinates in lane order (doubles) and the byte address of each one's row.
 */
class SimdLanes {
  stride = 0;
  private kernel: LatentProjectionKernel;
  private layout = { rows: 0, sums: 0, weights: 0, addresses: 0 };
  private weights = new Float64Array(0);
  private sumsView = new Float64Array(0);
  private addressView = new Int32Array(0);
  /** The column the address table starts the rows at. */
  private from = -1;
  private readonly laneStart: Int32Array;
  /** The dimension of each position in lane order. */
  private readonly order: Int32Array;

  private constructor(
    kernel: LatentProjectionKernel,
    private readonly dimensions: number,
  ) {
    this.kernel = kernel;
    const { order, laneStart } = laneOrder(dimensions);
    this.order = order;
    this.laneStart = laneStart;
  }

  static create(dimensions: number): SimdLanes | undefined {
    const kernel = createLatentProjectionKernel(65_536);
    return kernel ? new SimdLanes(kernel, dimensions) : undefined;
  }

  load(centroids: Float32Array, k: number): void {
    const d = this.dimensions;
    const blocks = Math.max(1, Math.ceil(k / KERNEL_BLOCK));
    this.stride = blocks * KERNEL_BLOCK;
    const rowBytes = this.stride * 8;
    const rows = 0;
    // A block started part-way through a row reads up to a block past its end: the last row has a block to spare.
    const sums = rows + d * rowBytes + KERNEL_BLOCK * 8;
    const weights = sums + LANES * rowBytes;
    const addresses = weights + d * 8;
    const needed = addresses + d * 4;
    const memory = this.kernel.memory;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65_536));
    this.layout = { rows, sums, weights, addresses };
    const transposed = new Float64Array(memory.buffer, rows, d * this.stride);
    for (let cluster = 0; cluster < k; cluster++) for (let c = 0; c < d; c++) transposed[c * this.stride + cluster] = centroids[cluster * d + c]!;
    this.addressView = new Int32Array(memory.buffer, addresses, d);
    this.from = -1;
    this.weights = new Float64Array(memory.buffer, weights, d);
    this.sumsView = new Float64Array(memory.buffer, sums, LANES * this.stride);
  }

  /**
   * Each lane's sums for the centroids `from` .. `from + count` - 1 (all of them by default): lane l's sum for
   * centroid `from + j` at `l * stride + j`.
   */
  sums(data: Float32Array, offset: number, from = 0, count = this.stride): Float64Array {
    const order = this.order;
    const weights = this.weights;
    for (let p = 0; p < order.length; p++) weights[p] = data[offset + order[p]!]!;
    if (from !== this.from) {
      // Each dimension's row, read from its column `from` on.
      const rowBytes = this.stride * 8;
      for (let p = 0; p < order.length; p++) this.addressView[p] = this.layout.rows + order[p]! * rowBytes + from * 8;
      this.from = from;
    }
    const blocks = Math.max(1, Math.ceil(count / KERNEL_BLOCK));
    const { sums, weights: weightsAt, addresses } = this.layout;
    for (let lane = 0; lane < LANES; lane++) {
      const start = this.laneStart[lane]!;
      this.kernel.project(addresses + 4 * start, weightsAt + 8 * start, this.laneStart[lane + 1]! - start, blocks, sums + lane * this.stride * 8);
    }
    return this.sumsView;
  }
}
