import { buildFaqIndex } from './faq-index.js';
import { rankFaqEntries } from './rank-faq-entries.js';

/**
 * Each question's nearest other questions and their scores (`rankFaqEntries` with the questions indexed as titles),
 * nearest first; identical texts and questions sharing no word are left out.
 */
export interface QuestionNeighbours {
  ids: Int32Array[];
  scores: Float64Array[];
}

/**
 * How many nearest questions each question keeps: the graph is made from the first few of them (`GRAPH_DEGREES`), the
 * silhouette reads them all (a question beyond them is counted as sharing nothing). Chosen for cost, not fitted.
 */
export const NEIGHBOURS_KEPT = 40;
/**
 * The graph degrees and resolutions tried: the silhouette chooses among them. The ranges are wide on purpose (3 to
 * 20 nearest questions; resolutions from 1, which gives groups of hundreds, to 64, which leaves groups of two), so the
 * choice is the criterion's, not the grid's.
 */
export const GRAPH_DEGREES: readonly number[] = [3, 4, 5, 6, 8, 10, 15, 20];
export const RESOLUTIONS: readonly number[] = [1, 1.4, 2, 2.8, 4, 5.7, 8, 11, 16, 23, 32, 45, 64];

export interface ParaphraseCommunities {
  /** Per question, its group (0-based, dense). */
  group: Int32Array;
  groups: number;
  /** The silhouette of the chosen grouping and the degree and resolution that made it. */
  silhouette: number;
  degree: number;
  resolution: number;
}

/**
 * Groups questions into paraphrases of one article, with no count of groups given: questions are linked to their
 * nearest questions (a k-nearest-neighbour graph weighted by `rankFaqEntries` scores), the graph is split into
 * communities by modularity (Louvain, with a resolution), and among the degrees and resolutions tried the grouping with
 * the highest mean silhouette is kept (distance 1 - score). Modularity alone merges small groups on a large graph (its
 * resolution limit); the silhouette asks of each question whether it is nearer its own group than any other, which is
 * what one article's wordings are. Without a split of positive silhouette the questions are one group. Identical
 * texts (ignoring case and surrounding space) are one question. Deterministic: nodes are visited in order.
 *
 * @example
 * groupParaphrases(['reset 2fa', 'how to reset two-factor', 'NOVA listing date', 'when is NOVA listed']).group
 * // Int32Array [0, 0, 1, 1]
 */
export function groupParaphrases(texts: readonly string[], joinAt = Number.POSITIVE_INFINITY): ParaphraseCommunities {
  const keyOf = new Map<string, number>();
  const distinct: string[] = [];
  const position = texts.map((text) => {
    const key = text.trim().toLowerCase();
    let at = keyOf.get(key);
    if (at === undefined) {
      keyOf.set(key, (at = distinct.length));
      distinct.push(text);
    }
    return at;
  });
  const neighbours = findQuestionNeighbours(distinct);
  const similarity = symmetricSimilarity(neighbours, NEIGHBOURS_KEPT);
  const chosen = chooseCommunities(neighbours, similarity);
  const joined = joinNearGroups(similarity, chosen.group, joinAt);
  return { ...chosen, groups: joined.groups, group: Int32Array.from(position, (at) => joined.group[at]!) };
}

/** Each question ranked against all the others (cost: one ranking per question against an index of them all). */
export function findQuestionNeighbours(texts: readonly string[], kept = NEIGHBOURS_KEPT): QuestionNeighbours {
  const index = buildFaqIndex(texts.map((text) => ({ title: text, body: '' })));
  const keys = texts.map((text) => text.trim().toLowerCase());
  const ids: Int32Array[] = [];
  const scores: Float64Array[] = [];
  texts.forEach((text, i) => {
    const ranked = rankFaqEntries(index, text, { limit: kept + 1 }).filter((r) => r.entry !== i && r.score > 0 && keys[r.entry] !== keys[i]);
    const list = ranked.slice(0, kept);
    ids.push(Int32Array.from(list, (r) => r.entry));
    scores.push(Float64Array.from(list, (r) => r.score));
  });
  return { ids, scores };
}

/**
 * The grouping with the highest silhouette among `GRAPH_DEGREES` x `RESOLUTIONS` (see `groupParaphrases`); `similarity`
 * is the neighbours' symmetric scores, when the caller has them already.
 */
export function chooseCommunities(
  neighbours: QuestionNeighbours,
  similarity: SparseGraph = symmetricSimilarity(neighbours, NEIGHBOURS_KEPT),
  degrees: readonly number[] = GRAPH_DEGREES,
  resolutions: readonly number[] = RESOLUTIONS,
): ParaphraseCommunities {
  const n = neighbours.ids.length;
  // One group unless a split has a positive silhouette: questions no nearer each other than to the rest are one.
  let best: ParaphraseCommunities = { group: new Int32Array(n), groups: n > 0 ? 1 : 0, silhouette: 0, degree: 0, resolution: 0 };
  if (n < 3) return best;
  for (const degree of degrees) {
    const graph = symmetricSimilarity(neighbours, degree);
    for (const resolution of resolutions) {
      const { group, groups } = louvain(graph, resolution);
      const silhouette = meanSilhouette(similarity, group, groups);
      if (silhouette > best.silhouette + 1e-9) best = { group, groups, silhouette, degree, resolution };
    }
  }
  return best;
}

/**
 * Joins groups whose questions are, on average, at least `joinAt` alike (average linkage, the nearest pair first,
 * until no pair is): groups split on small differences (an amount, a word order) that are still as near each other as
 * a covered question is to its entry are one article.
 */
export function joinNearGroups(similarity: SparseGraph, group: Int32Array, joinAt: number): { group: Int32Array; groups: number } {
  const out = Int32Array.from(group);
  if (!Number.isFinite(joinAt)) return { group: out, groups: renumber(out) };
  const size = new Map<number, number>();
  for (const g of out) size.set(g, (size.get(g) ?? 0) + 1);
  const between = new Map<number, Map<number, number>>();
  for (let i = 0; i < out.length; i++) {
    const ids = similarity.ids[i]!;
    const weights = similarity.weights[i]!;
    for (let r = 0; r < ids.length; r++) {
      const [a, b] = [out[i]!, out[ids[r]!]!];
      if (a === b) continue;
      const row = between.get(a) ?? new Map<number, number>();
      row.set(b, (row.get(b) ?? 0) + weights[r]!);
      between.set(a, row);
    }
  }
  const parent = new Map<number, number>();
  for (;;) {
    let best: { a: number; b: number; mean: number } | undefined;
    for (const [a, row] of between) {
      for (const [b, sum] of row) {
        if (b <= a) continue;
        const mean = sum / (size.get(a)! * size.get(b)!);
        if (mean >= joinAt && (best === undefined || mean > best.mean)) best = { a, b, mean };
      }
    }
    if (best === undefined) break;
    const { a, b } = best;
    parent.set(b, a);
    size.set(a, size.get(a)! + size.get(b)!);
    const rowA = between.get(a)!;
    for (const [c, sum] of between.get(b) ?? []) {
      if (c === a) continue;
      rowA.set(c, (rowA.get(c) ?? 0) + sum);
      const rowC = between.get(c)!;
      rowC.set(a, (rowC.get(a) ?? 0) + sum);
      rowC.delete(b);
    }
    rowA.delete(b);
    between.delete(b);
  }
  const root = (g: number): number => {
    let r = g;
    while (parent.has(r)) r = parent.get(r)!;
    return r;
  };
  for (let i = 0; i < out.length; i++) out[i] = root(out[i]!);
  return { group: out, groups: renumber(out) };
}

/** A sparse symmetric graph: per node its neighbours and edge weights (the larger of the two directions' scores). */
export interface SparseGraph {
  ids: Int32Array[];
  weights: Float64Array[];
}

function symmetricSimilarity(neighbours: QuestionNeighbours, degree: number): SparseGraph {
  const n = neighbours.ids.length;
  const maps = Array.from({ length: n }, () => new Map<number, number>());
  for (let i = 0; i < n; i++) {
    const ids = neighbours.ids[i]!;
    const scores = neighbours.scores[i]!;
    for (let r = 0; r < Math.min(degree, ids.length); r++) {
      const j = ids[r]!;
      const w = scores[r]!;
      if (j === i) continue;
      if ((maps[i]!.get(j) ?? 0) < w) maps[i]!.set(j, w);
      if ((maps[j]!.get(i) ?? 0) < w) maps[j]!.set(i, w);
    }
  }
  return {
    ids: maps.map((map) => Int32Array.from(map.keys())),
    weights: maps.map((map) => Float64Array.from(map.values())),
  };
}

/**
 * Louvain modularity communities with a resolution (Blondel et al. 2008; the resolution as Reichardt and Bornholdt):
 * nodes move to the neighbouring community that most raises modularity until none does, then communities become
 * nodes and the moving repeats. Higher resolutions make smaller communities.
 */
export function louvain(graph: SparseGraph, resolution: number): { group: Int32Array; groups: number } {
  const n = graph.ids.length;
  let group = Int32Array.from({ length: n }, (_, i) => i);
  let level = graph;
  let selfLoops: Float64Array = new Float64Array(n);
  for (let pass = 0; pass < 32; pass++) {
    const { community, count, moved } = moveNodes(level, selfLoops, resolution);
    group = group.map((g) => community[g]!);
    if (!moved || count === level.ids.length) break;
    ({ graph: level, selfLoops } = aggregate(level, selfLoops, community, count));
  }
  return { group, groups: renumber(group) };
}

function moveNodes(graph: SparseGraph, selfLoops: Float64Array, resolution: number): { community: Int32Array; count: number; moved: boolean } {
  const n = graph.ids.length;
  const strength = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = selfLoops[i]!;
    for (const w of graph.weights[i]!) s += w;
    strength[i] = s;
    total += s;
  }
  const community = Int32Array.from({ length: n }, (_, i) => i);
  if (total === 0) return { community, count: n, moved: false };
  const communityStrength = Float64Array.from(strength);
  const linkTo = new Float64Array(n);
  const touched: number[] = [];
  let moved = false;
  for (let sweep = 0; sweep < 100; sweep++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const own = community[i]!;
      const ids = graph.ids[i]!;
      const weights = graph.weights[i]!;
      for (let r = 0; r < ids.length; r++) {
        const c = community[ids[r]!]!;
        if (linkTo[c] === 0) touched.push(c);
        linkTo[c]! += weights[r]!;
      }
      communityStrength[own]! -= strength[i]!;
      const scale = (resolution * strength[i]!) / total;
      let bestCommunity = own;
      let bestGain = linkTo[own]! - scale * communityStrength[own]!;
      for (const c of touched) {
        const gain = linkTo[c]! - scale * communityStrength[c]!;
        if (gain > bestGain + 1e-12) [bestCommunity, bestGain] = [c, gain];
      }
      communityStrength[bestCommunity]! += strength[i]!;
      if (bestCommunity !== own) {
        community[i] = bestCommunity;
        changed = true;
        moved = true;
      }
      for (const c of touched) linkTo[c] = 0;
      linkTo[own] = 0;
      touched.length = 0;
    }
    if (!changed) break;
  }
  const count = renumber(community);
  return { community, count, moved };
}

function aggregate(graph: SparseGraph, selfLoops: Float64Array, community: Int32Array, count: number): { graph: SparseGraph; selfLoops: Float64Array } {
  const maps = Array.from({ length: count }, () => new Map<number, number>());
  const loops = new Float64Array(count);
  for (let i = 0; i < graph.ids.length; i++) {
    const a = community[i]!;
    loops[a]! += selfLoops[i]!;
    const ids = graph.ids[i]!;
    const weights = graph.weights[i]!;
    for (let r = 0; r < ids.length; r++) {
      const b = community[ids[r]!]!;
      if (a === b) loops[a]! += weights[r]!;
      else maps[a]!.set(b, (maps[a]!.get(b) ?? 0) + weights[r]!);
    }
  }
  return {
    graph: { ids: maps.map((map) => Int32Array.from(map.keys())), weights: maps.map((map) => Float64Array.from(map.values())) },
    selfLoops: loops,
  };
}

/** Renumbers group ids densely in order of first appearance; returns how many there are. */
function renumber(group: Int32Array): number {
  const seen = new Map<number, number>();
  for (let i = 0; i < group.length; i++) {
    let id = seen.get(group[i]!);
    if (id === undefined) seen.set(group[i]!, (id = seen.size));
    group[i] = id;
  }
  return seen.size;
}

/**
 * Mean silhouette (Rousseeuw 1987) with distance 1 - similarity, similarities known only between neighbours (any
 * other pair shares nothing: distance 1). A question alone in its group scores 0, as in scikit-learn.
 */
export function meanSilhouette(similarity: SparseGraph, group: Int32Array, groups: number): number {
  const n = group.length;
  if (groups < 2 || groups >= n) return 0;
  const size = new Int32Array(groups);
  for (const g of group) size[g]!++;
  const sums = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = group[i]!;
    if (size[own]! === 1) continue;
    sums.clear();
    const ids = similarity.ids[i]!;
    const weights = similarity.weights[i]!;
    for (let r = 0; r < ids.length; r++) {
      const g = group[ids[r]!]!;
      sums.set(g, (sums.get(g) ?? 0) + weights[r]!);
    }
    const a = 1 - (sums.get(own) ?? 0) / (size[own]! - 1);
    let b = 1;
    for (const [g, sum] of sums) if (g !== own) b = Math.min(b, 1 - sum / size[g]!);
    const max = Math.max(a, b);
    total += max === 0 ? 0 : (b - a) / max;
  }
  return total / n;
}
