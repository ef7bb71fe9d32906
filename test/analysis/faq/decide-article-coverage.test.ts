import { describe, expect, test } from 'vitest';
import { decideArticleCoverage, type CoverageQuestion } from '../../../analysis/faq/decide-article-coverage.js';

// One topic that mixes two articles: the paraphrases of an entry that exists ("How do I reset two-factor
// authentication?") and the questions of a missing one (the NOVA listing), scored against the entries as analyze
// scores them. The run's threshold is 0.45: per question, one paraphrase would be uncovered and two NOVA questions
// covered.
const paraphrases: CoverageQuestion[] = [
  { question: 'How do I reset two-factor authentication?', score: 0.72 },
  { question: 'How can I reset my two-factor authentication?', score: 0.66 },
  { question: 'reset two-factor authentication after losing my phone', score: 0.38 },
  { question: 'I need to reset two-factor authentication', score: 0.58 },
];
const missingArticle: CoverageQuestion[] = [
  { question: 'When will the NOVA token be listed?', score: 0.47 },
  { question: 'When is the NOVA token listing?', score: 0.41 },
  { question: 'NOVA token listing date?', score: 0.43 },
  { question: 'Will the NOVA token be listed soon?', score: 0.46 },
  { question: 'NOVA token listed when?', score: 0.4 },
];
const OPTIONS = { threshold: 0.45, minCoveredShare: 0.5 };

describe('decideArticleCoverage', () => {
  test("a missing article's questions are their own group and not covered; the entry's paraphrases are covered", () => {
    const perQuestion = [...paraphrases, ...missingArticle].map((question) => question.score >= OPTIONS.threshold);
    expect(perQuestion).toEqual([true, true, false, true, true, false, false, true, false]);
    const result = decideArticleCoverage([[...paraphrases, ...missingArticle]], OPTIONS);
    expect(result.covered).toEqual([[true, true, true, true, false, false, false, false, false]]);
    // Fewer than 50 questions in doubt: the second cut is the run's threshold.
    expect(result.groupThreshold).toBe(0.45);
  });

  test('an entry nearer a question than any other question does not cover it when it scores below the second cut', () => {
    // Two questions no entry answers, alike in one word only (they score 0.22 against each other): the second is nearer
    // its poor entry (0.3) than the first, yet below the second cut (here the run's 0.45).
    const odd: CoverageQuestion[] = [
      { question: 'Can I pay with a gift card in the app?', score: 0.2 },
      { question: 'Is there a dark mode in the app?', score: 0.3 },
    ];
    expect(decideArticleCoverage([odd], OPTIONS).covered).toEqual([[false, false]]);
    expect(decideArticleCoverage([odd], OPTIONS).anchored).toBe(0);
  });

  test('the same question asked twice is decided once, the same way', () => {
    const repeated = [
      ...paraphrases,
      ...missingArticle,
      { question: 'nova token listing date?', score: 0.43 },
      { question: 'i need to reset two-factor authentication', score: 0.58 },
    ];
    const covered = decideArticleCoverage([repeated], OPTIONS).covered[0]!;
    expect([covered[6], covered[9]]).toEqual([false, false]);
    expect([covered[3], covered[10]]).toEqual([true, true]);
  });

  test('questions matched across languages, and a topic of one question, keep the per-question rule', () => {
    const chinese: CoverageQuestion = { question: '怎么重置二次验证', score: 0.3, crossLanguage: true };
    const result = decideArticleCoverage([[...paraphrases, chinese], [{ question: 'How do I reset two-factor authentication?', score: 0.44 }]], OPTIONS);
    expect(result.covered[0]!.at(-1)).toBe(false);
    expect(result.covered[1]).toEqual([false]);
  });

  test('beyond the questions compared, the per-question rule applies', () => {
    const result = decideArticleCoverage([[...paraphrases, ...missingArticle]], { ...OPTIONS, neighbourQuestions: 4 });
    // The four compared are spread evenly over the nine; the others keep score >= 0.45.
    const compared = new Set([0, 2, 4, 6]);
    result.covered[0]!.forEach((covered, i) => {
      if (!compared.has(i)) expect(covered).toBe([...paraphrases, ...missingArticle][i]!.score >= 0.45);
    });
  });
});

describe('decideArticleCoverage: entry claims', () => {
  // The entry's own paraphrases, most of them worded far from its title (low scores), and its best match anchored
  // (nearer the entry than any other question); beside them the NOVA questions, matched to the same entry for want of
  // a better one.
  const reset = (question: string, score: number): CoverageQuestion => ({ question, score, entryId: 'reset-2fa' });
  const topic: CoverageQuestion[] = [
    reset('How do I reset two-factor authentication?', 0.95),
    reset('How can I reset my two-factor authentication?', 0.4),
    reset('reset two-factor authentication after losing my phone', 0.38),
    reset('I need to reset two-factor authentication', 0.36),
    ...missingArticle.map((question) => ({ ...question, score: question.score - 0.1, entryId: 'reset-2fa' })),
  ];

  test("the group of the entry's anchored best match is covered, though most of it scores below the cut", () => {
    expect(decideArticleCoverage([topic], { ...OPTIONS, entryClaims: false }).covered[0]!.slice(0, 4)).toEqual([true, false, false, false]);
    expect(decideArticleCoverage([topic], OPTIONS).covered).toEqual([[true, true, true, true, false, false, false, false, false]]);
  });

  test('claims cross topics: the entry claims one group in the whole report, the one of its best match', () => {
    const [paraphraseTopic, novaTopic] = [topic.slice(0, 4), topic.slice(4)];
    const result = decideArticleCoverage([novaTopic, paraphraseTopic], OPTIONS);
    expect(result.covered).toEqual([
      [false, false, false, false, false],
      [true, true, true, true],
    ]);
  });

  test("a group the entry does not claim stays uncovered, though its questions score above the run's threshold", () => {
    // The NOVA questions share words with the entry's title (scores 0.50-0.57 against it), but they are nearer each
    // other than the entry's own wordings: another article.
    const close = [...topic.slice(0, 4), ...missingArticle.map((question) => ({ ...question, score: question.score + 0.1, entryId: 'reset-2fa' }))];
    expect(close.slice(4).every((question) => question.score >= OPTIONS.threshold)).toBe(true);
    expect(decideArticleCoverage([close], OPTIONS).covered).toEqual([[true, true, true, true, false, false, false, false, false]]);
  });

  test("an entry whose best match scores below the run's threshold claims nothing", () => {
    const weak = topic.map((question) => ({ ...question, score: Math.min(question.score, 0.44) }));
    expect(decideArticleCoverage([weak], OPTIONS).covered).toEqual([Array<boolean>(9).fill(false)]);
  });

  test('wordings that differ in a number only are one group: near copies are covered with the best one', () => {
    const copies: CoverageQuestion[] = Array.from({ length: 10 }, (_, i) => ({
      question: `P2P seller has not released ${i}`,
      score: i < 2 ? 0.7 : 0.2,
      entryId: 'fees',
    }));
    expect(decideArticleCoverage([copies], OPTIONS).covered[0]).toEqual(Array<boolean>(10).fill(true));
  });

  test('questions without an entry make no claim', () => {
    const unmatched = topic.map(({ entryId: _, ...question }) => question);
    expect(decideArticleCoverage([unmatched], OPTIONS).covered).toEqual(decideArticleCoverage([unmatched], { ...OPTIONS, entryClaims: false }).covered);
  });
});
