import { Command, Option } from 'commander';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { csvLine, type CsvValue } from '../../analysis/export/csv-line.js';
import { formatDuration } from '../../analysis/response-times/duration-text.js';
import type { DurationStatistics } from '../../analysis/response-times/duration-statistics.js';
import {
  getResponseTimeHeatmap,
  getResponseTimeReport,
  hasResponseFacts,
  listResponseTimeBreaches,
  RESPONSE_TIME_GROUP_BYS,
  type HeatmapCell,
  type ResponseTimeBreach,
  type ResponseTimeGroup,
  type ResponseTimeGroupBy,
  type ResponseTimeQueryOptions,
  type ResponseTimeReport,
  type TargetOutcome,
} from '../../analysis/response-times/response-time-queries.js';
import { loadConfig } from '../config.js';
import { METRIC_DEFINITIONS, withinTargetDefinition } from '../../analysis/metric-definitions.js';
import { DEFAULT_RESPONSE_TIME_CONFIG } from '../../analysis/response-times/response-time-config.js';
import { formatTable } from '../format-table.js';
import { dbOption, UsageError } from '../options.js';
import { asOfFromFlag, filterFromFlags, filterOptions, type FilterFlags } from '../report-options.js';

export type ReportFormat = 'table' | 'csv' | 'json';
const FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json'];

interface ReportResponseTimesOptions extends FilterFlags {
  db: string;
  config?: string;
  groupBy?: string;
  businessHours?: boolean;
  format: string;
  breaches?: boolean;
  heatmap?: boolean;
  asOf?: string;
}

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `supportlens report response-times`: figures, breaches or heatmap over the facts of the last analysis. */
/** The definitions this report's figures follow, quoted in its help (analysis/metric-definitions.ts). */
const RESPONSE_TIME_DEFINITIONS = [
  METRIC_DEFINITIONS.start,
  METRIC_DEFINITIONS.firstResponse,
  METRIC_DEFINITIONS.replyTime,
  METRIC_DEFINITIONS.resolution,
  METRIC_DEFINITIONS.businessTime,
  METRIC_DEFINITIONS.inPeriod,
  withinTargetDefinition(DEFAULT_RESPONSE_TIME_CONFIG.targets, 'defaults'),
];

export function reportResponseTimesCommand(): Command {
  const command = new Command('response-times')
    .description('First response, reply and resolution times: counts, mean, median, p90, p95, targets met')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file (default ./supportlens.config.json if present)');
  for (const option of filterOptions()) command.addOption(option);
  return command
    .option('--group-by <key>', `one of ${RESPONSE_TIME_GROUP_BYS.join(', ')} (days, weeks, months in the reporting time zone)`)
    .option('--business-hours', 'durations in business time instead of calendar time')
    .addOption(new Option('--format <format>', `one of ${FORMATS.join(', ')}`).default('table'))
    .option('--breaches', 'list the conversations that missed a target instead of the figures')
    .option('--heatmap', 'weekday x hour of incoming volume and median first response instead of the figures')
    .option('--as-of <instant>', 'measure the age of waiting conversations up to this ISO instant (default now)')
    .addHelpText(
      'after',
      `
Reads the facts of the last "supportlens analyze". Durations in CSV and JSON are milliseconds; percentiles are exact
over the conversations of each group (reply times: over every reply), by linear interpolation between closest ranks.

${RESPONSE_TIME_DEFINITIONS.join('\n')}`,
    )
    .action(async (options: ReportResponseTimesOptions) => {
      const format = options.format as ReportFormat;
      if (!FORMATS.includes(format)) throw new UsageError(`--format: "${options.format}" is not one of ${FORMATS.join(', ')}`);
      const groupBy = options.groupBy as ResponseTimeGroupBy | undefined;
      if (groupBy !== undefined && !RESPONSE_TIME_GROUP_BYS.includes(groupBy)) {
        throw new UsageError(`--group-by: "${options.groupBy}" is not one of ${RESPONSE_TIME_GROUP_BYS.join(', ')}`);
      }
      if (options.breaches && options.heatmap) throw new UsageError('--breaches and --heatmap: give one of them');
      const config = await loadConfig(options.config);
      const filter = filterFromFlags(options, config.responseTimes.reportingTimeZone);
      const queryOptions: ResponseTimeQueryOptions = {
        config: config.responseTimes,
        businessHours: options.businessHours ?? false,
        asOf: asOfFromFlag(options.asOf),
      };
      const handle = await openLocation(parseDatabaseLocation(options.db));
      try {
        if (!(await hasResponseFacts(handle.db))) process.stderr.write('supportlens: no response-time facts yet; run "supportlens analyze" first\n');
        let output: string;
        if (options.heatmap) output = formatHeatmap(await getResponseTimeHeatmap(handle.db, filter, queryOptions), format);
        else if (options.breaches) output = formatBreaches(await listResponseTimeBreaches(handle.db, filter, queryOptions), format);
        else output = formatReport(await getResponseTimeReport(handle.db, filter, queryOptions, groupBy ?? null), format);
        process.stdout.write(output);
      } finally {
        await handle.close();
      }
    });
}

const STATISTIC_NAMES = ['count', 'mean', 'median', 'p90', 'p95'] as const;
const MEASURES = [
  ['first_response', (group: ResponseTimeGroup) => group.firstResponse],
  ['reply', (group: ResponseTimeGroup) => group.reply],
  ['resolution', (group: ResponseTimeGroup) => group.resolution],
] as const;

function formatReport(report: ResponseTimeReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const rows = [...report.groups, report.total];
  const header = [
    report.groupBy ?? 'group',
    'conversations',
    'answered',
    'unanswered',
    'oldest_unanswered_ms',
    'waiting',
    'reopened',
    ...MEASURES.flatMap(([name]) => STATISTIC_NAMES.map((statistic) => `${name}_${statistic}${statistic === 'count' ? '' : '_ms'}`)),
    'first_response_target_met',
    'first_response_target_breached',
    'first_response_target_share',
    'resolution_target_met',
    'resolution_target_breached',
    'resolution_target_share',
  ];
  if (format === 'csv') {
    return [
      csvLine(header),
      ...rows.map((group) =>
        csvLine([
          group.key,
          group.conversations,
          group.answered,
          group.unanswered,
          round(group.oldestUnansweredAgeMs),
          group.waiting,
          group.reopened,
          ...MEASURES.flatMap(([, pick]) => statisticValues(pick(group)).map(round)),
          ...targetValues(group.firstResponseTarget),
          ...targetValues(group.resolutionTarget),
        ] as CsvValue[]),
      ),
    ].join('');
  }
  const table = formatTable(
    [
      report.groupBy ?? '',
      'convs',
      'answered',
      'unanswered',
      'oldest unanswered',
      'FRT mean',
      'FRT median',
      'FRT p90',
      'FRT p95',
      'FRT met',
      'reply median',
      'reply p90',
      'resolution median',
      'resolution p90',
      'resolved met',
    ],
    rows.map((group) => [
      group.key,
      group.conversations,
      group.answered,
      group.unanswered,
      formatDuration(group.oldestUnansweredAgeMs),
      formatDuration(group.firstResponse.mean),
      formatDuration(group.firstResponse.median),
      formatDuration(group.firstResponse.p90),
      formatDuration(group.firstResponse.p95),
      formatShare(group.firstResponseTarget),
      formatDuration(group.reply.median),
      formatDuration(group.reply.p90),
      formatDuration(group.resolution.median),
      formatDuration(group.resolution.p90),
      formatShare(group.resolutionTarget),
    ]),
  );
  return `${table}\n(${report.clock} time; days in ${report.reportingTimeZone}; ages as of ${new Date(report.asOf).toISOString()})\n`;
}

function statisticValues(statistics: DurationStatistics): (number | null)[] {
  return [statistics.count, statistics.mean, statistics.median, statistics.p90, statistics.p95];
}

function targetValues(target: TargetOutcome): CsvValue[] {
  return [target.met, target.breached, target.share === null ? null : Number(target.share.toFixed(4))];
}

function formatShare(target: TargetOutcome): string {
  return target.share === null ? '' : `${(target.share * 100).toFixed(1)}%`;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

function formatHeatmap(cells: HeatmapCell[], format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(cells, null, 2)}\n`;
  if (format === 'csv') {
    return [
      csvLine(['weekday', 'hour', 'conversations', 'median_first_response_ms']),
      ...cells.map((cell) => csvLine([WEEKDAY_NAMES[cell.weekday - 1], cell.hour, cell.conversations, round(cell.medianFirstResponseMs)])),
    ].join('');
  }
  const hours = Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0'));
  const grid = (pick: (cell: HeatmapCell) => string | number) =>
    formatTable(
      ['', ...hours],
      WEEKDAY_NAMES.map((name, index) => [name, ...cells.slice(index * 24, index * 24 + 24).map(pick)]),
    );
  return `incoming conversations\n${grid((cell) => cell.conversations)}\n\nmedian first response\n${grid((cell) => formatDuration(cell.medianFirstResponseMs))}\n`;
}

function formatBreaches(breaches: ResponseTimeBreach[], format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(breaches, null, 2)}\n`;
  const header = ['conversation', 'channel', 'agent', 'start', 'kind', 'status', 'duration_ms', 'target_ms', 'basis'];
  if (format === 'csv') {
    return [
      csvLine(header),
      ...breaches.map((b) =>
        csvLine([b.externalId, b.channel, b.agent, new Date(b.startAt).toISOString(), b.kind, b.status, b.durationMs, b.targetMs, b.basis]),
      ),
    ].join('');
  }
  if (breaches.length === 0) return 'no breaches\n';
  return `${formatTable(
    ['conversation', 'channel', 'agent', 'start', 'kind', 'status', 'took', 'target', 'basis'],
    breaches.map((b) => [
      b.externalId,
      b.channel,
      b.agent,
      new Date(b.startAt).toISOString(),
      b.kind,
      b.status,
      formatDuration(b.durationMs),
      formatDuration(b.targetMs),
      b.basis,
    ]),
  )}\n${breaches.length} breaches\n`;
}
