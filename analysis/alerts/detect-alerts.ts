import type { AlertGranularity, AlertKind, AlertScope } from '../../db/schema.js';
import { medianOf } from '../response-times/duration-statistics.js';
import type { AlertSettings } from './alert-settings.js';
import { binomialUpperTail, normalQuantileOfUpperTail, normalUpperTail, poissonUpperTail } from './tail-probabilities.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The number of buckets one week back: the same hour of the week, or the same weekday. */
const WEEK_STEP: Record<AlertGranularity, number> = { hour: 168, day: 7 };
/** MAD times this estimates the standard deviation of a normal distribution. */
const MAD_TO_SD = 1.4826;
/** How many growing topics a spike names. */
const TOPICS_NAMED = 5;

/** One conversation as the detector sees it. */
export interface AlertConversation {
  channel: string;
  topicId: number | null;
  startAt: number;
  firstResponseMs: number | null;
  /** Against the channel's first-response target: `none` when it has none, `pending` while still within it. */
  target: 'met' | 'breached' | 'pending' | 'none';
}

export interface AlertTopic {
  topicId: number;
  label: string;
  /** Conversations in the period, and the baseline (median of the same period of the previous weeks). */
  count: number;
  baseline: number;
}

export interface AlertEvent {
  id: string;
  title: string;
  startsAt: number;
  endsAt: number | null;
}

/** What an alert says beyond its numbers: stored as JSON in `alerts.details`. */
export interface AlertDetails {
  /** Observed / baseline; null when the baseline is 0 (nothing usually happens then). */
  ratio: number | null;
  /** Weeks of history the baseline was taken from. */
  historyWeeks: number;
  /** The topics that grew most inside the period (by conversations above their own baseline). */
  topics: AlertTopic[];
  firstResponse: { medianMs: number | null; baselineMedianMs: number | null };
  withinTarget: { share: number | null; baselineShare: number | null; judged: number };
  events: AlertEvent[];
}

export interface DetectedAlert {
  alertId: string;
  kind: AlertKind;
  granularity: AlertGranularity;
  scope: AlertScope;
  scopeKey: string;
  scopeLabel: string;
  periodStart: number;
  periodEnd: number;
  periodLabel: string;
  observed: number;
  baseline: number;
  score: number;
  details: AlertDetails;
}

export interface DetectAlertsInput {
  conversations: readonly AlertConversation[];
  topicLabels: ReadonlyMap<number, string>;
  events: readonly AlertEvent[];
  settings: AlertSettings;
  /** Offset of the reporting time zone from UTC at an instant, in minutes. */
  offsetMinutes(instant: number): number;
}

interface Bucket {
  count: number;
  met: number;
  judged: number;
  firstResponses: number[];
}

interface Series {
  scope: AlertScope;
  key: string;
  label: string;
  buckets: Map<number, Bucket>;
  /** Per topic, conversations per bucket: for "the topics that grew" (channel series only). */
  topics?: Map<number, Map<number, number>>;
}

/** How strong the evidence of a spike or drop is: the baseline, and the z of a normal tail as improbable. */
export interface Evidence {
  baseline: number;
  /** The one-sided tail probability of the period under the baseline. */
  p: number;
  /** The same as a normal z (p = P(Z >= z)): compared with the threshold. */
  z: number;
  weeks: number;
}

/**
 * How improbable `observed` conversations are, given the same period of previous weeks (`history`). The baseline is
 * their median. The period is judged on the larger (less alarming) of two tail probabilities: the exact Poisson tail
 * at a rate one standard error above the history's robust mean (the mean without its largest week, or the median when
 * higher), and, when the weeks vary more than Poisson noise, a normal tail with their MAD as spread, widened for the
 * error of a median of few weeks (the variance of a median of n draws is pi/2n of one draw's). A spike in the history
 * moves neither much.
 *
 * @example
 * countEvidence(120, [40, 42, 38, 41]).z; // > 8
 */
export function countEvidence(observed: number, history: readonly number[]): Evidence {
  const n = history.length;
  const median = medianOf(history) ?? 0;
  const rate = Math.max(median, trimmedMean(history));
  const rateUpper = rate + Math.sqrt(Math.max(rate, 1) / n);
  let p = poissonUpperTail(observed, rateUpper);
  const mad = medianOf(history.map((value) => Math.abs(value - median))) ?? 0;
  if (mad > 0) p = Math.max(p, normalUpperTail((observed - median) / (MAD_TO_SD * mad * Math.sqrt(1 + Math.PI / (2 * n)))));
  return { baseline: median, p, z: normalQuantileOfUpperTail(p), weeks: n };
}

/**
 * How improbable `breached` of `judged` conversations missing the first-response target are, given the previous weeks'
 * same periods: the exact binomial tail at a breach rate one standard error above the history's (its median, or its
 * pooled rate without the worst week when higher), and the MAD-based normal tail of the shares when they vary.
 *
 * @example
 * shareEvidence(30, 40, [{ met: 38, judged: 40 }, { met: 39, judged: 40 }, { met: 37, judged: 40 }]).z; // > 8
 */
export function shareEvidence(breached: number, judged: number, history: readonly { met: number; judged: number }[]): Evidence {
  const n = history.length;
  const shares = history.map((week) => week.met / week.judged);
  const median = medianOf(shares) ?? 0;
  const worst = history.reduce((index, week, at) => (week.met / week.judged < history[index]!.met / history[index]!.judged ? at : index), 0);
  const kept = n > 1 ? history.filter((_, at) => at !== worst) : history;
  const pooledJudged = kept.reduce((sum, week) => sum + week.judged, 0);
  const pooledBreach = pooledJudged === 0 ? 0 : kept.reduce((sum, week) => sum + week.judged - week.met, 0) / pooledJudged;
  const rate = Math.max(1 - median, pooledBreach);
  const rateUpper = Math.min(1, rate + Math.sqrt((Math.max(rate, 1 / Math.max(pooledJudged, 1)) * (1 - Math.min(rate, 0.5))) / Math.max(pooledJudged, 1)));
  let p = binomialUpperTail(breached, judged, rateUpper);
  const mad = medianOf(shares.map((share) => Math.abs(share - median))) ?? 0;
  const share = judged === 0 ? 1 : (judged - breached) / judged;
  if (mad > 0) p = Math.max(p, normalUpperTail((median - share) / (MAD_TO_SD * mad * Math.sqrt(1 + Math.PI / (2 * n)))));
  return { baseline: median, p, z: normalQuantileOfUpperTail(p), weeks: n };
}

function trimmedMean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  if (values.length === 1) return values[0]!;
  const largest = Math.max(...values);
  return (values.reduce((sum, value) => sum + value, 0) - largest) / (values.length - 1);
}

/**
 * The z an hourly period must reach: as improbable as the daily threshold divided by the 24 hours of a day, so that
 * a series raises as many hourly as daily alerts by chance.
 *
 * @example
 * hourlyThreshold(4); // 4.70
 */
export function hourlyThreshold(threshold: number): number {
  return normalQuantileOfUpperTail(normalUpperTail(threshold) / 24);
}

/**
 * Every spike and within-target drop in the history, per channel (and `all` channels) and per topic, by hour and by
 * day of the reporting time zone, each judged against the same hour of the week (or the same weekday) of the
 * previous `historyWeeks` weeks. Periods with fewer than `minHistoryWeeks` such weeks of data before them are not judged.
 *
 * @example
 * const alerts = detectAlerts({ conversations, topicLabels, events: [], settings: DEFAULT_ALERT_SETTINGS, offsetMinutes: () => 0 });
 */
export function detectAlerts(input: DetectAlertsInput): DetectedAlert[] {
  const alerts: DetectedAlert[] = [];
  if (input.conversations.length === 0) return alerts;
  for (const granularity of ['day', 'hour'] as const) {
    const size = granularity === 'day' ? DAY_MS : HOUR_MS;
    const bucketOf = (instant: number): number => Math.floor((instant + input.offsetMinutes(instant) * 60_000) / size);
    const series = buildSeries(input, bucketOf);
    let first = Number.POSITIVE_INFINITY;
    for (const conversation of input.conversations) first = Math.min(first, bucketOf(conversation.startAt));
    const minCount = granularity === 'day' ? input.settings.minDayConversations : input.settings.minHourConversations;
    const threshold = granularity === 'day' ? input.settings.threshold : hourlyThreshold(input.settings.threshold);
    for (const one of series) {
      for (const [bucket, stats] of one.buckets) {
        const history = historyBuckets(bucket, first, granularity, input.settings);
        if (history.length < input.settings.minHistoryWeeks) continue;
        const judged: JudgedBucket = { series: one, bucket, stats, history, granularity, period: periodOf(bucket, granularity, input.offsetMinutes) };
        if (stats.count >= minCount) {
          const spike = judgeSpike(judged, threshold, input.settings);
          if (spike) alerts.push(makeAlert('spike', judged, spike, describe(judged, input)));
        }
        if (one.scope === 'channel' && stats.judged >= minCount) {
          const drop = judgeDrop(judged, threshold, input.settings);
          if (drop) alerts.push(makeAlert('target-drop', judged, drop, describe(judged, input)));
        }
      }
    }
  }
  return alerts.sort((a, b) => a.periodStart - b.periodStart || a.alertId.localeCompare(b.alertId));
}

function buildSeries(input: DetectAlertsInput, bucketOf: (instant: number) => number): Series[] {
  const byKey = new Map<string, Series>();
  const seriesFor = (scope: AlertScope, key: string, label: string): Series => {
    const id = `${scope}:${key}`;
    let found = byKey.get(id);
    if (!found) byKey.set(id, (found = { scope, key, label, buckets: new Map(), ...(scope === 'channel' ? { topics: new Map() } : {}) }));
    return found;
  };
  for (const conversation of input.conversations) {
    const bucket = bucketOf(conversation.startAt);
    const targets: Series[] = [seriesFor('channel', 'all', 'all channels'), seriesFor('channel', conversation.channel, conversation.channel)];
    if (conversation.topicId !== null) {
      const label = input.topicLabels.get(conversation.topicId) ?? `topic ${conversation.topicId}`;
      targets.push(seriesFor('topic', String(conversation.topicId), label));
    }
    for (const one of targets) {
      let stats = one.buckets.get(bucket);
      if (!stats) one.buckets.set(bucket, (stats = { count: 0, met: 0, judged: 0, firstResponses: [] }));
      stats.count += 1;
      if (conversation.target === 'met' || conversation.target === 'breached') {
        stats.judged += 1;
        if (conversation.target === 'met') stats.met += 1;
      }
      if (conversation.firstResponseMs !== null) stats.firstResponses.push(conversation.firstResponseMs);
      if (one.topics && conversation.topicId !== null) {
        let counts = one.topics.get(conversation.topicId);
        if (!counts) one.topics.set(conversation.topicId, (counts = new Map()));
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      }
    }
  }
  return [...byKey.values()];
}

/** The same period of each previous week that has data behind it (on or after the first bucket of all data). */
function historyBuckets(bucket: number, first: number, granularity: AlertGranularity, settings: AlertSettings): number[] {
  const step = WEEK_STEP[granularity];
  const history: number[] = [];
  for (let week = 1; week <= settings.historyWeeks; week++) {
    const earlier = bucket - week * step;
    if (earlier < first) break;
    history.push(earlier);
  }
  return history;
}

interface Judgement {
  observed: number;
  baseline: number;
  score: number;
  weeks: number;
}

/** One bucket of one series being judged, with the earlier buckets it is compared with. */
interface JudgedBucket {
  series: Series;
  bucket: number;
  stats: Bucket;
  history: readonly number[];
  granularity: AlertGranularity;
  period: Period;
}

function judgeSpike({ series, stats, history }: JudgedBucket, threshold: number, settings: AlertSettings): Judgement | undefined {
  const evidence = countEvidence(
    stats.count,
    history.map((earlier) => series.buckets.get(earlier)?.count ?? 0),
  );
  if (evidence.z < threshold) return undefined;
  if (evidence.baseline > 0 && stats.count / evidence.baseline < settings.minRatio) return undefined;
  return { observed: stats.count, baseline: evidence.baseline, score: evidence.z, weeks: evidence.weeks };
}

function judgeDrop({ series, stats, history }: JudgedBucket, threshold: number, settings: AlertSettings): Judgement | undefined {
  const weeks = history.flatMap((earlier) => {
    const past = series.buckets.get(earlier);
    return past && past.judged > 0 ? [{ met: past.met, judged: past.judged }] : [];
  });
  if (weeks.length < settings.minHistoryWeeks) return undefined;
  const share = stats.met / stats.judged;
  const evidence = shareEvidence(stats.judged - stats.met, stats.judged, weeks);
  if (evidence.z < threshold || evidence.baseline - share < settings.minTargetDrop) return undefined;
  return { observed: share, baseline: evidence.baseline, score: evidence.z, weeks: evidence.weeks };
}

interface Period {
  start: number;
  end: number;
  label: string;
}

/** UTC bounds and local label of a bucket (a local hour or day as counted from the local epoch). */
function periodOf(bucket: number, granularity: AlertGranularity, offsetMinutes: (instant: number) => number): Period {
  const size = granularity === 'day' ? DAY_MS : HOUR_MS;
  const toUtc = (local: number): number => {
    const guess = local - offsetMinutes(local) * 60_000;
    return local - offsetMinutes(guess) * 60_000;
  };
  const iso = new Date(bucket * size).toISOString();
  return {
    start: toUtc(bucket * size),
    end: toUtc((bucket + 1) * size),
    label: granularity === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00`,
  };
}

function describe({ series, bucket, stats, history, period }: JudgedBucket, input: DetectAlertsInput): AlertDetails {
  const pastBuckets = history.map((earlier) => series.buckets.get(earlier));
  const baselineCount = medianOf(pastBuckets.map((past) => past?.count ?? 0)) ?? 0;
  const pastJudged = pastBuckets.reduce((sum, past) => sum + (past?.judged ?? 0), 0);
  const pastMet = pastBuckets.reduce((sum, past) => sum + (past?.met ?? 0), 0);
  const topics: AlertTopic[] = [];
  for (const [topicId, counts] of series.topics ?? []) {
    const count = counts.get(bucket) ?? 0;
    const baseline = medianOf(history.map((earlier) => counts.get(earlier) ?? 0)) ?? 0;
    if (count > baseline) topics.push({ topicId, label: input.topicLabels.get(topicId) ?? `topic ${topicId}`, count, baseline });
  }
  topics.sort((a, b) => b.count - b.baseline - (a.count - a.baseline) || b.count - a.count || a.topicId - b.topicId);
  return {
    ratio: baselineCount > 0 ? stats.count / baselineCount : null,
    historyWeeks: history.length,
    topics: topics.slice(0, TOPICS_NAMED),
    firstResponse: {
      medianMs: medianOf(stats.firstResponses),
      baselineMedianMs: medianOf(pastBuckets.flatMap((past) => past?.firstResponses ?? [])),
    },
    withinTarget: {
      share: stats.judged > 0 ? stats.met / stats.judged : null,
      baselineShare: pastJudged > 0 ? pastMet / pastJudged : null,
      judged: stats.judged,
    },
    events: eventsNear(input.events, period, input.settings.eventLeadMs),
  };
}

/**
 * Events that may explain a period: one that started up to `leadMs` before it or during it, or whose span covers it.
 *
 * @example
 * eventsNear(events, { start, end, label }, 6 * 3_600_000);
 */
export function eventsNear(events: readonly AlertEvent[], period: { start: number; end: number }, leadMs: number): AlertEvent[] {
  return events.filter((event) => {
    const startsNear = event.startsAt >= period.start - leadMs && event.startsAt < period.end;
    const spans = event.endsAt !== null && event.startsAt < period.end && event.endsAt > period.start;
    return startsNear || spans;
  });
}

function makeAlert(kind: AlertKind, { series, period, granularity }: JudgedBucket, judgement: Judgement, details: AlertDetails): DetectedAlert {
  return {
    alertId: `${kind}:${granularity}:${series.scope}:${series.key}:${period.label}`,
    kind,
    granularity,
    scope: series.scope,
    scopeKey: series.key,
    scopeLabel: series.label,
    periodStart: period.start,
    periodEnd: period.end,
    periodLabel: period.label,
    observed: judgement.observed,
    baseline: judgement.baseline,
    score: Number.isFinite(judgement.score) ? Math.round(judgement.score * 100) / 100 : 99,
    details,
  };
}
