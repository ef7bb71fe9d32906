import { afterEach, expect, test } from 'vitest';
import { streamJsonDocument, type JsonPathChoice, type JsonStreamItem } from '../../../ingest/sources/json-stream.js';
import { temporaryFile } from '../ingest-helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function read(content: string | Buffer, choose: (path: readonly string[]) => JsonPathChoice): Promise<JsonStreamItem[]> {
  const file = await temporaryFile('document.json', content);
  cleanups.push(file.cleanup);
  const items: JsonStreamItem[] = [];
  for await (const batch of streamJsonDocument({ path: file.path, onChunk: () => {} }, choose)) items.push(...batch);
  return items;
}

const conversationsOnly = (path: readonly string[]): JsonPathChoice => (path.length === 0 ? 'descend' : path[0] === 'conversations' ? 'stream' : 'take');

test('elements of a streamed array come one by one with their position; other keys are taken whole', async () => {
  const items = await read('{"type":"list","conversations":[{"id":1},{"id":2,"deep":{"a":[1,2]}}],"page":{"n":3}}', conversationsOnly);
  expect(items).toEqual([
    { path: ['type'], index: null, value: 'list' },
    { path: ['conversations'], index: 0, value: { id: 1 } },
    { path: ['conversations'], index: 1, value: { id: 2, deep: { a: [1, 2] } } },
    { path: ['page'], index: null, value: { n: 3 } },
  ]);
});

test('a root array streams its elements; skipped values are never handed over; nested paths can be reached', async () => {
  expect(await read('[1, "two", {"three": 3}, null]', () => 'stream')).toEqual([
    { path: [], index: 0, value: 1 },
    { path: [], index: 1, value: 'two' },
    { path: [], index: 2, value: { three: 3 } },
    { path: [], index: 3, value: null },
  ]);
  const nested = await read('{"data":{"meta":{"count":2},"payload":[{"id":"a"},{"id":"b"}]},"other":[1,2,3]}', (path) =>
    path.length === 0 || (path.length === 1 && path[0] === 'data') ? 'descend' : path.join('.') === 'data.payload' ? 'stream' : 'skip',
  );
  expect(nested).toEqual([
    { path: ['data', 'payload'], index: 0, value: { id: 'a' } },
    { path: ['data', 'payload'], index: 1, value: { id: 'b' } },
  ]);
});

test('values across chunk boundaries, a BOM, escapes, a lone surrogate and a __proto__ key read as JSON.parse reads them', async () => {
  const long = 'x'.repeat(200_000);
  const items = await read(`\uFEFF{"conversations":[{"body":"${long}","esc":"a\\n\\u00e9\\ud800b","__proto__":{"p":1}}]}`, conversationsOnly);
  const value = items[0]!.value as Record<string, unknown>;
  expect(value['body']).toBe(long);
  expect(value['esc']).toBe('a\né\uFFFDb');
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  expect(Object.hasOwn(value, '__proto__')).toBe(true);
});

test('broken, cut short or non-UTF-8 documents throw with a reason', async () => {
  await expect(read('{"conversations":[{"id":1},', conversationsOnly)).rejects.toThrow(/broken JSON document/);
  await expect(read('{"conversations":[{"id":1}]} trailing', conversationsOnly)).rejects.toThrow(/broken JSON document/);
  await expect(read('{"conversations":[{"id":1,}]}', conversationsOnly)).rejects.toThrow(/broken JSON document/);
  await expect(read(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), conversationsOnly)).rejects.toThrow(/invalid UTF-8/);
});

test('a value nested 100,000 levels deep is assembled, not a crash', async () => {
  const depth = 100_000;
  const items = await read(`[${'['.repeat(depth)}${']'.repeat(depth)}, 2]`, () => 'stream');
  expect(items).toHaveLength(2);
  expect(items[1]).toEqual({ path: [], index: 1, value: 2 });
});
