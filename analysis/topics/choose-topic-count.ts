import type { SeededRandom } from './seeded-random.js';
import { dot32, runKMeans, type DenseVectors, type KMeansResult } from './spherical-kmeans.js';

export interface TopicCountOptions {
  /** The most topics wanted; the search starts from this many clusters. */
  maxTopics: number;
  minTopics: number;
  /** Points used to score each candidate partition (default 2,000). */
  scoringSample?: number;
  random: SeededRandom;
}

export interface TopicCountChoice {
  clustering: KMeansResult;
  /** Silhouette of each candidate number of topics, for the record. */
  scores: { k: number; silhouette: number }[];
}

/**
 * Chooses the number of topics from the data: over-cluster at `maxTopics`, merge the two closest clusters (cosine
 * of their centroids) one pair at a time down to `minTopics`, score every level by the mean silhouette (cosine
 * distance) on a sample, keep the best level and polish it with a few k-means iterations.
 */
export function chooseTopicCount(points: DenseVectors, start: KMeansResult, options: TopicCountOptions): TopicCountChoice {
  const { count, dimensions: d, data } = points;
  const leaves = start.k;
  const minTopics = Math.max(1, Math.min(options.minTopics, leaves));
  if (leaves <= minTopics) return { clustering: start, scores: [] };

  const sampleSize = Math.min(count, options.scoringSample ?? 2000);
  const sample = pickSample(count, sampleSize, options.random);
  // pointCluster[s][c]: summed similarity of sample point s to the sample members of cluster c.
  const pointCluster = new Float64Array(sampleSize * leaves);
  const clusterSizes = new Float64Array(leaves);
  for (let s = 0; s < sampleSize; s++) clusterSizes[start.assignment[sample[s]!]!]!++;
  for (let s = 0; s < sampleSize; s++) {
    const base = sample[s]! * d;
    for (let t = 0; t < sampleSize; t++) {
      if (t === s) continue;
      pointCluster[s * leaves + start.assignment[sample[t]!]!]! += dot32(data, base, data, sample[t]! * d, d);
    }
  }

  const sums = new Float64Array(leaves * d);
  for (let i = 0; i < count; i++) {
    const target = start.assignment[i]! * d;
    for (let c = 0; c < d; c++) sums[target + c]! += data[i * d + c]!;
  }
  const alive = new Uint8Array(leaves).fill(1);
  const parent = Int32Array.from({ length: leaves }, (_, i) => i);
  const scores: { k: number; silhouette: number }[] = [];
  let bestK = leaves;
  let bestScore = -Infinity;
  let bestParent = parent.slice();
  for (let k = leaves; k >= minTopics; k--) {
    const silhouette = meanSilhouette(sample, start.assignment, parent, alive, pointCluster, clusterSizes, leaves);
    scores.push({ k, silhouette });
    if (silhouette > bestScore) {
      bestScore = silhouette;
      bestK = k;
      bestParent = parent.slice();
    }
    if (k === minTopics) break;
    const [a, b] = closestPair(sums, alive, leaves, d);
    for (let c = 0; c < d; c++) sums[a * d + c]! += sums[b * d + c]!;
    alive[b] = 0;
    clusterSizes[a]! += clusterSizes[b]!;
    for (let s = 0; s < sampleSize; s++) pointCluster[s * leaves + a]! += pointCluster[s * leaves + b]!;
    for (let leaf = 0; leaf < leaves; leaf++) if (parent[leaf] === b) parent[leaf] = a;
  }

  const roots = [...new Set(bestParent)].sort((x, y) => x - y);
  const rootIndex = new Map(roots.map((root, i) => [root, i]));
  const merged = new Float64Array(roots.length * d);
  for (let i = 0; i < count; i++) {
    const target = rootIndex.get(bestParent[start.assignment[i]!]!)! * d;
    for (let c = 0; c < d; c++) merged[target + c]! += data[i * d + c]!;
  }
  const centroids = new Float32Array(roots.length * d);
  for (let cluster = 0; cluster < roots.length; cluster++) {
    let norm = 0;
    for (let c = 0; c < d; c++) norm += merged[cluster * d + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < d; c++) centroids[cluster * d + c] = merged[cluster * d + c]! / norm;
  }
  return { clustering: runKMeans(points, centroids, bestK, 10), scores };
}

function pickSample(count: number, size: number, random: SeededRandom): Int32Array {
  if (size >= count) return Int32Array.from({ length: count }, (_, i) => i);
  const indices = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + random.int(count - i);
    const swap = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = swap;
  }
  return indices.slice(0, size).sort();
}

function closestPair(sums: Float64Array, alive: Uint8Array, leaves: number, d: number): [number, number] {
  const norms = new Float64Array(leaves);
  for (let x = 0; x < leaves; x++) {
    if (!alive[x]) continue;
    let norm = 0;
    for (let c = 0; c < d; c++) norm += sums[x * d + c]! ** 2;
    norms[x] = Math.sqrt(norm) || 1;
  }
  let best: [number, number] = [0, 1];
  let bestSimilarity = -Infinity;
  for (let x = 0; x < leaves; x++) {
    if (!alive[x]) continue;
    for (let y = x + 1; y < leaves; y++) {
      if (!alive[y]) continue;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += sums[x * d + c]! * sums[y * d + c]!;
      const similarity = dot / (norms[x]! * norms[y]!);
      if (similarity > bestSimilarity) {
        bestSimilarity = similarity;
        best = [x, y];
      }
    }
  }
  return best;
}

function meanSilhouette(
  sample: Int32Array,
  assignment: Int32Array,
  parent: Int32Array,
  alive: Uint8Array,
  pointCluster: Float64Array,
  clusterSizes: Float64Array,
  leaves: number,
): number {
  let total = 0;
  for (let s = 0; s < sample.length; s++) {
    const own = parent[assignment[sample[s]!]!]!;
    const ownSize = clusterSizes[own]! - 1;
    if (ownSize <= 0) continue; // a singleton scores 0
    const a = 1 - pointCluster[s * leaves + own]! / ownSize;
    let b = Infinity;
    for (let cluster = 0; cluster < leaves; cluster++) {
      if (!alive[cluster] || cluster === own || clusterSizes[cluster] === 0) continue;
      const distance = 1 - pointCluster[s * leaves + cluster]! / clusterSizes[cluster]!;
      if (distance < b) b = distance;
    }
    if (b === Infinity) continue;
    total += (b - a) / Math.max(a, b, 1e-12);
  }
  return total / sample.length;
}
