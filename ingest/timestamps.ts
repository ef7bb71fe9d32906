import { createRequire } from 'node:module';
import type { DateTime as LuxonDateTime } from 'luxon';
import { fail, ok, type Parsed } from './result.js';

/** Earliest and latest instants accepted; anything outside is almost certainly a unit or data error. */
export const MIN_TIMESTAMP_MS = Date.UTC(1990, 0, 1);
export const MAX_TIMESTAMP_MS = Date.UTC(2100, 0, 1);
/** Below this an epoch number is read as seconds, from here on as milliseconds (1e11 s is the year 5138). */
const EPOCH_SECONDS_LIMIT = 1e11;

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const TWITTER_PATTERN =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}) (\d{4})$/;
const RFC2822_PATTERN =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UTC|Z)$/;
const NUMBER_PATTERN = /^-?\d+(?:\.\d+)?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface TimestampOptions {
  /** IANA zone for timestamps that carry no zone or offset. */
  timezone: string;
}

/** True when `zone` is an IANA time zone name this runtime knows (the test luxon's IANAZone.isValidZone makes). */
export function isValidTimeZone(zone: string): boolean {
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
}

/**
 * Luxon, loaded the first time a timestamp without zone must be read in a zone other than UTC: most files never
 * need it, and a parsing thread starts faster without it.
 */
let luxonDateTime: typeof LuxonDateTime | undefined;
function dateTime(): typeof LuxonDateTime {
  luxonDateTime ??= (createRequire(import.meta.url)('luxon') as typeof import('luxon')).DateTime;
  return luxonDateTime;
}

/**
 * Reads a timestamp in any of the accepted shapes and returns UTC epoch milliseconds.
 * Accepted: ISO 8601 with `Z` or an offset; ISO 8601 without zone (read in `options.timezone`); epoch seconds or
 * milliseconds, as numbers or digit strings; Twitter's `Tue Oct 31 22:10:47 +0000 2017`; RFC 2822 email dates.
 *
 * @example
 * parseTimestamp('2024-03-10T02:30:00-05:00', { timezone: 'UTC' }); // { ok: true, value: 1710055800000 }
 */
export function parseTimestamp(input: unknown, options: TimestampOptions): Parsed<number> {
  if (typeof input === 'number') return fromEpochNumber(input, String(input));
  if (typeof input !== 'string') {
    return fail(input === null || input === undefined ? 'missing timestamp' : `timestamp is a ${typeof input}, not a string or number`);
  }
  const utc = readPlainUtc(input);
  if (utc !== undefined) return checkRange(utc, input);
  const text = input.trim();
  if (text === '') return fail('missing timestamp');
  if (NUMBER_PATTERN.test(text)) return fromEpochNumber(Number(text), text);

  const iso = ISO_PATTERN.exec(text);
  if (iso) return fromIsoMatch(iso, text, options.timezone);

  const twitter = TWITTER_PATTERN.exec(text);
  if (twitter) {
    const [, month, day, hour, minute, second, offset, year] = twitter;
    return fromParts(text, {
      year: Number(year),
      month: MONTHS.indexOf(month!) + 1,
      day: Number(day),
      hour: Number(hour),
      minute: Number(minute),
      second: Number(second),
      millisecond: 0,
      offsetMinutes: offsetToMinutes(offset!),
    });
  }

  const rfc = RFC2822_PATTERN.exec(text);
  if (rfc) {
    const [, day, month, year, hour, minute, second, zone] = rfc;
    return fromParts(text, {
      year: Number(year),
      month: MONTHS.indexOf(month!) + 1,
      day: Number(day),
      hour: Number(hour),
      minute: Number(minute),
      second: Number(second ?? 0),
      millisecond: 0,
      offsetMinutes: zone === 'GMT' || zone === 'UTC' || zone === 'Z' ? 0 : offsetToMinutes(zone!),
    });
  }
  return fail(`unrecognised timestamp "${clip(text)}"`);
}

const ZERO = 48;

/** The digit at `index` as a number, or NaN when it is not a digit. */
function digit(text: string, index: number): number {
  const code = text.charCodeAt(index) - ZERO;
  return code >= 0 && code <= 9 ? code : NaN;
}

/**
 * The one shape nearly every export uses, `2024-03-10T02:30:00Z` or with milliseconds `2024-03-10T02:30:00.123Z`, read
 * without a regular expression or any allocation: ingest reads millions of them. Anything else, including an
 * impossible date in this shape, returns undefined and takes the general path (which explains what is wrong).
 */
function readPlainUtc(text: string): number | undefined {
  const length = text.length;
  if (length !== 20 && length !== 24) return undefined;
  if (
    text.charCodeAt(4) !== 0x2d || // -
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x54 || // T
    text.charCodeAt(13) !== 0x3a || // :
    text.charCodeAt(16) !== 0x3a ||
    text.charCodeAt(length - 1) !== 0x5a // Z
  ) {
    return undefined;
  }
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  const hour = digit(text, 11) * 10 + digit(text, 12);
  const minute = digit(text, 14) * 10 + digit(text, 15);
  const second = digit(text, 17) * 10 + digit(text, 18);
  let millisecond = 0;
  if (length === 24) {
    if (text.charCodeAt(19) !== 0x2e) return undefined; // .
    millisecond = digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22);
  }
  // NaN (a non-digit) fails every comparison below.
  if (!(month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && millisecond >= 0)) return undefined;
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (!(day <= daysInMonth) || year < 100) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Undefined when the text had no zone: read it in the configured zone. */
  offsetMinutes?: number;
}

function fromIsoMatch(match: RegExpExecArray, text: string, timezone: string): Parsed<number> {
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const parts: DateParts = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    millisecond: fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0,
  };
  if (zone !== undefined) parts.offsetMinutes = zone === 'Z' || zone === 'z' ? 0 : offsetToMinutes(zone);
  return fromParts(text, parts, timezone);
}

function fromParts(text: string, parts: DateParts, timezone = 'UTC'): Parsed<number> {
  const invalid = checkCalendar(parts);
  if (invalid) return fail(`impossible date "${clip(text)}": ${invalid}`);
  let ms: number;
  if (parts.offsetMinutes !== undefined || timezone === 'UTC') {
    const date = new Date(Date.UTC(2000, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond));
    // setUTCFullYear, not Date.UTC's year argument: Date.UTC reads years 0-99 as 1900-1999.
    date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
    ms = date.getTime() - (parts.offsetMinutes ?? 0) * 60_000;
  } else {
    // A wall-clock time inside a daylight-saving gap does not exist; Luxon moves it forward by the gap.
    const local = dateTime().fromObject(
      {
        year: parts.year,
        month: parts.month,
        day: parts.day,
        hour: parts.hour,
        minute: parts.minute,
        second: parts.second,
        millisecond: parts.millisecond,
      },
      { zone: timezone },
    );
    if (!local.isValid) return fail(`timestamp "${clip(text)}" is not valid in ${timezone}: ${local.invalidExplanation ?? ''}`);
    ms = local.toMillis();
  }
  return checkRange(ms, text);
}

function checkCalendar(p: DateParts): string | undefined {
  if (p.month < 1 || p.month > 12) return `month ${p.month} does not exist`;
  const daysInMonth = p.month === 2 && isLeapYear(p.year) ? 29 : DAYS_IN_MONTH[p.month - 1]!;
  if (p.day < 1 || p.day > daysInMonth) return `day ${p.day} does not exist in ${p.year}-${String(p.month).padStart(2, '0')}`;
  if (p.hour > 23) return `hour ${p.hour} does not exist`;
  if (p.minute > 59) return `minute ${p.minute} does not exist`;
  if (p.second > 59) return `second ${p.second} does not exist`;
  if (p.offsetMinutes !== undefined && Math.abs(p.offsetMinutes) > 14 * 60) return `offset of ${p.offsetMinutes} minutes does not exist`;
  return undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function fromEpochNumber(value: number, text: string): Parsed<number> {
  if (!Number.isFinite(value)) return fail(`timestamp ${clip(text)} is not a finite number`);
  const ms = Math.abs(value) < EPOCH_SECONDS_LIMIT ? Math.round(value * 1000) : Math.round(value);
  return checkRange(ms, text);
}

function checkRange(ms: number, text: string): Parsed<number> {
  if (ms < MIN_TIMESTAMP_MS || ms >= MAX_TIMESTAMP_MS) {
    return fail(`timestamp "${clip(text)}" is outside 1990-01-01..2100-01-01`);
  }
  return ok(ms);
}

function offsetToMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
