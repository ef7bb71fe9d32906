import { appendFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { prepareIngest, runIngest, type FileSummary } from '../../ingest/run-ingest.js';
import { eachTestDatabaseAndFolder, type TemporaryFolder } from '../helpers.js';

let handle: TestDatabase;
let folder: TemporaryFolder;
eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));

const conversation = (id: string, body: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    channel: 'chat',
    created_at: '2024-05-01T10:00:00Z',
    messages: [{ id: 'm1', author_role: 'customer', created_at: '2024-05-01T10:00:00Z', body }],
    ...extra,
  });
const HEADER = 'conversation_id,message_id,channel,author_role,created_at,body';
const row = (conversation: string, message: string, body: string) => `${conversation},${message},chat,customer,2024-05-01T10:00:00Z,${body}`;
/** About 20 KB of good lines: pushes what follows past the first 8 KiB that format detection looks at. */
const PADDING = 150;

const ingestOne = async (path: string): Promise<FileSummary> => {
  const summary = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  return summary.files[0]!;
};
const counts = (file: FileSummary) => [file.records.read, file.records.inserted, file.records.updated, file.records.unchanged, file.records.rejected];
const rejects = () => handle.db.selectFrom('rejects').select(['line', 'kind', 'reason']).orderBy('id').execute();

describe('a NUL byte rejects the line that holds it, in the first 8 KiB as further on', () => {
  test.each([
    ['JSON Lines, first line', 'jsonl', 0, 1, /^broken JSON: Bad control character/],
    ['JSON Lines, past 8 KiB', 'jsonl', PADDING, PADDING + 1, /^broken JSON: Bad control character/],
    ['CSV, first row', 'csv', 0, 2, /^NUL byte in the row \(binary data in a text file\)$/],
    ['CSV, past 8 KiB', 'csv', PADDING, PADDING + 2, /^NUL byte in the row \(binary data in a text file\)$/],
  ] as const)('%s', async (_label, extension, before, line, reason) => {
    const path = join(folder.path, `nul.${extension}`);
    const good = (i: number) => (extension === 'jsonl' ? conversation(`p${i}`, 'padding '.repeat(12)) : row(`p${i}`, 'm1', 'padding '.repeat(12)));
    const bad = extension === 'jsonl' ? conversation('bad', 'a NUL byte').replace('NUL', 'NUL\u0000') : row('bad', 'm1', 'a NUL\u0000 byte');
    const lines = [...Array.from({ length: before }, (_, i) => good(i)), bad, good(before + 1)];
    writeFileSync(path, `${extension === 'csv' ? `${HEADER}\n` : ''}${lines.join('\n')}\n`);
    const file = await ingestOne(path);
    expect(file.status).toBe('loaded');
    expect(counts(file)).toEqual([before + 2, before + 1, 0, 0, 1]);
    const stored = await rejects();
    expect(stored.map((reject) => [reject.line, reject.kind])).toEqual([[line, 'record']]);
    expect(stored[0]!.reason).toMatch(reason);
  });

  test('a file mostly made of control bytes is still binary', async () => {
    const path = join(folder.path, 'image.png');
    writeFileSync(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 32)));
    const file = await ingestOne(path);
    expect(file.status).toBe('failed');
    expect(file.error).toMatch(/binary file/);
  });
});

describe('a JSON record nested 100,000 levels deep is rejected alone', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);

  test('in a JSON document: the other elements load', async () => {
    const path = join(folder.path, 'deep.json');
    writeFileSync(path, `[${conversation('a', 'first')},${conversation('b', 'deep').replace(/}$/, `,"x":${deep}}`)},${conversation('c', 'last')}]`);
    const file = await ingestOne(path);
    expect(file.status).toBe('loaded');
    expect(counts(file)).toEqual([3, 2, 0, 0, 1]);
    expect(await rejects()).toEqual([{ line: null, kind: 'record', reason: 'element 2: nested too deeply to read (Maximum call stack size exceeded)' }]);
  });

  test('in JSON Lines, where the deep value is one the checks walk (tags)', async () => {
    const path = join(folder.path, 'deep.jsonl');
    writeFileSync(
      path,
      `${[conversation('a', 'first'), conversation('b', 'deep', { tags: 'X' }).replace('"X"', deep), conversation('c', 'last')].join('\n')}\n`,
    );
    const file = await ingestOne(path);
    expect(file.status).toBe('loaded');
    expect(counts(file)).toEqual([3, 2, 0, 0, 1]);
    expect(await rejects()).toEqual([{ line: 2, kind: 'record', reason: 'nested too deeply to read (Maximum call stack size exceeded)' }]);
  });
});

describe('an empty file', () => {
  test('is a warning that says so; the run succeeded', async () => {
    const path = join(folder.path, 'empty.jsonl');
    writeFileSync(path, '');
    const summary = await runIngest(handle, { paths: [path], timezone: 'UTC' });
    expect(summary.status).toBe('succeeded');
    expect(summary.warnings).toBe(1);
    expect(summary.files[0]!.status).toBe('empty');
    expect(await rejects()).toEqual([{ line: null, kind: 'warning', reason: 'the file is empty: nothing to read' }]);
  });
});

describe('a file that changes size while it is read', () => {
  const writeFile = (path: string, count: number) =>
    writeFileSync(path, `${Array.from({ length: count }, (_, i) => conversation(`c${i}`, 'hello')).join('\n')}\n`);

  test('truncated after it was listed: what was read loads, with a warning, and size_bytes holds the bytes read', async () => {
    const path = join(folder.path, 'day.jsonl');
    writeFile(path, 10);
    const options = { paths: [path], timezone: 'UTC' };
    const prepared = await prepareIngest(options);
    const listed = prepared.files[0]!.size;
    const kept = Math.floor(listed / 2);
    truncateSync(path, kept);
    const summary = await runIngest(handle, options, prepared);
    const file = summary.files[0]!;
    expect(file.status).toBe('loaded');
    expect(file.records.inserted).toBe(file.records.read - file.records.rejected);
    expect(file.warnings).toBe(1);
    const warning = (await rejects()).find((reject) => reject.kind === 'warning');
    expect(warning).toEqual({
      line: null,
      kind: 'warning',
      reason: `the file changed while it was read: ${listed} bytes when listed, ${kept} read; what was read is loaded, ingest it again when it is complete`,
    });
    const stored = await handle.db.selectFrom('ingest_files').select('size_bytes').executeTakeFirstOrThrow();
    expect(stored.size_bytes).toBe(kept);
  });

  test('appended to after it was listed: loaded as read, with the warning', async () => {
    const path = join(folder.path, 'day.jsonl');
    writeFile(path, 3);
    const options = { paths: [path], timezone: 'UTC' };
    const prepared = await prepareIngest(options);
    const listed = prepared.files[0]!.size;
    appendFileSync(path, `${conversation('late', 'hello')}\n`);
    const summary = await runIngest(handle, options, prepared);
    const file = summary.files[0]!;
    expect(file.records.inserted).toBe(4);
    const warning = (await rejects()).find((reject) => reject.kind === 'warning');
    expect(warning?.reason).toMatch(new RegExp(`^the file changed while it was read: ${listed} bytes when listed, \\d+ read; `));
  });

  test('a file left alone gives no warning and its listed size', async () => {
    const path = join(folder.path, 'day.jsonl');
    writeFile(path, 3);
    const summary = await runIngest(handle, { paths: [path], timezone: 'UTC' });
    expect(summary.warnings).toBe(0);
    const stored = await handle.db.selectFrom('ingest_files').select('size_bytes').executeTakeFirstOrThrow();
    expect(stored.size_bytes).toBe(statSync(path).size);
  });
});

describe('a reject without a line (an element of a JSON document) names where it is', () => {
  test('a rejected message of a conversation in a JSON array names the element, as a rejected element does', async () => {
    const path = join(folder.path, 'conversations.json');
    const good = JSON.parse(conversation('c1', 'hello')) as Record<string, unknown>;
    const badMessage = { ...good, id: 'c2', messages: [{ id: 'm1', author_role: 'customer', body: 'no time' }] };
    const noTime: Record<string, unknown> = { ...good, id: 'c3' };
    delete noTime['created_at'];
    writeFileSync(path, JSON.stringify([good, badMessage, noTime]));
    const file = await ingestOne(path);
    expect(counts(file)).toEqual([3, 2, 0, 0, 1]);
    expect(await rejects()).toEqual([
      { line: null, kind: 'message', reason: 'element 2: message 1: missing field "created_at"' },
      { line: null, kind: 'record', reason: 'element 3: missing field "created_at"' },
    ]);
  });

  test('a Markdown entry whose front matter nests too deeply is rejected with the same reason every time', async () => {
    const path = join(folder.path, 'deep.md');
    writeFileSync(path, `---\nid: deep\ntitle: ${'['.repeat(20_000)}\n---\nbody\n`);
    const first = await ingestOne(path);
    const second = await ingestOne(path);
    expect([counts(first), counts(second)]).toEqual([
      [1, 0, 0, 0, 1],
      [1, 0, 0, 0, 1],
    ]);
    expect((await rejects()).map((reject) => reject.reason)).toEqual(['front matter nested too deeply to read', 'front matter nested too deeply to read']);
  });
});
