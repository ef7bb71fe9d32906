import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { QuestionLanguage } from '../text/detect-language.js';
import type { TopicModelOptions } from './fit-topic-model.js';
import { hashString } from './seeded-random.js';
import {
  runAssignJob,
  runFitJob,
  type AssignJobResult,
  type FitJobResult,
  type QuestionSources,
} from './topic-jobs.js';
import type { TopicsConfig } from './topics-config.js';
import type { TopicWorkerRequest, TopicWorkerResponse } from './topics-worker.js';

export interface TopicQuestions extends QuestionSources {
  /** Identifies each question; the fitting sample is drawn by a hash of it, so it is stable across runs. */
  keys: number[];
}

export interface AnalyzedTopic {
  size: number;
  label: string;
  topTerms: string[];
  signature: Record<string, number>;
  /** Index of the question nearest the centroid, -1 if none. */
  representative: number;
}

export interface TopicAnalysis {
  /** Each question redacted and normalized, with its language. */
  texts: string[];
  languages: QuestionLanguage[];
  /** Index into `topics` of each question's topic, -1 when it has no usable words. */
  assignment: Int32Array;
  similarity: Float32Array;
  /** Largest first. */
  topics: AnalyzedTopic[];
  fittedOn: number;
  workers: number;
  timings: { fitMs: number; assignMs: number };
}

/**
 * Finds the topics of a set of questions without blocking the caller's event loop: the model is fitted on a sample
 * (chosen by key hash) in one worker thread, then both workers prepare and assign every question. With
 * `config.workers` 0, or where the compiled worker is missing (tests run the sources), the same jobs run inline.
 *
 * @example
 * const analysis = await analyzeTopics({ keys, channels, subjects, bodies }, DEFAULT_TOPICS_CONFIG);
 */
export async function analyzeTopics(questions: TopicQuestions, config: TopicsConfig): Promise<TopicAnalysis> {
  const count = questions.bodies.length;
  const options: TopicModelOptions = {
    maxTopics: config.maxTopics,
    minTopics: Math.min(2, config.maxTopics),
    minTopicSize: config.minTopicSize,
    topicCount: config.topicCount,
    dimensions: config.dimensions,
    neighbours: config.neighbours,
    restarts: config.restarts,
    seed: config.seed,
  };
  const sample = pickFittingSample(questions.keys, config.sampleSize, config.seed);
  const sampleSources = select(questions, sample);
  const pool = createPool(config.workers);
  try {
    const fitStart = Date.now();
    const fit = pool ? await pool.fit(sampleSources, options, count) : runFitJob(sampleSources, options, count);
    const fitMs = Date.now() - fitStart;

    const assignStart = Date.now();
    const parts = splitRanges(count, pool ? pool.size : 1);
    const results = await Promise.all(
      parts.map(([start, end], i) => {
        const sources = slice(questions, start, end);
        return pool ? pool.assign(i, sources, fit.model) : Promise.resolve(runAssignJob(sources, fit.model));
      }),
    );
    const assignMs = Date.now() - assignStart;
    return combine(count, parts, results, fit, sample, fitMs, assignMs, pool?.size ?? 0);
  } finally {
    await pool?.close();
  }
}

function combine(
  count: number,
  parts: [number, number][],
  results: AssignJobResult[],
  fit: FitJobResult,
  sample: Int32Array,
  fitMs: number,
  assignMs: number,
  workers: number,
): TopicAnalysis {
  const texts = new Array<string>(count);
  const languages = new Array<QuestionLanguage>(count);
  const clusterOf = new Int32Array(count);
  const similarity = new Float32Array(count);
  parts.forEach(([start], part) => {
    const result = results[part]!;
    for (let i = 0; i < result.texts.length; i++) {
      texts[start + i] = result.texts[i]!;
      languages[start + i] = result.languages[i]!;
    }
    clusterOf.set(result.assignment, start);
    similarity.set(result.similarity, start);
  });
  // The fitting questions keep the topic the (smoothed) clustering gave them; the nearest centroid decides the rest.
  const eligible = new Uint8Array(count).fill(1);
  sample.forEach((index, i) => {
    const fitted = fit.assignment[i]!;
    if (clusterOf[index]! >= 0 && clusterOf[index] !== fitted) {
      clusterOf[index] = fitted;
      eligible[index] = 0;
    }
  });
  const k = fit.model.k;
  const sizes = new Int32Array(k);
  const representative = new Int32Array(k).fill(-1);
  for (let i = 0; i < count; i++) {
    const cluster = clusterOf[i]!;
    if (cluster < 0) continue;
    sizes[cluster]!++;
    if (!eligible[i]) continue;
    const current = representative[cluster]!;
    if (current < 0 || similarity[i]! > similarity[current]!) representative[cluster] = i;
  }
  const order = [...Array(k).keys()]
    .filter((cluster) => sizes[cluster]! > 0)
    .sort((a, b) => sizes[b]! - sizes[a]! || (fit.descriptions[a]!.label < fit.descriptions[b]!.label ? -1 : 1) || a - b);
  const position = new Int32Array(k).fill(-1);
  order.forEach((cluster, i) => (position[cluster] = i));
  const assignment = new Int32Array(count);
  for (let i = 0; i < count; i++) assignment[i] = clusterOf[i]! < 0 ? -1 : position[clusterOf[i]!]!;
  const topics = order.map((cluster) => ({
    size: sizes[cluster]!,
    label: fit.descriptions[cluster]!.label,
    topTerms: fit.descriptions[cluster]!.topTerms,
    signature: fit.descriptions[cluster]!.signature,
    representative: representative[cluster]!,
  }));
  return { texts, languages, assignment, similarity, topics, fittedOn: sample.length, workers, timings: { fitMs, assignMs } };
}

/** The `size` questions with the lowest key hashes: a stable sample, mostly the same after a new day is added. */
export function pickFittingSample(keys: readonly number[], size: number, seed: number): Int32Array {
  if (keys.length <= size) return Int32Array.from(keys.keys());
  const hashes = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) hashes[i] = hashString(String(keys[i]), seed >>> 0);
  const threshold = Uint32Array.from(hashes).sort()[size - 1]!;
  const picked: number[] = [];
  for (let i = 0; i < keys.length && picked.length < size; i++) if (hashes[i]! <= threshold) picked.push(i);
  return Int32Array.from(picked);
}

function select(questions: QuestionSources, indices: Int32Array): QuestionSources {
  const channels: string[] = [];
  const subjects: (string | null)[] = [];
  const bodies: string[] = [];
  for (const index of indices) {
    channels.push(questions.channels[index]!);
    subjects.push(questions.subjects[index] ?? null);
    bodies.push(questions.bodies[index]!);
  }
  return { channels, subjects, bodies };
}

function slice(questions: QuestionSources, start: number, end: number): QuestionSources {
  return {
    channels: questions.channels.slice(start, end),
    subjects: questions.subjects.slice(start, end),
    bodies: questions.bodies.slice(start, end),
  };
}

function splitRanges(count: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  const size = Math.ceil(count / parts);
  for (let start = 0; start < count || ranges.length === 0; start += size) ranges.push([start, Math.min(count, start + size)]);
  return ranges;
}

interface TopicWorkerPool {
  size: number;
  fit(sources: QuestionSources, options: TopicModelOptions, totalQuestions: number): Promise<FitJobResult>;
  assign(worker: number, sources: QuestionSources, model: FitJobResult['model']): Promise<AssignJobResult>;
  close(): Promise<void>;
}

function createPool(size: number): TopicWorkerPool | undefined {
  const url = new URL('./topics-worker.js', import.meta.url);
  if (size < 1 || !existsSync(fileURLToPath(url))) return undefined;
  const workers = Array.from({ length: size }, () => new Worker(url));
  const call = (worker: Worker, request: TopicWorkerRequest): Promise<TopicWorkerResponse & { ok: true }> =>
    new Promise((resolve, reject) => {
      const onMessage = (response: TopicWorkerResponse): void => {
        worker.off('error', onError);
        if (response.ok) resolve(response);
        else reject(new Error(`topics worker failed: ${response.error}`));
      };
      const onError = (error: Error): void => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(request);
    });
  return {
    size,
    async fit(sources, options, totalQuestions) {
      const response = await call(workers[0]!, { kind: 'fit', sources, options, totalQuestions });
      return response.fit!;
    },
    async assign(index, sources, model) {
      const response = await call(workers[index % size]!, { kind: 'assign', sources, model });
      return response.assign!;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
