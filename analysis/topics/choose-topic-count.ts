import type { SeededRandom } from './seeded-random.js';
import { DotTable } from './nearest-centroid.js';
import { runKMeans, sphericalKMeans, type DenseVectors, type KMeansResult } from './spherical-kmeans.js';

export interface TopicCountOptions {
  /** A ceiling set by the user; unset, the number is bounded only by the data (`count / minTopicPoints`). */
  maxTopics?: number | undefined;
  minTopics: number;
  /** The fewest points a topic may hold; no more than `count / minTopicPoints` topics are looked for. */
  minTopicPoints: number;
  /**
   * The same points as clustered but before any smoothing, for the silhouettes: smoothing (averaging each point with
   * its neighbours) makes small groups of near neighbours look tight, which would favour too many topics.
   */
  scoringPoints?: DenseVectors | undefined;
  /** Points used to score each candidate partition (default 2,000). */
  scoringSample?: number;
  random: SeededRandom;
}

export interface TopicCountChoice {
  clustering: KMeansResult;
  /** Silhouette of each candidate number of topics in the search that gave the best level, for the record. */
  scores: { k: number; silhouette: number }[];
  /** The number of clusters each search started from, in order. */
  searches: number[];
}

/**
 * Clusters of the first search: the ceiling of earlier versions, so small data sets search the same range as before.
 * It is where the search starts, not a ceiling.
 */
export const FIRST_SEARCH_CLUSTERS = 80;
/** k-means iterations of the searches after the first (the first keeps the 30 of earlier versions). */
export const WIDER_SEARCH_ITERATIONS = 10;

/**
 * Chooses the number of topics from the data, from `minTopics` to as many as the data supports. One search:
 * k-means at some number of clusters, then the two closest clusters (cosine of their centroids) are merged one pair
 * at a time down to `minTopics`, every level scored by its mean silhouette (cosine distance) on one fixed sample of
 * points. The first search starts from `FIRST_SEARCH_CLUSTERS` clusters; each next one from twice as many, up to
 * `count / minTopicPoints` (or `maxTopics` when set), for as long as the wider search finds a better best level, or
 * scores better with all its clusters apart than the narrower one did (a narrow search cannot see finer topics: its
 * k-means has already lumped them together, so its best level is a coarse one, and the first sign of the finer
 * topics is that splitting further scores better, not worse). The silhouettes are measured on `scoringPoints` when
 * given (the points before smoothing); members of clusters smaller than `minTopicPoints` score 0, as singletons do.
 * The best level of all is polished with a few k-means iterations.
 */
export function chooseTopicCount(points: DenseVectors, options: TopicCountOptions): TopicCountChoice {
  const bound = Math.max(1, Math.min(options.maxTopics ?? Infinity, Math.floor(points.count / Math.max(1, options.minTopicPoints))));
  const minTopics = Math.max(1, options.minTopics);
  let clusters = Math.min(bound, FIRST_SEARCH_CLUSTERS);
  const searches: number[] = [];
  let best: { start: KMeansResult; level: MergeLevel } | undefined;
  let scoring: { sample: Int32Array; gram: Float32Array } | undefined;
  let previousWidest: number | undefined;
  for (;;) {
    searches.push(clusters);
    // One restart is enough here, and few iterations for the wider searches: the merge search that follows smooths
    // over a poor local optimum, and the best level is polished at the end.
    const start = sphericalKMeans(points, {
      k: clusters,
      random: options.random,
      restarts: 1,
      maxIterations: searches.length === 1 ? 30 : WIDER_SEARCH_ITERATIONS,
    });
    if (start.k <= minTopics) return { clustering: start, scores: [], searches };
    if (!scoring) {
      const sample = pickSample(points.count, Math.min(points.count, options.scoringSample ?? 2000), options.random);
      scoring = { sample, gram: sampleSimilarities(options.scoringPoints ?? points, sample) };
    }
    const level = searchMergeLevels(points, start, scoring, { minTopics, minTopicPoints: options.minTopicPoints });
    const improved = !best || level.score > best.level.score;
    const finerImproved = previousWidest === undefined || level.widest > previousWidest;
    if (improved) best = { start, level };
    previousWidest = level.widest;
    if ((!improved && !finerImproved) || clusters >= bound || start.k < clusters) break;
    clusters = Math.min(bound, clusters * 2);
  }
  return { clustering: polish(points, best!.start, best!.level.parent, best!.level.k), scores: best!.level.scores, searches };
}

interface MergeLevel {
  k: number;
  score: number;
  /** The score of the search's first level, all its clusters apart. */
  widest: number;
  /** The cluster each starting cluster is merged into at the best level. */
  parent: Int32Array;
  scores: { k: number; silhouette: number }[];
}

/**
 * One search: merges the closest pair of clusters level by level and scores each level. Kept up to date through the
 * merges rather than recomputed: the dot products of cluster sums, each cluster's closest other cluster, and for
 * each sample point its summed similarity to every cluster, its nearest other cluster and its silhouette.
 */
function searchMergeLevels(
  points: DenseVectors,
  start: KMeansResult,
  scoring: { sample: Int32Array; gram: Float32Array },
  { minTopics, minTopicPoints }: { minTopics: number; minTopicPoints: number },
): MergeLevel {
  const { sample, gram } = scoring;
  const { count, dimensions: d, data } = points;
  const leaves = start.k;
  const m = sample.length;
  const root = Int32Array.from(sample, (point) => start.assignment[point]!);
  // pointCluster[s][c]: summed similarity of sample point s to the other sample members of cluster c.
  const pointCluster = new Float64Array(m * leaves);
  const clusterSizes = new Float64Array(leaves);
  // Members over all points: a cluster smaller than the smallest topic is no topic, its members score 0.
  const fullSizes = new Float64Array(leaves);
  for (let i = 0; i < count; i++) fullSizes[start.assignment[i]!]!++;
  for (let s = 0; s < m; s++) {
    clusterSizes[root[s]!]!++;
    for (let t = 0; t < m; t++) if (t !== s) pointCluster[s * leaves + root[t]!]! += gram[s * m + t]!;
  }

  // dots[x][y]: dot product of the (unnormalised) member sums of clusters x and y.
  const sums = new Float64Array(leaves * d);
  for (let i = 0; i < count; i++) {
    const target = start.assignment[i]! * d;
    for (let c = 0; c < d; c++) sums[target + c]! += data[i * d + c]!;
  }
  const dots = new Float64Array(leaves * leaves);
  for (let x = 0; x < leaves; x++) {
    for (let y = x; y < leaves; y++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += sums[x * d + c]! * sums[y * d + c]!;
      dots[x * leaves + y] = dot;
      dots[y * leaves + x] = dot;
    }
  }
  const alive: number[] = Array.from({ length: leaves }, (_, i) => i);
  const norms = Float64Array.from({ length: leaves }, (_, x) => Math.sqrt(dots[x * leaves + x]!) || 1);
  const rowBest = new Int32Array(leaves).fill(-1);
  const rowSimilarity = new Float64Array(leaves).fill(-Infinity);
  const refreshRow = (x: number): void => {
    rowBest[x] = -1;
    rowSimilarity[x] = -Infinity;
    for (const y of alive) {
      if (y === x) continue;
      const similarity = dots[x * leaves + y]! / (norms[x]! * norms[y]!);
      if (similarity > rowSimilarity[x]!) {
        rowSimilarity[x] = similarity;
        rowBest[x] = y;
      }
    }
  };
  for (const x of alive) refreshRow(x);

  const nearest = new Int32Array(m);
  const nearestDistance = new Float64Array(m);
  const contribution = new Float64Array(m);
  const refreshNearest = (s: number): void => {
    nearest[s] = -1;
    nearestDistance[s] = Infinity;
    for (const cluster of alive) {
      if (cluster === root[s] || clusterSizes[cluster] === 0) continue;
      const distance = 1 - pointCluster[s * leaves + cluster]! / clusterSizes[cluster]!;
      if (distance < nearestDistance[s]!) {
        nearestDistance[s] = distance;
        nearest[s] = cluster;
      }
    }
  };
  const silhouetteOf = (s: number): number => {
    const own = root[s]!;
    const ownSize = clusterSizes[own]! - 1;
    if (ownSize <= 0 || nearest[s] === -1 || fullSizes[own]! < minTopicPoints) return 0; // as a singleton
    const a = 1 - pointCluster[s * leaves + own]! / ownSize;
    const b = nearestDistance[s]!;
    return (b - a) / Math.max(a, b, 1e-12);
  };
  for (let s = 0; s < m; s++) {
    refreshNearest(s);
    contribution[s] = silhouetteOf(s);
  }

  const parent = Int32Array.from({ length: leaves }, (_, i) => i);
  const scores: { k: number; silhouette: number }[] = [];
  let bestK = leaves;
  let bestScore = -Infinity;
  let bestParent = parent.slice();
  for (let k = leaves; k >= minTopics; k--) {
    let total = 0;
    for (let s = 0; s < m; s++) total += contribution[s]!;
    const silhouette = total / m;
    scores.push({ k, silhouette });
    if (silhouette > bestScore) {
      bestScore = silhouette;
      bestK = k;
      bestParent = parent.slice();
    }
    if (k === minTopics || alive.length < 2) break;

    // The closest pair; the lower index absorbs the higher.
    let x = -1;
    for (const cluster of alive) if (x === -1 || rowSimilarity[cluster]! > rowSimilarity[x]!) x = cluster;
    const a = Math.min(x, rowBest[x]!);
    const b = Math.max(x, rowBest[x]!);
    dots[a * leaves + a] = dots[a * leaves + a]! + 2 * dots[a * leaves + b]! + dots[b * leaves + b]!;
    for (const y of alive) {
      if (y === a || y === b) continue;
      const dot = dots[a * leaves + y]! + dots[b * leaves + y]!;
      dots[a * leaves + y] = dot;
      dots[y * leaves + a] = dot;
    }
    norms[a] = Math.sqrt(dots[a * leaves + a]!) || 1;
    alive.splice(alive.indexOf(b), 1);
    refreshRow(a);
    for (const y of alive) {
      if (y === a) continue;
      if (rowBest[y] === a || rowBest[y] === b) {
        refreshRow(y);
        continue;
      }
      const similarity = dots[y * leaves + a]! / (norms[y]! * norms[a]!);
      if (similarity > rowSimilarity[y]!) {
        rowSimilarity[y] = similarity;
        rowBest[y] = a;
      }
    }
    for (let leaf = 0; leaf < leaves; leaf++) if (parent[leaf] === b) parent[leaf] = a;

    clusterSizes[a]! += clusterSizes[b]!;
    clusterSizes[b] = 0;
    fullSizes[a]! += fullSizes[b]!;
    fullSizes[b] = 0;
    for (let s = 0; s < m; s++) {
      pointCluster[s * leaves + a]! += pointCluster[s * leaves + b]!;
      if (root[s] === b) root[s] = a;
    }
    for (let s = 0; s < m; s++) {
      if (nearest[s] === a || nearest[s] === b) refreshNearest(s);
      else if (root[s] !== a && clusterSizes[a]! > 0) {
        const distance = 1 - pointCluster[s * leaves + a]! / clusterSizes[a]!;
        if (distance < nearestDistance[s]!) {
          nearestDistance[s] = distance;
          nearest[s] = a;
        }
      } else if (root[s] !== a) continue;
      contribution[s] = silhouetteOf(s);
    }
  }
  return { k: bestK, score: bestScore, widest: scores[0]!.silhouette, parent: bestParent, scores };
}

/** Cosine similarities among the scoring sample (m x m), computed once for all searches. */
function sampleSimilarities(points: DenseVectors, sample: Int32Array): Float32Array {
  const { dimensions: d, data } = points;
  const m = sample.length;
  const gram = new Float32Array(m * m);
  const vectors = new Float32Array(m * d);
  for (let s = 0; s < m; s++) vectors.set(data.subarray(sample[s]! * d, sample[s]! * d + d), s * d);
  const table = new DotTable(d);
  table.load(vectors, m);
  const row = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    table.dots(data, sample[s]! * d, row, s + 1, m);
    for (let t = s + 1; t < m; t++) {
      const similarity = row[t - s - 1]!;
      gram[s * m + t] = similarity;
      gram[t * m + s] = similarity;
    }
  }
  return gram;
}

/** k-means from the centroids of the merged clusters, for a few iterations. */
function polish(points: DenseVectors, start: KMeansResult, parent: Int32Array, k: number): KMeansResult {
  const { count, dimensions: d, data } = points;
  const roots = [...new Set(parent)].sort((x, y) => x - y);
  const rootIndex = new Map(roots.map((root, i) => [root, i]));
  const merged = new Float64Array(roots.length * d);
  for (let i = 0; i < count; i++) {
    const target = rootIndex.get(parent[start.assignment[i]!]!)! * d;
    for (let c = 0; c < d; c++) merged[target + c]! += data[i * d + c]!;
  }
  const centroids = new Float32Array(roots.length * d);
  for (let cluster = 0; cluster < roots.length; cluster++) {
    let norm = 0;
    for (let c = 0; c < d; c++) norm += merged[cluster * d + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < d; c++) centroids[cluster * d + c] = merged[cluster * d + c]! / norm;
  }
  return runKMeans(points, centroids, k, 10);
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
