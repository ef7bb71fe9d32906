import { parentPort } from 'node:worker_threads';
import type { TopicModel, TopicModelOptions } from './fit-topic-model.js';
import { QuestionEmbedder } from './question-embedder.js';
import {
  runAssignJob,
  runEmbedJob,
  runFitJob,
  runPrepareJob,
  chunkBuffers,
  type AssignJobResult,
  type EmbedJobResult,
  type FitJobResult,
  type EmbedChunk,
  type PreparedChunk,
  type PrepareOptions,
  type QuestionSources,
} from './topic-jobs.js';

/** A message to the topics worker; each gets exactly one response, in order. */
export type TopicWorkerRequest =
  | { kind: 'fit'; sources: QuestionSources; options: TopicModelOptions; totalQuestions: number }
  | { kind: 'model'; model: TopicModel }
  | { kind: 'prepare'; sources: QuestionSources; options?: PrepareOptions }
  | { kind: 'embed'; chunk: EmbedChunk }
  | { kind: 'assign'; sources: QuestionSources; options?: PrepareOptions };

export type TopicWorkerResponse =
  | { ok: true; fit?: FitJobResult; prepare?: PreparedChunk; embed?: EmbedJobResult; assign?: AssignJobResult }
  | { ok: false; error: string };

// The model of the current analysis, sent once ('model') and used by every later job.
let current: { model: TopicModel; embedder: QuestionEmbedder } | undefined;

function handle(request: TopicWorkerRequest): { response: TopicWorkerResponse; transfer: ArrayBuffer[] } {
  switch (request.kind) {
    case 'fit':
      return { response: { ok: true, fit: runFitJob(request.sources, request.options, request.totalQuestions) }, transfer: [] };
    case 'model':
      current = { model: request.model, embedder: new QuestionEmbedder(request.model.vocabulary, request.model.space) };
      return { response: { ok: true }, transfer: [] };
    case 'prepare': {
      const prepare = runPrepareJob(request.sources, request.options);
      return { response: { ok: true, prepare }, transfer: chunkBuffers(prepare) };
    }
    case 'embed': {
      if (!current) throw new Error('no model: send "model" first');
      const embed = runEmbedJob(request.chunk, current.model, current.embedder);
      return { response: { ok: true, embed }, transfer: [embed.assignment.buffer, embed.similarity.buffer] as ArrayBuffer[] };
    }
    case 'assign': {
      if (!current) throw new Error('no model: send "model" first');
      const assign = runAssignJob(request.sources, current.model, current.embedder, request.options);
      return { response: { ok: true, assign }, transfer: [assign.assignment.buffer, assign.similarity.buffer] as ArrayBuffer[] };
    }
  }
}

parentPort?.on('message', (request: TopicWorkerRequest) => {
  try {
    const { response, transfer } = handle(request);
    parentPort!.postMessage(response, transfer);
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: (error as Error).stack ?? String(error) } satisfies TopicWorkerResponse);
  }
});
