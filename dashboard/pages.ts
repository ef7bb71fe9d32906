import { definitionBody, METRIC_DEFINITIONS, withinTargetDefinition } from '../analysis/metric-definitions.js';
import type { ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';
import { html, type Html } from './html.js';
import type { DashboardRange } from './dashboard-range.js';
import type { ConversationListQuery } from './conversation-list-filter.js';

export type PageName = 'overview' | 'peak-times' | 'topics' | 'faq-gaps' | 'agents' | 'conversations' | 'conversation' | 'runs';

export interface PageSpec {
  name: PageName;
  path: string;
  title: string;
  /**
   * Whether the page takes the date-range and channel filter (runs and a conversation do not; FAQ gaps takes dates
   * only); `list`: the conversation list's whole filter.
   */
  filter: 'dates-and-channel' | 'dates' | 'none' | 'list';
  /** A page reached only through links (a conversation) is not in the navigation. */
  inNavigation: boolean;
}

export const PAGES: readonly PageSpec[] = [
  { name: 'overview', path: '/', title: 'Overview', filter: 'dates-and-channel', inNavigation: true },
  { name: 'peak-times', path: '/peak-times', title: 'Peak times', filter: 'dates-and-channel', inNavigation: true },
  { name: 'topics', path: '/topics', title: 'Topics', filter: 'dates-and-channel', inNavigation: true },
  { name: 'faq-gaps', path: '/faq-gaps', title: 'FAQ gaps', filter: 'dates-and-channel', inNavigation: true },
  { name: 'agents', path: '/agents', title: 'Agents and teams', filter: 'dates-and-channel', inNavigation: true },
  { name: 'conversations', path: '/conversations', title: 'Conversations', filter: 'list', inNavigation: true },
  { name: 'conversation', path: '/conversations/:id', title: 'Conversation', filter: 'none', inNavigation: false },
  { name: 'runs', path: '/runs', title: 'Runs', filter: 'none', inNavigation: true },
];

/**
 * Metric definitions shown next to the charts: those of analysis/metric-definitions.ts (the README and the CLI help
 * quote the same texts), "Within target" with the configured targets.
 */
function definitions(targets: ResponseTimeConfig['targets']): Record<PageName, [string, string][]> {
  return {
    overview: [
      ['Volume', 'Conversations whose start falls on the day, in the reporting time zone.'],
      ['Start', definitionBody(METRIC_DEFINITIONS.start)],
      ['In the period', definitionBody(METRIC_DEFINITIONS.inPeriod)],
      ['First response', definitionBody(METRIC_DEFINITIONS.firstResponse)],
      ['Resolution', definitionBody(METRIC_DEFINITIONS.resolution)],
      ['Median, p90', 'Exact over the conversations of the day and channel (never averages of averages), by linear interpolation between closest ranks.'],
      ['Within target', definitionBody(withinTargetDefinition(targets))],
      ['Change', 'Against the previous period of the same length, just before the range.'],
      ['Partial day', 'The last day when the as-of time falls within it: its figures are not final and its share within target is not drawn.'],
    ],
    'peak-times': [
      ['Cell', 'Weekday and hour of the conversation start, in the reporting time zone.'],
      ['Volume', 'Number of conversations started in that hour of the week, over the date range.'],
      ['Median first response', 'Median over the answered conversations started in that hour of the week.'],
    ],
    topics: [
      ['Topic', 'Found without labels from the customers\u2019 first messages (redacted); labelled by its top terms.'],
      ['Volume', 'Conversations of the topic in the range.'],
      ['In the period', definitionBody(METRIC_DEFINITIONS.inPeriod)],
      ['Growth', '(volume - previous) / previous, against the previous period of equal length; none when the previous period had no conversations.'],
      ['Median first response', 'Over the topic\u2019s answered conversations in the range.'],
    ],
    'faq-gaps': [
      ['NEW', 'A missing article: frequent topics, in any language, that no FAQ entry covers; proposes a title and key terms.'],
      ['TRANSLATE', 'An entry that answers questions asked in a language it has no version in; names the entry and the language.'],
      [
        'UPDATE',
        'An entry covering a topic that still generates many or growing contacts, whose text misses what agents now answer, or that was last changed before the topic surged.',
      ],
      ['UNUSED', 'An entry that no question matched in the period.'],
      ['Priority', `${METRIC_DEFINITIONS.priority} Higher first; status compares with the last saved report.`],
      ['Covered', definitionBody(METRIC_DEFINITIONS.covered)],
      ['In the period', definitionBody(METRIC_DEFINITIONS.inPeriod)],
    ],
    agents: [
      ['Agent', 'The conversation\u2019s assignee, else the author of its first response; (none) when neither exists.'],
      ['Team', 'The team or group the source routed the conversation to; (none) when the source has none.'],
      ['First response', 'Median and p90 over the answered conversations of the agent or team on that channel.'],
      ['Within target', 'Met / (met + breached) of the channel\u2019s first-response target, as on the overview.'],
      ['Reopen rate', 'Conversations reopened at least once / conversations.'],
      ['Satisfaction', 'Share rated good among the rated conversations, where the source has ratings.'],
    ],
    conversations: [
      ['List', 'The conversations behind a number: the filter in the URL is the one that counted it. Start in the range, in the reporting time zone.'],
      ['Breached', 'Answered after the channel\u2019s target, or still unanswered beyond it at the as-of time.'],
      ['Unanswered age', 'From the start of the first-response clock to the as-of time.'],
      ['Question', 'The customer\u2019s first message, with personal data redacted as in the reports.'],
    ],
    conversation: [
      [
        'Transcript',
        'Personal data (e-mail addresses, phone, card and wallet numbers, transaction hashes, order ids) replaced by placeholders, as in the reports. Customers are never named.',
      ],
      ['First response', `${definitionBody(METRIC_DEFINITIONS.firstResponse)} It is marked in the transcript.`],
      ['Reply time', definitionBody(METRIC_DEFINITIONS.replyTime)],
      ['Resolution', definitionBody(METRIC_DEFINITIONS.resolution)],
      ['Business time', definitionBody(METRIC_DEFINITIONS.businessTime)],
      ['Internal note', 'A private message between agents; it does not stop the clock.'],
      ['Breached', 'A target of the channel this conversation missed, or is still missing at the as-of time.'],
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
    <div id="channel-cards"></div>
    <div class="charts">
      <figure><figcaption>Volume per day (click a bar for its conversations)</figcaption><div class="chart"><canvas id="chart-volume"></canvas></div></figure>
      <figure><figcaption>First response within target (%)</figcaption><div class="chart"><canvas id="chart-target"></canvas></div></figure>
    </div>
    <h2>Response times per channel, each on its own scale</h2>
    <div class="charts" id="response-charts"></div>
    <h2>Spikes and events</h2>
    <ul id="annotations"></ul>
    <h2>Per channel</h2>
    <table id="channel-table"></table>
    <h2>Targets and business hours, as configured</h2>
    <table id="target-table"></table>`,
  'peak-times': html`
    <div class="charts">
      <figure><figcaption>Volume per hour of day (all weekdays)</figcaption><div class="chart"><canvas id="chart-hours"></canvas></div></figure>
    </div>
    <h2>Volume, weekday x hour</h2>
    <table id="heatmap-volume" class="heatmap"></table>
    <h2>Median first response, weekday x hour</h2>
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
  agents: html`
    <h2>Agents</h2>
    <table id="agent-table"></table>
    <h2>Teams</h2>
    <table id="team-table"></table>`,
  conversations: html`
    <p id="list-summary" class="summary"></p>
    <p class="downloads"><a id="download-csv" class="download" href="#" download>Download these conversations (CSV)</a></p>
    <table id="conversation-table"></table>
    <p><a id="next-page" hidden>Next page</a></p>`,
  conversation: html`
    <section class="figures" id="conversation-facts"></section>
    <h2>Breached targets</h2>
    <div id="conversation-breaches"></div>
    <h2>Topic and FAQ</h2>
    <dl id="conversation-links" class="facts"></dl>
    <h2>Timeline</h2>
    <ol id="conversation-timeline" class="timeline"></ol>
    <h2>Transcript</h2>
    <ol id="conversation-transcript" class="transcript"></ol>`,
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

function option(value: string, label: string, current: string | undefined): Html {
  return html`<option value="${value}"${value === (current ?? '') ? html` selected` : html``}>${label}</option>`;
}

/** The list's own filters, with the URL's values, so that a list opened from a number can be narrowed or sorted. */
function listFields(query: ConversationListQuery): Html {
  const text = (name: keyof ConversationListQuery, label: string): Html =>
    html`<label>${label} <input type="text" name="${name}" value="${String(query[name] ?? '')}" size="12"></label>`;
  const hidden = (['weekday', 'hour', 'conversation'] as const)
    .filter((name) => query[name] !== undefined && query[name] !== '')
    .map((name) => html`<input type="hidden" name="${name}" value="${String(query[name])}">`);
  return html`${text('topic', 'Topic')} ${text('agent', 'Agent')} ${text('team', 'Team')} ${text('language', 'Language')} ${text('faq_entry', 'FAQ entry')}
      <label>Breached <select name="breached">${option('', 'any', query.breached)}${option('first_response', 'first response', query.breached)}${option('resolution', 'resolution', query.breached)}</select></label>
      <label>Unanswered <select name="unanswered">${option('', 'any', query.unanswered)}${option('1', 'only unanswered', query.unanswered)}</select></label>
      <label>Sort <select name="sort">${option('newest', 'newest first', query.sort)}${option('oldest', 'oldest first (age)', query.sort)}${option('slowest', 'slowest first response', query.sort)}${option('fastest', 'fastest first response', query.sort)}</select></label>
      ${hidden}`;
}

function filterForm(page: PageSpec, range: DashboardRange | null, channels: readonly string[], query: ConversationListQuery): Html {
  if (page.filter === 'none' || range === null) return html``;
  const channelSelect =
    page.filter === 'dates-and-channel' || page.filter === 'list'
      ? html`<label>Channel <select name="channel"><option value="">all channels</option>${channels.map(
          (channel) => html`<option value="${channel}"${channel === range.channel ? html` selected` : html``}>${channel}</option>`,
        )}</select></label>`
      : html``;
  return html`<form class="filter" method="get" action="${page.path}">
      <label>From <input type="date" name="from" value="${range.fromDay}"></label>
      <label>To <input type="date" name="to" value="${range.toDay}"></label>
      ${channelSelect}
      ${page.filter === 'list' ? listFields(query) : html``}
      ${page.name === 'faq-gaps' ? html`<label>Language <select name="language">${option('', 'any', query.language)}${option('en', 'en', query.language)}${option('zh', 'zh', query.language)}${option('other', 'other', query.language)}</select></label>` : html``}
      <button type="submit">Apply</button>
      <span class="zone">days in ${range.timeZone}</span>
    </form>`;
}

function downloads(range: DashboardRange | null): Html {
  if (range === null) return html``;
  const link = (format: string, label: string): Html => {
    const query = new URLSearchParams({ format, from: range.fromDay, to: range.toDay, ...(range.channel ? { channel: range.channel } : {}) }).toString();
    return html`<a class="download" id="download-${format}" href="/api/faq-gaps/download?${query}" download>${label}</a>`;
  };
  return html`<p class="downloads">Download the report: ${link('csv', 'CSV')} ${link('json', 'JSON')} ${link('markdown', 'Markdown')}</p>`;
}

/**
 * A whole page: navigation, the filter form (its values are the URL's, so a view can be shared), metric
 * definitions, placeholders, and the scripts (Chart.js, the chart wrapper, the page's own), all from this server.
 */
export function renderPage(
  page: PageSpec,
  {
    range,
    channels,
    targets,
    query = {},
  }: { range: DashboardRange | null; channels: readonly string[]; targets: ResponseTimeConfig['targets']; query?: ConversationListQuery },
): string {
  const nav = PAGES.filter((other) => other.inNavigation).map((other) => {
    const withChannel = other.filter === 'dates-and-channel' || other.filter === 'list';
    const query =
      range && other.filter !== 'none'
        ? `?${new URLSearchParams({ from: range.fromDay, to: range.toDay, ...(range.channel && withChannel ? { channel: range.channel } : {}) })}`
        : '';
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
    ${filterForm(page, range, channels, query)}
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
