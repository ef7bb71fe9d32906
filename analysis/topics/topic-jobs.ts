import { extractQuestion } from '../text/extract-question.js';
import { prepareQuestion, type PreparedQuestion } from '../text/prepare-question.js';
import type { QuestionLanguage } from '../text/detect-language.js';
import { fitTopicModel, type TopicModel, type TopicModelOptions } from './fit-topic-model.js';
import { extractQuestionFeatures } from './question-features.js';
import { QuestionEmbedder } from './question-embedder.js';
import { dot32 } from './spherical-kmeans.js';
import { describeTopics, type TopicDescription } from './summarize-topics.js';

/** Raw questions as columns (cheap to send to a worker): each conversation's channel, subject, first message. */
export interface QuestionSources {
  channels: string[];
  subjects: (string | null)[];
  bodies: string[];
}

export interface FitJobResult {
  model: TopicModel;
  descriptions: TopicDescription[];
  /** Topic of each fitting question (after neighbour smoothing: better than nearest-centroid alone). */
  assignment: Int32Array;
}

export interface AssignJobResult {
  texts: string[];
  languages: QuestionLanguage[];
  /** Nearest topic, or -1 for a question with no usable words. */
  assignment: Int32Array;
  similarity: Float32Array;
}

/** The questions of a set of sources, extracted and prepared (redacted). */
export function prepareSources(sources: QuestionSources): PreparedQuestion[] {
  return sources.bodies.map((body, i) =>
    prepareQuestion(extractQuestion({ channel: sources.channels[i]!, subject: sources.subjects[i] ?? null, body }), { normalized: true }),
  );
}

/** Fits the model on a sample and describes its topics. Runs in a worker, or inline. */
export function runFitJob(sources: QuestionSources, options: TopicModelOptions, totalQuestions: number): FitJobResult {
  const questions = prepareSources(sources);
  const fitted = fitTopicModel(questions, options, totalQuestions);
  return {
    model: fitted.model,
    descriptions: describeTopics(questions, fitted.assignment, fitted.model.k),
    assignment: fitted.assignment,
  };
}

/** Prepares every question and assigns it to its nearest topic. Runs in a worker, or inline. */
export function runAssignJob(sources: QuestionSources, model: TopicModel): AssignJobResult {
  const count = sources.bodies.length;
  const texts = new Array<string>(count);
  const languages = new Array<QuestionLanguage>(count);
  const assignment = new Int32Array(count).fill(-1);
  const similarity = new Float32Array(count);
  const d = model.space.dimensions;
  const vector = new Float32Array(Math.max(d, 1));
  const embedder = new QuestionEmbedder(model.vocabulary, model.space);
  // Support questions repeat ("hi", "withdrawal pending"): an identical message is prepared and assigned once.
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const key = `${sources.channels[i] === 'email' ? `${sources.subjects[i] ?? ''}\u0000` : ''}${sources.bodies[i]!}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      texts[i] = texts[earlier]!;
      languages[i] = languages[earlier]!;
      assignment[i] = assignment[earlier]!;
      similarity[i] = similarity[earlier]!;
      continue;
    }
    if (seen.size < 200_000) seen.set(key, i);
    const question = prepareQuestion(
      extractQuestion({ channel: sources.channels[i]!, subject: sources.subjects[i] ?? null, body: sources.bodies[i]! }),
      { normalized: true },
    );
    texts[i] = question.text;
    languages[i] = question.language;
    if (model.k === 0) continue;
    if (!embedder.embed(extractQuestionFeatures(question.text, question.language, question.terms), vector)) continue;
    let best = 0;
    let bestSimilarity = -Infinity;
    for (let cluster = 0; cluster < model.k; cluster++) {
      const value = dot32(vector, 0, model.centroids, cluster * d, d);
      if (value > bestSimilarity) {
        bestSimilarity = value;
        best = cluster;
      }
    }
    assignment[i] = best;
    similarity[i] = bestSimilarity;
  }
  return { texts, languages, assignment, similarity };
}
