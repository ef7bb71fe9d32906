import { extractQuestion } from '../text/extract-question.js';
import { prepareQuestion, type PreparedQuestion } from '../text/prepare-question.js';
import type { QuestionLanguage } from '../text/detect-language.js';
import { fitTopicModel, type TopicModel, type TopicModelOptions } from './fit-topic-model.js';
import { extractQuestionFeatures } from './question-features.js';
import { QuestionEmbedder } from './question-embedder.js';
import { NearestCentroid } from './nearest-centroid.js';
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

/**
 * Prepared questions of a chunk, compact enough to keep or send: question i's word hashes are
 * `hashes[offsets[2i] .. offsets[2i+1])`, its character hashes `hashes[offsets[2i+1] .. offsets[2i+2])`; a repeat of
 * an earlier identical message has `sameAs[i]` set to that message's index (-1 otherwise).
 */
export interface PreparedChunk {
  texts: string[];
  languages: QuestionLanguage[];
  offsets: Int32Array;
  hashes: Uint32Array;
  sameAs: Int32Array;
}

export interface EmbedJobResult {
  /** Nearest topic, or -1 for a question with no usable words. */
  assignment: Int32Array;
  similarity: Float32Array;
}

/** How a job may treat its questions. */
export interface PrepareOptions {
  /**
   * The questions are known to be distinct (the caller removed repeats): skip looking for identical ones, which costs
   * a hash of every message and finds nothing. The results are the same either way.
   */
  distinct?: boolean;
}

/**
 * Where a prepare job collects its feature hashes before copying them out at their exact length; kept from job to
 * job (a worker's chunk of 25,000 questions needs about 20 MB), so that each job does not allocate and grow a buffer
 * of its own. A larger one (all questions in one job, without workers) is left to the garbage collector.
 */
let featureScratch = new Uint32Array(1024);
const KEPT_SCRATCH_HASHES = 16 * 1024 * 1024;

/** Extracts, redacts, tokenizes and hashes the features of every question; needs no model. */
export function runPrepareJob(sources: QuestionSources, options: PrepareOptions = {}): PreparedChunk {
  const count = sources.bodies.length;
  const texts = new Array<string>(count);
  const languages = new Array<QuestionLanguage>(count);
  const offsets = new Int32Array(2 * count + 1);
  const sameAs = new Int32Array(count).fill(-1);
  let hashes = featureScratch;
  let used = 0;
  // Support questions repeat ("hi", "withdrawal pending"): an identical message is prepared and assigned once.
  const seen = options.distinct ? undefined : new Map<string, number>();
  for (let i = 0; i < count; i++) {
    offsets[2 * i] = used;
    let earlier: number | undefined;
    if (seen) {
      const key = `${sources.channels[i] === 'email' ? `${sources.subjects[i] ?? ''}\u0000` : ''}${sources.bodies[i]!}`;
      earlier = seen.get(key);
      if (earlier === undefined) seen.set(key, i);
    }
    if (earlier !== undefined) {
      texts[i] = texts[earlier]!;
      languages[i] = languages[earlier]!;
      sameAs[i] = earlier;
      offsets[2 * i + 1] = used;
      offsets[2 * i + 2] = used;
      continue;
    }
    const question = prepareQuestion(extractQuestion({ channel: sources.channels[i]!, subject: sources.subjects[i] ?? null, body: sources.bodies[i]! }), {
      normalized: true,
    });
    texts[i] = question.text;
    languages[i] = question.language;
    const features = extractQuestionFeatures(question.text, question.language, question.terms);
    const needed = used + features.words.length + features.chars.length;
    if (needed > hashes.length) {
      const grown = new Uint32Array(Math.max(needed, hashes.length * 2));
      grown.set(hashes.subarray(0, used));
      hashes = grown;
    }
    hashes.set(features.words, used);
    used += features.words.length;
    offsets[2 * i + 1] = used;
    hashes.set(features.chars, used);
    used += features.chars.length;
    offsets[2 * i + 2] = used;
  }
  if (hashes.length <= KEPT_SCRATCH_HASHES) featureScratch = hashes;
  return { texts, languages, offsets, hashes: hashes.slice(0, used), sameAs };
}

/** Assigns prepared questions to their nearest topics. */
export function runEmbedJob(chunk: Pick<PreparedChunk, 'offsets' | 'hashes' | 'sameAs'>, model: TopicModel, embedder?: QuestionEmbedder): EmbedJobResult {
  const count = chunk.sameAs.length;
  const assignment = new Int32Array(count).fill(-1);
  const similarity = new Float32Array(count);
  if (model.k === 0) return { assignment, similarity };
  const d = model.space.dimensions;
  const vector = new Float32Array(Math.max(d, 1));
  const questionEmbedder = embedder ?? new QuestionEmbedder(model.vocabulary, model.space);
  const nearest = new NearestCentroid(d);
  nearest.load(model.centroids, model.k);
  for (let i = 0; i < count; i++) {
    const earlier = chunk.sameAs[i]!;
    if (earlier >= 0) {
      assignment[i] = assignment[earlier]!;
      similarity[i] = similarity[earlier]!;
      continue;
    }
    const features = {
      words: chunk.hashes.subarray(chunk.offsets[2 * i]!, chunk.offsets[2 * i + 1]!),
      chars: chunk.hashes.subarray(chunk.offsets[2 * i + 1]!, chunk.offsets[2 * i + 2]!),
    };
    if (!questionEmbedder.embed(features, vector)) continue;
    assignment[i] = nearest.find(vector, 0);
    similarity[i] = nearest.similarity;
  }
  return { assignment, similarity };
}

/** Prepares every question and assigns it to its nearest topic. Runs in a worker, or inline. */
export function runAssignJob(sources: QuestionSources, model: TopicModel, embedder?: QuestionEmbedder, options: PrepareOptions = {}): AssignJobResult {
  const prepared = runPrepareJob(sources, options);
  const embedded = runEmbedJob(prepared, model, embedder);
  return { texts: prepared.texts, languages: prepared.languages, assignment: embedded.assignment, similarity: embedded.similarity };
}
