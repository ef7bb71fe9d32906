import { definitionBody, METRIC_DEFINITIONS, withinTargetDefinition } from '../analysis/metric-definitions.js';
import type { ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';
import { html, type Html } from './html.js';
import type { DashboardRange } from './dashboard-range.js';

export type PageName = 'overview' | 'peak-times' | 'topics' | 'faq-gaps' | 'runs';

export interface PageSpec {
  name: PageName;
  path: string;
  title: string;
  /** Whether the page takes the date-range and channel filter (runs does not; FAQ gaps takes dates only). */
  filter: 'dates-and-channel' | 'dates' | 'none';
}

export const PAGES: readonly PageSpec[] = [
  { name: 'overview', path: '/', title: 'Overview', filter: 'dates-and-channel' },
  { name: 'peak-times', path: '/peak-times', title: 'Peak times', filter: 'dates-and-channel' },
  { name: 'topics', path: '/topics', title: 'Topics', filter: 'dates-and-channel' },
  { name: 'faq-gaps', path: '/faq-gaps', title: 'FAQ gaps', filter: 'dates' },
  { name: 'runs', path: '/runs', title: 'Runs', filter: 'none' },
];

/**
 * Metric definitions shown next to the charts: those of analysis/metric-definitions.ts (the README and the CLI help
 * quote the same texts), "Within target" with the configured targets.
 */
function definitions(targets: ResponseTimeConfig['targets']): Record<PageName, [string, string][]> {
  return {
  overview: [
    ['Volume', 'Conversations whose start (the first customer message, or the creation time if earlier) falls on the day, in the reporting time zone.'],
    ['First response', definitionBody(METRIC_DEFINITIONS.firstResponse)],
    ['Resolution', definitionBody(METRIC_DEFINITIONS.resolution)],
    ['Median, p90', 'Exact over the conversations of the day and channel (never averages of averages), by linear interpolation between closest ranks.'],
    ['Within target', definitionBody(withinTargetDefinition(targets))],
  ],
  'peak-times': [
    ['Cell', 'Weekday and hour of the conversation start, in the reporting time zone.'],
    ['Volume', 'Number of conversations started in that hour of the week, over the date range.'],
    ['Median first response', 'Median over the answered conversations started in that hour of the week.'],
  ],
  topics: [
    ['Topic', 'Found without labels from the customers\u2019 first messages (redacted); labelled by its top terms.'],
    ['Volume', 'Conversations of the topic created in the range.'],
    ['Growth', '(volume - previous) / previous, against the previous period of equal length; none when the previous period had no conversations.'],
    ['Median first response', 'Over the topic\u2019s answered conversations in the range.'],
  ],
  'faq-gaps': [
    ['NEW', 'A missing article: frequent topics, in any language, that no FAQ entry covers; proposes a title and key terms.'],
    ['TRANSLATE', 'An entry that answers questions asked in a language it has no version in; names the entry and the language.'],
    ['UPDATE', 'An entry covering a topic that still generates many or growing contacts, whose text misses what agents now answer, or that was last changed before the topic surged.'],
    ['UNUSED', 'An entry that no question matched in the period.'],
    ['Priority', `${METRIC_DEFINITIONS.priority} Higher first; status compares with the last saved report.`],
  ],
  runs: [
    ['Ingest run', 'One supportlens ingest: read = inserted + updated + unchanged + rejected.'],
    ['Reject', 'An input record (or message) not loaded, kept with its file, line, reason and raw text; warnings were loaded but altered.'],
    ['Analysis run', 'One supportlens analyze: response-time facts, topics and FAQ matches recomputed.'],
  ],
  };
}

/** The page's `<canvas>` and table placeholders that its script fills. */
const BODIES: Record<PageName, Html> = {
  overview: html`
    <section class="figures" id="totals" aria-live="polite"></section>
    <div class="charts">
      <figure><figcaption>Volume per day</figcaption><div class="chart"><canvas id="chart-volume"></canvas></div></figure>
      <figure><figcaption>First response, median and p90 (minutes)</figcaption><div class="chart"><canvas id="chart-first-response"></canvas></div></figure>
      <figure><figcaption>Resolution, median and p90 (hours)</figcaption><div class="chart"><canvas id="chart-resolution"></canvas></div></figure>
      <figure><figcaption>First response within target (%)</figcaption><div class="chart"><canvas id="chart-target"></canvas></div></figure>
    </div>
    <h2>Spikes and events</h2>
    <ul id="annotations"></ul>
    <h2>Per channel</h2>
    <table id="channel-table"></table>`,
  'peak-times': html`
    <div class="charts">
      <figure><figcaption>Volume per hour of day (all weekdays)</figcaption><div class="chart"><canvas id="chart-hours"></canvas></div></figure>
    </div>
    <h2>Volume, weekday x hour</h2>
    <table id="heatmap-volume" class="heatmap"></table>
    <h2>Median first response (minutes), weekday x hour</h2>
    <table id="heatmap-response" class="heatmap"></table>`,
  topics: html`
    <div class="charts">
      <figure><figcaption>Conversations per topic</figcaption><div class="chart tall"><canvas id="chart-topics"></canvas></div></figure>
    </div>
    <h2>Topics</h2>
    <table id="topic-table"></table>
    <h2>Example conversations</h2>
    <div id="topic-examples"></div>`,
  'faq-gaps': html`
    <div class="charts">
      <figure><figcaption>Conversations per finding</figcaption><div class="chart tall"><canvas id="chart-findings"></canvas></div></figure>
    </div>
    <h2>Findings</h2>
    <p id="comparison"></p>
    <table id="finding-table"></table>
    <div id="finding-examples"></div>`,
  runs: html`
    <div class="charts">
      <figure><figcaption>Records per ingest run</figcaption><div class="chart"><canvas id="chart-runs"></canvas></div></figure>
    </div>
    <h2>Ingest runs</h2>
    <table id="ingest-table"></table>
    <h2>Analysis runs</h2>
    <table id="analysis-table"></table>
    <h2>Latest rejects</h2>
    <table id="reject-table"></table>`,
};

function filterForm(page: PageSpec, range: DashboardRange | null, channels: readonly string[]): Html {
  if (page.filter === 'none' || range === null) return html``;
  const channelSelect =
    page.filter === 'dates-and-channel'
      ? html`<label>Channel <select name="channel"><option value="">all channels</option>${channels.map(
          (channel) => html`<option value="${channel}"${channel === range.channel ? html` selected` : html``}>${channel}</option>`,
        )}</select></label>`
      : html``;
  return html`<form class="filter" method="get" action="${page.path}">
      <label>From <input type="date" name="from" value="${range.fromDay}"></label>
      <label>To <input type="date" name="to" value="${range.toDay}"></label>
      ${channelSelect}
      <button type="submit">Apply</button>
      <span class="zone">days in ${range.timeZone}</span>
    </form>`;
}

function downloads(range: DashboardRange | null): Html {
  if (range === null) return html``;
  const link = (format: string, label: string): Html => {
    const query = new URLSearchParams({ format, from: range.fromDay, to: range.toDay }).toString();
    return html`<a class="download" id="download-${format}" href="/api/faq-gaps/download?${query}" download>${label}</a>`;
  };
  return html`<p class="downloads">Download the report: ${link('csv', 'CSV')} ${link('json', 'JSON')} ${link('markdown', 'Markdown')}</p>`;
}

/**
 * A whole page: navigation, the filter form (its values are the URL's, so a view can be shared), metric
 * definitions, placeholders, and the scripts (Chart.js, the chart wrapper, the page's own), all from this server.
 */
export function renderPage(page: PageSpec, range: DashboardRange | null, channels: readonly string[], targets: ResponseTimeConfig['targets']): string {
  const nav = PAGES.map((other) => {
    const query = range && other.filter !== 'none' ? `?${new URLSearchParams({ from: range.fromDay, to: range.toDay, ...(range.channel && other.filter === 'dates-and-channel' ? { channel: range.channel } : {}) })}` : '';
    return html`<a href="${other.path}${query}"${other.name === page.name ? html` aria-current="page"` : html``}>${other.title}</a>`;
  });
  const terms = definitions(targets)[page.name].map(([term, text]) => html`<dt>${term}</dt><dd>${text}</dd>`);
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${page.title} · supportlens</title>
  <link rel="stylesheet" href="/static/dashboard.css">
  <link rel="icon" href="data:,">
</head>
<body data-page="${page.name}">
  <header><strong>supportlens</strong><nav>${nav}</nav></header>
  <main>
    <h1>${page.title}</h1>
    ${filterForm(page, range, channels)}
    ${page.name === 'faq-gaps' ? downloads(range) : html``}
    <p id="status" class="status" role="status">Loading…</p>
    <div class="layout">
      <div class="content">${BODIES[page.name]}</div>
      <aside><h2>Definitions</h2><dl>${terms}</dl></aside>
    </div>
  </main>
  <script src="/static/chart.umd.min.js"></script>
  <script src="/static/format-duration.js"></script>
  <script src="/static/dashboard-charts.js"></script>
  <script src="/static/${page.name}.js"></script>
</body>
</html>
`.text;
}
