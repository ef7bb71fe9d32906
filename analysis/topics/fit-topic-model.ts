import type { PreparedQuestion } from '../text/prepare-question.js';
import { chooseTopicCount } from './choose-topic-count.js';
import { embedRows, fitLatentSpace, type LatentSpace } from './latent-space.js';
import { smoothWithNeighbours } from './neighbour-smoothing.js';
import { extractQuestionFeatures } from './question-features.js';
import { createSeededRandom } from './seeded-random.js';
import { runKMeans, sphericalKMeans, type DenseVectors, type KMeansResult } from './spherical-kmeans.js';
import { fitTfidfVocabulary, vectorizeFeatures, type TfidfVocabulary } from './tfidf-vectorizer.js';

export interface TopicModelOptions {
  /** A ceiling on the automatic choice; unset, it is bounded only by the data (see `chooseTopicCount`). */
  maxTopics?: number | undefined;
  /** The fewest topics the automatic choice may return. */
  minTopics: number;
  /** Smaller groups are dissolved into their nearest topics (measured on the fitting set, scaled). */
  minTopicSize: number;
  /** Set to fix the number of topics instead of choosing it. */
  topicCount?: number | undefined;
  /** LSA dimensions. */
  dimensions: number;
  /** Neighbours averaged into each point before clustering; 0 turns smoothing off. */
  neighbours: number;
  /** k-means restarts; the tightest is kept. */
  restarts: number;
  seed: number;
}

export const DEFAULT_TOPIC_MODEL_OPTIONS: TopicModelOptions = {
  minTopics: 2,
  minTopicSize: 5,
  dimensions: 96,
  neighbours: 10,
  restarts: 3,
  seed: 20240601,
};

/** What assigning any question to a topic needs; plain data so workers can receive it. */
export interface TopicModel {
  vocabulary: TfidfVocabulary;
  space: LatentSpace;
  /** Unit centroids, row-major (k x dimensions). */
  centroids: Float32Array;
  k: number;
}

export interface FittedTopics {
  model: TopicModel;
  /** Topic of each fitting question, and its cosine to the centroid. */
  assignment: Int32Array;
  similarity: Float32Array;
  silhouettes: { k: number; silhouette: number }[];
}

/**
 * Fits topics on a set of prepared questions: words and character n-grams -> TF-IDF -> LSA (randomized SVD) ->
 * neighbour smoothing -> spherical k-means (k-means++, restarts) -> the number of topics chosen by silhouette over
 * merge hierarchies of widening searches (unless fixed; see `chooseTopicCount`) -> small groups dissolved. Deterministic for a seed.
 *
 * @example
 * const fitted = fitTopicModel(questions.map(prepareQuestion), DEFAULT_TOPIC_MODEL_OPTIONS);
 */
export function fitTopicModel(questions: readonly PreparedQuestion[], options: TopicModelOptions, scaleToTotal = questions.length): FittedTopics {
  const random = createSeededRandom(options.seed);
  const features = questions.map((q) => extractQuestionFeatures(q.text, q.language, q.terms));
  const vocabulary = fitTfidfVocabulary(features, { minDocumentFrequency: questions.length >= 50 ? 2 : 1 });
  const rows = features.map((f) => vectorizeFeatures(f, vocabulary));
  const columns = vocabulary.idf.length;
  if (questions.length === 0 || columns === 0) {
    const space: LatentSpace = { projection: new Float32Array(0), dimensions: 0 };
    return {
      model: { vocabulary, space, centroids: new Float32Array(0), k: 0 },
      assignment: new Int32Array(questions.length),
      similarity: new Float32Array(questions.length),
      silhouettes: [],
    };
  }
  const space = fitLatentSpace(rows, columns, Math.min(options.dimensions, questions.length - 1, columns - 1), random);
  const raw = embedRows(rows, space);
  const points = options.neighbours > 0 ? smoothWithNeighbours(raw, { neighbours: options.neighbours, random }) : raw;

  let clustering: KMeansResult;
  let silhouettes: { k: number; silhouette: number }[] = [];
  const minSize = Math.max(1, Math.ceil((options.minTopicSize * questions.length) / Math.max(scaleToTotal, 1)));
  if (options.topicCount !== undefined) {
    clustering = sphericalKMeans(points, { k: options.topicCount, random, restarts: options.restarts });
  } else {
    const choice = chooseTopicCount(points, {
      maxTopics: options.maxTopics,
      minTopics: options.minTopics,
      // A topic needs minTopicSize fitting questions to be found at all (not the smaller size scaled to the sample).
      minTopicPoints: Math.max(1, options.minTopicSize),
      scoringPoints: raw,
      random,
    });
    clustering = dissolveSmallClusters(points, choice.clustering, minSize);
    silhouettes = choice.scores;
  }
  return {
    model: { vocabulary, space, centroids: clustering.centroids, k: clustering.k },
    assignment: clustering.assignment,
    similarity: clustering.similarity,
    silhouettes,
  };
}

function dissolveSmallClusters(points: DenseVectors, clustering: KMeansResult, minSize: number): KMeansResult {
  const d = points.dimensions;
  let current = clustering;
  for (let round = 0; round < 5; round++) {
    const sizes = new Int32Array(current.k);
    for (const cluster of current.assignment) sizes[cluster]!++;
    const keep = [...sizes.keys()].filter((cluster) => sizes[cluster]! >= minSize);
    if (keep.length === current.k || keep.length === 0) return current;
    const centroids = new Float32Array(keep.length * d);
    keep.forEach((cluster, i) => {
      centroids.set(current.centroids.subarray(cluster * d, cluster * d + d), i * d);
    });
    current = runKMeans(points, centroids, keep.length, 5);
  }
  return current;
}
