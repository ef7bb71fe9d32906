/** Fewer questions than this (counting repeats) say too little about the FAQ's score distribution: the default applies. */
export const MIN_CALIBRATION_QUESTIONS = 50;
/**
 * Bounds of a calibrated threshold. Below 0.25 a question shares little more than one word with its entry; above 0.6
 * only near-copies of an entry's title would count. They keep a degenerate traffic (every question covered, or none)
 * from producing an absurd cut; they were set from what the scores mean, not fitted to any data set.
 */
export const CALIBRATED_THRESHOLD_BOUNDS: readonly [number, number] = [0.25, 0.6];
const BINS = 100;

/** The covered threshold of one analysis run and where it came from. */
export interface CoveredThreshold {
  value: number;
  source: 'configured' | 'calibrated' | 'default';
}

/**
 * The score from which a question counts as covered, calibrated to this FAQ and this traffic: questions an entry
 * answers score high against it and the others score low, so the best scores of the period's questions fall into two
 * groups, and the cut is where the two are best separated (Otsu's method: the split that maximises the variance
 * between the groups), weighted by how often each question is asked and kept within `CALIBRATED_THRESHOLD_BOUNDS`.
 * A configured number overrides it; with fewer than `MIN_CALIBRATION_QUESTIONS` questions `fallback` applies.
 *
 * @example
 * calibrateCoveredThreshold([{ score: 0.8, count: 40 }, { score: 0.2, count: 30 }, ...], 'auto', 0.4)
 * // { value: 0.5, source: 'calibrated' }
 */
export function calibrateCoveredThreshold(
  bestScores: readonly { score: number; count: number }[],
  configured: number | 'auto',
  fallback: number,
): CoveredThreshold {
  if (configured !== 'auto') return { value: configured, source: 'configured' };
  if (bestScores.reduce((sum, { count }) => sum + count, 0) < MIN_CALIBRATION_QUESTIONS) return { value: fallback, source: 'default' };
  const histogram = new Float64Array(BINS);
  let total = 0;
  let sum = 0;
  for (const { score, count } of bestScores) {
    const bin = Math.min(BINS - 1, Math.max(0, Math.floor(score * BINS)));
    histogram[bin]! += count;
    total += count;
    sum += count * (bin + 0.5);
  }
  let below = 0;
  let belowSum = 0;
  let bestBetween = -1;
  let cut = fallback;
  for (let bin = 0; bin < BINS - 1; bin++) {
    below += histogram[bin]!;
    belowSum += histogram[bin]! * (bin + 0.5);
    const above = total - below;
    if (below === 0 || above === 0) continue;
    const between = below * above * (belowSum / below - (sum - belowSum) / above) ** 2;
    if (between > bestBetween) [bestBetween, cut] = [between, (bin + 1) / BINS];
  }
  const [low, high] = CALIBRATED_THRESHOLD_BOUNDS;
  return { value: Math.min(high, Math.max(low, cut)), source: 'calibrated' };
}
