import { DateTime } from 'luxon';
import { ALWAYS_OPEN, createBusinessCalendar } from '../analysis/response-times/business-calendar.js';
import { businessHoursFor, targetsFor, type ResponseTimeConfig, type TargetBasis } from '../analysis/response-times/response-time-config.js';

/**
 * The filter of a conversation list, as the URL gives it (`/conversations?channel=chat&breached=first_response`);
 * every number on the dashboard links to the list with the filter that produced it.
 */
export interface ConversationListQuery {
  from?: string;
  to?: string;
  channel?: string;
  /** Topic ids, comma-separated (a FAQ finding gathers several topics). */
  topic?: string;
  agent?: string;
  team?: string;
  /** The question's detected language: en, zh, other. */
  language?: string;
  /** Missed the first-response or the resolution target (including those still waiting beyond it). */
  breached?: 'first_response' | 'resolution' | '';
  unanswered?: '1' | '';
  /** The external id of the FAQ entry that is the conversation's best match. */
  faq_entry?: string;
  /** Heatmap cell: ISO weekday 1..7 and hour 0..23 of the start, in the reporting time zone. */
  weekday?: number;
  hour?: number;
  /** The conversation's own id, as the source gave it (an example question links to it). */
  conversation?: string;
  sort?: ConversationSort;
  /** Keyset cursor: the last row of the previous page (`value:id`). */
  after?: string;
}

/** Newest or oldest start first (age), or slowest or fastest first response (unanswered last). */
export type ConversationSort = 'newest' | 'oldest' | 'slowest' | 'fastest';
export const CONVERSATION_SORTS: readonly ConversationSort[] = ['newest', 'oldest', 'slowest', 'fastest'];

/**
 * For one channel, the conversations that breached a target: answered (resolved) ones by their stored duration on
 * the target's basis, waiting ones when their clock started before `waitingBreachedBefore` (their age at `asOf`
 * exceeds the target). Business age only grows the earlier a clock starts, so one instant splits the waiting ones,
 * and the list can filter with an index range instead of computing every age.
 */
export interface ChannelBreachRule {
  channel: string;
  targetMs: number;
  basis: TargetBasis;
  waitingBreachedBefore: number;
}

const YEAR_MS = 366 * 86_400_000;
const SEARCH_YEARS = 30;

/**
 * The breach rule of each channel for a target at `asOf`; channels without that target get none.
 *
 * @example
 * breachRules(config, ['chat'], 'first_response', asOf); // [{ channel: 'chat', targetMs: 300000, basis: 'calendar', waitingBreachedBefore: asOf - 300000 }]
 */
export function breachRules(config: ResponseTimeConfig, channels: readonly string[], kind: 'first_response' | 'resolution', asOf: number): ChannelBreachRule[] {
  const rules: ChannelBreachRule[] = [];
  for (const channel of channels) {
    const targets = targetsFor(config, channel);
    const targetMs = kind === 'first_response' ? targets.firstResponseMs : targets.resolutionMs;
    if (targetMs === null) continue;
    rules.push({
      channel,
      targetMs,
      basis: targets.basis,
      waitingBreachedBefore: waitingBreachedBefore(config, { channel, targetMs, basis: targets.basis }, asOf),
    });
  }
  return rules;
}

/** The latest clock start whose age at `asOf` still exceeds the target, plus one millisecond (exclusive bound). */
function waitingBreachedBefore(
  config: ResponseTimeConfig,
  { channel, targetMs, basis }: { channel: string; targetMs: number; basis: TargetBasis },
  asOf: number,
): number {
  if (basis === 'calendar') return asOf - targetMs;
  const hours = businessHoursFor(config, channel);
  const calendar = hours ? createBusinessCalendar(hours) : ALWAYS_OPEN;
  const breached = (start: number): boolean => calendar.businessMsBetween(start, asOf) > targetMs;
  // Business age never exceeds calendar age: a clock started at `asOf - targetMs` or later has not breached. Search
  // back from there in doubling steps (a closed weekend or holiday season pushes the bound back by days or weeks).
  let high = asOf - targetMs;
  let step = Math.max(targetMs, 3_600_000);
  let low = high - step;
  while (!breached(low)) {
    if (asOf - low > SEARCH_YEARS * YEAR_MS) return Number.MIN_SAFE_INTEGER;
    high = low;
    step *= 2;
    low = high - step;
  }
  // Invariant: breached(low), not breached(high).
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (breached(middle)) low = middle;
    else high = middle;
  }
  return low + 1;
}

/**
 * The `[from, to)` instants of one weekday and hour of the reporting zone within a range: a heatmap cell as index
 * ranges on the start (a daylight-saving change makes some of them shorter or longer, as the heatmap counts them).
 *
 * @example
 * hourRanges('UTC', { from: Date.parse('2026-03-02'), to: Date.parse('2026-03-09') }, { weekday: 1, hour: 9 }); // [[Date.parse('2026-03-02T09:00Z'), Date.parse('2026-03-02T10:00Z')]]
 */
export function hourRanges(zone: string, { from, to }: { from: number; to: number }, { weekday, hour }: { weekday: number; hour: number }): [number, number][] {
  const ranges: [number, number][] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf('day');
  while (day.toMillis() < to) {
    if (day.weekday === weekday) {
      // Instants whose local hour is `hour`: from the first such instant to the first of the next hour.
      const start = firstInstantOfHour(day, hour);
      if (start !== undefined) {
        const end = firstInstantAfterHour(day, hour);
        const clipped: [number, number] = [Math.max(start, from), Math.min(end, to)];
        if (clipped[0] < clipped[1]) ranges.push(clipped);
      }
    }
    day = day.plus({ days: 1 });
  }
  return ranges;
}

function firstInstantOfHour(day: DateTime, hour: number): number | undefined {
  const candidate = day.set({ hour, minute: 0, second: 0, millisecond: 0 });
  // On a spring-forward day the skipped hour does not exist: luxon moves it on, to another hour.
  return candidate.hour === hour && candidate.hasSame(day, 'day') ? candidate.toMillis() : undefined;
}

function firstInstantAfterHour(day: DateTime, hour: number): number {
  const start = day.set({ hour, minute: 0, second: 0, millisecond: 0 });
  let probe = start.toMillis() + 3_600_000;
  // A fall-back day repeats the hour: the instants an hour later still show it.
  while (DateTime.fromMillis(probe, { zone: day.zone }).hour === hour) probe += 3_600_000;
  return probe;
}
