import type { SeededRandom } from './seeded-random.js';
import { dot32, sphericalKMeans, type DenseVectors } from './spherical-kmeans.js';

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
  const members: number[][] = Array.from({ length: coarse.k }, () => []);
  for (let i = 0; i < count; i++) members[coarse.assignment[i]!]!.push(i);
  const probes = Math.min(options.probes ?? 4, coarse.k);
  const k = options.neighbours;
  const out = new Float32Array(count * d);
  const centroidSimilarity = new Float64Array(coarse.k);
  const bestSimilarity = new Float64Array(k);
  const bestIndex = new Int32Array(k);
  const acc = new Float64Array(d);
  for (let i = 0; i < count; i++) {
    const base = i * d;
    for (let c = 0; c < coarse.k; c++) centroidSimilarity[c] = dot32(data, base, coarse.centroids, c * d, d);
    bestSimilarity.fill(-Infinity);
    bestIndex.fill(-1);
    for (let probe = 0; probe < probes; probe++) {
      let list = 0;
      for (let c = 1; c < coarse.k; c++) if (centroidSimilarity[c]! > centroidSimilarity[list]!) list = c;
      centroidSimilarity[list] = -Infinity;
      for (const j of members[list]!) {
        if (j === i) continue;
        const similarity = dot32(data, base, data, j * d, d);
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
