import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, expect, test } from 'vitest';
import { MAX_BODY_CHARS, MAX_ID_CHARS } from '../../../ingest/limits.js';
import { decodeBatch } from '../../../ingest/record-codec.js';
import { readMessagesCsvEncoded } from '../../../ingest/sources/messages-csv.js';
import { seededRandom, temporaryFolder } from '../../helpers.js';

const folder = temporaryFolder();
afterAll(() => folder.cleanup());

/** Mostly clean values, and now and then one of the spellings that need the general path's closer look. */
const VALUES: Record<string, string[]> = {
  conversation_id: ['c1', 'c2', 'c3', ' c4', 'c5 ', '', '42', 'x'.repeat(MAX_ID_CHARS), 'x'.repeat(MAX_ID_CHARS + 1), '会话7'],
  message_id: ['m1', 'm2', 'm3', 'm4', ' m5', '', 'm\u00a06', 'y'.repeat(MAX_ID_CHARS + 1)],
  channel: ['chat', 'chat', 'email', 'Email', ' chat', '', 'c'.repeat(64), 'c'.repeat(65), 'social'],
  author_role: ['customer', 'agent', 'bot', 'system', 'Agent', ' agent', 'robot', '', 'constructor'],
  author_id: ['u1', 'a7', '', ' padded ', '   ', '42'],
  created_at: [
    '2024-05-01T10:00:00Z',
    '2024-05-01T10:00:00.250Z',
    '2024-02-30T10:00:00Z',
    '2024-05-01 18:00',
    '1714557600',
    'yesterday',
    '',
    ' 2024-05-01T10:00:00Z',
    '0099-05-01T10:00:00Z',
  ],
  body: ['hello', 'Where is my USDT?', '提币没到账 🙂', '', 'line one\nline two', 'quote " and , comma', 'z'.repeat(MAX_BODY_CHARS + 1)],
  internal: ['', '', '0', '1', 'true', 'yes', 'maybe', ' TRUE '],
  status: ['', '', '', 'solved'],
  conversation_created_at: ['', '', '', '2024-05-01T09:00:00Z', 'not a date'],
  tags: ['', '', '', '["kyc"]', 'kyc;fees'],
};

function randomCsv(random: () => number, columns: string[], rows: number): string {
  const pick = (values: string[]) =>
    random() < 0.85 ? values[Math.floor(random() * Math.min(3, values.length))]! : values[Math.floor(random() * values.length)]!;
  const data = Array.from({ length: rows }, () => {
    const row = columns.map((name) => pick(VALUES[name] ?? ['']));
    if (random() < 0.02) row.pop();
    if (random() < 0.02) row.push(random() < 0.5 ? '' : 'extra');
    return row;
  });
  return Papa.unparse([columns, ...data], { newline: random() < 0.5 ? '\n' : '\r\n' });
}

async function readBothWays(path: string) {
  const stats = { recognised: 0 };
  const read = async (recognise: boolean) => {
    const records = [];
    const warnings: string[] = [];
    const context = { path, timezone: 'Asia/Shanghai', onChunk: () => undefined, warn: (reason: string) => warnings.push(reason) };
    for await (const batch of readMessagesCsvEncoded(context, { recognise, stats })) records.push(...decodeBatch(batch));
    return { records, warnings };
  };
  const fast = await read(true);
  const general = await read(false);
  return { fast, general, recognised: stats.recognised };
}

test.each([1, 2, 3, 4, 5, 6])('rows recognised as clean are stored exactly as the general path stores them (seed %i)', async (seed) => {
  const random = seededRandom(seed);
  const base = ['conversation_id', 'message_id', 'channel', 'author_role', 'author_id', 'created_at', 'body'];
  const extra = ['internal', 'status', 'conversation_created_at', 'tags'].filter(() => random() < 0.5);
  const columns = [...base, ...extra].sort(() => random() - 0.5);
  const path = join(folder.path, `random-${seed}.csv`);
  writeFileSync(path, randomCsv(random, columns, 3000));
  const { fast, general, recognised } = await readBothWays(path);
  expect(fast).toEqual(general);
  // The comparison means something: both kinds of row are there, and many rows took the fast way.
  expect(recognised).toBeGreaterThan(500);
  expect(general.records.filter((r) => r.parsed.ok).length).toBeGreaterThan(1000);
  expect(general.records.filter((r) => !r.parsed.ok).length).toBeGreaterThan(50);
});

test('a repeated column counts with its last value, both ways', async () => {
  const path = join(folder.path, 'repeated.csv');
  writeFileSync(path, 'conversation_id,message_id,channel,author_role,created_at,body,body\nc1,m1,chat,customer,2024-05-01T10:00:00Z,first,second\n');
  const { fast, general } = await readBothWays(path);
  expect(fast).toEqual(general);
  const record = fast.records[0]!;
  expect(record.parsed.ok && record.parsed.value.type === 'message' && record.parsed.value.message.body).toBe('second');
});
