import { describe, expect, test } from 'vitest';
import { buildFaqIndex, type FaqEntryText, type FaqIndex } from '../../../analysis/faq/faq-index.js';
import { findBestFaqEntries, type BestFaqEntries } from '../../../analysis/faq/find-best-faq-entries.js';
import { rankFaqEntries } from '../../../analysis/faq/rank-faq-entries.js';
import { mulberry32 } from '../../../analysis/topics/seeded-random.js';
import { generateQuestions } from '../../../bench/synthetic-questions.js';

/** What the exhaustive ranking says of the best entry and of the best in the question's language among the first `within`. */
function exhaustive(index: FaqIndex, question: string, within: number): BestFaqEntries {
  const ranked = rankFaqEntries(index, question, { limit: within });
  const best = ranked[0];
  const own = ranked.find((entry) => !entry.crossLanguage);
  return {
    best: best === undefined ? undefined : { entry: best.entry, score: best.score, crossLanguage: best.crossLanguage },
    ownLanguage: own === undefined ? undefined : { entry: own.entry, score: own.score },
  };
}

const WORDS = ['withdrawal', 'deposit', 'pending', 'fee', 'network', 'wallet', 'USDT', 'TRC20', 'reset', '2FA', 'account', 'locked', 'KYC', 'passport'];
const CHINESE = ['提现', '充值', '手续费', '钱包', '重置', '验证', '账户', '冻结', '到账', '网络'];

/** Text of random words from both languages: many ties, near-duplicates and cross-language matches. */
function randomText(random: () => number, words: number): string {
  const chinese = random() < 0.4;
  const vocabulary = chinese ? CHINESE : WORDS;
  const picked = Array.from({ length: words }, () => vocabulary[Math.floor(random() * vocabulary.length)]!);
  return chinese ? `${picked.join('')}？` : `${picked.join(' ')}?`;
}

function randomFaq(seed: number, size: number): FaqEntryText[] {
  const random = mulberry32(seed);
  return Array.from({ length: size }, () => ({
    title: randomText(random, 1 + Math.floor(random() * 5)),
    body: randomText(random, 3 + Math.floor(random() * 12)),
  }));
}

describe('findBestFaqEntries', () => {
  test('the same best entry, best entry in the question language and scores (to the last bit) as the exhaustive ranking: generated support FAQ', () => {
    const entries = generateQuestions(300, 9).map((question, i) => ({ title: question.body.slice(0, 80), body: `${question.body} (answer ${i})` }));
    const index = buildFaqIndex(entries);
    const questions = [...new Set(generateQuestions(400, 5).map((question) => question.body))];
    let ownLanguageFound = 0;
    for (const question of questions) {
      const pruned = findBestFaqEntries(index, question, 10);
      expect(pruned).toEqual(exhaustive(index, question, 10));
      if (pruned.ownLanguage !== undefined) ownLanguageFound++;
    }
    expect(ownLanguageFound).toBeGreaterThan(questions.length / 2);
  });

  test.each([
    { seed: 1, size: 8, within: 1 },
    { seed: 2, size: 15, within: 3 },
    { seed: 3, size: 40, within: 10 },
    { seed: 4, size: 120, within: 10 },
  ])('the same as the exhaustive ranking on a random bilingual FAQ (seed $seed, $size entries, within $within)', ({ seed, size, within }) => {
    const index = buildFaqIndex(randomFaq(seed, size));
    const random = mulberry32(seed + 100);
    const questions = ['', 'zzqx', '???', '提现', 'USDT', ...Array.from({ length: 300 }, () => randomText(random, 1 + Math.floor(random() * 6)))];
    const outcomes = new Set<string>();
    for (const question of questions) {
      const pruned = findBestFaqEntries(index, question, within);
      expect(pruned, question).toEqual(exhaustive(index, question, within));
      outcomes.add(`${pruned.best?.crossLanguage ?? 'none'}/${pruned.ownLanguage === undefined ? 'none' : 'own'}`);
    }
    // The cases that take different paths all occur: a best entry in the other language, none in the question's own.
    expect(outcomes.has('true/own') || outcomes.has('true/none')).toBe(true);
    expect(outcomes.has('false/own')).toBe(true);
  });

  test('an empty FAQ has no best entry', () => {
    expect(findBestFaqEntries(buildFaqIndex([]), 'reset 2FA')).toEqual({ best: undefined, ownLanguage: undefined });
  });
});
