import { Command, Option } from 'commander';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { csvCell } from '../../analysis/export/csv-line.js';
import { METRIC_DEFINITIONS } from '../../analysis/metric-definitions.js';
import { formatDuration } from '../../analysis/response-times/duration-text.js';
import { getTopicReport, type TopicReport } from '../../analysis/topics/topic-report.js';
import { formatTable } from '../format-table.js';
import { dbOption, UsageError } from '../options.js';
import { loadConfig } from '../config.js';
import { filterOptions, resolveReportRange, type FilterFlags } from '../report-options.js';

interface ReportTopicsOptions extends FilterFlags {
  db: string;
  config?: string;
  format: 'table' | 'csv' | 'json';
  examples: string;
}

const DEFAULT_DAYS = 30;

/** `supportlens report topics`. */
export function reportTopicsCommand(): Command {
  const command = new Command('topics')
    .description('Topics by volume in a date range, with growth, median first response, channels and example questions')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file, for the reporting time zone of --from/--to');
  for (const option of filterOptions()) command.addOption(option);
  return command
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .option('--examples <n>', 'example questions per topic', '3')
    .addHelpText(
      'after',
      `
Uses the topics and response-time facts of the latest "supportlens analyze". --to defaults to the day of the latest
conversation, --from to ${DEFAULT_DAYS} days before --to. Growth compares with the previous period of equal length.
The median first response is over the topic's answered conversations. Questions are shown redacted.
${METRIC_DEFINITIONS.firstResponse}
${METRIC_DEFINITIONS.inPeriod}`,
    )
    .action(async (options: ReportTopicsOptions) => {
      const examples = Number(options.examples);
      if (!Number.isInteger(examples) || examples < 0) throw new UsageError(`--examples must be a whole number, got "${options.examples}"`);
      const config = await loadConfig(options.config);
      const zone = config.responseTimes.reportingTimeZone;
      const handle = await openLocation(parseDatabaseLocation(options.db));
      try {
        const filter = await resolveReportRange(handle.db, options, { zone, defaultDays: DEFAULT_DAYS });
        const report = await getTopicReport(handle.db, filter, { examples });
        process.stdout.write(render(report, options.format));
      } finally {
        await handle.close();
      }
    });
}

function render(report: TopicReport, format: 'table' | 'csv' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const header = ['topic', 'label', 'conversations', 'previous', 'growth', 'median_first_response', 'unanswered', 'channels', 'languages', 'examples'];
  const rows = report.topics.map((topic) => [
    topic.topicId,
    topic.label,
    topic.conversations,
    topic.previousConversations,
    topic.growth === null ? null : `${topic.growth >= 0 ? '+' : ''}${Math.round(topic.growth * 100)}%`,
    topic.medianFirstResponseMs === null ? null : formatDuration(topic.medianFirstResponseMs),
    topic.unanswered,
    topic.channels.map((c) => `${c.channel} ${c.conversations}`).join(', '),
    topic.languages.map((l) => `${l.language} ${l.conversations}`).join(', '),
    topic.examples.map((e) => `[${e.conversationId}] ${e.question}`).join(format === 'csv' ? '\n' : ' | '),
  ]);
  if (format === 'csv') {
    return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
  }
  if (rows.length === 0) return 'no topics in this range (has "supportlens analyze" run?)\n';
  const range = `${new Date(report.from).toISOString()} .. ${new Date(report.to).toISOString()}${report.channels.length > 0 ? `, channel ${report.channels.join(', ')}` : ''}`;
  return `topics, ${range} (analysis run ${report.analysisRunId})\n${formatTable(
    header,
    rows.map((row) =>
      row.map((cell, i) => (i === 8 && typeof cell === 'string' ? oneLine(cell, 100) : i === 1 && typeof cell === 'string' ? oneLine(cell, 40) : cell)),
    ),
  )}\n`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
