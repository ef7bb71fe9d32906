import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describeDatabaseLocation, openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { countConversationsByChannel, hasConversations } from '../../db/conversation-queries.js';
import { type IngestTarget, runIngest } from '../../ingest/run-ingest.js';
import { generateDemoData } from '../demo/generate-demo-data.js';
import { loadConfig } from '../config.js';
import { dbOption, UsageError } from '../options.js';
import { DEFAULT_HOST, DEFAULT_PORT, startDashboard } from './serve-command.js';
import { runAnalysis } from './analyze-command.js';

/** `npm start`: demo data into an empty database, ingest and every analysis, then (with --serve) the dashboard. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('Generate demo data when the database is empty, then run the pipeline on it')
    .addOption(dbOption())
    .option('--dir <dir>', 'where the demo files go', './demo')
    .option('--days <n>', 'days of demo data', '90')
    .option('--serve', 'then serve the dashboard on 127.0.0.1 until interrupted')
    .option('--port <number>', 'dashboard port with --serve', String(DEFAULT_PORT))
    .action(async (options: { db: string; dir: string; days: string; serve?: boolean; port: string }) => {
      const location = parseDatabaseLocation(options.db);
      const where = describeDatabaseLocation(location);
      const handle = await openLocation(location);
      try {
        if (!(await hasConversations(handle.db))) {
          if (!existsSync(join(options.dir, 'inbox'))) {
            const generated = generateDemoData({ outDir: options.dir, days: Number(options.days), seed: 1 });
            process.stdout.write(
              `demo data: ${generated.conversations} conversations, ${generated.messages} messages in ${options.dir} (volatility days ${generated.spikeDays.join(', ')})\n`,
            );
          }
          const target: IngestTarget | undefined =
            handle.sqlite !== undefined
              ? { ...handle, sqlite: handle.sqlite }
              : handle.postgres !== undefined
                ? { engine: 'postgres', db: handle.db, pool: handle.postgres }
                : undefined;
          if (target === undefined) throw new Error(`${where}: neither a SQLite nor a PostgreSQL handle`);
          const summary = await runIngest(target, { paths: [join(options.dir, 'inbox'), join(options.dir, 'faq')], timezone: 'UTC' });
          process.stdout.write(
            `ingest run ${summary.runId} ${summary.status}: ${summary.files.length} files, ${summary.records.read} records read, ${summary.records.inserted} inserted, ${summary.records.rejected} rejected\n`,
          );
        } else {
          process.stdout.write(`${where} already holds data; nothing generated\n`);
        }
        const analysis = await runAnalysis(handle, await loadConfig());
        process.stdout.write(
          `analysis run ${analysis.runId} ${analysis.status} in ${(analysis.durationMs / 1000).toFixed(1)} s${analysis.error ? `: ${analysis.error}` : ''}\n`,
        );
        const counts = await countConversationsByChannel(handle.db);
        for (const row of counts) process.stdout.write(`  ${row.channel}: ${row.conversations} conversations\n`);
        process.stdout.write(`database: ${where}\nnext: node dist/cli/main.js report response-times --group-by channel --db ${where}\n`);
      } finally {
        await handle.close();
      }
      if (options.serve) {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${options.port}" is not a port number`);
        await startDashboard({ db: options.db, config: await loadConfig(), host: DEFAULT_HOST, port });
      }
    });
}
