import { describe, expect, test } from 'vitest';
import { ConfigError, parseConfig } from '../../../cli/config.js';

function problemsOf(input: unknown): string[] {
  try {
    parseConfig(input, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the schedule section', () => {
  test('defaults: 02:00 every night in the reporting time zone, ./inbox, 2 retries 5 minutes apart', () => {
    expect(parseConfig({ reportingTimeZone: 'Asia/Shanghai' }, 'test').schedule).toEqual({
      cron: '0 2 * * *',
      timeZone: 'Asia/Shanghai',
      inbox: './inbox',
      sourceTimeZone: 'UTC',
      retries: 2,
      retryDelayMs: 300_000,
    });
  });

  test('every key read', () => {
    const config = parseConfig(
      {
        reportingTimeZone: 'Asia/Shanghai',
        schedule: { cron: '30 3 * * 1-5', timeZone: 'Europe/Berlin', inbox: '/data/in', sourceTimeZone: 'Asia/Tokyo', retries: 0, retryDelayMs: 1500 },
      },
      'test',
    );
    expect(config.schedule).toEqual({
      cron: '30 3 * * 1-5',
      timeZone: 'Europe/Berlin',
      inbox: '/data/in',
      sourceTimeZone: 'Asia/Tokyo',
      retries: 0,
      retryDelayMs: 1500,
    });
    expect(parseConfig({ schedule: { retryDelay: '90s', cron: '*/10 * * * * *' } }, 'test').schedule).toMatchObject({
      retryDelayMs: 90_000,
      cron: '*/10 * * * * *',
    });
  });

  test.each([
    [{ schedule: 'nightly' }, 'schedule: expected an object with cron, timeZone, inbox, sourceTimeZone, retries, retryDelay, retryDelayMs, got "nightly"'],
    [
      { schedule: { crontab: '0 2 * * *' } },
      'schedule.crontab: unknown key (expected one of cron, timeZone, inbox, sourceTimeZone, retries, retryDelay, retryDelayMs)',
    ],
    [
      { schedule: { cron: 'every night' } },
      /^schedule\.cron: "every night" is not a cron expression \(such as "0 2 \* \* \*": minute hour day month weekday\)/,
    ],
    [{ schedule: { cron: '0 25 * * *' } }, /^schedule\.cron: "0 25 \* \* \*" is not a cron expression .*hour/],
    [{ schedule: { cron: 2 } }, /^schedule\.cron: 2 is not a cron expression/],
    [{ schedule: { timeZone: 'Moon/Base' } }, 'schedule.timeZone: "Moon/Base" is not an IANA time zone (such as "Europe/Berlin" or "UTC")'],
    [{ schedule: { sourceTimeZone: 'GMT+25' } }, 'schedule.sourceTimeZone: "GMT+25" is not an IANA time zone (such as "Europe/Berlin" or "UTC")'],
    [{ schedule: { inbox: '' } }, 'schedule.inbox: expected a folder path, got ""'],
    [{ schedule: { inbox: ['a'] } }, 'schedule.inbox: expected a folder path, got a list'],
    [{ schedule: { retries: -1 } }, 'schedule.retries: expected a whole number from 0 to 20, got -1'],
    [{ schedule: { retries: 1.5 } }, 'schedule.retries: expected a whole number from 0 to 20, got 1.5'],
    [{ schedule: { retryDelay: 'soon' } }, 'schedule.retryDelay: "soon" is not a duration (such as "5m", "24h", "1h30m")'],
    [{ schedule: { retryDelay: null } }, 'schedule.retryDelay: null is not a duration (such as "30s" or "5m")'],
    [{ schedule: { retryDelayMs: 0 } }, 'schedule.retryDelayMs: 0 is not a positive whole number of milliseconds'],
    [{ schedule: { retryDelay: '1m', retryDelayMs: 5 } }, 'schedule.retryDelay: give either retryDelay or retryDelayMs, not both'],
  ])('%j', (input, expected) => {
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    if (typeof expected === 'string') expect(problems[0]).toBe(expected);
    else expect(problems[0]).toMatch(expected);
  });

  test('all problems at once, each naming its key', () => {
    const problems = problemsOf({ schedule: { cron: 'x', retries: 'two', inbox: 3 } });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['schedule.cron', 'schedule.inbox', 'schedule.retries']);
  });
});
