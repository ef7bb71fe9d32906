import type { Kysely } from '#kysely';
import { DateTime } from 'luxon';
import type { Database } from '../../db/schema.js';
import { getFaqGapReport } from '../faq/faq-gap-report.js';
import type { ResponseTimeConfig } from '../response-times/response-time-config.js';
import { getResponseTimeReport, type ResponseTimeGroup } from '../response-times/response-time-queries.js';
import { getTopicReport } from '../topics/topic-report.js';
import { listAlerts, listEvents, type StoredAlert, type StoredEvent } from './alert-queries.js';

export type DigestPeriod = 'day' | 'week';
export const DIGEST_PERIODS: readonly DigestPeriod[] = ['day', 'week'];
/** How many growing topics, and how many hourly alerts, a digest lists. */
const DIGEST_TOPICS = 5;
const DIGEST_HOURLY_ALERTS = 5;

/** The period a digest covers: a local day, or a Monday-to-Sunday week, of the reporting time zone. */
export interface DigestWindow {
  period: DigestPeriod;
  /** `2026-12-05` or `2026-W49`: with the destination, the key that keeps a digest from being sent twice. */
  label: string;
  from: number;
  to: number;
  /** The period before, of the same length, that the figures are compared with. */
  previousFrom: number;
  timeZone: string;
}

/**
 * The digest window: the day (or week) that contains `day` (`YYYY-MM-DD`), or, without one, the last complete day (or
 * week) before `now`.
 *
 * @example
 * digestWindow('week', { day: '2026-12-05' }, 'UTC').label; // "2026-W49"
 */
export function digestWindow(period: DigestPeriod, at: { day?: string | undefined; now?: number | undefined }, timeZone: string): DigestWindow {
  let anchor: DateTime;
  if (at.day !== undefined) {
    anchor = DateTime.fromISO(at.day, { zone: timeZone });
    if (!anchor.isValid) throw new Error(`"${at.day}" is not a date (YYYY-MM-DD)`);
  } else {
    anchor = DateTime.fromMillis(at.now ?? Date.now(), { zone: timeZone }).minus(period === 'day' ? { days: 1 } : { weeks: 1 });
  }
  const start = anchor.startOf(period === 'day' ? 'day' : 'week');
  const end = start.plus(period === 'day' ? { days: 1 } : { weeks: 1 });
  const previous = start.minus(period === 'day' ? { days: 1 } : { weeks: 1 });
  return {
    period,
    label: period === 'day' ? start.toISODate()! : `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`,
    from: start.toMillis(),
    to: end.toMillis(),
    previousFrom: previous.toMillis(),
    timeZone,
  };
}

export interface DigestChannel {
  channel: string;
  conversations: number;
  previousConversations: number;
  firstResponseMedianMs: number | null;
  previousFirstResponseMedianMs: number | null;
  withinTargetShare: number | null;
  previousWithinTargetShare: number | null;
}

export interface DigestTopic {
  topicId: number;
  label: string;
  conversations: number;
  previousConversations: number;
}

export interface DigestFinding {
  id: string;
  verdict: string;
  title: string;
}

export interface Digest {
  window: DigestWindow;
  channels: DigestChannel[];
  /** Daily spikes (per channel and topic), then the strongest hourly ones. */
  spikes: StoredAlert[];
  targetDrops: StoredAlert[];
  /** Hourly alerts beyond those listed. */
  moreHourlyAlerts: number;
  topicsGrew: DigestTopic[];
  faq: { newFindings: DigestFinding[]; goneFindings: DigestFinding[] };
  /** Recorded events in the period, and those its alerts name. */
  events: StoredEvent[];
  links: { overview: string; topics: string; faqGaps: string } | null;
}

export interface BuildDigestOptions {
  window: DigestWindow;
  responseTimes: ResponseTimeConfig;
  /** The dashboard's address, for links; none when undefined. */
  dashboardUrl?: string | undefined;
  /** "Now" for the within-target share of conversations still waiting. */
  asOf?: number | undefined;
}

/**
 * What a daily or weekly digest says, from the latest succeeded analysis: per channel response times against the
 * previous period, spikes and within-target drops, the topics that grew most, FAQ findings new and gone against the
 * previous period, and the events recorded in it.
 *
 * @example
 * const digest = await buildDigest(db, { window: digestWindow('day', {}, 'UTC'), responseTimes: config.responseTimes });
 */
export async function buildDigest(db: Kysely<Database>, options: BuildDigestOptions): Promise<Digest> {
  const { window } = options;
  const current = { from: window.from, to: window.to };
  const previous = { from: window.previousFrom, to: window.from };
  const queryOptions = { config: options.responseTimes, asOf: options.asOf ?? Date.now(), source: 'facts' as const };
  const now = await getResponseTimeReport(db, current, queryOptions, 'channel');
  const before = await getResponseTimeReport(db, previous, queryOptions, 'channel');
  const beforeBy = new Map(before.groups.map((group) => [group.key, group]));
  const channels = now.groups.map((group) => channelFigures(group, beforeBy.get(group.key)));
  for (const group of before.groups) if (!now.groups.some((one) => one.key === group.key)) channels.push(channelFigures(undefined, group));

  const alerts = await listAlerts(db, current);
  const daily = alerts.filter((alert) => alert.granularity === 'day');
  const hourly = alerts.filter((alert) => alert.granularity === 'hour' && alert.scope === 'channel').sort((a, b) => b.score - a.score);
  const hourlyShown = hourly.slice(0, DIGEST_HOURLY_ALERTS);

  const topics = await getTopicReport(db, current, { examples: 0 });
  const topicsGrew = topics.topics
    .filter((topic) => topic.conversations > topic.previousConversations)
    .sort((a, b) => b.conversations - b.previousConversations - (a.conversations - a.previousConversations) || a.topicId - b.topicId)
    .slice(0, DIGEST_TOPICS)
    .map((topic) => ({ topicId: topic.topicId, label: topic.label, conversations: topic.conversations, previousConversations: topic.previousConversations }));

  const gapsNow = await getFaqGapReport(db, current);
  const gapsBefore = await getFaqGapReport(db, previous);
  const beforeIds = new Set(gapsBefore.findings.map((finding) => finding.id));
  const nowIds = new Set(gapsNow.findings.map((finding) => finding.id));
  const finding = (one: { id: string; verdict: string; title: string }): DigestFinding => ({ id: one.id, verdict: one.verdict, title: one.title });

  const range = `from=${isoDay(window.from, window.timeZone)}&to=${isoDay(window.to - 1, window.timeZone)}`;
  const base = options.dashboardUrl?.replace(/\/+$/, '');
  return {
    window,
    channels,
    spikes: [...daily.filter((alert) => alert.kind === 'spike'), ...hourlyShown.filter((alert) => alert.kind === 'spike')],
    targetDrops: [...daily.filter((alert) => alert.kind === 'target-drop'), ...hourlyShown.filter((alert) => alert.kind === 'target-drop')],
    moreHourlyAlerts: hourly.length - hourlyShown.length,
    topicsGrew,
    faq: {
      newFindings: gapsNow.findings.filter((one) => !beforeIds.has(one.id)).map(finding),
      goneFindings: gapsBefore.findings.filter((one) => !nowIds.has(one.id)).map(finding),
    },
    events: await eventsOfDigest(db, current, alerts),
    links: base === undefined ? null : { overview: `${base}/?${range}`, topics: `${base}/topics?${range}`, faqGaps: `${base}/faq-gaps?${range}` },
  };
}

/** The events in the period, and those its alerts name (an event just before a spike explains it). */
async function eventsOfDigest(db: Kysely<Database>, range: { from: number; to: number }, alerts: readonly StoredAlert[]): Promise<StoredEvent[]> {
  const named = new Set(alerts.flatMap((alert) => alert.details.events.map((event) => event.id)));
  const before = named.size > 0 ? await listEvents(db, { from: range.from - 7 * 86_400_000, to: range.to }) : [];
  const inPeriod = await listEvents(db, range);
  const ids = new Set(inPeriod.map((event) => event.id));
  return [...before.filter((event) => named.has(event.id) && !ids.has(event.id)), ...inPeriod].sort(
    (a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id),
  );
}

function channelFigures(now: ResponseTimeGroup | undefined, before: ResponseTimeGroup | undefined): DigestChannel {
  return {
    channel: (now ?? before)!.key,
    conversations: now?.conversations ?? 0,
    previousConversations: before?.conversations ?? 0,
    firstResponseMedianMs: now?.firstResponse.median ?? null,
    previousFirstResponseMedianMs: before?.firstResponse.median ?? null,
    withinTargetShare: now?.firstResponseTarget.share ?? null,
    previousWithinTargetShare: before?.firstResponseTarget.share ?? null,
  };
}

function isoDay(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toISODate()!;
}
