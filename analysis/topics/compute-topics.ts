import type { EngineTarget } from '../../db/engine-statements.js';
import { analyzeTopics } from './analyze-topics.js';
import { settleTopics } from './merge-across-languages.js';
import { assignTopicIds } from './match-topic-ids.js';
import type { TopicsConfig } from './topics-config.js';
import { beginTopicResults, listPreviousTopics, listTopicQuestions, useSmallPageCache } from './topics-store.js';

export interface ComputeTopicsContext {
  /** The `analysis_runs` row this computation belongs to. */
  analysisRunId: number;
}

export interface TopicsSummary {
  questions: number;
  topics: number;
  /** Topics that kept an earlier run's id. */
  topicsKept: number;
  fittedOn: number;
  workers: number;
  readMs: number;
  fitMs: number;
  assignMs: number;
  writeMs: number;
  durationMs: number;
  /** CPU time (user + system, every thread of the process) spent in each phase; fit includes preparing ahead. */
  cpuMs: { read: number; fit: number; assign: number; write: number };
}

/** CPU milliseconds of the whole process (worker threads included) since `since`. */
function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/**
 * Topics for `supportlens analyze`: reads every conversation's question, groups them (worker threads), gives each
 * topic a stable id (matching the previous run's topics by term signature), and stores the run's redacted questions
 * (while the workers assign), then its topics and assignments (in one transaction).
 *
 * @example
 * const summary = await computeTopics(handle, DEFAULT_TOPICS_CONFIG, { analysisRunId: run.id });
 */
export async function computeTopics(handle: EngineTarget, config: TopicsConfig, context: ComputeTopicsContext): Promise<TopicsSummary> {
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  const { questions, analyzed, results, readMs, readCpuMs, cpuBeforeAnalysis } = await readAndGroup(handle, config, context, cpuAtStart);
  // The same question in English and in Chinese is one topic (the cross-language matching the FAQ-gap report shares).
  const analysis = settleTopics(analyzed);
  const previous = await listPreviousTopics(handle.db, context.analysisRunId);
  const ids = assignTopicIds(
    analysis.topics.map((topic) => topic.signature),
    previous.topics,
    { nextId: previous.highestId + 1, minSimilarity: config.idMatchThreshold },
  );
  const topicIds = new Int32Array(analysis.assignment.length);
  for (let i = 0; i < topicIds.length; i++) {
    const topic = analysis.assignment[i]!;
    topicIds[i] = topic < 0 ? -1 : ids[topic]!;
  }
  const writeStart = Date.now();
  const analysisCpuMs = cpuMsSince(cpuBeforeAnalysis);
  const cpuBeforeWrite = process.cpuUsage();
  await results.finish({
    topics: analysis.topics.map((topic, i) => ({
      topicId: ids[i]!,
      label: topic.label,
      topTerms: topic.topTerms,
      signature: topic.signature,
      size: topic.size,
      representativeConversationId: topic.representative >= 0 ? questions.keys[topic.representative]! : null,
      representativeQuestion: topic.representative >= 0 ? analysis.texts[topic.representative]! : null,
    })),
    conversationIds: questions.keys,
    topicIds,
    similarity: analysis.similarity,
  });
  const previousIds = new Set(previous.topics.map((topic) => topic.topicId));
  return {
    questions: questions.keys.length,
    topics: analysis.topics.length,
    topicsKept: ids.filter((id) => previousIds.has(id)).length,
    fittedOn: analysis.fittedOn,
    workers: analysis.workers,
    readMs,
    fitMs: analysis.timings.fitMs,
    assignMs: analysis.timings.assignMs,
    writeMs: Date.now() - writeStart,
    durationMs: Date.now() - started,
    cpuMs: { read: readCpuMs, fit: analysis.timings.fitCpuMs, assign: analysisCpuMs - analysis.timings.fitCpuMs, write: cpuMsSince(cpuBeforeWrite) },
  };
}

/**
 * Reads the questions, starts the run's results and groups the questions, storing the redacted ones meanwhile. Reading
 * and appending need little page cache: the memory goes to the workers until the topics and assignments are written.
 */
async function readAndGroup(handle: EngineTarget, config: TopicsConfig, context: ComputeTopicsContext, cpuAtStart: NodeJS.CpuUsage) {
  const started = Date.now();
  const restoreCache = useSmallPageCache(handle.sqlite);
  try {
    const questions = await listTopicQuestions(handle);
    const readMs = Date.now() - started;
    const readCpuMs = cpuMsSince(cpuAtStart);
    const cpuBeforeAnalysis = process.cpuUsage();
    const results = await beginTopicResults(handle, context.analysisRunId);
    const keys = questions.keys;
    // The redacted questions are stored while the workers still assign; the messages are freed as the workers take them.
    const analyzed = await analyzeTopics(questions, config, {
      releaseSources: true,
      onQuestionsReady: (texts, languages, from, to) => results.writeQuestions(keys, texts, languages, from, to),
    });
    return { questions, analyzed, results, readMs, readCpuMs, cpuBeforeAnalysis };
  } finally {
    restoreCache();
  }
}
