import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { QuestionLanguage } from '../text/detect-language.js';
import type { TopicModelOptions } from './fit-topic-model.js';
import { findFirstOccurrences } from './repeated-questions.js';
import { hashString } from './seeded-random.js';
import { chunkBuffers, runAssignJob, runFitJob, type AssignJobResult, type EmbedChunk, type FitJobResult, type QuestionSources } from './topic-jobs.js';
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

export interface AnalyzeTopicsOptions {
  /**
   * Called in question order as the redacted texts and languages become known: questions `from` .. `to` - 1 are
   * ready in `texts` and `languages` (indexed by question; later calls fill further). Lets the caller store them
   * while the workers still prepare and assign the rest. Each call waits for the one before it to settle, and all have
   * settled when `analyzeTopics` returns; the first that fails makes `analyzeTopics` fail.
   */
  onQuestionsReady?: (texts: readonly string[], languages: readonly QuestionLanguage[], from: number, to: number) => Promise<void> | void;
  /**
   * The caller needs the sources' `channels`, `subjects` and `bodies` no more (only `keys`): with worker threads they
   * are emptied once the repeats are found, so that the messages, the largest thing the analysis holds at a million
   * questions, are freed as the workers take them.
   */
  releaseSources?: boolean;
  /** Distinct questions per worker job (default `CHUNK_SIZE`). */
  chunkSize?: number;
}

/**
 * Finds the topics of a set of questions without blocking the caller's event loop: the model is fitted on a sample
 * (chosen by key hash) in one worker thread, then both workers prepare and assign every question. With
 * `config.workers` 0 the same jobs run inline.
 *
 * @example
 * const analysis = await analyzeTopics({ keys, channels, subjects, bodies }, DEFAULT_TOPICS_CONFIG);
 */
export async function analyzeTopics(questions: TopicQuestions, config: TopicsConfig, analyzeOptions: AnalyzeTopicsOptions = {}): Promise<TopicAnalysis> {
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
      await analyzeOptions.onQuestionsReady?.(result.texts, result.languages, 0, count);
      return combine(result, fit, { sample, fitMs, fitCpuMs, assignMs: Date.now() - assignStart, workers: 0 });
    }
    return await analyzeInWorkers(pool, { questions, sampleSources, sample, options, cpuAtStart, ...analyzeOptions });
  } finally {
    await pool?.close();
  }
}

/** Questions per job: small enough to balance two busy cores, large enough that messaging costs nothing. */
const CHUNK_SIZE = 25_000;
/**
 * Chunks prepared ahead while the model is fitted, at most: a prepared chunk keeps its word hashes and segment
 * numbers (about 4 MB per chunk of 25,000), so the other workers need not wait for the fit (24 chunks: 600,000 questions, at most about 100 MB).
 */
const PREPARE_AHEAD_CHUNKS = 24;

/**
 * Each distinct question is prepared and assigned once, in the workers; a repeat takes its first occurrence's
 * results. A question's text is known once its first occurrence's chunk is prepared: texts are handed to
 * `onQuestionsReady` as the prefix of questions whose first occurrences are all prepared grows.
 */
async function analyzeInWorkers(
  pool: TopicWorkerPool,
  {
    questions,
    sampleSources,
    sample,
    options,
    cpuAtStart,
    onQuestionsReady,
    releaseSources,
    chunkSize = CHUNK_SIZE,
  }: {
    questions: TopicQuestions;
    sampleSources: QuestionSources;
    sample: Int32Array;
    options: TopicModelOptions;
    cpuAtStart: NodeJS.CpuUsage;
  } & AnalyzeTopicsOptions,
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
  const distinctSources = select(questions, distinct);
  if (releaseSources) {
    questions.channels.length = 0;
    questions.subjects.length = 0;
    questions.bodies.length = 0;
  }
  const result: AssignJobResult = {
    texts: new Array<string>(distinctCount),
    languages: new Array<QuestionLanguage>(distinctCount),
    assignment: new Int32Array(distinctCount).fill(-1),
    similarity: new Float32Array(distinctCount),
  };
  const all: AssignJobResult = {
    texts: new Array<string>(count),
    languages: new Array<QuestionLanguage>(count),
    assignment: new Int32Array(count),
    similarity: new Float32Array(count),
  };
  // Distinct questions 0 .. known - 1 have their texts; questions 0 .. handed - 1 went to `onQuestionsReady`.
  const preparedRanges = new Map<number, number>();
  let known = 0;
  let handed = 0;
  let written: Promise<void> = Promise.resolve();
  const onPrepared = (start: number, end: number): void => {
    preparedRanges.set(start, end);
    while (preparedRanges.has(known)) {
      const end = preparedRanges.get(known)!;
      preparedRanges.delete(known);
      known = end;
    }
    const ready = known < distinctCount ? distinct[known]! : count;
    if (ready <= handed) return;
    for (let i = handed; i < ready; i++) {
      const j = position[first[i]!]!;
      all.texts[i] = result.texts[j]!;
      all.languages[i] = result.languages[j]!;
    }
    const from = handed;
    handed = ready;
    if (!onQuestionsReady) return;
    written = written.then(() => onQuestionsReady(all.texts, all.languages, from, ready));
    // Handled here so that a failed write waits for the end of the analysis to be reported, not as an unhandled rejection.
    written.catch(() => undefined);
  };
  let timings: { fit: FitJobResult; fitMs: number; fitCpuMs: number; assignMs: number };
  try {
    timings = await assignInWorkers(pool, { questions: distinctSources, result, onPrepared, chunkSize }, fitting, fitStart, cpuAtStart);
  } catch (error) {
    await written.catch(() => undefined);
    throw error;
  }
  await written;
  for (let i = 0; i < count; i++) {
    const j = position[first[i]!]!;
    all.assignment[i] = result.assignment[j]!;
    all.similarity[i] = result.similarity[j]!;
  }
  const { fit, fitMs, fitCpuMs, assignMs } = timings;
  return combine(all, fit, { sample, fitMs, fitCpuMs, assignMs, workers: pool.size });
}

/**
 * Worker 0 fits (the request is already sent) while the others prepare chunks (extract, redact, tokenize, hash); once the model is known every
 * worker first assigns the prepared chunks, then takes the remaining chunks whole, one at a time from a shared
 * queue, so a core slowed by other load simply takes fewer.
 */
async function assignInWorkers(
  pool: TopicWorkerPool,
  {
    questions,
    result: all,
    onPrepared,
    chunkSize,
  }: { questions: QuestionSources; result: AssignJobResult; onPrepared: (start: number, end: number) => void; chunkSize: number },
  fitRequest: Promise<TopicWorkerResponse & { ok: true }>,
  fitStart: number,
  cpuAtStart: NodeJS.CpuUsage,
): Promise<{ fit: FitJobResult; fitMs: number; fitCpuMs: number; assignMs: number }> {
  const count = questions.bodies.length;
  const raw = splitRanges(count, Math.max(1, Math.ceil(count / chunkSize)));
  const prepared: { start: number; chunk: EmbedChunk }[] = [];
  let fitted = false;
  const fitting = fitRequest.then((response) => {
    fitted = true;
    return response.fit!;
  });
  const keepTexts = (start: number, texts: readonly string[], languages: readonly QuestionLanguage[]): void => {
    for (let i = 0; i < texts.length; i++) {
      all.texts[start + i] = texts[i]!;
      all.languages[start + i] = languages[i]!;
    }
    onPrepared(start, start + texts.length);
  };
  const prepareAhead = async (worker: number): Promise<void> => {
    while (!fitted && raw.length > 0 && prepared.length < PREPARE_AHEAD_CHUNKS) {
      const [start, end] = raw.shift()!;
      const response = await pool.call(worker, { kind: 'prepare', sources: take(questions, start, end), options: { distinct: true } });
      const { texts, languages, ...chunk } = response.prepare!;
      keepTexts(start, texts, languages);
      prepared.push({ start, chunk });
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
        const response = await pool.call(worker, { kind: 'embed', chunk: next.chunk });
        all.assignment.set(response.embed!.assignment, next.start);
        all.similarity.set(response.embed!.similarity, next.start);
        continue;
      }
      const range = raw.shift();
      if (!range) return;
      const [start, end] = range;
      const response = await pool.call(worker, { kind: 'assign', sources: take(questions, start, end), options: { distinct: true } });
      const result = response.assign!;
      keepTexts(start, result.texts, result.languages);
      all.assignment.set(result.assignment, start);
      all.similarity.set(result.similarity, start);
    }
  };
  await Promise.all([drain(0), ...ahead.map((done, i) => done.then(() => drain(i + 1)))]);
  return { fit, fitMs, fitCpuMs, assignMs: Date.now() - assignStart };
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

/** `slice`, leaving the taken range of `questions` empty: the worker gets the only copy, freed once it is done. */
function take(questions: QuestionSources, start: number, end: number): QuestionSources {
  const taken = slice(questions, start, end);
  questions.channels.fill('', start, end);
  questions.subjects.fill(null, start, end);
  questions.bodies.fill('', start, end);
  return taken;
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
