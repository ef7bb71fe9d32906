import { describe, expect, test } from 'vitest';
import { ALWAYS_OPEN, createBusinessCalendar, parseClockTime } from '../../../analysis/response-times/business-calendar.js';
import type { BusinessHours } from '../../../analysis/response-times/response-time-config.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (iso: string): number => Date.parse(iso);
const WEEKDAYS_9_TO_5 = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } as const;

const berlinOffice: BusinessHours = { timeZone: 'Europe/Berlin', intervals: [{ ...WEEKDAYS_9_TO_5, days: [...WEEKDAYS_9_TO_5.days] }], holidays: [] };

describe('businessMsBetween', () => {
  // 2026-03-06 is a Friday, 2026-03-09 a Monday; Berlin is UTC+1 in early March.
  const cases: { name: string; hours: BusinessHours; from: string; to: string; expected: number }[] = [
    {
      name: 'across a weekend: Fri 16:00-17:00 + Mon 09:00-10:00 Berlin',
      hours: berlinOffice,
      from: '2026-03-06T15:00:00Z',
      to: '2026-03-09T09:00:00Z',
      expected: 2 * HOUR,
    },
    {
      name: 'a holiday on Monday: Fri 16:00-17:00 + Tue 09:00-10:00',
      hours: { ...berlinOffice, holidays: ['2026-03-09'] },
      from: '2026-03-06T15:00:00Z',
      to: '2026-03-10T09:00:00Z',
      expected: 2 * HOUR,
    },
    {
      name: 'entirely inside a weekend',
      hours: berlinOffice,
      from: '2026-03-07T10:00:00Z',
      to: '2026-03-08T18:00:00Z',
      expected: 0,
    },
    {
      name: 'split shift: 11:30-12:00 and 13:00-13:30 (lunch 12:00-13:00 closed)',
      hours: {
        timeZone: 'UTC',
        intervals: [
          { days: ['mon'], start: '09:00', end: '12:00' },
          { days: ['mon'], start: '13:00', end: '17:00' },
        ],
        holidays: [],
      },
      from: '2026-03-02T11:30:00Z',
      to: '2026-03-02T13:30:00Z',
      expected: HOUR,
    },
    {
      name: 'split shift: inside the lunch break',
      hours: {
        timeZone: 'UTC',
        intervals: [
          { days: ['mon'], start: '09:00', end: '12:00' },
          { days: ['mon'], start: '13:00', end: '17:00' },
        ],
        holidays: [],
      },
      from: '2026-03-02T12:15:00Z',
      to: '2026-03-02T12:45:00Z',
      expected: 0,
    },
    {
      // 2026-03-08: New York springs forward at 02:00 EST -> 03:00 EDT. 00:00 EST = 05:00Z, 06:00 EDT = 10:00Z.
      name: 'New York, March change: a Sunday 00:00-06:00 shift lasts 5 hours',
      hours: { timeZone: 'America/New_York', intervals: [{ days: ['sun'], start: '00:00', end: '06:00' }], holidays: [] },
      from: '2026-03-08T00:00:00Z',
      to: '2026-03-08T23:00:00Z',
      expected: 5 * HOUR,
    },
    {
      // Fri 2026-03-06 16:00 EST = 21:00Z; Mon 2026-03-09 10:00 EDT = 14:00Z. 9-17 local both days.
      name: 'New York, across the March change: Fri 16:00-17:00 EST + Mon 09:00-10:00 EDT',
      hours: { timeZone: 'America/New_York', intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }], holidays: [] },
      from: '2026-03-06T21:00:00Z',
      to: '2026-03-09T14:00:00Z',
      expected: 2 * HOUR,
    },
    {
      // 2026-11-01: New York falls back at 02:00 EDT -> 01:00 EST. 00:00 EDT = 04:00Z, 06:00 EST = 11:00Z.
      name: 'New York, November change: a Sunday 00:00-06:00 shift lasts 7 hours',
      hours: { timeZone: 'America/New_York', intervals: [{ days: ['sun'], start: '00:00', end: '06:00' }], holidays: [] },
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      expected: 7 * HOUR,
    },
    {
      // Mon 2026-11-02 09:00 EST = 14:00Z (it was 13:00Z the Monday before).
      name: 'New York, after the November change: Mon 09:00-09:30 EST',
      hours: { timeZone: 'America/New_York', intervals: [{ days: ['mon'], start: '09:00', end: '17:00' }], holidays: [] },
      from: '2026-11-02T13:00:00Z',
      to: '2026-11-02T14:30:00Z',
      expected: 30 * MINUTE,
    },
    {
      // 02:30 does not exist on 2026-03-08 in New York: the shift starts at 03:30 EDT (07:30Z), as luxon moves it.
      name: 'New York, a shift starting in the skipped hour starts after the gap',
      hours: { timeZone: 'America/New_York', intervals: [{ days: ['sun'], start: '02:30', end: '04:00' }], holidays: [] },
      from: '2026-03-08T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
      expected: 30 * MINUTE,
    },
    {
      // 01:30 happens twice on 2026-11-01 in New York: the shift starts at the first (05:30Z) and ends 02:00 EST (07:00Z).
      name: 'New York, a shift starting in the repeated hour starts at its first occurrence',
      hours: { timeZone: 'America/New_York', intervals: [{ days: ['sun'], start: '01:30', end: '02:00' }], holidays: [] },
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      expected: 90 * MINUTE,
    },
    {
      name: 'a 24:00 end joins the next day: Sat 22:00-24:00 + Sun 00:00-01:00',
      hours: {
        timeZone: 'UTC',
        intervals: [
          { days: ['sat'], start: '18:00', end: '24:00' },
          { days: ['sun'], start: '00:00', end: '06:00' },
        ],
        holidays: [],
      },
      from: '2026-03-07T22:00:00Z',
      to: '2026-03-08T01:00:00Z',
      expected: 3 * HOUR,
    },
    {
      name: 'years apart: 52 weeks x 5 days x 8 hours, no holidays',
      hours: { timeZone: 'UTC', intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }], holidays: [] },
      from: '2026-03-02T00:00:00Z',
      to: '2027-03-01T00:00:00Z',
      expected: 52 * 5 * 8 * HOUR,
    },
  ];

  test.each(cases)('$name', ({ hours, from, to, expected }) => {
    expect(createBusinessCalendar(hours).businessMsBetween(at(from), at(to))).toBe(expected);
  });

  test('an empty or reversed interval is 0', () => {
    const calendar = createBusinessCalendar(berlinOffice);
    expect(calendar.businessMsBetween(at('2026-03-09T10:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(0);
    expect(calendar.businessMsBetween(at('2026-03-09T12:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(0);
  });

  test('answers the same whichever dates were asked first (coverage is extended both ways)', () => {
    const calendar = createBusinessCalendar(berlinOffice);
    expect(calendar.businessMsBetween(at('2030-01-07T08:00:00Z'), at('2030-01-07T09:00:00Z'))).toBe(HOUR);
    expect(calendar.businessMsBetween(at('2020-01-06T08:00:00Z'), at('2020-01-06T09:00:00Z'))).toBe(HOUR);
    expect(calendar.businessMsBetween(at('2026-03-06T15:00:00Z'), at('2026-03-09T09:00:00Z'))).toBe(2 * HOUR);
  });

  test('always open counts calendar time', () => {
    expect(ALWAYS_OPEN.businessMsBetween(0, 5 * HOUR)).toBe(5 * HOUR);
  });
});

test.each([
  ['09:00', 540],
  ['24:00', 1440],
  ['00:00', 0],
  ['25:00', undefined],
  ['24:30', undefined],
  ['9:00', undefined],
  ['12:60', undefined],
])('parseClockTime(%s) = %s', (text, expected) => {
  expect(parseClockTime(text)).toBe(expected);
});
