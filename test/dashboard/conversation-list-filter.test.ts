import { expect, test } from 'vitest';
import { breachRules, hourRanges } from '../../dashboard/conversation-list-filter.js';
import { createBusinessCalendar } from '../../analysis/response-times/business-calendar.js';
import { DEFAULT_RESPONSE_TIME_CONFIG, type ResponseTimeConfig } from '../../analysis/response-times/response-time-config.js';

const HOUR = 3_600_000;

test.each([
  {
    name: 'one Monday 09:00 in a week (UTC)',
    zone: 'UTC',
    from: '2026-03-02T00:00:00Z',
    to: '2026-03-09T00:00:00Z',
    weekday: 1,
    hour: 9,
    expected: [['2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z']],
  },
  {
    name: 'two Sundays',
    zone: 'UTC',
    from: '2026-03-01T00:00:00Z',
    to: '2026-03-09T00:00:00Z',
    weekday: 7,
    hour: 23,
    expected: [
      ['2026-03-01T23:00:00Z', '2026-03-02T00:00:00Z'],
      ['2026-03-08T23:00:00Z', '2026-03-09T00:00:00Z'],
    ],
  },
  {
    name: 'the skipped hour of a spring-forward day does not exist',
    zone: 'Europe/Berlin',
    from: '2026-03-29T00:00:00+01:00',
    to: '2026-03-30T00:00:00+02:00',
    weekday: 7,
    hour: 2,
    expected: [],
  },
  {
    name: 'the repeated hour of a fall-back day is two hours long',
    zone: 'Europe/Berlin',
    from: '2026-10-25T00:00:00+02:00',
    to: '2026-10-26T00:00:00+01:00',
    weekday: 7,
    hour: 2,
    expected: [['2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z']],
  },
])('hourRanges: $name', ({ zone, from, to, weekday, hour, expected }) => {
  const ranges = hourRanges(zone, { from: Date.parse(from), to: Date.parse(to) }, { weekday, hour });
  expect(ranges).toEqual(expected.map(([a, b]) => [Date.parse(a!), Date.parse(b!)]));
});

test('breachRules: calendar targets split waiting conversations at as-of minus the target; channels without a target get none', () => {
  const asOf = Date.parse('2026-03-10T12:00:00Z');
  expect(breachRules(DEFAULT_RESPONSE_TIME_CONFIG, ['chat', 'email', 'social'], 'first_response', asOf)).toEqual([
    { channel: 'chat', targetMs: 5 * 60_000, basis: 'calendar', waitingBreachedBefore: asOf - 5 * 60_000 },
    { channel: 'email', targetMs: 24 * HOUR, basis: 'calendar', waitingBreachedBefore: asOf - 24 * HOUR },
  ]);
  expect(breachRules(DEFAULT_RESPONSE_TIME_CONFIG, ['chat'], 'resolution', asOf)).toEqual([]);
});

test('breachRules: on business hours, exactly the clock starts whose business age exceeds the target', () => {
  const hours = {
    timeZone: 'UTC',
    intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[], start: '09:00', end: '17:00' }],
    holidays: [],
  };
  const config: ResponseTimeConfig = {
    reportingTimeZone: 'UTC',
    businessHours: { email: hours },
    targets: { email: { firstResponseMs: 4 * HOUR, resolutionMs: null, basis: 'business' } },
  };
  const asOf = Date.parse('2026-03-10T11:00:00Z'); // a Tuesday, 2 business hours into the day
  const [rule] = breachRules(config, ['email'], 'first_response', asOf);
  // 4 business hours before Tuesday 11:00 is Monday 15:00: started earlier, the age exceeds the target.
  expect(rule!.waitingBreachedBefore).toBe(Date.parse('2026-03-09T15:00:00Z'));
  const calendar = createBusinessCalendar(hours);
  for (const start of ['2026-03-09T14:59:59Z', '2026-03-06T16:00:00Z']) expect(calendar.businessMsBetween(Date.parse(start), asOf)).toBeGreaterThan(4 * HOUR);
  expect(calendar.businessMsBetween(Date.parse('2026-03-09T15:00:00Z'), asOf)).toBe(4 * HOUR);
});
