import { describe, expect, test } from 'vitest';
import { isValidTimeZone, parseTimestamp } from '../../ingest/timestamps.js';

const utc = (iso: string) => Date.parse(iso);

describe('parseTimestamp accepts every documented shape', () => {
  test.each([
    ['ISO with Z', '2024-05-01T10:00:00Z', 'UTC', utc('2024-05-01T10:00:00Z')],
    ['ISO with lower-case z and milliseconds', '2024-05-01T10:00:00.123z', 'UTC', utc('2024-05-01T10:00:00.123Z')],
    ['ISO with microseconds (truncated to ms)', '2024-05-01T10:00:00.123456Z', 'UTC', utc('2024-05-01T10:00:00.123Z')],
    ['ISO with +08:00', '2024-05-01T18:00:00+08:00', 'UTC', utc('2024-05-01T10:00:00Z')],
    ['ISO with -0500', '2024-05-01T05:00:00-0500', 'UTC', utc('2024-05-01T10:00:00Z')],
    ['ISO with +05 (hours only)', '2024-05-01T15:00:00+05', 'UTC', utc('2024-05-01T10:00:00Z')],
    ['ISO with a space and no seconds', '2024-05-01 10:00', 'UTC', utc('2024-05-01T10:00:00Z')],
    ['date only', '2024-05-01', 'UTC', utc('2024-05-01T00:00:00Z')],
    ['zone-less in Asia/Shanghai', '2024-05-01T18:00:00', 'Asia/Shanghai', utc('2024-05-01T10:00:00Z')],
    ['zone-less in New York, winter', '2024-01-15 09:00', 'America/New_York', utc('2024-01-15T14:00:00Z')],
    ['zone-less in New York, summer', '2024-07-15 09:00', 'America/New_York', utc('2024-07-15T13:00:00Z')],
    ['zone-less in the spring-forward gap moves forward', '2024-03-10 02:30', 'America/New_York', utc('2024-03-10T07:30:00Z')],
    ['an offset wins over the configured zone', '2024-05-01T10:00:00Z', 'Asia/Shanghai', utc('2024-05-01T10:00:00Z')],
    ['epoch seconds (number)', 1714557600, 'UTC', utc('2024-05-01T10:00:00Z')],
    ['epoch seconds with fraction', 1714557600.5, 'UTC', utc('2024-05-01T10:00:00.500Z')],
    ['epoch milliseconds (number)', 1714557600123, 'UTC', utc('2024-05-01T10:00:00.123Z')],
    ['epoch seconds (digit string)', '1714557600', 'UTC', utc('2024-05-01T10:00:00Z')],
    ['epoch milliseconds (digit string)', '1714557600123', 'UTC', utc('2024-05-01T10:00:00.123Z')],
    ['Twitter', 'Tue Oct 31 22:10:47 +0000 2017', 'UTC', utc('2017-10-31T22:10:47Z')],
    ['Twitter with an offset', 'Wed Nov 01 06:10:47 +0800 2017', 'UTC', utc('2017-10-31T22:10:47Z')],
    ['RFC 2822 email date', 'Tue, 31 Oct 2017 22:10:47 +0000', 'UTC', utc('2017-10-31T22:10:47Z')],
    ['RFC 2822 with GMT', '1 Nov 2017 06:10 GMT', 'UTC', utc('2017-11-01T06:10:00Z')],
    ['surrounding spaces', '  2024-05-01T10:00:00Z ', 'UTC', utc('2024-05-01T10:00:00Z')],
    ['leap day', '2024-02-29T12:00:00Z', 'UTC', utc('2024-02-29T12:00:00Z')],
  ] as const)('%s', (_name, input, timezone, expected) => {
    expect(parseTimestamp(input, { timezone })).toEqual({ ok: true, value: expected });
  });
});

describe('parseTimestamp rejects with a reason', () => {
  test.each([
    ['garbage', 'yesterday', /unrecognised timestamp "yesterday"/],
    ['empty', '', /missing timestamp/],
    ['null', null, /missing timestamp/],
    ['an object', {}, /is a object/],
    ['February 30', '2024-02-30T00:00:00Z', /day 30 does not exist in 2024-02/],
    ['February 29 in a common year', '2023-02-29', /day 29 does not exist/],
    ['month 13', '2024-13-01', /month 13 does not exist/],
    ['month 0', '2024-00-10', /month 0 does not exist/],
    ['hour 24', '2024-05-01T24:00:00Z', /hour 24 does not exist/],
    ['second 60', '2024-05-01T10:00:60Z', /second 60 does not exist/],
    ['offset +15:00', '2024-05-01T10:00:00+15:00', /offset of 900 minutes does not exist/],
    ['Twitter on 31 November', 'Thu Nov 31 22:10:47 +0000 2017', /day 31 does not exist/],
    ['epoch before 1990 (a unit mix-up)', 99, /outside 1990-01-01\.\.2100-01-01/],
    ['after 2100', '2150-01-01T00:00:00Z', /outside/],
    ['NaN', Number.NaN, /not a finite number/],
    ['US-style date', '05/01/2024 10:00', /unrecognised timestamp/],
    ['a two-digit year is not 19xx', '0099-05-01T10:00:00Z', /outside 1990-01-01\.\.2100-01-01/],
    ['a two-digit year without a zone', '0099-05-01 10:00', /outside 1990-01-01\.\.2100-01-01/],
    ['February 30 with milliseconds', '2024-02-30T00:00:00.000Z', /day 30 does not exist in 2024-02/],
    ['a letter where a digit goes', '2024-05-0xT10:00:00Z', /unrecognised timestamp/],
    ['millisecond separator not a dot', '2024-05-01T10:00:00:123Z', /unrecognised timestamp/],
  ] as const)('%s', (_name, input, reason) => {
    const result = parseTimestamp(input, { timezone: 'UTC' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

test('time zones are validated by name', () => {
  expect(isValidTimeZone('UTC')).toBe(true);
  expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
  expect(isValidTimeZone('Mars/Olympus')).toBe(false);
});

test('the allocation-free reading of plain UTC timestamps agrees with the general one', () => {
  // The general path handles the same instant written with an explicit +00:00 offset.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  for (let i = 0; i < 2000; i++) {
    const year = 1990 + Math.floor(random() * 110);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 31);
    const time = `${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}`;
    const fraction = random() < 0.5 ? '' : `.${pad(Math.floor(random() * 1000), 3)}`;
    const date = `${year}-${pad(month)}-${pad(day)}T${time}${fraction}`;
    const plain = parseTimestamp(`${date}Z`, { timezone: 'Asia/Shanghai' });
    const general = parseTimestamp(`${date}+00:00`, { timezone: 'UTC' });
    if (general.ok) expect(plain).toEqual(general);
    else expect(plain).toEqual({ ok: false, reason: general.reason.replace('+00:00', 'Z') });
  }
});
