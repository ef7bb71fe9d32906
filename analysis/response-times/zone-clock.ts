import { IANAZone } from 'luxon';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Cached spans per zone before the cache starts over (about 500 years of days). */
const CACHE_LIMIT = 200_000;
const VARIES = Number.NaN;

/** Local wall-clock parts of UTC instants in one IANA zone; fast enough for every row of a report. */
export interface ZoneClock {
  /** Offset from UTC in minutes at the instant. */
  offsetMinutes(instant: number): number;
  /** The local date as days since 1970-01-01. */
  localDay(instant: number): number;
  /** 0-23, local. */
  localHour(instant: number): number;
  /** 1 = Monday ... 7 = Sunday, local. */
  localWeekday(instant: number): number;
}

const clocks = new Map<string, ZoneClock>();

/**
 * The clock of a zone (shared, so its cache serves every report). Offsets are looked up once per UTC day when the
 * offset is the same at both ends of the day, else once per UTC hour when it is the same at both ends of the hour,
 * and exactly, instant by instant, within the hour of a change.
 *
 * @example
 * createZoneClock('America/New_York').localHour(Date.parse('2026-03-08T12:00:00Z')); // 8
 */
export function createZoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = buildZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}

function buildZoneClock(zone: string): ZoneClock {
  const iana = IANAZone.create(zone);
  if (!iana.isValid) throw new Error(`unknown time zone "${zone}"`);
  const byDay = new Map<number, number>();
  const byHour = new Map<number, number>();
  const constantOver = (cache: Map<number, number>, key: number, span: number): number => {
    let cached = cache.get(key);
    if (cached === undefined) {
      const atStart = iana.offset(key * span);
      cached = atStart === iana.offset((key + 1) * span - 1) ? atStart : VARIES;
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, cached);
    }
    return cached;
  };
  const offsetMinutes = (instant: number): number => {
    const daily = constantOver(byDay, Math.floor(instant / DAY_MS), DAY_MS);
    if (!Number.isNaN(daily)) return daily;
    const hourly = constantOver(byHour, Math.floor(instant / HOUR_MS), HOUR_MS);
    return Number.isNaN(hourly) ? iana.offset(instant) : hourly;
  };
  const local = (instant: number): number => instant + offsetMinutes(instant) * 60_000;
  return {
    offsetMinutes,
    localDay: (instant) => Math.floor(local(instant) / DAY_MS),
    localHour: (instant) => Math.floor((((local(instant) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS),
    // 1970-01-01 was a Thursday (4).
    localWeekday: (instant) => ((((Math.floor(local(instant) / DAY_MS) + 3) % 7) + 7) % 7) + 1,
  };
}

const isoDates = new Map<number, string>();

/**
 * `YYYY-MM-DD` of a local day number.
 *
 * @example
 * dayToIsoDate(0); // "1970-01-01"
 */
export function dayToIsoDate(day: number): string {
  let text = isoDates.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoDates.size >= CACHE_LIMIT) isoDates.clear();
    isoDates.set(day, text);
  }
  return text;
}
