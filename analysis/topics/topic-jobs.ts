import { extractQuestion } from '../text/extract-question.js';
import { prepareQuestion, type PreparedQuestion } from '../text/prepare-question.js';
import type { QuestionLanguage } from '../text/detect-language.js';
import { fitTopicModel, type TopicModel, type TopicModelOptions } from './fit-topic-model.js';
import { extractWordHashes, questionSegments } from './question-features.js';
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
 * `words[wordOffsets[i] .. wordOffsets[i + 1])`, its character features the n-grams of its segments
 * `segments[segmentIds[j]]` for j in `segmentOffsets[i] .. segmentOffsets[i + 1]` (each distinct segment of the chunk
 * is stored once); a repeat of an earlier identical message has `sameAs[i]` set to that message's index (-1 otherwise).
 */
export interface PreparedChunk {
  texts: string[];
  languages: QuestionLanguage[];
  wordOffsets: Int32Array;
  words: Uint32Array;
  segmentOffsets: Int32Array;
  segmentIds: Int32Array;
  segments: string[];
  sameAs: Int32Array;
}

/** What assigning a prepared chunk needs (not the texts and languages). */
export type EmbedChunk = Pick<PreparedChunk, 'wordOffsets' | 'words' | 'segmentOffsets' | 'segmentIds' | 'segments' | 'sameAs'>;

/** The buffers of a prepared chunk that can be transferred to another thread instead of copied. */
export function chunkBuffers(chunk: EmbedChunk): ArrayBuffer[] {
  return [chunk.wordOffsets.buffer, chunk.words.buffer, chunk.segmentOffsets.buffer, chunk.segmentIds.buffer, chunk.sameAs.buffer] as ArrayBuffer[];
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

/** A growable typed array of 32-bit values, copied out at its exact length. */
class GrowableUint32 {
  values = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  append(values: Uint32Array): void {
    if (this.length + values.length > this.values.length) {
      const grown = new Uint32Array(Math.max(this.length + values.length, this.values.length * 2));
      grown.set(this.values.subarray(0, this.length));
      this.values = grown;
    }
    this.values.set(values, this.length);
    this.length += values.length;
  }
}

/** Extracts, redacts, tokenizes and hashes the word features of every question, and splits it into segments; needs no model. */
export function runPrepareJob(sources: QuestionSources, options: PrepareOptions = {}): PreparedChunk {
  const count = sources.bodies.length;
  const texts = new Array<string>(count);
  const languages = new Array<QuestionLanguage>(count);
  const wordOffsets = new Int32Array(count + 1);
  const segmentOffsets = new Int32Array(count + 1);
  const sameAs = new Int32Array(count).fill(-1);
  const words = new GrowableUint32();
  const segmentIds = new GrowableUint32();
  const segmentIndex = new Map<string, number>();
  const segments: string[] = [];
  // Support questions repeat ("hi", "withdrawal pending"): an identical message is prepared and assigned once.
  const seen = options.distinct ? undefined : new Map<string, number>();
  for (let i = 0; i < count; i++) {
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
    } else {
      const question = prepareQuestion(extractQuestion({ channel: sources.channels[i]!, subject: sources.subjects[i] ?? null, body: sources.bodies[i]! }), {
        normalized: true,
      });
      texts[i] = question.text;
      languages[i] = question.language;
      words.append(extractWordHashes(question.terms));
      for (const segment of questionSegments(question.text)) {
        let id = segmentIndex.get(segment);
        if (id === undefined) {
          id = segments.length;
          segmentIndex.set(segment, id);
          segments.push(segment);
        }
        segmentIds.push(id);
      }
    }
    wordOffsets[i + 1] = words.length;
    segmentOffsets[i + 1] = segmentIds.length;
  }
  return {
    texts,
    languages,
    wordOffsets,
    words: words.values.slice(0, words.length),
    segmentOffsets,
    segmentIds: new Int32Array(segmentIds.values.buffer.slice(0, 4 * segmentIds.length)),
    segments,
    sameAs,
  };
}

/** Assigns prepared questions to their nearest topics. */
export function runEmbedJob(chunk: EmbedChunk, model: TopicModel, embedder?: QuestionEmbedder): EmbedJobResult {
  const count = chunk.sameAs.length;
  const assignment = new Int32Array(count).fill(-1);
  const similarity = new Float32Array(count);
  if (model.k === 0) return { assignment, similarity };
  const d = model.space.dimensions;
  const vector = new Float32Array(Math.max(d, 1));
  const questionEmbedder = embedder ?? new QuestionEmbedder(model.vocabulary, model.space);
  const nearest = new NearestCentroid(d);
  nearest.load(model.centroids, model.k);
  const slots = questionEmbedder.resolveSegments(chunk.segments);
  const questionSlots = new Int32Array(chunk.segmentIds.length);
  for (let j = 0; j < questionSlots.length; j++) questionSlots[j] = slots[chunk.segmentIds[j]!]!;
  for (let i = 0; i < count; i++) {
    const earlier = chunk.sameAs[i]!;
    if (earlier >= 0) {
      assignment[i] = assignment[earlier]!;
      similarity[i] = similarity[earlier]!;
      continue;
    }
    const words = chunk.words.subarray(chunk.wordOffsets[i]!, chunk.wordOffsets[i + 1]!);
    const segments = questionSlots.subarray(chunk.segmentOffsets[i]!, chunk.segmentOffsets[i + 1]!);
    if (!questionEmbedder.embedPrepared(words, segments, vector)) continue;
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
