import { hostname } from 'node:os';
import { Command } from 'commander';
import { openDatabase } from '../../db/connection.js';
import { computeFaqMatches } from '../../analysis/faq/compute-faq-matches.js';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../../analysis/faq/faq-matching-config.js';
import { computeTopics } from '../../analysis/topics/compute-topics.js';
import { DEFAULT_TOPICS_CONFIG } from '../../analysis/topics/topics-config.js';
import { dbOption } from '../options.js';

interface AnalyzeCommandOptions {
  db: string;
  json?: boolean;
}

// Minimal: runs the topics analysis and records the run. (Issue 3 brings the full command; the lead merges both.)
export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('Run every analysis over the stored conversations and record the run')
    .addOption(dbOption())
    .option('--json', 'print the run summary as JSON')
    .action(async (options: AnalyzeCommandOptions) => {
      const handle = await openDatabase({ path: options.db });
      try {
        const run = await handle.db
          .insertInto('analysis_runs')
          .values({ started_at: Date.now(), status: 'running', pid: process.pid, hostname: hostname() })
          .returning('id')
          .executeTakeFirstOrThrow();
        try {
          const topics = await computeTopics(handle, DEFAULT_TOPICS_CONFIG, { analysisRunId: run.id });
          // FAQ matching reads the redacted questions the topics step stores.
          const faq = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run.id });
          const summary = { topics, faq };
          await handle.db
            .updateTable('analysis_runs')
            .set({ status: 'succeeded', finished_at: Date.now(), summary: JSON.stringify(summary) })
            .where('id', '=', run.id)
            .execute();
          if (options.json) process.stdout.write(`${JSON.stringify({ run: run.id, ...summary }, null, 2)}\n`);
          else
            process.stdout.write(
              `analysis run ${run.id}: ${topics.questions} questions, ${topics.topics} topics (${topics.topicsKept} kept their ids) in ${(topics.durationMs / 1000).toFixed(1)} s; ` +
                `${faq.covered} of ${faq.questions} questions covered by ${faq.entries} FAQ entries in ${(faq.durationMs / 1000).toFixed(1)} s\n`,
            );
        } catch (error) {
          await handle.db
            .updateTable('analysis_runs')
            .set({ status: 'failed', finished_at: Date.now(), error: String((error as Error).message ?? error) })
            .where('id', '=', run.id)
            .execute();
          throw error;
        }
      } finally {
        await handle.close();
      }
    });
}
