import { describe, expect, test } from 'vitest';
import {
  buildFaqIndex,
  charGramId,
  charNgramCounts,
  entryQuestionText,
  markdownToText,
  weightCharCounts,
  type FaqEntryText,
} from '../../../analysis/faq/faq-index.js';
import { DEFAULT_COVERED_THRESHOLD } from '../../../analysis/faq/faq-matching-config.js';
import { chooseFaqMatch, rankFaqEntries } from '../../../analysis/faq/rank-faq-entries.js';

const ENTRIES: FaqEntryText[] = [
  { title: 'How do I reset two-factor authentication?', body: 'Open Security, choose **Reset 2FA** and confirm with your e-mail code.' },
  { title: 'Why has my withdrawal not arrived?', body: 'Withdrawals are processed within 30 minutes. Check the network you chose (TRC20 or ERC20).' },
  { title: 'What are the trading fees?', body: 'The spot trading fee is 0.1% for makers and takers.' },
  { title: 'How do I verify my identity (KYC)?', body: 'Upload your passport and a selfie under [Verification](https://example.com/kyc).' },
  { title: '充值未到账怎么办？', body: '请确认您选择的网络正确，区块确认后资金会自动到账。' },
  { title: '如何重置谷歌验证器？', body: '进入安全中心，选择重置谷歌验证，并完成身份验证。' },
  { title: '交易手续费是多少？', body: '现货交易手续费为0.1%。' },
];

describe('rankFaqEntries', () => {
  const index = buildFaqIndex(ENTRIES);

  test.each(['fee fee fee: trading fees, fees and more fees?', 'my withdrawal still has not arrived after an hour, zzqx', '交易手续费手续费是多少'])(
    'its character cosine is the TF-IDF cosine of the question and each title (gram table, repeated and unknown grams): %s',
    (question) => {
      const questionWeights = weightCharCounts(charNgramCounts(question), index.charIdf, index.unseenCharIdf);
      const ranked = rankFaqEntries(index, question, { limit: ENTRIES.length });
      expect(ranked.length).toBeGreaterThan(0);
      for (const { entry, character } of ranked) {
        const titleWeights = weightCharCounts(charNgramCounts(entryQuestionText(ENTRIES[entry]!)), index.charIdf, 0);
        let cosine = 0;
        for (const [gram, weight] of questionWeights) cosine += weight * Math.fround(titleWeights.get(gram) ?? 0);
        expect(character).toBeCloseTo(Math.min(1, cosine), 12);
      }
    },
  );

  test('the gram table finds every title gram and no other', () => {
    for (const gram of index.charIdf.keys()) expect(charGramId(index.charGrams, gram)).toBeGreaterThanOrEqual(0);
    const ids = new Set([...index.charIdf.keys()].map((gram) => charGramId(index.charGrams, gram)));
    expect(ids.size).toBe(index.charIdf.size);
    for (const gram of charNgramCounts('zzqx qqzz').keys()) if (!index.charIdf.has(gram)) expect(charGramId(index.charGrams, gram)).toBe(-1);
  });

  test.each([
    ['my withdrawal still has not arrived after an hour', 1],
    ['I lost my phone, how can I reset two-factor authentication', 0],
    ['how much is the fee for trading?', 2],
    ['how to verify identity, what documents for KYC', 3],
    ['充值还没到账怎么办', 4],
    ['手机丢了，谷歌验证器怎么重置', 5],
    ['现货交易的手续费多少', 6],
  ])('%s -> entry %i, covered', (question, expected) => {
    const best = chooseFaqMatch(rankFaqEntries(index, question), DEFAULT_COVERED_THRESHOLD);
    expect(best?.entry).toBe(expected);
    expect(best!.score).toBeGreaterThanOrEqual(DEFAULT_COVERED_THRESHOLD);
  });

  test.each([
    ['怎么重置二次验证？', 0],
    ['怎麼重置二次驗證？', 0],
    ['提现一直在处理中', 1],
    ['USDT 提现一直没有到账', 1],
    ['身份认证需要什么证件', 3],
  ])('%s finds the English entry %i across languages', (question, expected) => {
    const english = buildFaqIndex(ENTRIES.slice(0, 4));
    const best = chooseFaqMatch(rankFaqEntries(english, question), DEFAULT_COVERED_THRESHOLD);
    expect(best).toMatchObject({ entry: expected, crossLanguage: true });
    expect(best!.score).toBeGreaterThan(0.3);
  });

  test.each([
    ['How long until my deposit is credited?', 0],
    ['how do I reset google authenticator', 1],
  ])('%s finds the Chinese entry %i across languages', (question, expected) => {
    const chinese = buildFaqIndex(ENTRIES.slice(4, 6));
    expect(rankFaqEntries(chinese, question)[0]).toMatchObject({ entry: expected, crossLanguage: true });
  });

  test.each([
    ['can I get a refund for my concert tickets', 'en'],
    ['你们的办公地址在哪里，周末上班吗', 'zh'],
  ])('%s (%s) is not covered', (question) => {
    const [best] = rankFaqEntries(index, question);
    expect(best === undefined || best.score < DEFAULT_COVERED_THRESHOLD).toBe(true);
  });

  test('scores lie in 0..1 and come best first', () => {
    const ranked = rankFaqEntries(index, 'withdrawal fee withdrawal fee withdrawal', { limit: 10 });
    expect(ranked.length).toBeGreaterThan(1);
    for (const [i, entry] of ranked.entries()) {
      for (const value of [entry.score, entry.lexical, entry.character]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      if (i > 0) expect(entry.score).toBeLessThanOrEqual(ranked[i - 1]!.score);
    }
  });

  test('the same question against the same entries scores the same', () => {
    const again = buildFaqIndex(ENTRIES);
    expect(rankFaqEntries(again, 'reset 2FA')).toEqual(rankFaqEntries(index, 'reset 2FA'));
  });

  test.each([
    ['no entries', [], 'anything'],
    ['empty question', ENTRIES, ''],
  ] as const)('%s gives no ranking or only zero scores', (_name, entries, question) => {
    const ranked = rankFaqEntries(buildFaqIndex(entries), question);
    expect(ranked.every((entry) => entry.score === 0)).toBe(true);
  });

  test('an exact title scores close to 1', () => {
    const [best] = rankFaqEntries(index, 'What are the trading fees?');
    expect(best?.entry).toBe(2);
    expect(best!.score).toBeGreaterThan(0.9);
  });
});

describe('markdownToText', () => {
  test.each([
    ['[Verification](https://example.com/kyc)', 'Verification'],
    ['## Fees\n**0.1%**', 'Fees\n 0.1% '],
    ['![logo](a.png) text', 'logo text'],
  ])('%j -> %j', (markdown, text) => {
    expect(markdownToText(markdown)).toBe(text);
  });
});
