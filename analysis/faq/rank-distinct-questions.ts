import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildFaqIndex, type FaqEntryText } from './faq-index.js';
import type { FaqMatchingConfig } from './faq-matching-config.js';
import { findBestFaqEntries, type BestFaqEntries } from './find-best-faq-entries.js';

/** Of one question's ranking, what choosing its entry needs: the best entry, and the best in the question's language among the first `RANKED_PER_QUESTION`. */
export type QuestionRanking = BestFaqEntries;

/** Entries ranked per question: enough to find the best one in the question's language beside the best overall. */
export const RANKED_PER_QUESTION = 10;
/**
 * Below this many distinct questions the ranking stays in the calling thread: a worker spends about a second loading
 * the dictionaries and building its index, the time of some 7,000 rankings (bench:faq-scale: about 0.13 ms of CPU each).
 */
export const PARALLEL_FROM = 20_000;

/** What a worker is given: its share of the questions and the entries to build its own index from. */
export interface RankJob {
  entries: FaqEntryText[];
  config: FaqMatchingConfig;
  texts: string[];
}

/** Rankings packed in typed arrays, one slot per question (entry -1: none). */
export interface PackedRankings {
  bestEntry: Int32Array;
  bestScore: Float64Array;
  bestCross: Uint8Array;
  ownEntry: Int32Array;
  ownScore: Float64Array;
}

/**
 * Ranks each distinct question text against the entries, in `workers` threads when there are enough questions to be
 * worth it, else here; results are the same either way (each thread builds the same index from the same entries).
 *
 * @example
 * const rankings = await rankDistinctQuestions(entries, config, ['How do I reset 2FA?'], 2);
 */
export async function rankDistinctQuestions(
  entries: readonly FaqEntryText[],
  config: FaqMatchingConfig,
  texts: readonly string[],
  options: { workers: number; parallelFrom?: number },
): Promise<{ rankings: QuestionRanking[]; threads: number }> {
  // faq-rank-worker.js in the build, faq-rank-worker.ts when the sources run.
  const url = new URL(`./faq-rank-worker${extname(import.meta.url)}`, import.meta.url);
  if (options.workers < 1 || texts.length < (options.parallelFrom ?? PARALLEL_FROM))
    return { rankings: unpack(rankPacked({ entries: [...entries], config, texts: [...texts] })), threads: 0 };
  const share = Math.ceil(texts.length / options.workers);
  const parts = Array.from({ length: options.workers }, (_, i) => texts.slice(i * share, (i + 1) * share)).filter((part) => part.length > 0);
  const packed = await Promise.all(parts.map((part) => runWorker(url, { entries: [...entries], config, texts: part })));
  return { rankings: packed.flatMap(unpack), threads: parts.length };
}

/** One job's rankings, packed: what the worker runs, and the calling thread when it ranks alone. */
export function rankPacked(job: RankJob): PackedRankings {
  const index = buildFaqIndex(job.entries, job.config);
  const count = job.texts.length;
  const packed: PackedRankings = {
    bestEntry: new Int32Array(count).fill(-1),
    bestScore: new Float64Array(count),
    bestCross: new Uint8Array(count),
    ownEntry: new Int32Array(count).fill(-1),
    ownScore: new Float64Array(count),
  };
  job.texts.forEach((text, i) => {
    const { best, ownLanguage: own } = findBestFaqEntries(index, text, RANKED_PER_QUESTION);
    if (best !== undefined) {
      packed.bestEntry[i] = best.entry;
      packed.bestScore[i] = best.score;
      packed.bestCross[i] = best.crossLanguage ? 1 : 0;
    }
    if (own !== undefined) {
      packed.ownEntry[i] = own.entry;
      packed.ownScore[i] = own.score;
    }
  });
  return packed;
}

function unpack(packed: PackedRankings): QuestionRanking[] {
  return Array.from(packed.bestEntry, (bestEntry, i) => ({
    best: bestEntry < 0 ? undefined : { entry: bestEntry, score: packed.bestScore[i]!, crossLanguage: packed.bestCross[i] === 1 },
    ownLanguage: packed.ownEntry[i]! < 0 ? undefined : { entry: packed.ownEntry[i]!, score: packed.ownScore[i]! },
  }));
}

function runWorker(url: URL, job: RankJob): Promise<PackedRankings> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: job });
    let settled = false;
    worker.once('message', (packed: PackedRankings) => {
      settled = true;
      resolve(packed);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`FAQ ranking worker exited with code ${code} before answering`));
    });
  });
}
