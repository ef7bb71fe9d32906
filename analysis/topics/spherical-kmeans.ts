import { DotTable, NearestCentroid } from './nearest-centroid.js';
import type { SeededRandom } from './seeded-random.js';

/** Row-major unit vectors: `data[i * dimensions .. (i + 1) * dimensions)` is point i. */
export interface DenseVectors {
  count: number;
  dimensions: number;
  data: Float32Array;
}

export interface KMeansResult {
  /** Unit-length centroids, row-major (k x dimensions). */
  centroids: Float32Array;
  k: number;
  assignment: Int32Array;
  /** Cosine of each point to its centroid. */
  similarity: Float32Array;
  /** Sum of the similarities: higher is tighter. */
  objective: number;
}

export interface KMeansOptions {
  k: number;
  random: SeededRandom;
  restarts?: number;
  maxIterations?: number;
}

/**
 * Spherical k-means (cosine similarity, unit centroids) with k-means++ seeding, keeping the best of several
 * restarts. Empty clusters are re-seeded with the point farthest from its centroid.
 */
export function sphericalKMeans(points: DenseVectors, options: KMeansOptions): KMeansResult {
  const k = Math.max(1, Math.min(options.k, points.count));
  let best: KMeansResult | undefined;
  for (let restart = 0; restart < (options.restarts ?? 4); restart++) {
    const result = runKMeans(points, seedPlusPlus(points, k, options.random), k, options.maxIterations ?? 30);
    if (!best || result.objective > best.objective) best = result;
  }
  return best!;
}

/** k-means iterations from given centroids (which are modified). */
export function runKMeans(points: DenseVectors, centroids: Float32Array, k: number, maxIterations: number): KMeansResult {
  const { count, dimensions: d, data } = points;
  const assignment = new Int32Array(count).fill(-1);
  const similarity = new Float32Array(count);
  const sums = new Float64Array(k * d);
  const sizes = new Int32Array(k);
  let objective = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = 0;
    objective = assignPoints(points, { centroids, k }, { assignment, similarity }, (i, cluster) => {
      if (assignment[i] !== cluster) changed++;
    });
    if (changed === 0 && iteration > 0) break;
    sums.fill(0);
    sizes.fill(0);
    for (let i = 0; i < count; i++) {
      const cluster = assignment[i]!;
      sizes[cluster]!++;
      const target = cluster * d;
      const source = i * d;
      for (let c = 0; c < d; c++) sums[target + c]! += data[source + c]!;
    }
    for (let cluster = 0; cluster < k; cluster++) {
      if (sizes[cluster] === 0) {
        // Re-seed with the worst-served point, taking it away from its cluster.
        let worst = 0;
        for (let i = 1; i < count; i++) if (similarity[i]! < similarity[worst]!) worst = i;
        similarity[worst] = 2;
        for (let c = 0; c < d; c++) centroids[cluster * d + c] = data[worst * d + c]!;
        continue;
      }
      normalizeInto(sums, cluster * d, d, centroids);
    }
    if (changed < Math.max(1, count * 1e-3) && iteration > 2) {
      objective = assignPoints(points, { centroids, k }, { assignment, similarity }, () => {});
      break;
    }
  }
  return { centroids, k, assignment, similarity, objective };
}

function normalizeInto(sums: Float64Array, offset: number, d: number, out: Float32Array): void {
  let norm = 0;
  for (let c = 0; c < d; c++) norm += sums[offset + c]! ** 2;
  norm = Math.sqrt(norm) || 1;
  for (let c = 0; c < d; c++) out[offset + c] = sums[offset + c]! / norm;
}

// One per dimensionality: a worker fits one model at a time, and the kernel's memory is reused from call to call.
const nearestByDimensions = new Map<number, NearestCentroid>();

function nearestCentroid(dimensions: number): NearestCentroid {
  let nearest = nearestByDimensions.get(dimensions);
  if (!nearest) {
    nearest = new NearestCentroid(dimensions);
    nearestByDimensions.set(dimensions, nearest);
  }
  return nearest;
}

/** Nearest centroid of every point; returns the sum of similarities. */
export function assignPoints(
  points: DenseVectors,
  { centroids, k }: { centroids: Float32Array; k: number },
  { assignment, similarity }: { assignment: Int32Array; similarity: Float32Array },
  onAssign: (point: number, cluster: number) => void,
): number {
  const { count, dimensions: d, data } = points;
  const nearest = nearestCentroid(d);
  nearest.load(centroids, k);
  let objective = 0;
  for (let i = 0; i < count; i++) {
    const bestCluster = nearest.find(data, i * d);
    const bestSimilarity = nearest.similarity;
    onAssign(i, bestCluster);
    assignment[i] = bestCluster;
    similarity[i] = bestSimilarity;
    objective += bestSimilarity;
  }
  return objective;
}

function seedPlusPlus(points: DenseVectors, k: number, random: SeededRandom): Float32Array {
  const { count, dimensions: d, data } = points;
  const centroids = new Float32Array(k * d);
  const distance = new Float64Array(count).fill(Infinity);
  // Each new centroid against every point at once (the same sums as dot32 of each point with it).
  const table = new DotTable(d);
  table.load(data, count);
  const dots = new Float64Array(count);
  let chosen = random.int(count);
  for (let cluster = 0; cluster < k; cluster++) {
    centroids.set(data.subarray(chosen * d, chosen * d + d), cluster * d);
    table.dots(data, chosen * d, dots);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const gap = Math.max(0, 1 - dots[i]!);
      if (gap < distance[i]!) distance[i] = gap;
      total += distance[i]! * distance[i]!;
    }
    if (cluster + 1 === k) break;
    let target = random.next() * total;
    chosen = count - 1;
    for (let i = 0; i < count; i++) {
      target -= distance[i]! * distance[i]!;
      if (target <= 0) {
        chosen = i;
        break;
      }
    }
  }
  return centroids;
}
