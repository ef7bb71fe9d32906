import { hostname } from 'node:os';
import { Command } from 'commander';
import { markAbandonedRuns } from '../../db/abandoned-runs.js';
import { finishAnalysisRun, insertAnalysisRun } from '../../db/analysis-runs.js';
import { refreshPostgresStatistics } from '../../db/postgres-statistics.js';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import type { EngineTarget } from '../../db/engine-statements.js';
import { computeResponseFacts } from '../../analysis/response-times/response-facts-store.js';
import { computeTopics } from '../../analysis/topics/compute-topics.js';
import { computeFaqMatches } from '../../analysis/faq/compute-faq-matches.js';
import { computeAlerts } from '../../analysis/alerts/alerts-store.js';
import { loadConfig, type SupportlensConfig } from '../config.js';
import { formatTable } from '../format-table.js';
import { dbOption } from '../options.js';

interface AnalyzeCommandOptions {
  db: string;
  config?: string;
  json?: boolean;
  quiet?: boolean;
}

/** One analysis of `supportlens analyze`; its result (counts, with `durationMs`) goes into the run summary. */
export interface AnalysisStep {
  name: string;
  run(handle: EngineTarget, config: SupportlensConfig, runId: number): Promise<Record<string, number>>;
}

/** Run in this order, every time, each over all stored conversations. Later analyses append themselves here. */
export const ANALYSIS_STEPS: readonly AnalysisStep[] = [
  {
    name: 'responseTimes',
    run: async (handle, config, runId) => ({ ...(await computeResponseFacts(handle, config.responseTimes, { runId })) }),
  },
  {
    name: 'topics',
    run: async (handle, config, runId) => {
      const { questions, topics, topicsKept, durationMs } = await computeTopics(handle, config.topics, { analysisRunId: runId });
      return { questions, topics, topicsKept, durationMs };
    },
  },
  {
    // Reads the redacted questions the topics step stores.
    name: 'faq',
    run: async (handle, config, runId) => {
      const { questions, covered, coveredAcrossLanguages, coveredThreshold, thresholdSource, entries, distinctQuestions, rankingThreads, durationMs } =
        await computeFaqMatches(handle, config.faq, {
          analysisRunId: runId,
          // The same threads as the topics step, which has finished by now.
          workers: config.topics.workers,
        });
      // The threshold is kept in the run summary: reports group topics into missing articles with the same cut.
      return {
        questions,
        covered,
        coveredAcrossLanguages,
        coveredThreshold,
        thresholdCalibrated: thresholdSource === 'calibrated' ? 1 : 0,
        entries,
        distinctQuestions,
        rankingThreads,
        durationMs,
      };
    },
  },
  {
    // Reads the facts and topic assignments of this run; a bad events line is reported and skipped, never fatal.
    name: 'alerts',
    run: async (handle, config, runId) => {
      const result = await computeAlerts(handle, { settings: config.alerts, responseTimes: config.responseTimes }, { analysisRunId: runId });
      for (const problem of result.eventProblems)
        process.stderr.write(`supportlens: events ${problem.path}${problem.line > 0 ? `:${problem.line}` : ''}: ${problem.reason}\n`);
      return {
        spikes: result.spikes,
        targetDrops: result.targetDrops,
        events: result.events,
        eventProblems: result.eventProblems.length,
        durationMs: result.durationMs,
      };
    },
  },
];

export interface AnalysisRunSummary {
  runId: number;
  status: 'succeeded' | 'failed';
  config: string;
  analyses: Record<string, Record<string, number>>;
  durationMs: number;
  error?: string;
}

/**
 * Test hook for the kill tests: `SUPPORTLENS_TEST_KILL_AFTER_STEP=topics` makes the process kill itself (SIGKILL)
 * right after that step has written its results, before the run is marked succeeded.
 */
const KILL_AFTER_STEP_VARIABLE = 'SUPPORTLENS_TEST_KILL_AFTER_STEP';

/**
 * Records an analysis run and runs every step. Each step writes its results under the run's id, beside those of
 * the latest succeeded run, which readers keep showing; the run becomes visible all at once when one transaction
 * marks it `succeeded` and prunes the results of older runs. A run that fails, or whose process is killed, is never
 * read. The run summary holds per-analysis counts and durations.
 *
 * @example
 * const summary = await runAnalysis(handle, await loadConfig());
 */
export async function runAnalysis(
  handle: EngineTarget,
  config: SupportlensConfig,
  steps: readonly AnalysisStep[] = ANALYSIS_STEPS,
): Promise<AnalysisRunSummary> {
  const { db } = handle;
  // On PostgreSQL, figures for the planner on what a load changed (ingest gathers them, a load by other means may not).
  if (handle.sqlite === undefined) await refreshPostgresStatistics(db);
  await markAbandonedRuns(handle.db, 'analysis_runs', 'the process ended before the run finished; the previous results were kept');
  const startedAt = Date.now();
  const runId = await insertAnalysisRun(db, { startedAt, pid: process.pid, hostname: hostname() });
  const summary: AnalysisRunSummary = { runId, status: 'succeeded', config: config.source, analyses: {}, durationMs: 0 };
  try {
    for (const step of steps) {
      summary.analyses[step.name] = await step.run(handle, config, runId);
      if (process.env[KILL_AFTER_STEP_VARIABLE] === step.name) process.kill(process.pid, 'SIGKILL');
    }
  } catch (error) {
    summary.status = 'failed';
    summary.error = (error as Error).message ?? String(error);
  }
  summary.durationMs = Date.now() - startedAt;
  await finishAnalysisRun(handle, {
    runId,
    finishedAt: Date.now(),
    status: summary.status,
    summary: { config: summary.config, analyses: summary.analyses, durationMs: summary.durationMs },
    error: summary.error ?? null,
  });
  // The reports read what the run wrote (and the rows it pruned are gone): planned on figures of the tables as they are now.
  if (handle.sqlite === undefined) await refreshPostgresStatistics(db);
  return summary;
}

/** `supportlens analyze`: one recorded run of every analysis step. */
export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('Recompute every analysis (response-time facts, ...) from the stored conversations')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file (default ./supportlens.config.json if present)')
    .option('--json', 'print the run summary as JSON')
    .option('--quiet', 'print nothing on success')
    .addHelpText(
      'after',
      `
Each run is recorded (see the analysis_runs table) and recomputes from the raw messages, so a change of business
hours or targets applies to the whole history. Exit codes: 0 succeeded, 1 an analysis failed, 2 bad arguments or
configuration.`,
    )
    .action(async (options: AnalyzeCommandOptions) => {
      const config = await loadConfig(options.config);
      const handle = await openLocation(parseDatabaseLocation(options.db));
      let summary: AnalysisRunSummary;
      try {
        summary = await runAnalysis(handle, config);
      } finally {
        await handle.close();
      }
      if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else if (!options.quiet || summary.status !== 'succeeded') {
        const rows = Object.entries(summary.analyses).flatMap(([name, counts]) =>
          Object.entries(counts).map(([key, value]) => [name, key, value] as (string | number)[]),
        );
        if (rows.length > 0) process.stdout.write(`${formatTable(['analysis', 'count', 'value'], rows)}\n`);
        process.stdout.write(`analysis run ${summary.runId} ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s (config: ${summary.config})\n`);
      }
      if (summary.error) process.stderr.write(`supportlens: analysis failed: ${summary.error}\n`);
      process.exitCode = summary.status === 'succeeded' ? 0 : 1;
    });
}
