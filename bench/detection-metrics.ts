import { createSeededRandom } from '../analysis/topics/seeded-random.js';
/** Precision, recall and F1 of a yes/no prediction ("not covered") against the labels. */
export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Precision, recall and F1 of `predicted` against `actual` (0 where nothing was predicted or nothing is true).
 *
 * @example
 * prf([true, false, true], [true, true, false]); // { precision: 0.5, recall: 0.5, f1: 0.5 }
 */
export function prf(predicted: readonly boolean[], actual: readonly boolean[]): Prf {
  let truePositive = 0;
  let predictedCount = 0;
  let actualCount = 0;
  predicted.forEach((p, i) => {
    if (p) predictedCount++;
    if (actual[i]) actualCount++;
    if (p && actual[i]) truePositive++;
  });
  const precision = predictedCount === 0 ? 0 : truePositive / predictedCount;
  const recall = actualCount === 0 ? 0 : truePositive / actualCount;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/**
 * The coverage benchmarks' split: a third of `count` entries hidden, chosen by a seeded shuffle (the same entries for
 * the same seed in every benchmark).
 */
export function hideThirdOfEntries(count: number, seed: number): { hidden: Set<number>; visible: number[] } {
  const random = createSeededRandom(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hidden = new Set(order.slice(0, Math.round(count / 3)));
  return { hidden, visible: order.filter((i) => !hidden.has(i)).sort((a, b) => a - b) };
}
