import { expect, test } from 'vitest';
import { nearestByScore, pairAcrossLanguages, type NearestView } from '../../../analysis/text/cross-language-pairs.js';

/** A view from a score table: nearest by the highest positive score. */
function viewOf(scores: number[][]): NearestView {
  return (item, candidates) => nearestByScore(candidates, (other) => scores[item]![other]!);
}

test('items in two languages pair when each is the other nearest; one language never pairs with itself', () => {
  // 0 en, 1 en, 2 zh, 3 zh: 0 <-> 3 and 1 <-> 2 are mutual; 0 and 1 are alike but share a language.
  const scores = [
    [0, 0.9, 0.1, 0.3],
    [0.9, 0, 0.4, 0.2],
    [0.1, 0.4, 0, 0.8],
    [0.3, 0.2, 0.8, 0],
  ];
  expect(pairAcrossLanguages(['en', 'en', 'zh', 'zh'], [viewOf(scores)])).toEqual([
    [0, 3],
    [1, 2],
  ]);
});

test('a one-sided nearest does not pair: the second English item has no partner of its own', () => {
  // Both English items are nearest the one Chinese item, which is nearest the first.
  const scores = [
    [0, 0, 0.5],
    [0, 0, 0.4],
    [0.5, 0.4, 0],
  ];
  expect(pairAcrossLanguages(['en', 'en', 'zh'], [viewOf(scores)])).toEqual([[0, 2]]);
});

test('every view must agree both ways; a view that abstains, or an item without a language, makes no pair', () => {
  // 1's nearest differs by view (3 by questions, 2 by replies) until 2 pairs with 0; then, among the free ones, both
  // views name 3, whose nearest of all is 1 in both: a later round pairs them.
  const questions = [
    [0, 0, 0.6, 0.1],
    [0, 0, 0.1, 0.6],
    [0.6, 0.1, 0, 0],
    [0.1, 0.6, 0, 0],
  ];
  const replies = [
    [0, 0, 0.7, 0],
    [0, 0, 0.5, 0.1],
    [0.7, 0.5, 0, 0],
    [0, 0.1, 0, 0],
  ];
  expect(pairAcrossLanguages(['en', 'en', 'zh', 'zh'], [viewOf(questions), viewOf(replies)])).toEqual([
    [0, 2],
    [1, 3],
  ]);
  const noEvidence = replies.map((row) => row.map((score, j) => (j === 1 || row === replies[1] ? 0 : score)));
  expect(pairAcrossLanguages(['en', 'en', 'zh', 'zh'], [viewOf(questions), viewOf(noEvidence)])).toEqual([[0, 2]]);
  const abstains: NearestView = (item, candidates) => (item === 0 ? -1 : viewOf(questions)(item, candidates));
  expect(pairAcrossLanguages(['en', 'en', 'zh', 'zh'], [abstains])).toEqual([[1, 3]]);
  expect(pairAcrossLanguages(['en', undefined, 'zh', 'zh'], [viewOf(questions)])).toEqual([[0, 2]]);
  expect(pairAcrossLanguages(['en', 'en'], [viewOf(questions)])).toEqual([]);
});

test('nearestByScore keeps the first of equal scores and needs a positive one', () => {
  expect(nearestByScore([4, 7, 9], (b) => (b === 4 ? 0 : 0.5))).toBe(7);
  expect(nearestByScore([4, 7], () => 0)).toBe(-1);
});

test("a later round pairs an item whose nearest of all is free with that item, when the item's nearer ones were taken", () => {
  // 0 en (deposit, hash), 1 en (withdrawal, hash), 2 zh (deposit, hash), 3 zh (withdrawal, hash), 4 en (wrong network).
  // 2 is nearest 1 (they share "hash" most), but 1 and 3 are each other's nearest: they pair first. Then 0, whose
  // nearest of all is 2, pairs with it: 0 is 2's nearest among the free English items. 4's nearest of all is 3, taken:
  // 4 stays alone rather than joining whatever is left.
  const scores = [
    [0, 0, 0.5, 0.2, 0],
    [0, 0, 0.6, 0.9, 0],
    [0.5, 0.6, 0, 0, 0.1],
    [0.2, 0.9, 0, 0, 0.3],
    [0, 0, 0.1, 0.3, 0],
  ];
  expect(pairAcrossLanguages(['en', 'en', 'zh', 'zh', 'en'], [viewOf(scores)])).toEqual([
    [1, 3],
    [0, 2],
  ]);
});
