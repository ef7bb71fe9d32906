import { describe, expect, test } from 'vitest';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../../analysis/alerts/alert-settings.js';
import { countEvidence, detectAlerts, eventsNear, hourlyThreshold, shareEvidence, type AlertConversation } from '../../../analysis/alerts/detect-alerts.js';
import { binomialUpperTail, normalQuantileOfUpperTail, normalUpperTail, poissonUpperTail } from '../../../analysis/alerts/tail-probabilities.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A Monday, UTC. */
const START = Date.parse('2026-01-05T00:00:00Z');

/** `perDay(day)` conversations on each day, spread over 10:00-19:59, first response 2 minutes (met), on `channel`. */
function history(
  days: number,
  perDay: (day: number) => number,
  options: { channel?: string; topicOf?: (day: number, i: number) => number | null; slowDays?: number[] } = {},
): AlertConversation[] {
  const conversations: AlertConversation[] = [];
  for (let day = 0; day < days; day++) {
    const count = perDay(day);
    const slow = options.slowDays?.includes(day) ?? false;
    for (let i = 0; i < count; i++) {
      conversations.push({
        channel: options.channel ?? 'chat',
        topicId: options.topicOf ? options.topicOf(day, i) : null,
        startAt: START + day * DAY + (10 + (i % 10)) * HOUR + i * 1000,
        firstResponseMs: slow ? 20 * 60_000 : 2 * 60_000,
        target: slow ? 'breached' : 'met',
      });
    }
  }
  return conversations;
}

function detect(conversations: AlertConversation[], settings: Partial<AlertSettings> = {}, labels: [number, string][] = []) {
  return detectAlerts({
    conversations,
    topicLabels: new Map(labels),
    events: [],
    settings: { ...DEFAULT_ALERT_SETTINGS, ...settings },
    offsetMinutes: () => 0,
  });
}

describe('evidence', () => {
  test('a spike in the history moves the baseline little', () => {
    expect(countEvidence(100, [40, 42, 38, 41]).baseline).toBe(40.5);
    expect(countEvidence(100, [40, 42, 38, 160]).baseline).toBe(41);
    expect(countEvidence(100, [40, 42, 38, 160]).z).toBeGreaterThan(4);
  });
  test('small counts are judged on the exact Poisson tail, not the normal approximation', () => {
    // 12 where 3 is usual: about 5 standard deviations for a normal, but Poisson(3) reaches 12 once in 10,000 hours.
    const evidence = countEvidence(12, [3, 3, 3, 3, 3, 3, 3, 3]);
    expect(evidence.p).toBeCloseTo(poissonUpperTail(12, 3 + Math.sqrt(3 / 8)), 12);
    expect(evidence.z).toBeLessThan(hourlyThreshold(4));
  });
  test('weeks that vary more than Poisson noise widen the spread', () => {
    expect(countEvidence(70, [40, 20, 60, 30, 50, 40, 45, 35]).z).toBeLessThan(countEvidence(70, [40, 40, 40, 40, 40, 40, 40, 40]).z);
  });
  test('a within-target drop is judged on the exact binomial tail of the breaches', () => {
    const usual = Array.from({ length: 8 }, () => ({ met: 97, judged: 100 }));
    expect(shareEvidence(2, 10, usual).z).toBeLessThan(hourlyThreshold(4));
    expect(shareEvidence(9, 10, usual).z).toBeGreaterThan(hourlyThreshold(4));
    expect(shareEvidence(9, 10, usual).baseline).toBe(0.97);
  });
});

describe('tail probabilities', () => {
  test.each([
    [10, 3, 0.001102],
    [1, 0.5, 1 - Math.exp(-0.5)],
    [60, 40, 0.0018796],
  ])('Poisson: P(X >= %d | lambda %d)', (k, lambda, expected) => {
    expect(poissonUpperTail(k, lambda)).toBeCloseTo(expected, 6);
  });
  test('binomial: P(X >= 2 | n 10, p 0.03) and the edges', () => {
    expect(binomialUpperTail(2, 10, 0.03)).toBeCloseTo(1 - 0.97 ** 10 - 10 * 0.03 * 0.97 ** 9, 10);
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
  });
  test('normal tail and its inverse agree', () => {
    expect(normalUpperTail(4)).toBeCloseTo(3.167e-5, 8);
    for (const z of [-1, 0, 1.5, 4, 6, 9]) expect(normalQuantileOfUpperTail(normalUpperTail(z))).toBeCloseTo(z, 4);
    expect(hourlyThreshold(4)).toBeCloseTo(4.697, 3);
  });
});

describe('detectAlerts', () => {
  test('a day at 3x its weekday usual is a daily spike of its channel and of all channels, sized against the median', () => {
    const alerts = detect(history(36, (day) => (day === 35 ? 120 : 40)));
    const daily = alerts.filter((alert) => alert.granularity === 'day' && alert.kind === 'spike');
    expect(daily.map((alert) => [alert.scopeKey, alert.periodLabel, alert.observed, alert.baseline])).toEqual([
      ['all', '2026-02-09', 120, 40],
      ['chat', '2026-02-09', 120, 40],
    ]);
    expect(daily[0]!.details.ratio).toBe(3);
    expect(daily[0]!.details.historyWeeks).toBe(5);
  });

  test('a quiet weekly pattern (weekends lower) raises nothing: each weekday is compared with itself', () => {
    const alerts = detect(history(63, (day) => ([5, 6].includes(day % 7) ? 12 : 60)));
    expect(alerts).toEqual([]);
  });

  test('a period without the minimum weeks of history is not judged, however high', () => {
    expect(detect(history(21, (day) => (day === 20 ? 400 : 40))).filter((alert) => alert.granularity === 'day')).toHaveLength(0);
    expect(detect(history(22, (day) => (day === 21 ? 400 : 40))).filter((alert) => alert.granularity === 'day')).not.toHaveLength(0);
    expect(
      detect(
        history(22, (day) => (day === 21 ? 400 : 40)),
        { minHistoryWeeks: 4, historyWeeks: 8 },
      ).filter((alert) => alert.granularity === 'day'),
    ).toHaveLength(0);
  });

  test('an earlier spike on the same weekday does not hide the next one', () => {
    const alerts = detect(history(43, (day) => (day === 35 || day === 42 ? 150 : 40)));
    const days = alerts.filter((alert) => alert.granularity === 'day' && alert.scopeKey === 'chat' && alert.kind === 'spike').map((alert) => alert.periodLabel);
    expect(days).toEqual(['2026-02-09', '2026-02-16']);
  });

  test('sensitivity: a 1.7x day is a spike at threshold 4, not at threshold 8 nor under a minimum ratio of 2', () => {
    const data = history(36, (day) => (day === 35 ? 100 : 60));
    const chatDay = (settings: Partial<AlertSettings>) => detect(data, settings).filter((alert) => alert.granularity === 'day' && alert.scopeKey === 'chat');
    expect(chatDay({})).toHaveLength(1);
    expect(chatDay({ threshold: 8 })).toHaveLength(0);
    expect(chatDay({ minRatio: 2 })).toHaveLength(0);
  });

  test('hourly spikes are judged against the same hour of the week', () => {
    const data = history(36, () => 40);
    for (let i = 0; i < 30; i++)
      data.push({ channel: 'chat', topicId: null, startAt: START + 35 * DAY + 3 * HOUR + i * 60_000, firstResponseMs: 60_000, target: 'met' });
    const hourly = detect(data).filter((alert) => alert.granularity === 'hour' && alert.scopeKey === 'chat');
    expect(hourly.map((alert) => [alert.periodLabel, alert.observed, alert.baseline, alert.details.ratio])).toEqual([['2026-02-09 03:00', 30, 0, null]]);
    expect(hourly[0]!.periodStart).toBe(START + 35 * DAY + 3 * HOUR);
  });

  test('periods are local hours and days of the reporting time zone', () => {
    const data = history(36, (day) => (day === 35 ? 120 : 40));
    const alerts = detectAlerts({ conversations: data, topicLabels: new Map(), events: [], settings: DEFAULT_ALERT_SETTINGS, offsetMinutes: () => 8 * 60 });
    const daily = alerts.find((alert) => alert.granularity === 'day' && alert.scopeKey === 'chat')!;
    // 10:00-19:59 UTC is 18:00-03:59 at UTC+8: the spike day's conversations fall on two local days.
    expect(daily.periodStart).toBe(START + 35 * DAY - 8 * HOUR);
    expect(daily.periodLabel).toBe('2026-02-09');
  });

  test('a spike names the topics that grew most inside it, with their own baselines', () => {
    const topicOf = (day: number, i: number) => (day === 35 && i >= 40 ? (i < 100 ? 7 : 8) : i % 2 === 0 ? 1 : 2);
    const alerts = detect(
      history(36, (day) => (day === 35 ? 120 : 40), { topicOf }),
      {},
      [
        [1, 'fees'],
        [2, 'kyc'],
        [7, 'withdrawal stuck'],
        [8, 'disputed trade'],
      ],
    );
    const spike = alerts.find((alert) => alert.granularity === 'day' && alert.scopeKey === 'chat' && alert.kind === 'spike')!;
    expect(spike.details.topics).toEqual([
      { topicId: 7, label: 'withdrawal stuck', count: 60, baseline: 0 },
      { topicId: 8, label: 'disputed trade', count: 20, baseline: 0 },
    ]);
    const topicSpikes = alerts.filter((alert) => alert.scope === 'topic' && alert.granularity === 'day').map((alert) => alert.scopeLabel);
    expect(topicSpikes).toEqual(['withdrawal stuck', 'disputed trade']);
  });

  test('a drop in within-target share is an alert of its own, with the first-response change', () => {
    const alerts = detect(history(36, () => 40, { slowDays: [35] }));
    const drops = alerts.filter((alert) => alert.kind === 'target-drop' && alert.granularity === 'day');
    expect(drops.map((alert) => [alert.scopeKey, alert.observed, alert.baseline])).toEqual([
      ['all', 0, 1],
      ['chat', 0, 1],
    ]);
    expect(drops[0]!.details.firstResponse).toEqual({ medianMs: 20 * 60_000, baselineMedianMs: 2 * 60_000 });
    expect(alerts.filter((alert) => alert.kind === 'spike')).toEqual([]);
  });

  test('a spike near an event names it', () => {
    const data = history(36, (day) => (day === 35 ? 120 : 40));
    const events = [
      { id: 'btc', title: 'BTC -12% in an hour', startsAt: START + 35 * DAY - 2 * HOUR, endsAt: null },
      { id: 'old', title: 'maintenance', startsAt: START + 30 * DAY, endsAt: START + 30 * DAY + HOUR },
    ];
    const alerts = detectAlerts({ conversations: data, topicLabels: new Map(), events, settings: DEFAULT_ALERT_SETTINGS, offsetMinutes: () => 0 });
    const daily = alerts.find((alert) => alert.granularity === 'day' && alert.scopeKey === 'chat')!;
    expect(daily.details.events.map((event) => event.title)).toEqual(['BTC -12% in an hour']);
  });
});

test('eventsNear: started within the lead time or during the period, or spanning it', () => {
  const period = { start: 10 * HOUR, end: 11 * HOUR };
  const at = (id: string, startsAt: number, endsAt: number | null = null) => ({ id, title: id, startsAt, endsAt });
  const found = eventsNear(
    [at('lead', 5 * HOUR), at('too-early', 3 * HOUR), at('during', 10.5 * HOUR), at('after', 11 * HOUR), at('spans', 0, 12 * HOUR)],
    period,
    6 * HOUR,
  );
  expect(found.map((event) => event.id)).toEqual(['lead', 'during', 'spans']);
});
