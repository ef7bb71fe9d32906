import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { QuestionLanguage } from '../text/detect-language.js';
import type { TopicModelOptions } from './fit-topic-model.js';
import { findFirstOccurrences } from './repeated-questions.js';
import { hashString } from './seeded-random.js';
import { chunkBuffers, runAssignJob, runFitJob, type AssignJobResult, type FitJobResult, type PreparedChunk, type QuestionSources } from './topic-jobs.js';
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
  /** Wall times, and the CPU time of the whole process until the model was fitted (preparing ahead included). */
  timings: { fitMs: number; assignMs: number; fitCpuMs: number };
}

/**
 * Finds the topics of a set of questions without blocking the caller's event loop: the model is fitted on a sample
 * (chosen by key hash) in one worker thread, then both workers prepare and assign every question. With
 * `config.workers` 0 the same jobs run inline.
 *
 * @example
 * const analysis = await analyzeTopics({ keys, channels, subjects, bodies }, DEFAULT_TOPICS_CONFIG);
 */
export async function analyzeTopics(questions: TopicQuestions, config: TopicsConfig): Promise<TopicAnalysis> {
  const count = questions.bodies.length;
  const options: TopicModelOptions = {
    maxTopics: config.maxTopics,
    minTopics: Math.min(2, config.maxTopics ?? 2),
    minTopicSize: config.minTopicSize,
    topicCount: config.topicCount,
    dimensions: config.dimensions,
    neighbours: config.neighbours,
    restarts: config.restarts,
    seed: config.seed,
  };
  const cpuAtStart = process.cpuUsage();
  const sample = pickFittingSample(questions.keys, config.sampleSize, config.seed);
  const sampleSources = select(questions, sample);
  const pool = createPool(config.workers);
  try {
    if (!pool) {
      const fitStart = Date.now();
      const fit = runFitJob(sampleSources, options, count);
      const fitMs = Date.now() - fitStart;
      const fitCpuMs = cpuMsSince(cpuAtStart);
      const assignStart = Date.now();
      const result = runAssignJob(questions, fit.model);
      return combine(result, fit, { sample, fitMs, fitCpuMs, assignMs: Date.now() - assignStart, workers: 0 });
    }
    return await analyzeInWorkers(pool, { questions, sampleSources, sample, options, cpuAtStart });
  } finally {
    await pool?.close();
  }
}

/** Questions per job: small enough to balance two busy cores, large enough that messaging costs nothing. */
const CHUNK_SIZE = 25_000;
/**
 * Questions prepared ahead while the model is fitted, at most: a prepared chunk keeps its word hashes and segment
 * numbers (about 4 MB per chunk of 25,000), so the other workers need not wait for the fit (24 chunks: 600,000 questions, at most about 100 MB).
 */
const PREPARE_AHEAD = 24 * CHUNK_SIZE;

/**
 * Each distinct question is prepared and assigned once, in the workers; a repeat takes its first occurrence's
 * results.
 */
async function analyzeInWorkers(
  pool: TopicWorkerPool,
  {
    questions,
    sampleSources,
    sample,
    options,
    cpuAtStart,
  }: { questions: TopicQuestions; sampleSources: QuestionSources; sample: Int32Array; options: TopicModelOptions; cpuAtStart: NodeJS.CpuUsage },
): Promise<TopicAnalysis> {
  const count = questions.bodies.length;
  // The fit needs only the sample: it starts first, and the main thread looks for repeats meanwhile.
  const fitStart = Date.now();
  const fitting = pool.call(0, { kind: 'fit', sources: sampleSources, options, totalQuestions: count });
  const first = findFirstOccurrences(questions);
  const position = new Int32Array(count);
  let distinctCount = 0;
  for (let i = 0; i < count; i++) if (first[i] === i) position[i] = distinctCount++;
  const distinct = new Int32Array(distinctCount);
  for (let i = 0; i < count; i++) if (first[i] === i) distinct[position[i]!] = i;
  const { result, fit, fitMs, fitCpuMs, assignMs } = await assignInWorkers(pool, select(questions, distinct), fitting, fitStart, cpuAtStart);
  const all: AssignJobResult = {
    texts: new Array<string>(count),
    languages: new Array<QuestionLanguage>(count),
    assignment: new Int32Array(count),
    similarity: new Float32Array(count),
  };
  for (let i = 0; i < count; i++) {
    const j = position[first[i]!]!;
    all.texts[i] = result.texts[j]!;
    all.languages[i] = result.languages[j]!;
    all.assignment[i] = result.assignment[j]!;
    all.similarity[i] = result.similarity[j]!;
  }
  return combine(all, fit, { sample, fitMs, fitCpuMs, assignMs, workers: pool.size });
}

/**
 * Worker 0 fits (the request is already sent) while the others prepare chunks (extract, redact, tokenize, hash); once the model is known every
 * worker first assigns the prepared chunks, then takes the remaining chunks whole, one at a time from a shared
 * queue, so a core slowed by other load simply takes fewer.
 */
async function assignInWorkers(
  pool: TopicWorkerPool,
  questions: QuestionSources,
  fitRequest: Promise<TopicWorkerResponse & { ok: true }>,
  fitStart: number,
  cpuAtStart: NodeJS.CpuUsage,
): Promise<{ result: AssignJobResult; fit: FitJobResult; fitMs: number; fitCpuMs: number; assignMs: number }> {
  const count = questions.bodies.length;
  const all: AssignJobResult = {
    texts: new Array<string>(count),
    languages: new Array<QuestionLanguage>(count),
    assignment: new Int32Array(count).fill(-1),
    similarity: new Float32Array(count),
  };
  const raw = splitRanges(count, Math.max(1, Math.ceil(count / CHUNK_SIZE)));
  const prepared: { start: number; chunk: PreparedChunk }[] = [];
  let fitted = false;
  const fitting = fitRequest.then((response) => {
    fitted = true;
    return response.fit!;
  });
  const prepareAhead = async (worker: number): Promise<void> => {
    while (!fitted && raw.length > 0 && prepared.length * CHUNK_SIZE < PREPARE_AHEAD) {
      const [start, end] = raw.shift()!;
      const response = await pool.call(worker, { kind: 'prepare', sources: slice(questions, start, end), options: { distinct: true } });
      prepared.push({ start, chunk: response.prepare! });
    }
  };
  const ahead = Array.from({ length: pool.size - 1 }, (_, i) => prepareAhead(i + 1));
  const fit = await fitting;
  const fitMs = Date.now() - fitStart;
  const fitCpuMs = cpuMsSince(cpuAtStart);
  const assignStart = Date.now();
  const drain = async (worker: number): Promise<void> => {
    await pool.call(worker, { kind: 'model', model: fit.model });
    for (;;) {
      const next = prepared.shift();
      if (next) {
        const { start, chunk } = next;
        const { texts: _texts, languages: _languages, ...embedChunk } = chunk;
        const response = await pool.call(worker, { kind: 'embed', chunk: embedChunk });
        for (let i = 0; i < chunk.texts.length; i++) {
          all.texts[start + i] = chunk.texts[i]!;
          all.languages[start + i] = chunk.languages[i]!;
        }
        all.assignment.set(response.embed!.assignment, start);
        all.similarity.set(response.embed!.similarity, start);
        continue;
      }
      const range = raw.shift();
      if (!range) return;
      const [start, end] = range;
      const response = await pool.call(worker, { kind: 'assign', sources: slice(questions, start, end), options: { distinct: true } });
      const result = response.assign!;
      for (let i = 0; i < result.texts.length; i++) {
        all.texts[start + i] = result.texts[i]!;
        all.languages[start + i] = result.languages[i]!;
      }
      all.assignment.set(result.assignment, start);
      all.similarity.set(result.similarity, start);
    }
  };
  await Promise.all([drain(0), ...ahead.map((done, i) => done.then(() => drain(i + 1)))]);
  return { result: all, fit, fitMs, fitCpuMs, assignMs: Date.now() - assignStart };
}

function combine(
  result: AssignJobResult,
  fit: FitJobResult,
  { sample, fitMs, fitCpuMs, assignMs, workers }: { sample: Int32Array; fitMs: number; fitCpuMs: number; assignMs: number; workers: number },
): TopicAnalysis {
  const count = result.texts.length;
  const { texts, languages, similarity } = result;
  const clusterOf = Int32Array.from(result.assignment);
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
  order.forEach((cluster, i) => {
    position[cluster] = i;
  });
  const assignment = new Int32Array(count);
  for (let i = 0; i < count; i++) assignment[i] = clusterOf[i]! < 0 ? -1 : position[clusterOf[i]!]!;
  const topics = order.map((cluster) => ({
    size: sizes[cluster]!,
    label: fit.descriptions[cluster]!.label,
    topTerms: fit.descriptions[cluster]!.topTerms,
    signature: fit.descriptions[cluster]!.signature,
    representative: representative[cluster]!,
  }));
  return { texts, languages, assignment, similarity, topics, fittedOn: sample.length, workers, timings: { fitMs, assignMs, fitCpuMs } };
}

/** CPU milliseconds of the whole process (worker threads included) since `since`. */
function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
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
  /** One request to one worker; requests to the same worker are answered in order. */
  call(worker: number, request: TopicWorkerRequest): Promise<TopicWorkerResponse & { ok: true }>;
  close(): Promise<void>;
}

function createPool(size: number): TopicWorkerPool | undefined {
  // topics-worker.js in the build, topics-worker.ts when the sources run (the tests load `.ts` in every thread).
  const url = new URL(`./topics-worker${extname(import.meta.url)}`, import.meta.url);
  if (size < 1) return undefined;
  const workers = Array.from({ length: size }, () => new Worker(url));
  const queues = workers.map(() => Promise.resolve());
  const send = (worker: Worker, request: TopicWorkerRequest): Promise<TopicWorkerResponse & { ok: true }> =>
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
      const transfer = request.kind === 'embed' ? chunkBuffers(request.chunk) : [];
      worker.postMessage(request, transfer as ArrayBuffer[]);
    });
  return {
    size,
    call(index, request) {
      const worker = workers[index % size]!;
      const reply = queues[index % size]!.then(() => send(worker, request));
      queues[index % size] = reply.then(
        () => undefined,
        () => undefined,
      );
      return reply;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
