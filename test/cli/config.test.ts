import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../cli/config.js';

function problemsOf(input: unknown): string[] {
  try {
    parseConfig(input, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const hours = (intervals: unknown[], extra: Record<string, unknown> = {}) => ({
  businessHours: { chat: { timeZone: 'Europe/Berlin', intervals, ...extra } },
});

describe('every error names its key', () => {
  test.each([
    [
      hours([
        { days: ['mon'], start: '09:00', end: '12:00' },
        { days: ['mon'], start: '13:00', end: '17:00' },
        { days: ['tue'], start: '09:00', end: '25:00' },
      ]),
      'businessHours.chat.intervals[2].end: "25:00" is not a time (HH:MM, 00:00 to 24:00)',
    ],
    [
      hours([{ days: ['mon', 'funday'], start: '09:00', end: '17:00' }]),
      'businessHours.chat.intervals[0].days[1]: "funday" is not a weekday (mon, tue, wed, thu, fri, sat, sun)',
    ],
    [
      hours([{ days: ['mon'], start: '17:00', end: '09:00' }]),
      'businessHours.chat.intervals[0].end: "09:00" is not after start "17:00" (an interval cannot cross midnight; split it in two)',
    ],
    [
      hours([
        { days: ['mon'], start: '09:00', end: '13:00' },
        { days: ['mon'], start: '12:00', end: '17:00' },
      ]),
      'businessHours.chat.intervals[1]: overlaps intervals[0] on mon',
    ],
    [
      hours([{ days: ['mon'], start: '09:00', end: '17:00' }], { holidays: ['2026-02-30'] }),
      'businessHours.chat.holidays[0]: "2026-02-30" is not a date (YYYY-MM-DD)',
    ],
    [
      { businessHours: { chat: { timeZone: 'Mars/Olympus', intervals: [] } } },
      'businessHours.chat.timeZone: "Mars/Olympus" is not an IANA time zone (such as "Europe/Berlin" or "UTC")',
    ],
    [{ businessHours: { chat: { intervals: [] } } }, 'businessHours.chat.timeZone: missing'],
    [{ reportingTimeZone: 'CEST+2' }, 'reportingTimeZone: "CEST+2" is not an IANA time zone (such as "Europe/Berlin" or "UTC")'],
    [{ targets: { chat: { firstResponse: '5 minutes' } } }, 'targets.chat.firstResponse: "5 minutes" is not a duration (such as "5m", "24h", "1h30m")'],
    [{ targets: { email: { resolutionMs: -3 } } }, 'targets.email.resolutionMs: -3 is not a positive whole number of milliseconds'],
    [{ targets: { email: { basis: 'office' } } }, 'targets.email.basis: "office" is not "calendar" or "business"'],
    [
      { targets: { email: { firstResponse: '1h', firstResponseMs: 5 } } },
      'targets.email.firstResponse: give either firstResponse or firstResponseMs, not both',
    ],
    [
      { targets: { chat: { firstRespons: '5m' } } },
      'targets.chat.firstRespons: unknown key (expected one of firstResponse, firstResponseMs, resolution, resolutionMs, basis)',
    ],
    [
      { reportingTimezone: 'UTC' },
      'reportingTimezone: unknown key (expected one of reportingTimeZone, businessHours, targets, topics, faq, schedule, alerts, deliveries)',
    ],
  ])('%j', (input, expected) => {
    expect(problemsOf(input)).toContain(expected);
  });

  test('all problems are reported at once', () => {
    expect(problemsOf({ reportingTimeZone: 'x', targets: { chat: { firstResponse: 'soon' } } })).toHaveLength(2);
  });
});

describe('values', () => {
  test('defaults: chat 5 minutes, email 24 hours to first response, UTC, always open', () => {
    const config = parseConfig({}, 'defaults').responseTimes;
    expect(config).toEqual({
      reportingTimeZone: 'UTC',
      businessHours: {},
      targets: {
        chat: { firstResponseMs: 300_000, resolutionMs: null, basis: 'calendar' },
        email: { firstResponseMs: 86_400_000, resolutionMs: null, basis: 'calendar' },
      },
    });
  });

  test('a channel entry keeps the defaults it does not override; other channels are added', () => {
    const config = parseConfig({ targets: { chat: { resolution: '1h30m' }, whatsapp: { firstResponseMs: 600000, basis: 'business' } } }, 'x').responseTimes;
    expect(config.targets['chat']).toEqual({ firstResponseMs: 300_000, resolutionMs: 5_400_000, basis: 'calendar' });
    expect(config.targets['whatsapp']).toEqual({ firstResponseMs: 600_000, resolutionMs: null, basis: 'business' });
    expect(config.targets['email']!.firstResponseMs).toBe(86_400_000);
  });

  test('business hours with split shifts, full day names and holidays', () => {
    const config = parseConfig(
      hours(
        [
          { days: ['Monday', 'tue'], start: '09:00', end: '12:00' },
          { days: ['mon', 'tue'], start: '13:00', end: '24:00' },
        ],
        { holidays: ['2026-12-25'] },
      ),
      'x',
    ).responseTimes;
    expect(config.businessHours['chat']).toEqual({
      timeZone: 'Europe/Berlin',
      intervals: [
        { days: ['mon', 'tue'], start: '09:00', end: '12:00' },
        { days: ['mon', 'tue'], start: '13:00', end: '24:00' },
      ],
      holidays: ['2026-12-25'],
    });
  });

  test('a file that is not JSON, and a file that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supportlens-config-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{ "targets": ');
    await expect(loadConfig(path)).rejects.toThrow(/not valid JSON/);
    await expect(loadConfig(join(dir, 'missing.json'))).rejects.toThrow(/cannot read configuration .*missing\.json: ENOENT/);
  });
});

test('the topics section is validated key by key', () => {
  expect(() => parseConfig({ topics: { maxTopics: 1, colour: 'red' } }, 'inline')).toThrow(
    /topics\.maxTopics: expected a whole number from 2 to 1000, got 1\n[\s\S]*topics\.colour: unknown key/,
  );
  expect(parseConfig({ topics: { maxTopics: 40, workers: 0 } }, 'inline').topics).toMatchObject({ maxTopics: 40, workers: 0 });
});
