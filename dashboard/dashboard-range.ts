import { DateTime } from 'luxon';
import { parseRangeBound, type ConversationFilter } from '../analysis/conversation-filter.js';

/** Days shown when the URL gives no range: the last 30 days that have data. */
export const DEFAULT_RANGE_DAYS = 30;
/** The longest range a page shows (about ten years): the overview draws one point per day. */
export const MAX_RANGE_DAYS = 3_700;

/** The filter part of every dashboard URL: `?from=YYYY-MM-DD&to=YYYY-MM-DD&channel=name`, both days inclusive. */
export interface DashboardQuery {
  from?: string;
  to?: string;
  channel?: string;
}

/** What the URL's filter means: inclusive days in the reporting zone, and the `[from, to)` filter of the queries. */
export interface DashboardRange {
  fromDay: string;
  toDay: string;
  channel: string | null;
  timeZone: string;
  filter: Required<Pick<ConversationFilter, 'from' | 'to'>> & ConversationFilter;
}

/** A query string value the schema let through but that means nothing (31 February, from after to): a 400 naming it. */
export class QueryParameterError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`querystring/${parameter} ${message}`);
  }
}

/**
 * Resolves the URL's filter; a missing `to` is the day of the latest conversation (or today), a missing `from`
 * `DEFAULT_RANGE_DAYS` days before `to`.
 *
 * @example
 * resolveRange({ from: '2026-03-01', to: '2026-03-31' }, 'UTC', null, Date.now()).filter; // { from, to: Date.parse('2026-04-01') }
 */
export function resolveRange(query: DashboardQuery, timeZone: string, latestStartAt: number | null, now: number): DashboardRange {
  const toMs = query.to !== undefined ? parseRangeBound(query.to, 'to', timeZone) : undefined;
  if (query.to !== undefined && toMs === undefined) throw new QueryParameterError('to', `"${query.to}" is not a calendar day`);
  const fromMs = query.from !== undefined ? parseRangeBound(query.from, 'from', timeZone) : undefined;
  if (query.from !== undefined && fromMs === undefined) throw new QueryParameterError('from', `"${query.from}" is not a calendar day`);
  const toDay = query.to ?? DateTime.fromMillis(latestStartAt ?? now, { zone: timeZone }).toISODate()!;
  const fromDay =
    query.from ??
    DateTime.fromISO(toDay, { zone: timeZone })
      .minus({ days: DEFAULT_RANGE_DAYS - 1 })
      .toISODate()!;
  if (fromDay > toDay) throw new QueryParameterError('from', `"${fromDay}" is after to "${toDay}"`);
  const spanDays = DateTime.fromISO(toDay, { zone: 'UTC' }).diff(DateTime.fromISO(fromDay, { zone: 'UTC' }), 'days').days + 1;
  if (spanDays > MAX_RANGE_DAYS) {
    throw new QueryParameterError(
      'from',
      `the range from ${fromDay} to ${toDay} spans ${spanDays.toLocaleString('en-US')} days; the dashboard shows at most ${MAX_RANGE_DAYS.toLocaleString('en-US')} days at once`,
    );
  }
  const channel = query.channel === undefined ? null : query.channel.toLowerCase();
  const filter = {
    from: fromMs ?? parseRangeBound(fromDay, 'from', timeZone)!,
    to: toMs ?? parseRangeBound(toDay, 'to', timeZone)!,
    ...(channel === null ? {} : { channels: [channel] }),
  };
  return { fromDay, toDay, channel, timeZone, filter };
}

/** Every day from `fromDay` to `toDay` inclusive, as YYYY-MM-DD (`resolveRange` keeps them within `MAX_RANGE_DAYS`). */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const days: string[] = [];
  let day = DateTime.fromISO(fromDay, { zone: 'UTC' });
  const last = DateTime.fromISO(toDay, { zone: 'UTC' });
  while (day <= last) {
    days.push(day.toISODate()!);
    day = day.plus({ days: 1 });
  }
  return days;
}
