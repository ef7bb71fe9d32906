import { IANAZone } from 'luxon';
import { WEEKDAYS, type BusinessHours } from './response-time-config.js';
import { createZoneClock, dayToIsoDate, type ZoneClock } from './zone-clock.js';

/** Counts the milliseconds of an interval that fall inside business hours. */
export interface BusinessCalendar {
  /** Business milliseconds in `[from, to)`; 0 when `to <= from`. */
  businessMsBetween(from: number, to: number): number;
}

const DAY_MS = 86_400_000;
/** Local days generated beyond what was asked, so that consecutive calls rarely regenerate. */
const COVERAGE_MARGIN_DAYS = 400;
/** UTC day padding: a local date's hours can fall up to 26 hours either side of the same UTC date. */
const ZONE_PADDING_DAYS = 3;

/** Open around the clock: business time equals calendar time. */
export const ALWAYS_OPEN: BusinessCalendar = {
  businessMsBetween: (from, to) => Math.max(0, to - from),
};

/**
 * Parses `HH:MM` (00:00 to 24:00) into minutes after midnight; undefined when it is not such a time.
 *
 * @example
 * parseClockTime('13:30'); // 810
 */
export function parseClockTime(text: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
}

/**
 * A calendar from validated business hours. Opening hours are wall-clock times in the calendar's zone, so a shift
 * on a daylight-saving day is as long as the clocks make it (09:00-17:00 is 8 hours on any day, 00:00-06:00 is
 * 5 hours on the March change in New York). Holidays close the whole local day.
 *
 * The open intervals are generated as UTC instants for the local days needed, with running totals, so each
 * question is two binary searches.
 *
 * @example
 * const calendar = createBusinessCalendar({ timeZone: 'Europe/Berlin', holidays: [],
 *   intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }] });
 * calendar.businessMsBetween(Date.parse('2026-03-06T15:00:00Z'), Date.parse('2026-03-09T09:00:00Z')); // 2 h
 */
export function createBusinessCalendar(hours: BusinessHours): BusinessCalendar {
  if (!IANAZone.isValidZone(hours.timeZone)) throw new Error(`business hours: unknown time zone "${hours.timeZone}"`);
  const byWeekday = openMinutesByWeekday(hours);
  const holidays = new Set(hours.holidays);
  let firstDay = 0;
  let lastDay = -1;
  let starts = new Float64Array(0);
  let ends = new Float64Array(0);
  let before = new Float64Array(0);

  const cover = (fromDay: number, toDay: number): void => {
    if (fromDay >= firstDay && toDay <= lastDay) return;
    const nextFirst = lastDay < firstDay ? fromDay - COVERAGE_MARGIN_DAYS : Math.min(firstDay, fromDay - COVERAGE_MARGIN_DAYS);
    const nextLast = lastDay < firstDay ? toDay + COVERAGE_MARGIN_DAYS : Math.max(lastDay, toDay + COVERAGE_MARGIN_DAYS);
    const intervals = openIntervals({ zone: hours.timeZone, byWeekday, holidays }, nextFirst, nextLast);
    starts = new Float64Array(intervals.length);
    ends = new Float64Array(intervals.length);
    before = new Float64Array(intervals.length);
    let total = 0;
    intervals.forEach(([start, end], index) => {
      starts[index] = start;
      ends[index] = end;
      before[index] = total;
      total += end - start;
    });
    firstDay = nextFirst;
    lastDay = nextLast;
  };

  const openBefore = (instant: number): number => {
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle]! <= instant) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0) return 0;
    return before[found]! + Math.min(instant, ends[found]!) - starts[found]!;
  };

  return {
    businessMsBetween(from: number, to: number): number {
      if (!(to > from)) return 0;
      cover(Math.floor(from / DAY_MS) - ZONE_PADDING_DAYS, Math.floor(to / DAY_MS) + ZONE_PADDING_DAYS);
      return openBefore(to) - openBefore(from);
    },
  };
}

/** Open minutes per luxon weekday (1 = Monday), merged and sorted. */
function openMinutesByWeekday(hours: BusinessHours): [number, number][][] {
  const byWeekday: [number, number][][] = [[], [], [], [], [], [], [], []];
  for (const interval of hours.intervals) {
    const start = parseClockTime(interval.start);
    const end = parseClockTime(interval.end);
    if (start === undefined || end === undefined || end <= start) {
      throw new Error(`business hours: invalid interval ${interval.start}-${interval.end}`);
    }
    for (const day of interval.days) byWeekday[WEEKDAYS.indexOf(day) + 1]!.push([start, end]);
  }
  return byWeekday.map((list) => mergeIntervals(list));
}

function mergeIntervals<T extends [number, number]>(list: T[]): T[] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const merged: T[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push([interval[0], interval[1]] as T);
  }
  return merged;
}

/** UTC `[start, end)` instants of every open interval on the local days `fromDay..toDay` (days since 1970-01-01). */
function openIntervals(
  { zone, byWeekday, holidays }: { zone: string; byWeekday: [number, number][][]; holidays: ReadonlySet<string> },
  fromDay: number,
  toDay: number,
): [number, number][] {
  const clock = createZoneClock(zone);
  const intervals: [number, number][] = [];
  for (let day = fromDay; day <= toDay; day += 1) {
    // 1970-01-01 was a Thursday; luxon numbers Monday 1 ... Sunday 7.
    const minutes = byWeekday[((((day + 3) % 7) + 7) % 7) + 1]!;
    if (minutes.length === 0 || holidays.has(dayToIsoDate(day))) continue;
    for (const [start, end] of minutes) {
      const startAt = wallClockToInstant(day * DAY_MS + start * 60_000, clock);
      const endAt = wallClockToInstant(day * DAY_MS + end * 60_000, clock);
      if (endAt > startAt) intervals.push([startAt, endAt]);
    }
  }
  return mergeIntervals(intervals);
}

/**
 * The instant at which local clocks show `wall` (local wall time written as if it were UTC). A time skipped by a
 * change (02:30 on a spring-forward night) moves forward by the gap; a repeated one takes its first occurrence
 * (luxon's rule).
 */
function wallClockToInstant(wall: number, clock: ZoneClock): number {
  const provisional = clock.offsetMinutes(wall);
  let guess = wall - provisional * 60_000;
  const second = clock.offsetMinutes(guess);
  if (second === provisional) return guess;
  guess -= (second - provisional) * 60_000;
  const third = clock.offsetMinutes(guess);
  if (second === third) return guess;
  return wall - Math.min(second, third) * 60_000;
}
