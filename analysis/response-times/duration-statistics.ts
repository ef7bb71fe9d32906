/** Exact statistics of a set of durations. */
export interface DurationStatistics {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
  p95: number | null;
}

/**
 * The `p`-th percentile (0-100) of values sorted ascending, by linear interpolation between closest ranks
 * (the definition of numpy's default and of Excel's PERCENTILE.INC): rank `h = (n - 1) * p / 100`, result
 * `x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])`. The median is the 50th percentile, so for an even
 * count it is the mean of the two middle values. Null for no values.
 *
 * @example
 * percentileOfSorted([10, 20, 30, 40], 90); // 37
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = ((n - 1) * p) / 100;
  const low = Math.floor(rank);
  const high = Math.min(low + 1, n - 1);
  const lowValue = sorted[low]!;
  return lowValue + (rank - low) * (sorted[high]! - lowValue);
}

/**
 * Count, mean, median, p90 and p95 over every value (never an average of averages).
 *
 * @example
 * summarizeDurations([1000, 3000]); // { count: 2, mean: 2000, median: 2000, p90: 2800, p95: 2900 }
 */
export function summarizeDurations(values: ArrayLike<number>): DurationStatistics {
  const sorted = toSortedArray(values);
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    mean: sorted.length === 0 ? null : total / sorted.length,
    median: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p95: percentileOfSorted(sorted, 95),
  };
}

/**
 * The median of values in any order.
 *
 * @example
 * medianOf([3, 1, 2]); // 2
 */
export function medianOf(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  if (values.length === 1) return values[0]!;
  if (values.length === 2) return (values[0]! + values[1]!) / 2;
  return percentileOfSorted(toSortedArray(values), 50);
}

function toSortedArray(values: ArrayLike<number>): Float64Array {
  const copy = new Float64Array(values.length);
  for (let index = 0; index < values.length; index += 1) copy[index] = values[index]!;
  return copy.sort();
}
