import { describe, expect, test } from 'vitest';
import { analyzeTopics } from '../../../analysis/topics/analyze-topics.js';
import { DEFAULT_TOPICS_CONFIG } from '../../../analysis/topics/topics-config.js';
import { scoreClustering } from '../../../bench/clustering-metrics.js';
import { generateIntentQuestions } from '../../../bench/synthetic-intents.js';

async function topicsOf(texts: string[], maxTopics?: number): Promise<{ topics: number; assignment: Int32Array }> {
  const analysis = await analyzeTopics(
    { keys: texts.map((_, i) => i), channels: texts.map(() => 'chat'), subjects: texts.map(() => null), bodies: texts },
    { ...DEFAULT_TOPICS_CONFIG, maxTopics, workers: 0 },
  );
  return { topics: analysis.topics.length, assignment: analysis.assignment };
}

describe('the number of topics is chosen from the data, with no fixed ceiling', () => {
  test('the default has no maxTopics', () => {
    expect(DEFAULT_TOPICS_CONFIG.maxTopics).toBeUndefined();
  });

  test.each([
    [20, 25],
    [150, 25],
    [300, 12],
  ])('%i generated intents (%i questions each): about that many topics (within 20 percent)', { timeout: 180_000 }, async (intents, perIntent) => {
    const data = generateIntentQuestions({ intents, perIntent });
    const { topics, assignment } = await topicsOf(data.texts);
    expect(topics).toBeGreaterThanOrEqual(Math.floor(intents * 0.8));
    expect(topics).toBeLessThanOrEqual(Math.ceil(intents * 1.2));
    expect(scoreClustering(assignment, data.intents.map(String)).nmi).toBeGreaterThan(0.9);
  });

  test('maxTopics still caps the choice', { timeout: 180_000 }, async () => {
    const data = generateIntentQuestions({ intents: 150, perIntent: 10 });
    expect((await topicsOf(data.texts, 40)).topics).toBeLessThanOrEqual(40);
  });
});

describe('generateIntentQuestions', () => {
  test('writes the asked number of intents, each question labelled, deterministically', () => {
    const a = generateIntentQuestions({ intents: 3, perIntent: 2, seed: 4 });
    expect(a.intents).toEqual([0, 1, 2, 0, 1, 2]);
    expect(a.texts).toEqual(generateIntentQuestions({ intents: 3, perIntent: 2, seed: 4 }).texts);
    expect(new Set(a.texts).size).toBeGreaterThan(1);
    expect(() => generateIntentQuestions({ intents: 376, perIntent: 1 })).toThrow(RangeError);
  });
});
