import { formatDuration } from '../response-times/duration-text.js';
import type { StoredAlert } from './alert-queries.js';
import type { Digest } from './digest.js';

export type DigestFormat = 'text' | 'markdown' | 'json';
export const DIGEST_FORMATS: readonly DigestFormat[] = ['text', 'markdown', 'json'];

/**
 * A digest as text, Markdown or JSON. Topic labels and event titles are customer- or team-written text: in Markdown
 * they are escaped so they cannot become links or markup.
 *
 * @example
 * renderDigest(digest, 'markdown'); // "# Support digest: day 2026-12-05\n..."
 */
export function renderDigest(digest: Digest, format: DigestFormat): string {
  if (format === 'json') return `${JSON.stringify(digest, null, 2)}\n`;
  const md = format === 'markdown';
  const text = md ? escapeMarkdown : (value: string) => value;
  const lines: string[] = [];
  const heading = (title: string): void => {
    lines.push('', md ? `## ${title}` : title.toUpperCase());
  };
  const item = (value: string): void => {
    lines.push(md ? `- ${value}` : `  ${value}`);
  };
  const { window } = digest;
  lines.push(`${md ? '# ' : ''}Support digest: ${window.period === 'day' ? 'day' : 'week'} ${window.label} (${window.timeZone})`);

  heading('Response times');
  if (digest.channels.length === 0) item('no conversations in this period or the one before');
  for (const channel of digest.channels) {
    item(
      `${text(channel.channel)}: ${channel.conversations} conversations (${signed(channel.conversations - channel.previousConversations)}), ` +
        `median first response ${formatDuration(channel.firstResponseMedianMs)} (was ${formatDuration(channel.previousFirstResponseMedianMs)}), ` +
        `within target ${percent(channel.withinTargetShare)} (was ${percent(channel.previousWithinTargetShare)})`,
    );
  }

  heading('Spikes');
  if (digest.spikes.length === 0) item('none');
  for (const alert of digest.spikes) item(describeAlert(alert, text));
  heading('Within-target drops');
  if (digest.targetDrops.length === 0) item('none');
  for (const alert of digest.targetDrops) item(describeAlert(alert, text));
  if (digest.moreHourlyAlerts > 0) item(`and ${digest.moreHourlyAlerts} more hourly alerts`);

  heading('Topics that grew most');
  if (digest.topicsGrew.length === 0) item('none grew');
  for (const topic of digest.topicsGrew) item(`${text(topic.label)}: ${topic.conversations} conversations (was ${topic.previousConversations})`);

  heading('FAQ findings');
  if (digest.faq.newFindings.length === 0 && digest.faq.goneFindings.length === 0) item('no change from the period before');
  for (const finding of digest.faq.newFindings) item(`new: ${finding.verdict} ${text(finding.title)}`);
  for (const finding of digest.faq.goneFindings) item(`gone: ${finding.verdict} ${text(finding.title)}`);

  if (digest.events.length > 0) {
    heading('Events');
    for (const event of digest.events) item(`${new Date(event.startsAt).toISOString().slice(0, 16).replace('T', ' ')} UTC ${text(event.title)}`);
  }
  if (digest.links) {
    heading('Dashboard');
    item(md ? `[Overview](${digest.links.overview}) · [Topics](${digest.links.topics}) · [FAQ gaps](${digest.links.faqGaps})` : digest.links.overview);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One line for an alert: `chat 2026-12-05: 187 conversations, 4.7x the usual 40; topics: ...; first response 16m (usually 4m); within target 13% (usually 86%); near "BTC -12%"`.
 *
 * @example
 * describeAlert(alert); // "spike chat 2026-12-05: 187 conversations, 4.7x the usual 40, ..."
 */
export function describeAlert(alert: StoredAlert, text: (value: string) => string = (value) => value): string {
  const { details } = alert;
  const where = alert.scope === 'topic' ? `topic ${text(alert.scopeLabel)}` : text(alert.scopeLabel);
  const parts: string[] = [];
  if (alert.kind === 'spike') {
    const ratio = details.ratio === null ? `usually none` : `${details.ratio.toFixed(1)}x the usual ${round(alert.baseline)}`;
    parts.push(`${alert.observed} conversations, ${ratio}`);
    if (details.topics.length > 0)
      parts.push(
        `grew: ${details.topics
          .slice(0, 3)
          .map((topic) => `${text(topic.label)} (${topic.count}, usually ${round(topic.baseline)})`)
          .join('; ')}`,
      );
  } else {
    parts.push(`within target ${percent(alert.observed)}, usually ${percent(alert.baseline)}`);
  }
  parts.push(`first response ${formatDuration(details.firstResponse.medianMs)} (usually ${formatDuration(details.firstResponse.baselineMedianMs)})`);
  if (alert.kind === 'spike') parts.push(`within target ${percent(details.withinTarget.share)} (usually ${percent(details.withinTarget.baselineShare)})`);
  if (details.events.length > 0) parts.push(`near: ${details.events.map((event) => `"${text(event.title)}"`).join(', ')}`);
  return `${alert.kind === 'spike' ? 'spike' : 'within-target drop'} ${where} ${alert.periodLabel}: ${parts.join(', ')}`;
}

function percent(share: number | null): string {
  return share === null ? '-' : `${Math.round(share * 100)}%`;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Markdown's punctuation that could start markup or a link, backslash-escaped; angle brackets as entities. */
function escapeMarkdown(value: string): string {
  return value
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
