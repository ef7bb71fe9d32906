import { describe, expect, test } from 'vitest';
import { groupParaphrases, joinNearGroups, louvain, meanSilhouette, type SparseGraph } from '../../../analysis/faq/paraphrase-communities.js';

/** An undirected graph from edges [a, b, weight]. */
function graphOf(n: number, edges: readonly (readonly [number, number, number])[]): SparseGraph {
  const maps = Array.from({ length: n }, () => new Map<number, number>());
  for (const [a, b, w] of edges) {
    maps[a]!.set(b, w);
    maps[b]!.set(a, w);
  }
  return { ids: maps.map((map) => Int32Array.from(map.keys())), weights: maps.map((map) => Float64Array.from(map.values())) };
}

// Two triangles of strong links joined by one weak link, and a third triangle reached by another weak link.
const TRIANGLES = graphOf(9, [
  [0, 1, 0.9],
  [1, 2, 0.8],
  [0, 2, 0.85],
  [3, 4, 0.9],
  [4, 5, 0.7],
  [3, 5, 0.8],
  [6, 7, 0.9],
  [7, 8, 0.9],
  [6, 8, 0.9],
  [2, 3, 0.1],
  [5, 6, 0.1],
]);

describe('louvain', () => {
  test('finds the three triangles; a low resolution joins them', () => {
    const { group, groups } = louvain(TRIANGLES, 1);
    expect(groups).toBe(3);
    expect(Array.from(group)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(louvain(TRIANGLES, 0.01).groups).toBe(1);
  });

  test('a node with no link is a group of its own', () => {
    const { group } = louvain(graphOf(3, [[0, 1, 0.5]]), 1);
    expect(group[0]).toBe(group[1]);
    expect(group[2]).not.toBe(group[0]);
  });
});

describe('meanSilhouette', () => {
  test('matches the definition worked by hand', () => {
    // Four points: {0, 1} alike (0.8), {2, 3} alike (0.6), 1 and 2 somewhat (0.3); every other pair shares nothing.
    const similarity = graphOf(4, [
      [0, 1, 0.8],
      [2, 3, 0.6],
      [1, 2, 0.3],
    ]);
    // a and b are mean distances (1 - similarity) to the own group and the other group.
    const s = (a: number, b: number): number => (b - a) / Math.max(a, b);
    const expected = (s(0.2, 1) + s(0.2, (0.7 + 1) / 2) + s(0.4, (0.7 + 1) / 2) + s(0.4, 1)) / 4;
    expect(meanSilhouette(similarity, Int32Array.from([0, 0, 1, 1]), 2)).toBeCloseTo(expected, 12);
    // One group, or every point alone: 0 by convention.
    expect(meanSilhouette(similarity, Int32Array.from([0, 0, 0, 0]), 1)).toBe(0);
    expect(meanSilhouette(similarity, Int32Array.from([0, 1, 2, 3]), 4)).toBe(0);
  });
});

describe('joinNearGroups', () => {
  test('joins groups whose average similarity reaches the cut, nearest first, and no others', () => {
    const similarity = graphOf(6, [
      [0, 1, 0.9],
      [2, 3, 0.9],
      [0, 2, 0.6],
      [0, 3, 0.6],
      [1, 2, 0.6],
      [1, 3, 0.6],
      [4, 5, 0.9],
      [3, 4, 0.2],
    ]);
    const group = Int32Array.from([0, 0, 1, 1, 2, 2]);
    expect(Array.from(joinNearGroups(similarity, group, 0.5).group)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(joinNearGroups(similarity, group, 0.61).groups).toBe(3);
    expect(joinNearGroups(similarity, group, Number.POSITIVE_INFINITY).groups).toBe(3);
  });
});

describe('groupParaphrases', () => {
  const reset = [
    'How do I reset two-factor authentication?',
    'How can I reset my two-factor authentication?',
    'reset two-factor authentication after losing my phone',
    'I need to reset two-factor authentication',
  ];
  const nova = ['When will the NOVA token be listed?', 'When is the NOVA token listing?', 'NOVA token listing date?', 'Will the NOVA token be listed soon?'];
  const deposit = ['My deposit has not arrived', 'deposit not arrived after two hours', 'Why has my deposit not arrived yet?', 'deposit still not arrived'];

  test("three articles' wordings come out as three groups, with no count given", () => {
    const result = groupParaphrases([...reset, ...nova, ...deposit]);
    expect(result.groups).toBe(3);
    expect(result.silhouette).toBeGreaterThan(0);
    const [a, b, c] = [result.group[0]!, result.group[4]!, result.group[8]!];
    expect(Array.from(result.group)).toEqual([a, a, a, a, b, b, b, b, c, c, c, c]);
  });

  test('the same text, however cased, is one question; with nothing to split, one group', () => {
    const result = groupParaphrases(['Deposit not arrived', 'deposit not arrived ', 'DEPOSIT NOT ARRIVED']);
    expect(result.groups).toBe(1);
  });

  test('near copies split on a number are joined at the cut', () => {
    const copies = Array.from({ length: 20 }, (_, i) => `question ${i}`);
    expect(groupParaphrases(copies).groups).toBeGreaterThan(1);
    expect(groupParaphrases(copies, 0.45).groups).toBe(1);
  });
});
