import { describe, expect, test } from 'vitest';
import { analyzeTopics } from '../../../analysis/topics/analyze-topics.js';
import { chooseTopicCount } from '../../../analysis/topics/choose-topic-count.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';
import type { DenseVectors } from '../../../analysis/topics/spherical-kmeans.js';
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

/** `clusters` random unit directions in `dimensions`, `perCluster` noisy unit points around each. */
function pointClouds(clusters: number, perCluster: number, dimensions: number): DenseVectors {
  const random = createSeededRandom(3);
  const data = new Float32Array(clusters * perCluster * dimensions);
  const centre = new Float64Array(dimensions);
  for (let cluster = 0; cluster < clusters; cluster++) {
    for (let c = 0; c < dimensions; c++) centre[c] = random.next() - 0.5;
    for (let p = 0; p < perCluster; p++) {
      const base = (cluster * perCluster + p) * dimensions;
      let norm = 0;
      for (let c = 0; c < dimensions; c++) {
        const value = centre[c]! + (random.next() - 0.5) * 0.1;
        data[base + c] = value;
        norm += value * value;
      }
      for (let c = 0; c < dimensions; c++) data[base + c]! /= Math.sqrt(norm);
    }
  }
  return { count: clusters * perCluster, dimensions, data };
}

describe('chooseTopicCount', () => {
  test('widens its search past the first 80 clusters while finer levels score better', () => {
    const choice = chooseTopicCount(pointClouds(200, 6, 48), { minTopics: 2, minTopicPoints: 5, random: createSeededRandom(1) });
    expect(choice.clustering.k).toBe(200);
    expect(choice.searches).toEqual([80, 160, 240]);
  });

  test('looks for no more than count / minTopicPoints topics, nor more than maxTopics', () => {
    const points = pointClouds(200, 6, 48);
    expect(chooseTopicCount(points, { minTopics: 2, minTopicPoints: 12, random: createSeededRandom(1) }).searches).toEqual([80, 100]);
    expect(chooseTopicCount(points, { maxTopics: 50, minTopics: 2, minTopicPoints: 5, random: createSeededRandom(1) }).searches).toEqual([50]);
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
