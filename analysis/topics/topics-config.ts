import { DEFAULT_TOPIC_MODEL_OPTIONS } from './fit-topic-model.js';

/** The `topics` section of the configuration. */
export interface TopicsConfig {
  /**
   * A ceiling on the automatic choice of the number of topics. Unset (the default), there is none but the data's:
   * from 2 up to (fitting questions / smallest topic size) topics, as many as the silhouette criterion finds.
   */
  maxTopics?: number | undefined;
  /** Topics smaller than this (over all questions) are dissolved into their neighbours. */
  minTopicSize: number;
  /** Fix the number of topics instead of choosing it from the data. */
  topicCount?: number | undefined;
  /** Questions the model is fitted on; every question is then assigned to the nearest topic. */
  sampleSize: number;
  /** Worker threads for preparing and assigning questions (0: in the calling thread). */
  workers: number;
  dimensions: number;
  neighbours: number;
  restarts: number;
  seed: number;
  /** Lowest signature cosine for a topic to keep an earlier run's id. */
  idMatchThreshold: number;
}

export const DEFAULT_TOPICS_CONFIG: TopicsConfig = {
  minTopicSize: DEFAULT_TOPIC_MODEL_OPTIONS.minTopicSize,
  sampleSize: 8_000,
  workers: 2,
  dimensions: DEFAULT_TOPIC_MODEL_OPTIONS.dimensions,
  neighbours: DEFAULT_TOPIC_MODEL_OPTIONS.neighbours,
  restarts: DEFAULT_TOPIC_MODEL_OPTIONS.restarts,
  seed: DEFAULT_TOPIC_MODEL_OPTIONS.seed,
  idMatchThreshold: 0.5,
};
