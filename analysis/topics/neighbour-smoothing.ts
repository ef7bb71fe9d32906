import type { SeededRandom } from './seeded-random.js';
import { DotTable } from './nearest-centroid.js';
import { sphericalKMeans, type DenseVectors } from './spherical-kmeans.js';

export interface NeighbourSmoothingOptions {
  neighbours: number;
  random: SeededRandom;
  /** Inverted lists probed per point (default 4). */
  probes?: number;
}

/**
 * Each point replaced by the normalized sum of itself and its nearest neighbours. Short questions share few
 * words; their neighbours fill in the vocabulary of the intent, which tightens groups before k-means (on banking77
 * this lifts NMI by about 0.02-0.03). Neighbours are found approximately: points are bucketed by a coarse k-means
 * (about √n lists) and each point searches the lists of its nearest centroids.
 */
export function smoothWithNeighbours(points: DenseVectors, options: NeighbourSmoothingOptions): DenseVectors {
  const { count, dimensions: d, data } = points;
  if (count <= options.neighbours + 1) return points;
  const lists = Math.max(1, Math.min(Math.round(Math.sqrt(count)), Math.floor(count / 8)));
  const coarse =
    lists === 1
      ? { assignment: new Int32Array(count), centroids: data.slice(0, d), k: 1 }
      : sphericalKMeans(points, { k: lists, random: options.random, restarts: 1, maxIterations: 8 });
  // The points list by list (each in index order), so that a point is compared with a whole list at once.
  const listStart = new Int32Array(coarse.k + 1);
  for (let i = 0; i < count; i++) listStart[coarse.assignment[i]! + 1]!++;
  for (let list = 0; list < coarse.k; list++) listStart[list + 1]! += listStart[list]!;
  const members = new Int32Array(count);
  const filled = listStart.slice(0, coarse.k);
  for (let i = 0; i < count; i++) members[filled[coarse.assignment[i]!]!++] = i;
  const byList = new Float32Array(count * d);
  for (let m = 0; m < count; m++) byList.set(data.subarray(members[m]! * d, members[m]! * d + d), m * d);
  const listTable = new DotTable(d);
  listTable.load(byList, count);
  const centroids = new DotTable(d);
  centroids.load(coarse.centroids, coarse.k);
  const probes = Math.min(options.probes ?? 4, coarse.k);
  const k = options.neighbours;
  const out = new Float32Array(count * d);
  const centroidSimilarity = new Float64Array(coarse.k);
  const memberSimilarity = new Float64Array(count);
  const bestSimilarity = new Float64Array(k);
  const bestIndex = new Int32Array(k);
  const acc = new Float64Array(d);
  for (let i = 0; i < count; i++) {
    const base = i * d;
    centroids.dots(data, base, centroidSimilarity);
    bestSimilarity.fill(-Infinity);
    bestIndex.fill(-1);
    for (let probe = 0; probe < probes; probe++) {
      let list = 0;
      for (let c = 1; c < coarse.k; c++) if (centroidSimilarity[c]! > centroidSimilarity[list]!) list = c;
      centroidSimilarity[list] = -Infinity;
      const start = listStart[list]!;
      listTable.dots(data, base, memberSimilarity, start, listStart[list + 1]!);
      for (let m = start; m < listStart[list + 1]!; m++) {
        const j = members[m]!;
        if (j === i) continue;
        const similarity = memberSimilarity[m - start]!;
        if (similarity <= bestSimilarity[k - 1]!) continue;
        let slot = k - 1;
        while (slot > 0 && bestSimilarity[slot - 1]! < similarity) {
          bestSimilarity[slot] = bestSimilarity[slot - 1]!;
          bestIndex[slot] = bestIndex[slot - 1]!;
          slot--;
        }
        bestSimilarity[slot] = similarity;
        bestIndex[slot] = j;
      }
    }
    for (let c = 0; c < d; c++) acc[c] = data[base + c]!;
    for (let slot = 0; slot < k; slot++) {
      const j = bestIndex[slot]!;
      if (j < 0) continue;
      for (let c = 0; c < d; c++) acc[c]! += data[j * d + c]!;
    }
    let norm = 0;
    for (let c = 0; c < d; c++) norm += acc[c]! * acc[c]!;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < d; c++) out[base + c] = acc[c]! / norm;
  }
  return { count, dimensions: d, data: out };
}
