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
