import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { conversationColumns } from '../../analysis/export/conversation-columns.js';
import { exportConversations, type ExportColumnProvider, type ExportFormat } from '../../analysis/export/conversation-export.js';
import { METRIC_DEFINITIONS } from '../../analysis/metric-definitions.js';
import { topicColumns } from '../../analysis/topics/topic-columns.js';
import { faqMatchColumns } from '../../analysis/faq/faq-match-columns.js';
import { responseTimeColumns } from '../../analysis/response-times/response-time-columns.js';
import { loadConfig } from '../config.js';
import { dbOption, EnvironmentError, UsageError } from '../options.js';
import { filterFromFlags, filterOptions, type FilterFlags } from '../report-options.js';

/** The columns of `export conversations`, in order. A later analysis appends its provider here. */
export const CONVERSATION_EXPORT_PROVIDERS: readonly ExportColumnProvider[] = [conversationColumns, responseTimeColumns, topicColumns, faqMatchColumns];

const FORMATS: readonly ExportFormat[] = ['csv', 'jsonl'];

interface ExportConversationsFlags extends FilterFlags {
  db: string;
  config?: string;
  format: string;
  out?: string;
}

/** `supportlens export <what>`: one subcommand per export. */
export function exportCommand(): Command {
  const command = new Command('export').description('Write analysed data to files (CSV, JSON Lines)');
  command.addCommand(exportConversationsCommand());
  for (const sub of command.commands) sub.exitOverride();
  return command;
}

/** The `--out` file, opened; a folder that is missing or may not be written is one line that says so. */
async function openOutput(path: string): Promise<Writable> {
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
    return stream;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new EnvironmentError(`--out: the folder ${dirname(resolve(path))} does not exist: create it first, or give another path`);
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM')
      throw new EnvironmentError(`--out: this user may not write ${path}: give a path in a folder you may write`);
    if (code === 'EISDIR') throw new EnvironmentError(`--out: ${path} is a folder: give a file name`);
    throw error;
  }
}

function exportConversationsCommand(): Command {
  const command = new Command('conversations')
    .description('One row per conversation with its facts (response times, ...), streamed')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file, for the reporting time zone of --from/--to');
  for (const option of filterOptions()) command.addOption(option);
  return command
    .addOption(new Option('--format <format>', `one of ${FORMATS.join(', ')}`).default('csv'))
    .option('--out <file>', 'write to this file instead of standard output')
    .addHelpText('after', `\n${METRIC_DEFINITIONS.inPeriod}`)
    .action(async (flags: ExportConversationsFlags) => {
      const format = flags.format as ExportFormat;
      if (!FORMATS.includes(format)) throw new UsageError(`--format: "${flags.format}" is not one of ${FORMATS.join(', ')}`);
      const config = await loadConfig(flags.config);
      const filter = filterFromFlags(flags, config.responseTimes.reportingTimeZone);
      const handle = await openLocation(parseDatabaseLocation(flags.db));
      let out: Writable = process.stdout;
      try {
        if (flags.out !== undefined) {
          out = await openOutput(flags.out);
        }
        const rows = await exportConversations(handle, { providers: CONVERSATION_EXPORT_PROVIDERS, format, filter, out });
        if (flags.out !== undefined) {
          out.end();
          await once(out, 'finish');
          process.stderr.write(`${rows} conversations written to ${flags.out}\n`);
        }
      } finally {
        await handle.close();
      }
    });
}
