/**
 * Exact upper tails of the Poisson and binomial distributions and the normal distribution's tail and quantile: spikes
 * of small counts are judged on exact tails, because the normal approximation makes them far too frequent (Poisson(3)
 * reaches 10 about once in 900 draws, a normal with the same mean and spread once in 30,000).
 */

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7): 15 significant digits. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * P(X >= k) for X ~ Poisson(lambda).
 *
 * @example
 * poissonUpperTail(10, 3); // 0.0011
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let term = Math.exp(k * Math.log(lambda) - lambda - logGamma(k + 1));
  let sum = 0;
  for (let j = k; term > 0 && (term > sum * 1e-15 || j < lambda); j++) {
    sum += term;
    term *= lambda / (j + 1);
    if (j - k > 1_000_000) break;
  }
  return Math.min(1, sum);
}

/**
 * P(X >= k) for X ~ Binomial(n, p).
 *
 * @example
 * binomialUpperTail(2, 10, 0.03); // 0.035
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  const logCoefficient = (j: number): number => logGamma(n + 1) - logGamma(j + 1) - logGamma(n - j + 1);
  let sum = 0;
  for (let j = k; j <= n; j++) {
    const term = Math.exp(logCoefficient(j) + j * Math.log(p) + (n - j) * Math.log(1 - p));
    sum += term;
    if (j > n * p && term < sum * 1e-15) break;
  }
  return Math.min(1, sum);
}

/** P(Z >= z) for a standard normal Z (erfc by a Chebyshev fit, relative error below 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** The z with P(Z >= z) = p (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantileOfUpperTail(p: number): number {
  if (p <= 0) return Number.POSITIVE_INFINITY;
  if (p >= 1) return Number.NEGATIVE_INFINITY;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = 1 - p;
  let x: number;
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    x = (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  } else if (p < 0.02425) {
    // From p itself: 1 - q loses every digit of a p below 1e-16.
    const r = Math.sqrt(-2 * Math.log(p));
    x = -(((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  } else {
    const r = (q - 0.5) * (q - 0.5);
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * (q - 0.5)) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  return x;
}
