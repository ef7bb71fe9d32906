import { DateTime } from 'luxon';

export type { ConversationFilter, PeriodFilter } from '../db/conversation-filter.js';

/**
 * Reads a `--from`/`--to` value: a date `YYYY-MM-DD` is a whole day in `zone` (`from` is its first instant, `to`
 * the first instant of the next day, so both ends are inclusive days); an ISO 8601 date-time is taken as given
 * (read in `zone` if it has no offset). Undefined when the text is neither.
 *
 * @example
 * parseRangeBound('2026-03-01', 'to', 'Europe/Berlin'); // Date.parse('2026-03-01T23:00:00Z')
 */
export function parseRangeBound(text: string, end: 'from' | 'to', zone: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const day = DateTime.fromISO(trimmed, { zone });
    if (!day.isValid) return undefined;
    return (end === 'from' ? day : day.plus({ days: 1 })).startOf('day').toMillis();
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return undefined;
  const instant = DateTime.fromISO(trimmed, { zone, setZone: true });
  return instant.isValid ? instant.toMillis() : undefined;
}
