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
  method: CalibrationMethod = 'otsu',
): CoveredThreshold {
  if (configured !== 'auto') return { value: configured, source: 'configured' };
  if (bestScores.reduce((sum, { count }) => sum + count, 0) < MIN_CALIBRATION_QUESTIONS) return { value: fallback, source: 'default' };
  const otsu = otsuCut(bestScores, fallback);
  const cut = method === 'mixture' ? mixtureCut(bestScores, otsu) : otsu;
  const [low, high] = CALIBRATED_THRESHOLD_BOUNDS;
  return { value: Math.min(high, Math.max(low, cut)), source: 'calibrated' };
}

/**
 * How the scores are split in two: `otsu` (the split that maximises the variance between the groups) or `mixture`
 * (two Gaussian components fitted by expectation-maximisation, started from Otsu's split; the cut is where the two
 * weighted densities cross, between the means). A mixture lets the groups have different spreads: Otsu assumes
 * equal ones, and when the answered questions' scores spread wider than the unanswered ones' its cut sits too high.
 */
export type CalibrationMethod = 'otsu' | 'mixture';

function otsuCut(bestScores: readonly { score: number; count: number }[], fallback: number): number {
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
  return cut;
}

/** Iterations of expectation-maximisation: enough for two components in one dimension to settle (about 1e-9). */
const MIXTURE_ITERATIONS = 100;
/** The smallest standard deviation a component may take: one histogram bin, so one repeated score cannot collapse it. */
const MIN_SPREAD = 1 / BINS;

interface Component {
  weight: number;
  mean: number;
  spread: number;
}

function mixtureCut(bestScores: readonly { score: number; count: number }[], start: number): number {
  const componentOf = (pick: (score: number) => boolean): Component => {
    let weight = 0;
    let sum = 0;
    for (const { score, count } of bestScores) if (pick(score)) [weight, sum] = [weight + count, sum + count * score];
    const mean = weight > 0 ? sum / weight : start;
    let squares = 0;
    for (const { score, count } of bestScores) if (pick(score)) squares += count * (score - mean) ** 2;
    return { weight, mean, spread: Math.max(MIN_SPREAD, weight > 0 ? Math.sqrt(squares / weight) : MIN_SPREAD) };
  };
  let low = componentOf((score) => score < start);
  let high = componentOf((score) => score >= start);
  if (low.weight === 0 || high.weight === 0) return start;
  const density = (x: number, c: Component): number => (c.weight / c.spread) * Math.exp(-0.5 * ((x - c.mean) / c.spread) ** 2);
  for (let iteration = 0; iteration < MIXTURE_ITERATIONS; iteration++) {
    const sums = [0, 0, 0, 0, 0, 0];
    for (const { score, count } of bestScores) {
      const a = density(score, low);
      const b = density(score, high);
      const share = a + b > 0 ? a / (a + b) : score < start ? 1 : 0;
      sums[0]! += count * share;
      sums[1]! += count * share * score;
      sums[2]! += count * share * score * score;
      sums[3]! += count * (1 - share);
      sums[4]! += count * (1 - share) * score;
      sums[5]! += count * (1 - share) * score * score;
    }
    const [wa, sa, qa, wb, sb, qb] = sums as [number, number, number, number, number, number];
    if (wa <= 0 || wb <= 0) return start;
    const total = wa + wb;
    const ma = sa / wa;
    const mb = sb / wb;
    low = { weight: wa / total, mean: ma, spread: Math.max(MIN_SPREAD, Math.sqrt(Math.max(0, qa / wa - ma * ma))) };
    high = { weight: wb / total, mean: mb, spread: Math.max(MIN_SPREAD, Math.sqrt(Math.max(0, qb / wb - mb * mb))) };
  }
  if (low.mean > high.mean) [low, high] = [high, low];
  // Where the weighted densities cross between the two means (bisection: the lower one wins below, the higher above).
  let from = low.mean;
  let to = high.mean;
  if (density(from, low) <= density(from, high) || density(to, high) <= density(to, low)) return start;
  for (let step = 0; step < 40; step++) {
    const middle = (from + to) / 2;
    if (density(middle, low) > density(middle, high)) from = middle;
    else to = middle;
  }
  return (from + to) / 2;
}
