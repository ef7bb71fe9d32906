import { describe, expect, test } from 'vitest';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../../../analysis/faq/faq-matching-config.js';
import { rankDistinctQuestions as rankFromSource } from '../../../analysis/faq/rank-distinct-questions.js';
import { generateQuestions } from '../../../bench/synthetic-questions.js';

// The worker is compiled JavaScript: the built module is loaded so that the threads really run (`npm test` builds).
const built = (await import(new URL('../../../dist/analysis/faq/rank-distinct-questions.js', import.meta.url).href)) as { rankDistinctQuestions: typeof rankFromSource };

describe('rankDistinctQuestions', () => {
  const entries = generateQuestions(60, 9).map((question, i) => ({ title: question.body.slice(0, 80), body: `${question.body} (answer ${i})` }));
  const texts = [...new Set(generateQuestions(400, 5).map((question) => question.body))];

  test('worker threads rank exactly as the calling thread does', async () => {
    const alone = await built.rankDistinctQuestions(entries, DEFAULT_FAQ_MATCHING_CONFIG, texts, { workers: 0 });
    const threads = await built.rankDistinctQuestions(entries, DEFAULT_FAQ_MATCHING_CONFIG, texts, { workers: 2, parallelFrom: 1 });
    expect(alone.threads).toBe(0);
    expect(threads.threads).toBe(2);
    expect(threads.rankings).toEqual(alone.rankings);
    expect(alone.rankings.filter((ranking) => ranking.best !== undefined).length).toBeGreaterThan(texts.length / 2);
  });

  test('few questions stay in the calling thread', async () => {
    const few = await built.rankDistinctQuestions(entries, DEFAULT_FAQ_MATCHING_CONFIG, texts.slice(0, 10), { workers: 2 });
    expect(few.threads).toBe(0);
  });
});
