import { parentPort, workerData } from 'node:worker_threads';
import { rankPacked, type RankJob } from './rank-distinct-questions.js';

// Ranks its share of the distinct questions (see `rankDistinctQuestions`) and answers once, the arrays transferred.
const packed = rankPacked(workerData as RankJob);
parentPort!.postMessage(packed, [
  packed.bestEntry.buffer,
  packed.bestScore.buffer,
  packed.bestCross.buffer,
  packed.ownEntry.buffer,
  packed.ownScore.buffer,
] as ArrayBuffer[]);
