/** External clustering metrics against known labels: NMI (arithmetic normalization), ARI, best-matching accuracy. */
export interface ClusteringScores {
  nmi: number;
  ari: number;
  accuracy: number;
}

export function scoreClustering(predicted: ArrayLike<number>, truth: readonly string[]): ClusteringScores {
  const n = truth.length;
  const labelIndex = new Map<string, number>();
  const labels = truth.map((label) => {
    let index = labelIndex.get(label);
    if (index === undefined) labelIndex.set(label, (index = labelIndex.size));
    return index;
  });
  const clusterIndex = new Map<number, number>();
  const clusters = Array.from({ length: n }, (_, i) => {
    const raw = predicted[i]!;
    let index = clusterIndex.get(raw);
    if (index === undefined) clusterIndex.set(raw, (index = clusterIndex.size));
    return index;
  });
  const kc = clusterIndex.size;
  const kl = labelIndex.size;
  const table = Array.from({ length: kc }, () => new Float64Array(kl));
  for (let i = 0; i < n; i++) table[clusters[i]!]![labels[i]!]!++;
  const rowSums = table.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = new Float64Array(kl);
  for (const row of table) for (let j = 0; j < kl; j++) colSums[j]! += row[j]!;

  let mutual = 0;
  for (let i = 0; i < kc; i++)
    for (let j = 0; j < kl; j++) {
      const v = table[i]![j]!;
      if (v > 0) mutual += (v / n) * Math.log((v * n) / (rowSums[i]! * colSums[j]!));
    }
  const entropy = (sums: ArrayLike<number>): number => {
    let h = 0;
    for (let i = 0; i < sums.length; i++) if (sums[i]! > 0) h -= (sums[i]! / n) * Math.log(sums[i]! / n);
    return h;
  };
  const hc = entropy(rowSums);
  const hl = entropy(colSums);
  const nmi = hc + hl === 0 ? 1 : (2 * mutual) / (hc + hl);

  const pairs = (x: number): number => (x * (x - 1)) / 2;
  let sumCells = 0;
  for (const row of table) for (const v of row) sumCells += pairs(v);
  const sumRows = rowSums.reduce((a, v) => a + pairs(v), 0);
  let sumCols = 0;
  for (const v of colSums) sumCols += pairs(v);
  const expected = (sumRows * sumCols) / pairs(n);
  const maxIndex = (sumRows + sumCols) / 2;
  const ari = maxIndex === expected ? 1 : (sumCells - expected) / (maxIndex - expected);

  const size = Math.max(kc, kl);
  const cost = Array.from({ length: size }, (_, i) => Float64Array.from({ length: size }, (_, j) => -(table[i]?.[j] ?? 0)));
  const matched = hungarian(cost).reduce((sum, j, i) => sum + (table[i]?.[j] ?? 0), 0);
  return { nmi, ari, accuracy: matched / n };
}

/** Minimum-cost assignment on a square matrix (Jonker-Volgenant style potentials); returns row -> column. */
export function hungarian(cost: readonly Float64Array[]): number[] {
  const n = cost.length;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(n).fill(0);
  for (let j = 1; j <= n; j++) if (p[j]! > 0) result[p[j]! - 1] = j - 1;
  return result;
}
