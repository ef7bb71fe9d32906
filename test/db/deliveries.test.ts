import { afterEach, beforeEach, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { claimDelivery, findDelivery, finishDelivery, IN_DOUBT_REASON, markDeliveriesInDoubt } from '../../db/deliveries.js';
import { memoryDatabase } from '../helpers.js';

let handle: TestDatabase;
beforeEach(async () => (handle = await memoryDatabase()));
afterEach(async () => handle.close());

const KEY = { destination: 'team', kind: 'digest-day', period: '2026-12-05' } as const;

test('claimed once: a second claim of a sent delivery is refused', async () => {
  const claim = await claimDelivery(handle.db, KEY, { jobRunId: null });
  expect(claim).toMatchObject({ claimed: true, attempt: 1 });
  if (!claim.claimed) throw new Error('not claimed');
  expect(await finishDelivery(handle.db, KEY, claim.token, { status: 'sent' })).toBe(true);
  expect(await claimDelivery(handle.db, KEY)).toEqual({ claimed: false, status: 'sent' });
  expect((await findDelivery(handle.db, KEY))?.status).toBe('sent');
});

test('a failed delivery is claimed again, counting attempts; only the current claim can finish it', async () => {
  const first = await claimDelivery(handle.db, KEY);
  if (!first.claimed) throw new Error('not claimed');
  await finishDelivery(handle.db, KEY, first.token, { status: 'failed', error: 'ECONNREFUSED' });
  const second = await claimDelivery(handle.db, KEY);
  expect(second).toMatchObject({ claimed: true, attempt: 2 });
  expect(await finishDelivery(handle.db, KEY, first.token, { status: 'sent' })).toBe(false);
  expect((await findDelivery(handle.db, KEY))?.status).toBe('sending');
});

test('a claim left sending (the process died) is in doubt: marked unknown and never claimed again', async () => {
  await claimDelivery(handle.db, KEY);
  expect(await claimDelivery(handle.db, KEY)).toEqual({ claimed: false, status: 'sending' });
  expect(await markDeliveriesInDoubt(handle.db)).toBe(1);
  expect(await findDelivery(handle.db, KEY)).toMatchObject({ status: 'unknown', error: IN_DOUBT_REASON });
  expect(await claimDelivery(handle.db, KEY)).toEqual({ claimed: false, status: 'unknown' });
});

test('other periods, kinds and destinations are separate deliveries', async () => {
  for (const key of [KEY, { ...KEY, period: '2026-12-06' }, { ...KEY, kind: 'digest-week' as const }, { ...KEY, destination: 'slack' }]) {
    expect((await claimDelivery(handle.db, key)).claimed).toBe(true);
  }
});
