import { parentPort } from 'node:worker_threads';
import { runAssignJob, runFitJob, type AssignJobResult, type FitJobResult, type QuestionSources } from './topic-jobs.js';
import type { TopicModel, TopicModelOptions } from './fit-topic-model.js';

/** A message to the topics worker. */
export type TopicWorkerRequest =
  | { kind: 'fit'; sources: QuestionSources; options: TopicModelOptions; totalQuestions: number }
  | { kind: 'assign'; sources: QuestionSources; model: TopicModel };

export type TopicWorkerResponse =
  | { ok: true; fit?: FitJobResult; assign?: AssignJobResult }
  | { ok: false; error: string };

parentPort?.on('message', (request: TopicWorkerRequest) => {
  try {
    const response: TopicWorkerResponse =
      request.kind === 'fit'
        ? { ok: true, fit: runFitJob(request.sources, request.options, request.totalQuestions) }
        : { ok: true, assign: runAssignJob(request.sources, request.model) };
    const transfer: ArrayBuffer[] = [];
    if (response.ok && response.assign) transfer.push(response.assign.assignment.buffer as ArrayBuffer, response.assign.similarity.buffer as ArrayBuffer);
    parentPort!.postMessage(response, transfer);
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: (error as Error).stack ?? String(error) } satisfies TopicWorkerResponse);
  }
});
