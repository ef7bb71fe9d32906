import { Command, Option } from 'commander';
import { openDatabase } from '../../db/connection.js';
import { parseDatabaseLocation } from '../../db/database-location.js';
import { openPostgres } from '../../db/postgres-connection.js';
import {
  IngestUsageError,
  prepareIngest,
  runIngest,
  type IngestOptions,
  type IngestProgress,
  type IngestSummary,
  type IngestTarget,
  type PreparedIngest,
} from '../../ingest/run-ingest.js';
import { formatTable } from '../format-table.js';
import { dbOption, EXIT_NOTHING_READ, EXIT_OK, EXIT_PARTIAL, UsageError } from '../options.js';
import { createProgressLine } from '../progress.js';

interface IngestCommandOptions {
  db: string;
  timezone: string;
  json?: boolean;
  quiet?: boolean;
  worker: boolean;
}

/**
 * Test hook for the fault test: `SUPPORTLENS_TEST_PROGRESS=1` writes a progress report after every batch to stderr,
 * one line `progress <file index> <records read of that file>`, so that a test can kill the process at a chosen
 * point inside a file.
 */
const PROGRESS_HOOK_VARIABLE = 'SUPPORTLENS_TEST_PROGRESS';

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('Load conversations, messages and FAQ entries from files or folders (format detected from content)')
    .argument('<paths...>', 'files or folders (folders are read recursively, hidden entries skipped)')
    .addOption(dbOption())
    .addOption(new Option('--timezone <zone>', 'IANA time zone for timestamps that carry no zone').default('UTC'))
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress and no summary table')
    .option('--no-worker', 'parse in the main thread instead of a second one (for one-core machines and comparisons)')
    .addHelpText(
      'after',
      `
Formats: conversations as JSON Lines (or a JSON array), messages as CSV, FAQ entries as Markdown with front matter,
CSV, JSON or JSON Lines. Every record is inserted, updated, recognised as unchanged, or rejected with its file,
line and reason (see "supportlens rejects"). Each file is one transaction: it loads completely or not at all.

Folders are walked by real path: a file or folder reached again through a link (a loop, a second way in) or a
broken link is skipped and listed in the summary. A file or folder that cannot be read (no permission) is named
with the system's error and the others are loaded.

Exit codes: 0 all files read (some records may be rejected, an empty file is a warning; see the summary), 1 some
files or folders could not be read, 2 bad arguments (a missing path, an unknown time zone), 3 nothing could be read
(every file failed, or no file was found).`,
    )
    .action(async (paths: string[], options: IngestCommandOptions) => {
      const ingestOptions: IngestOptions = { paths, timezone: options.timezone, parseInWorker: options.worker };
      // Lists the files and starts parsing the first large one while the database opens.
      let prepared: PreparedIngest;
      try {
        prepared = await prepareIngest(ingestOptions);
      } catch (error) {
        if (error instanceof IngestUsageError) throw new UsageError(error.message);
        throw error;
      }
      let handle: IngestTarget & { close(): Promise<void> };
      try {
        const location = parseDatabaseLocation(options.db);
        handle =
          location.engine === 'sqlite' ? await openDatabase({ path: location.path }) : { engine: 'postgres', ...(await openPostgres({ url: location.url })) };
      } catch (error) {
        await prepared.dispose();
        throw error;
      }
      const progress = createProgressLine(process.stderr, !options.quiet && !options.json);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let summary: IngestSummary;
      try {
        const hook = process.env[PROGRESS_HOOK_VARIABLE] === '1';
        const onProgress = (p: IngestProgress): void => {
          progress.update(p);
          if (hook) process.stderr.write(`progress ${p.fileIndex} ${p.records}\n`);
        };
        summary = await runIngest(handle, { ...ingestOptions, signal: controller.signal, onProgress, ...(hook ? { progressIntervalMs: 0 } : {}) }, prepared);
      } catch (error) {
        if (error instanceof IngestUsageError) throw new UsageError(error.message);
        throw error;
      } finally {
        progress.clear();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await handle.close();
      }
      if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, peakRssBytes: process.resourceUsage().maxRSS * 1024 }, null, 2)}\n`);
      else if (!options.quiet) process.stdout.write(`${formatSummary(summary)}\n`);
      process.exitCode = exitCodeFor(summary);
    });
}

/** Empty files are a warning, not a failure: a run of only empty files succeeded and exits 0, as its summary says. */
export function exitCodeFor(summary: IngestSummary): number {
  if (summary.status === 'failed' || summary.files.length === 0) return EXIT_NOTHING_READ;
  if (summary.status !== 'succeeded') return EXIT_PARTIAL;
  return EXIT_OK;
}

function formatSummary(summary: IngestSummary): string {
  const rows = summary.files.map((file) => [
    file.path,
    file.format ?? file.status,
    file.records.read,
    file.records.inserted,
    file.records.updated,
    file.records.unchanged,
    file.records.rejected,
    file.messages.read,
    file.warnings,
  ]);
  rows.push([
    'total',
    '',
    summary.records.read,
    summary.records.inserted,
    summary.records.updated,
    summary.records.unchanged,
    summary.records.rejected,
    summary.messages.read,
    summary.warnings,
  ]);
  const lines = [formatTable(['file', 'format', 'read', 'inserted', 'updated', 'unchanged', 'rejected', 'messages', 'warnings'], rows)];
  for (const file of summary.files) {
    if (file.error) lines.push(`error: ${file.path}: ${file.error}`);
    else if (file.status === 'empty') lines.push(`warning: ${file.path}: the file is empty: nothing to read`);
  }
  if (summary.files.length === 0) lines.push('no file found to read');
  const placed = summary.files.reduce((sum, file) => sum + file.placed, 0);
  if (placed > 0) lines.push(`joined: ${placed} comments, parts or events read in earlier files or runs were placed in their conversations`);
  const { conversation, author } = summary.waiting;
  if (conversation + author > 0) {
    lines.push(
      `waiting: ${[conversation > 0 ? `${conversation} for their ticket or conversation` : '', author > 0 ? `${author} for their author's role (a users, admins or contacts file)` : ''].filter(Boolean).join(', ')}; kept and placed when it arrives`,
    );
  }
  for (const entry of summary.skipped) if (entry.kind === 'link') lines.push(`skipped: ${entry.path}: ${entry.reason}`);
  const seconds = summary.durationMs / 1000;
  lines.push(
    `run ${summary.runId} ${summary.status} in ${seconds.toFixed(1)} s` +
      (summary.records.rejected + summary.messages.rejected + summary.warnings > 0 ? `; see: supportlens rejects --run ${summary.runId}` : ''),
  );
  return lines.join('\n');
}
