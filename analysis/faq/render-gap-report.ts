import { DateTime } from 'luxon';
import { csvCell } from '../export/csv-line.js';
import { METRIC_DEFINITIONS } from '../metric-definitions.js';
import type { FaqGapComparison, FaqGapReport } from './faq-gap-report.js';
import type { GapFinding } from './gap-verdicts.js';

export type GapReportFormat = 'csv' | 'json' | 'markdown';

/** Whether a finding is new since the last report, was in it too, or was in it and is gone. */
export type FindingStatus = 'new' | 'unchanged' | 'gone';

const CSV_HEADER = [
  'id',
  'status',
  'verdict',
  'priority',
  'title',
  'topic_id',
  'topic_ids',
  'languages',
  'entry_id',
  'reasons',
  'conversations',
  'previous_conversations',
  'growth',
  'covered_share',
  'mean_score',
  'median_first_response_ms',
  'nearest_entry_id',
  'entry_updated_at',
  'drift',
  'key_terms',
  'examples',
  'summary',
];

/**
 * The report as CSV (one row per finding, then one per finding gone since the last report), JSON or Markdown; the
 * same content in each. Customer text is escaped for the format (CSV cells cannot start a formula; Markdown
 * punctuation is escaped so questions cannot add links, HTML or table cells).
 *
 * @example
 * process.stdout.write(renderGapReport(report, comparison, 'markdown', { timeZone: 'Europe/Berlin' }));
 */
export function renderGapReport(
  report: FaqGapReport,
  comparison: FaqGapComparison,
  format: GapReportFormat,
  options: { /** The reporting time zone, in which the Markdown names the period's days (default UTC). */ timeZone?: string } = {},
): string {
  const fresh = new Set(comparison.newSinceLast);
  const status = (finding: GapFinding): FindingStatus => (fresh.has(finding.id) ? 'new' : 'unchanged');
  if (format === 'json') {
    return `${JSON.stringify(
      {
        analysisRunId: report.analysisRunId,
        from: new Date(report.from).toISOString(),
        to: new Date(report.to).toISOString(),
        previousFrom: new Date(report.previousFrom).toISOString(),
        comparedWithReport: comparison.previousReportId,
        newSinceLastReport: comparison.newSinceLast,
        goneSinceLastReport: comparison.goneSinceLast,
        findings: report.findings.map((finding) => ({ ...finding, status: status(finding) })),
      },
      null,
      2,
    )}\n`;
  }
  if (format === 'csv') {
    const rows = report.findings.map((finding) => [
      finding.id,
      status(finding),
      finding.verdict,
      finding.priority,
      finding.title,
      finding.topicId,
      finding.topicIds.join(' '),
      finding.languages.join(' '),
      finding.entryId,
      finding.reasons.join(' '),
      finding.evidence.conversations,
      finding.evidence.previousConversations,
      finding.evidence.growth === null ? null : round(finding.evidence.growth),
      finding.evidence.coveredShare === null ? null : round(finding.evidence.coveredShare),
      finding.evidence.meanScore === null ? null : round(finding.evidence.meanScore),
      finding.evidence.medianHandlingMs,
      finding.evidence.nearestEntryId,
      finding.evidence.entryUpdatedAt === null ? null : new Date(finding.evidence.entryUpdatedAt).toISOString(),
      finding.evidence.drift.map(describeDrift).join('; '),
      finding.keyTerms.join(' '),
      finding.evidence.examples.map((example) => `[${example.conversationId}] ${example.question}`).join('\n'),
      finding.summary,
    ]);
    for (const gone of comparison.goneSinceLast) {
      rows.push([gone.id, 'gone', gone.verdict, null, gone.title, null, '', '', null, '', null, null, null, null, null, null, null, null, '', '', '', '']);
    }
    return `${[CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
  }
  return renderMarkdown(report, comparison, status, options.timeZone ?? 'UTC');
}

function renderMarkdown(report: FaqGapReport, comparison: FaqGapComparison, status: (finding: GapFinding) => FindingStatus, timeZone: string): string {
  const lines: string[] = [];
  const day = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).toISODate()!;
  lines.push(`# FAQ gaps, ${day(report.from)} to ${day(report.to - 1)}`, '');
  const count = (verdict: string) => report.findings.filter((finding) => finding.verdict === verdict).length;
  lines.push(
    `Analysis run ${report.analysisRunId ?? 'none'}; growth against ${day(report.previousFrom)} to ${day(report.from - 1)}. ` +
      `${count('NEW')} NEW, ${count('TRANSLATE')} TRANSLATE, ${count('UPDATE')} UPDATE, ${count('UNUSED')} UNUSED.`,
    comparison.previousReportId === null
      ? `First ${windowDays(report)}-day report: nothing to compare with.`
      : `Compared with report ${comparison.previousReportId}, the last ${windowDays(report)}-day report: ${comparison.newSinceLast.length} new since last report, ${comparison.goneSinceLast.length} gone since last report.`,
    '',
    `${METRIC_DEFINITIONS.priority.slice(0, -1)}; UNUSED entries come last.`,
    '',
  );
  if (report.findings.length > 0) {
    lines.push('| # | verdict | priority | title | languages | conversations | growth | covered | status | id |', '|---|---|---|---|---|---|---|---|---|---|');
    report.findings.forEach((finding, i) => {
      lines.push(
        `| ${i + 1} | ${finding.verdict} | ${finding.priority} | ${markdownText(finding.title)} | ${finding.languages.join(', ')} | ${finding.evidence.conversations} | ${
          finding.evidence.growth === null ? '' : `${finding.evidence.growth >= 0 ? '+' : ''}${Math.round(finding.evidence.growth * 100)}%`
        } | ${finding.evidence.coveredShare === null ? '' : `${Math.round(finding.evidence.coveredShare * 100)}%`} | ${status(finding)} | \`${finding.id}\` |`,
      );
    });
    lines.push('');
  }
  for (const finding of report.findings) {
    lines.push(`## ${finding.verdict}: ${markdownText(finding.title)}`, '');
    lines.push(`- id \`${finding.id}\`, ${status(finding)}; priority ${finding.priority}`);
    if (finding.entryId !== null)
      lines.push(
        `- entry \`${markdownText(finding.entryId)}\`${finding.evidence.entryUpdatedAt === null ? '' : `, last changed ${day(finding.evidence.entryUpdatedAt)}`}`,
      );
    if (finding.topicIds.length > 0) {
      const topics = `${finding.topicIds.length === 1 ? 'topic' : 'topics'} ${finding.topicIds.join(', ')}`;
      lines.push(
        `- ${topics}; languages: ${finding.languages.join(', ')}${finding.keyTerms.length > 0 ? `; key terms: ${finding.keyTerms.map(markdownText).join(', ')}` : ''}`,
      );
    }
    if (finding.reasons.length > 0) lines.push(`- reasons: ${finding.reasons.join(', ')}`);
    if (finding.verdict === 'NEW' && finding.evidence.nearestEntryId !== null) {
      lines.push(
        `- nearest entry \`${markdownText(finding.evidence.nearestEntryId)}\`, mean score ${round(finding.evidence.meanScore ?? 0)}: if it answers this, add the customers' wording to it`,
      );
    }
    lines.push(`- ${markdownText(finding.summary)}`);
    for (const drift of finding.evidence.drift) lines.push(`  - ${markdownText(describeDrift(drift))}`);
    for (const example of finding.evidence.examples)
      lines.push(`  - \`${markdownText(example.conversationId)}\` (score ${example.score}): ${markdownText(example.question)}`);
    lines.push('');
  }
  if (comparison.goneSinceLast.length > 0) {
    lines.push('## Gone since last report', '');
    for (const gone of comparison.goneSinceLast) lines.push(`- ${gone.verdict}: ${markdownText(gone.title)} (\`${gone.id}\`)`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function describeDrift(drift: GapFinding['evidence']['drift'][number]): string {
  return drift.entrySays
    ? `${drift.kind}: agents say ${drift.agentsSay} (${drift.replies} replies), the entry says ${drift.entrySays.join(', ')}`
    : `${drift.kind}: agents say ${drift.agentsSay} (${drift.replies} replies), the entry does not`;
}

function windowDays(report: FaqGapReport): number {
  return Math.round(((report.to - report.from) / 86_400_000) * 10) / 10;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function markdownText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\`*_{}[\]()<>#+!|~])/g, '\\$1');
}
