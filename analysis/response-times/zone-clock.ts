import { IANAZone } from 'luxon';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Local wall-clock parts of UTC instants in one IANA zone; fast enough for every row of a report. */
export interface ZoneClock {
  /** Offset from UTC in minutes at the instant. */
  offsetMinutes(instant: number): number;
  /** The local date as days since 1970-01-01 (local midnight-based). */
  localDay(instant: number): number;
  /** 0-23, local. */
  localHour(instant: number): number;
  /** 1 = Monday ... 7 = Sunday, local. */
  localWeekday(instant: number): number;
}

/**
 * A clock for a zone. Offsets are looked up once per UTC hour and reused when the offset is the same at both ends
 * of that hour; within the hour of a daylight-saving change every instant is looked up exactly.
 *
 * @example
 * createZoneClock('America/New_York').localHour(Date.parse('2026-03-08T12:00:00Z')); // 8
 */
export function createZoneClock(zone: string): ZoneClock {
  const iana = IANAZone.create(zone);
  if (!iana.isValid) throw new Error(`unknown time zone "${zone}"`);
  const byHour = new Map<number, number>();
  const offsetMinutes = (instant: number): number => {
    const hour = Math.floor(instant / HOUR_MS);
    let cached = byHour.get(hour);
    if (cached === undefined) {
      const atStart = iana.offset(hour * HOUR_MS);
      const atEnd = iana.offset((hour + 1) * HOUR_MS - 1);
      cached = atStart === atEnd ? atStart : Number.NaN;
      if (byHour.size > 200_000) byHour.clear();
      byHour.set(hour, cached);
    }
    return Number.isNaN(cached) ? iana.offset(instant) : cached;
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

/**
 * `YYYY-MM-DD` of a local day number.
 *
 * @example
 * dayToIsoDate(0); // "1970-01-01"
 */
export function dayToIsoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
