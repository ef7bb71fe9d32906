import { parentPort, workerData } from 'node:worker_threads';
import { rankingBuffers, rankPacked, type RankJob } from './rank-distinct-questions.js';

// Ranks its share of the distinct questions (see `rankDistinctQuestions`) and answers once, the arrays transferred.
const packed = rankPacked(workerData as RankJob);
parentPort!.postMessage(packed, rankingBuffers(packed));
