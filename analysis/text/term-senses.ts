import { hasHan } from './han-script.js';
import { englishStemsOf } from './bilingual-lexicon.js';

/**
 * What a term can mean across English and Chinese: the term itself and, for a Chinese word, the English stems of its
 * dictionary senses. Two terms mean the same thing when their senses share a member, so a Chinese question finds an
 * English entry and the reverse. English stems stand for themselves: the Chinese side carries the translations.
 *
 * @example
 * termSenses('提现') // ['提现', 'withdraw', 'cash']
 * termSenses('withdraw') // ['withdraw']
 */
export function termSenses(term: string): readonly string[] {
  if (!isChineseTerm(term)) return [term];
  return [term, ...englishStemsOf(term)];
}

/** True for a Chinese word (the terms whose senses come from the dictionary). */
export function isChineseTerm(term: string): boolean {
  return hasHan(term);
}
