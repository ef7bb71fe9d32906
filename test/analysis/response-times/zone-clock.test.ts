import { DateTime } from 'luxon';
import { expect, test } from 'vitest';
import { createZoneClock, dayToIsoDate } from '../../../analysis/response-times/zone-clock.js';

test.each(['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'])(
  'local day, hour and weekday agree with luxon every 7 minutes through both 2026 changes in %s',
  (zone) => {
    const clock = createZoneClock(zone);
    for (const [from, to] of [
      ['2026-03-06', '2026-04-08'],
      ['2026-09-30', '2026-11-05'],
    ] as const) {
      for (let instant = Date.parse(`${from}T00:00:00Z`); instant < Date.parse(`${to}T00:00:00Z`); instant += 7 * 60_000) {
        const local = DateTime.fromMillis(instant, { zone });
        expect([dayToIsoDate(clock.localDay(instant)), clock.localHour(instant), clock.localWeekday(instant)]).toEqual([
          local.toISODate(),
          local.hour,
          local.weekday,
        ]);
      }
    }
  },
);
