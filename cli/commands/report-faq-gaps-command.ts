import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { getFaqGapReport } from '../../analysis/faq/faq-gap-report.js';
import { saveFaqGapReport } from '../../analysis/faq/faq-gap-store.js';
import { renderGapReport, type GapReportFormat } from '../../analysis/faq/render-gap-report.js';
import { dbOption } from '../options.js';
import { loadConfig } from '../config.js';
import { filterOptions, resolveReportRange } from '../report-options.js';
import { METRIC_DEFINITIONS } from '../../analysis/metric-definitions.js';

interface ReportFaqGapsOptions {
  db: string;
  config?: string;
  from?: string;
  to?: string;
  format: GapReportFormat;
  out?: string;
}

const DEFAULT_DAYS = 7;

/** `supportlens report faq-gaps`: the FAQ editor's report, compared with the previous one. */
export function reportFaqGapsCommand(): Command {
  const command = new Command('faq-gaps')
    .description('FAQ entries to write (NEW), update (UPDATE) or retire (UNUSED), with evidence, by priority')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file, for the reporting time zone of --from/--to');
  // The period only: a report is compared with the previous one of the same window, which a channel would change.
  for (const option of filterOptions().filter((option) => option.long !== '--channel')) command.addOption(option);
  return command
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json', 'markdown']).default('markdown'))
    .option('--out <file>', 'write the report to this file instead of standard output')
    .addHelpText(
      'after',
      `
Uses the topics, FAQ matches and response-time facts of the latest "supportlens analyze". --to defaults to the day of
the latest conversation, --from to ${DEFAULT_DAYS} days before --to. Growth compares with the previous period of
equal length. Each report is saved with its findings' ids, so the next one lists what is new and what is gone.
${METRIC_DEFINITIONS.priority}
${METRIC_DEFINITIONS.firstResponse}
${METRIC_DEFINITIONS.covered}
${METRIC_DEFINITIONS.inPeriod}`,
    )
    .action(async (options: ReportFaqGapsOptions) => {
      const config = await loadConfig(options.config);
      const zone = config.responseTimes.reportingTimeZone;
      const flags = { ...(options.from === undefined ? {} : { from: options.from }), ...(options.to === undefined ? {} : { to: options.to }) };
      const handle = await openLocation(parseDatabaseLocation(options.db));
      try {
        const { from, to } = await resolveReportRange(handle.db, flags, { zone, defaultDays: DEFAULT_DAYS });
        const report = await getFaqGapReport(handle.db, { from, to });
        const comparison = await saveFaqGapReport(handle.db, report, Date.now());
        const text = renderGapReport(report, comparison, options.format, { timeZone: zone });
        if (options.out === undefined) process.stdout.write(text);
        else {
          await writeFile(options.out, text);
          process.stderr.write(
            `wrote ${report.findings.length} findings (${comparison.newSinceLast.length} new, ${comparison.goneSinceLast.length} gone since the last report) to ${options.out}\n`,
          );
        }
      } finally {
        await handle.close();
      }
    });
}
