import { Option } from 'commander';
import { DateTime } from 'luxon';
import type { Kysely } from '#kysely';
import { findLatestConversationCreatedAt } from '../db/conversation-queries.js';
import type { Database } from '../db/schema.js';
import { parseRangeBound, type ConversationFilter, type PeriodFilter } from '../analysis/conversation-filter.js';
import { UsageError } from './options.js';

/** `--from`, `--to`, `--channel`: the filter shared by reports and exports. */
export function filterOptions(): Option[] {
  return [
    new Option('--from <date>', 'first day (YYYY-MM-DD, in the reporting time zone) or ISO instant'),
    new Option('--to <date>', 'last day, inclusive (YYYY-MM-DD) or ISO instant, exclusive'),
    new Option('--channel <names>', 'only these channels, comma-separated'),
  ];
}

export interface FilterFlags {
  from?: string;
  to?: string;
  channel?: string;
}

/**
 * Turns `--from/--to/--channel` into a filter; a bad value is a `UsageError` naming the option.
 *
 * @example
 * filterFromFlags({ from: '2026-03-01', to: '2026-03-31' }, 'Europe/Berlin');
 */
export function filterFromFlags(flags: FilterFlags, zone: string): ConversationFilter {
  const filter: ConversationFilter = {};
  if (flags.from !== undefined) {
    filter.from = parseRangeBound(flags.from, 'from', zone);
    if (filter.from === undefined) throw new UsageError(`--from: "${flags.from}" is not a date (YYYY-MM-DD) or an ISO 8601 date-time`);
  }
  if (flags.to !== undefined) {
    filter.to = parseRangeBound(flags.to, 'to', zone);
    if (filter.to === undefined) throw new UsageError(`--to: "${flags.to}" is not a date (YYYY-MM-DD) or an ISO 8601 date-time`);
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.to <= filter.from) {
    throw new UsageError(`--to: "${flags.to}" is not after --from "${flags.from}"`);
  }
  if (flags.channel !== undefined) {
    const channels = flags.channel
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '');
    if (channels.length === 0) throw new UsageError('--channel: give at least one channel name');
    filter.channels = channels;
  }
  return filter;
}

/**
 * Reads `--as-of`: an ISO instant, default now.
 *
 * @example
 * asOfFromFlag('2026-03-01T12:00:00Z'); // 1772366400000
 */
export function asOfFromFlag(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const instant = /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(instant)) throw new UsageError(`--as-of: "${text}" is not an ISO 8601 date-time with offset (such as 2026-03-01T12:00:00Z)`);
  return instant;
}

/**
 * The period of the topics and FAQ-gap reports: `--from`/`--to` read as every report reads them (`filterFromFlags`,
 * days in the reporting time zone); `--to` defaults to the end of the local day of the latest conversation (today when
 * there is none), `--from` to `defaultDays` days before it.
 *
 * @example
 * const filter = await resolveReportRange(db, { to: '2024-05-31' }, { zone: 'Europe/Berlin', defaultDays: 7 });
 */
export async function resolveReportRange(db: Kysely<Database>, flags: FilterFlags, options: { zone: string; defaultDays: number }): Promise<PeriodFilter> {
  const filter = filterFromFlags(flags, options.zone);
  let to = filter.to;
  if (to === undefined) {
    const at = (await findLatestConversationCreatedAt(db)) ?? Date.now();
    to = DateTime.fromMillis(at, { zone: options.zone }).startOf('day').plus({ days: 1 }).toMillis();
  }
  const from = filter.from ?? DateTime.fromMillis(to, { zone: options.zone }).minus({ days: options.defaultDays }).toMillis();
  if (from >= to) throw new UsageError(`--from: "${flags.from}" is not before --to (${new Date(to).toISOString()}, the end of the latest conversation's day)`);
  return { ...filter, from, to };
}
