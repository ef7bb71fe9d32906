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

test('past its ttl, within the stale period, the kept answer is served at once while one fresh computation replaces it', async () => {
  let now = 0;
  let computed = 0;
  let release: (() => void) | undefined;
  const cache = new ResponseCache(1000, 10, () => now, 5000);
  const slow = () =>
    new Promise<number>((resolve) => {
      computed += 1;
      const value = computed;
      release = () => resolve(value);
    });
  const first = cache.get('a', slow);
  release!();
  expect(await first).toBe(1);

  now = 1500;
  // Stale: answered with 1 at once, twice, while one computation (2) runs behind.
  expect(await cache.get('a', slow)).toBe(1);
  expect(await cache.get('a', slow)).toBe(1);
  expect(computed).toBe(2);
  release!();
  await new Promise((wait) => setTimeout(wait, 0));
  expect(await cache.get('a', slow)).toBe(2);
  expect(computed).toBe(2);

  // A failed refresh keeps the stale answer and is tried again by the next request.
  now = 3000;
  expect(await cache.get('a', () => Promise.reject(new Error('boom')))).toBe(2);
  await new Promise((wait) => setTimeout(wait, 0));
  expect(await cache.get('a', async () => 3)).toBe(2);
  await new Promise((wait) => setTimeout(wait, 0));
  expect(await cache.get('a', async () => 4)).toBe(3);

  // Past ttl + stale, a request waits for a fresh answer.
  now = 3000 + 1000 + 5000;
  expect(await cache.get('a', async () => 5)).toBe(5);
});
