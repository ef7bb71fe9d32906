import { expect, test } from 'vitest';
import { ResponseCache } from '../../dashboard/response-cache.js';

test('concurrent identical requests share one computation; the answer is kept for ttl', async () => {
  let now = 0;
  let computed = 0;
  const cache = new ResponseCache(1000, 10, () => now);
  const compute = async () => ++computed;
  expect(await Promise.all([cache.get('a', compute), cache.get('a', compute), cache.get('a', compute)])).toEqual([1, 1, 1]);
  now = 999;
  expect(await cache.get('a', compute)).toBe(1);
  now = 1000;
  expect(await cache.get('a', compute)).toBe(2);
});

test('a failure is not kept; ttl 0 keeps nothing; the oldest entries go first', async () => {
  const cache = new ResponseCache(1000, 2, () => 0);
  await expect(cache.get('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(await cache.get('x', async () => 'ok')).toBe('ok');
  await cache.get('y', async () => 1);
  await cache.get('z', async () => 1);
  expect(cache.size).toBe(2);
  expect(await cache.get('x', async () => 'again')).toBe('again');
  const none = new ResponseCache(0, 2);
  await none.get('a', async () => 1);
  expect(none.size).toBe(0);
});
