import { describe, expect, test } from 'vitest';
import type { ResponseTimeGroup } from '../../analysis/response-times/response-time-queries.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { formatDuration } from '../../analysis/response-times/duration-text.js';
import { fillDays, overviewFigures } from '../../dashboard/chart-shaping.js';
import { FORMAT_DURATION_SCRIPT } from '../../dashboard/format-duration-script.js';
import { ROOT } from '../helpers.js';
import { daysBetween, QueryParameterError, resolveRange } from '../../dashboard/dashboard-range.js';
import { escapeHtml, html } from '../../dashboard/html.js';

function group(key: string, conversations: number, median: number | null): ResponseTimeGroup {
  const stats = { count: conversations, mean: median, median, p90: median === null ? null : median * 2, p95: null };
  return {
    key,
    conversations,
    answered: conversations,
    unanswered: 0,
    oldestUnansweredAgeMs: null,
    waiting: 0,
    firstResponse: stats,
    reply: stats,
    resolution: stats,
    reopened: 0,
    firstResponseTarget: { met: 1, breached: 1, pending: 0, share: 0.5 },
    resolutionTarget: { met: 0, breached: 0, pending: 0, share: null },
  };
}

describe('fillDays', () => {
  test.each([
    { name: 'no groups: every day empty', days: ['2026-03-01', '2026-03-02'], groups: [], conversations: [0, 0], medians: [null, null] },
    {
      name: 'a gap stays a zero day',
      days: ['2026-03-01', '2026-03-02', '2026-03-03'],
      groups: [group('2026-03-01', 3, 60_000), group('2026-03-03', 1, 1000)],
      conversations: [3, 0, 1],
      medians: [60_000, null, 1000],
    },
    { name: 'groups outside the days are ignored', days: ['2026-03-02'], groups: [group('2026-03-01', 3, 5)], conversations: [0], medians: [null] },
  ])('$name', ({ days, groups, conversations, medians }) => {
    const filled = fillDays(days, groups);
    expect(filled.map((day) => day.day)).toEqual(days);
    expect(filled.map((day) => day.conversations)).toEqual(conversations);
    expect(filled.map((day) => day.firstResponseMedianMs)).toEqual(medians);
  });

  test('overviewFigures keeps median, p90 and target shares', () => {
    expect(overviewFigures(group('x', 2, 10))).toEqual({
      conversations: 2,
      answered: 2,
      unanswered: 0,
      firstResponseMedianMs: 10,
      firstResponseP90Ms: 20,
      resolutionMedianMs: 10,
      resolutionP90Ms: 20,
      firstResponseWithinTarget: 0.5,
      resolutionWithinTarget: null,
      firstResponseBreached: 1,
    });
  });
});

/** The browser's formatting helpers, loaded from the static file the pages use (Chart.js stubbed). */
function clientHelpers(): {
  formatDuration: (ms: number | null) => string;
  formatShare: (share: number | null) => string;
  toUnit: (ms: number | null, unit: number) => number | null;
} {
  const window: Record<string, unknown> = {};
  const defaults = { font: {}, plugins: { legend: {} } };
  const context = { window, Chart: { defaults } };
  runInNewContext(FORMAT_DURATION_SCRIPT, context);
  runInNewContext(readFileSync(join(ROOT, 'dashboard/static/dashboard-charts.js'), 'utf8'), context);
  return window.SupportlensCharts as ReturnType<typeof clientHelpers>;
}
const client = clientHelpers();

test.each([
  [null, '\u2014'],
  [0, '0s'],
  [45_000, '45s'],
  [90_000, '1m 30s'],
  [3 * 3_600_000 + 720_000, '3h 12m'],
  [2.05 * 86_400_000, '2d 1h'],
])('formatDuration(%s) = %s', (ms, text) => {
  expect(client.formatDuration(ms)).toBe(text);
});

test.each([0, 999, 45_000, 90_000, 3_599_499, 3 * 3_600_000 + 720_000, 2.05 * 86_400_000, -61_000])(
  'the dashboard writes %s ms exactly as the CLI does (one formatter)',
  (ms) => {
    expect(client.formatDuration(ms)).toBe(formatDuration(ms));
  },
);

test.each([
  [null, '\u2014'],
  [0, '0 %'],
  [0.5, '50 %'],
  [0.12345, '12.3 %'],
  [1, '100 %'],
])('formatShare(%s) = %s', (share, text) => {
  expect(client.formatShare(share)).toBe(text);
});

test.each([
  [null, 60_000, null],
  [90_000, 60_000, 1.5],
  [100_000, 60_000, 1.67],
])('toUnit(%s, %s) = %s', (ms, unit, value) => {
  expect(client.toUnit(ms, unit)).toBe(value);
});

describe('resolveRange', () => {
  const NOW = Date.parse('2026-04-10T12:00:00Z');
  test.each([
    {
      name: 'given days, inclusive',
      query: { from: '2026-03-01', to: '2026-03-31' },
      zone: 'UTC',
      latest: null,
      from: '2026-03-01',
      to: '2026-03-31',
      fromMs: Date.parse('2026-03-01T00:00:00Z'),
      toMs: Date.parse('2026-04-01T00:00:00Z'),
    },
    {
      name: 'default: 30 days up to the latest conversation',
      query: {},
      zone: 'UTC',
      latest: Date.parse('2026-03-31T18:00:00Z'),
      from: '2026-03-02',
      to: '2026-03-31',
      fromMs: Date.parse('2026-03-02T00:00:00Z'),
      toMs: Date.parse('2026-04-01T00:00:00Z'),
    },
    {
      name: 'default without data: up to today',
      query: {},
      zone: 'UTC',
      latest: null,
      from: '2026-03-12',
      to: '2026-04-10',
      fromMs: Date.parse('2026-03-12T00:00:00Z'),
      toMs: Date.parse('2026-04-11T00:00:00Z'),
    },
    {
      name: 'days in the reporting zone',
      query: { from: '2026-03-01', to: '2026-03-01' },
      zone: 'Asia/Shanghai',
      latest: null,
      from: '2026-03-01',
      to: '2026-03-01',
      fromMs: Date.parse('2026-02-28T16:00:00Z'),
      toMs: Date.parse('2026-03-01T16:00:00Z'),
    },
  ])('$name', ({ query, zone, latest, from, to, fromMs, toMs }) => {
    const range = resolveRange(query, zone, latest, NOW);
    expect([range.fromDay, range.toDay, range.filter.from, range.filter.to]).toEqual([from, to, fromMs, toMs]);
  });

  test.each([
    [{ from: '2026-02-30' }, 'querystring/from'],
    [{ to: '2026-13-01' }, 'querystring/to'],
    [{ from: '2026-03-02', to: '2026-03-01' }, 'querystring/from'],
  ])('%j is a 400 naming the parameter', (query, message) => {
    expect(() => resolveRange(query, 'UTC', null, NOW)).toThrow(QueryParameterError);
    expect(() => resolveRange(query, 'UTC', null, NOW)).toThrow(message);
  });

  test('a channel narrows the filter, lower-cased', () => {
    expect(resolveRange({ channel: 'Email' }, 'UTC', null, NOW).filter.channels).toEqual(['email']);
  });

  test('daysBetween', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysBetween('2026-03-02', '2026-03-01')).toEqual([]);
  });
});

test.each([
  ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ['<img src=x onerror=alert(2)>', '&lt;img src=x onerror=alert(2)&gt;'],
  ['" onmouseover="x', '&quot; onmouseover=&quot;x'],
  ["'&amp;'", '&#39;&amp;amp;&#39;'],
])('escapeHtml(%s)', (text, escaped) => {
  expect(escapeHtml(text)).toBe(escaped);
  expect(html`<p title="${text}">${text}</p>`.text).toBe(`<p title="${escaped}">${escaped}</p>`);
});
