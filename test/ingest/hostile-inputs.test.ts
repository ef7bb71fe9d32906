import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { ON_POSTGRES_PASS } from '../support/test-engine.js';
import { runIngest, type FileSummary } from '../../ingest/run-ingest.js';
import { PARSE_WORKER_URL } from '../../ingest/worker-source.js';
import { MAX_BODY_CHARS } from '../../ingest/limits.js';
import { FIXTURES, memoryDatabase, temporaryFolder } from '../helpers.js';

const HOSTILE = join(FIXTURES, 'hostile');

interface Expected {
  status: FileSummary['status'];
  /** read, inserted, updated, unchanged, rejected */
  records: [number, number, number, number, number];
  messagesRejected?: number;
  warnings?: number;
  /** Each must match one stored reject or warning reason (or the file error). */
  reasons?: RegExp[];
  /** [line, kind] of every stored reject, in order. */
  lines?: [number | null, string][];
}

const CASES: Record<string, Expected> = {
  '01-broken-json-lines.jsonl': {
    status: 'loaded',
    records: [6, 2, 0, 0, 4],
    reasons: [/broken JSON/, /got an array/, /got the text "just a string"/],
    lines: [
      [2, 'record'],
      [3, 'record'],
      [5, 'record'],
      [6, 'record'],
    ],
  },
  '02-missing-fields.jsonl': {
    status: 'loaded',
    records: [6, 2, 0, 0, 4],
    messagesRejected: 1,
    reasons: [/missing field "id"/, /missing field "channel"/, /missing field "created_at"/, /missing field "messages"/, /message 1: missing field "body"/],
  },
  '03-unknown-roles.jsonl': {
    status: 'loaded',
    records: [1, 1, 0, 0, 0],
    messagesRejected: 2,
    reasons: [/unknown author_role "robot"/, /missing field "author_role"/],
  },
  '04-bad-dates.jsonl': {
    status: 'loaded',
    records: [6, 1, 0, 0, 5],
    messagesRejected: 1,
    reasons: [
      /unrecognised timestamp "yesterday"/,
      /month 13 does not exist/,
      /day 30 does not exist in 2024-02/,
      /day 29 does not exist in 2023-02/,
      /hour 25 does not exist/,
      /minute 61 does not exist/,
    ],
  },
  '05-empty.jsonl': { status: 'empty', records: [0, 0, 0, 0, 0], warnings: 1, reasons: [/^the file is empty: nothing to read$/], lines: [[null, 'warning']] },
  '06-whitespace-only.csv': { status: 'empty', records: [0, 0, 0, 0, 0], warnings: 1, reasons: [/^the file is empty: nothing to read$/] },
  '07-binary.bin': { status: 'failed', records: [0, 0, 0, 0, 0], reasons: [/binary file/] },
  '08-invalid-utf8.jsonl': { status: 'loaded', records: [3, 2, 0, 0, 1], reasons: [/invalid UTF-8/], lines: [[2, 'record']] },
  '09-invalid-utf8.csv': { status: 'loaded', records: [3, 2, 0, 0, 1], reasons: [/invalid UTF-8 on line 3/], lines: [[3, 'record']] },
  '10-bom-crlf.csv': { status: 'loaded', records: [2, 2, 0, 0, 0] },
  '11-crlf.jsonl': { status: 'loaded', records: [2, 2, 0, 0, 0] },
  '12-multiline-bodies.csv': { status: 'loaded', records: [4, 3, 0, 0, 1], reasons: [/unknown author_role "robot"/], lines: [[9, 'record']] },
  '15-duplicate-message-ids.jsonl': {
    status: 'loaded',
    records: [1, 1, 0, 0, 0],
    messagesRejected: 1,
    warnings: 1,
    reasons: [/duplicate of message id "m1", ignored/, /"m2" repeats with different content; the first was kept/],
  },
  '16-duplicate-rows.csv': { status: 'loaded', records: [3, 2, 0, 1, 0] },
  '17-message-before-conversation.jsonl': {
    status: 'loaded',
    records: [1, 1, 0, 0, 0],
    warnings: 1,
    reasons: [/dated before its conversation's created_at; kept/],
  },
  '18-unknown-columns.csv': { status: 'loaded', records: [1, 1, 0, 0, 0], warnings: 1, reasons: [/unknown columns ignored: sentiment, priority/] },
  '19-chinese-emoji.jsonl': { status: 'loaded', records: [1, 1, 0, 0, 0] },
  '20-missing-required-column.csv': { status: 'failed', records: [0, 0, 0, 0, 0], reasons: [/missing required column body/] },
  '21-unknown-format.csv': { status: 'failed', records: [0, 0, 0, 0, 0], reasons: [/columns name, age, city matches no known format/] },
  '22-unknown-json.json': { status: 'failed', records: [0, 0, 0, 0, 0], reasons: [/keys users, count/] },
  '23-truncated-last-line.jsonl': { status: 'loaded', records: [2, 1, 0, 0, 1], reasons: [/broken JSON/], lines: [[2, 'record']] },
  '24-unclosed-quote.csv': { status: 'loaded', records: [2, 1, 0, 0, 1], reasons: [/Quoted field unterminated/], lines: [[3, 'record']] },
  '25-malformed-quote.csv': { status: 'loaded', records: [3, 2, 0, 0, 1], reasons: [/malformed CSV/], lines: [[2, 'record']] },
  '26-wrong-types.jsonl': {
    status: 'loaded',
    records: [5, 2, 0, 0, 3],
    messagesRejected: 3,
    warnings: 1,
    reasons: [
      /"id" must be a string or number/,
      /"messages" must be an array/,
      /"channel" must be text/,
      /"tags": expected a list/,
      /"body" must be text, got number 42/,
      /"internal" must be true or false/,
      /expected a message object/,
    ],
  },
  '27-extra-fields.csv': { status: 'loaded', records: [2, 1, 0, 0, 1], reasons: [/row has 8 fields, the header has 6/] },
  '28-faq-broken-front-matter.md': { status: 'loaded', records: [1, 0, 0, 0, 1], reasons: [/broken front matter/] },
  '29-faq-missing-title.md': { status: 'loaded', records: [1, 0, 0, 0, 1], reasons: [/missing field "title"/] },
  '30-epoch-and-range.jsonl': { status: 'loaded', records: [4, 2, 0, 0, 2], reasons: [/"99" is outside/, /"2150-01-01T00:00:00Z" is outside/] },
  '31-json-array.json': { status: 'loaded', records: [3, 2, 0, 0, 1], reasons: [/element 2: missing field "created_at"/], lines: [[null, 'record']] },
  '32-html-script-bodies.jsonl': { status: 'loaded', records: [1, 1, 0, 0, 0] },
  '33-deep-nesting.jsonl': { status: 'loaded', records: [3, 2, 0, 0, 1], reasons: [/got an array/] },
  '34-nul-and-control.jsonl': { status: 'loaded', records: [1, 1, 0, 0, 0] },
  '35-conflicting-channel.csv': { status: 'loaded', records: [2, 1, 0, 0, 1], reasons: [/channel "email" differs from "chat"/] },
  '36-very-long-id.jsonl': { status: 'loaded', records: [2, 1, 0, 0, 1], reasons: [/"id" is 1000 characters long/] },
  '37-blank-lines.jsonl': { status: 'loaded', records: [2, 2, 0, 0, 0] },
  '38-zoneless-timestamps.csv': { status: 'loaded', records: [2, 2, 0, 0, 0] },
  '39-prototype-role-names.jsonl': {
    status: 'loaded',
    records: [1, 1, 0, 0, 0],
    messagesRejected: 2,
    reasons: [/unknown author_role "constructor"/, /unknown author_role "__proto__"/],
  },
};

let handle: TestDatabase;
beforeEach(async () => {
  handle = await memoryDatabase();
});
afterEach(async () => {
  await handle.close();
});

/** The compiled parsing thread (`npm test` builds before running): large formats are parsed there in production. */
const PARSING: [string, { parseInWorker: boolean; workerUrl?: URL }][] = [
  ['parsed in place', { parseInWorker: false }],
  ['parsed in a worker thread', { parseInWorker: true, workerUrl: PARSE_WORKER_URL }],
];
let parsing: { parseInWorker: boolean; workerUrl?: URL } = { parseInWorker: false };

async function ingestOne(path: string, timezone = 'UTC'): Promise<FileSummary> {
  const summary = await runIngest(handle, { paths: [path], timezone, ...parsing });
  expect(summary.files).toHaveLength(1);
  return summary.files[0]!;
}

describe.each(PARSING)('hostile inputs, %s: each file gives its documented result and the run never crashes', (_label, mode) => {
  beforeEach(() => {
    parsing = mode;
  });
  afterEach(() => {
    parsing = { parseInWorker: false };
  });

  test.each(Object.entries(CASES))('%s', async (name, expected) => {
    const file = await ingestOne(join(HOSTILE, name));
    expect(file.status).toBe(expected.status);
    const { read, inserted, updated, unchanged, rejected } = file.records;
    expect([read, inserted, updated, unchanged, rejected]).toEqual(expected.records);
    expect(read).toBe(inserted + updated + unchanged + rejected);
    expect(file.messages.read).toBe(file.messages.inserted + file.messages.updated + file.messages.unchanged + file.messages.rejected);
    expect(file.warnings).toBe(expected.warnings ?? 0);

    const stored = await handle.db.selectFrom('rejects').select(['line', 'kind', 'reason', 'raw', 'path']).orderBy('id').execute();
    expect(stored.filter((r) => r.kind === 'message')).toHaveLength(expected.messagesRejected ?? 0);
    expect(stored.filter((r) => r.kind === 'warning')).toHaveLength(expected.warnings ?? 0);
    const texts = [...stored.map((r) => r.reason), file.error ?? ''];
    for (const reason of expected.reasons ?? [])
      expect(
        texts.some((text) => reason.test(text)),
        `${reason} in ${JSON.stringify(texts)}`,
      ).toBe(true);
    if (expected.lines) expect(stored.map((r) => [r.line, r.kind])).toEqual(expected.lines);
    for (const reject of stored) expect(reject.path).toBe(join(HOSTILE, name));
    const recordRejects = stored.filter((r) => r.kind === 'record');
    expect(recordRejects).toHaveLength(rejected);
    for (const reject of recordRejects) expect(reject.raw.length).toBeGreaterThan(0);

    const fileRows = await handle.db.selectFrom('ingest_files').selectAll().execute();
    expect(fileRows).toHaveLength(1);
    expect(fileRows[0]!.records_read).toBe(read);
  });

  test('the fixture folder holds at least 25 hostile cases, each with an expectation', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(HOSTILE);
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });

  test('the whole folder in one run: per-file results add up to the totals', async () => {
    const summary = await runIngest(handle, { paths: [HOSTILE], timezone: 'UTC' });
    expect(summary.files).toHaveLength(Object.keys(CASES).length);
    expect(summary.status).toBe('partial');
    const sum = (pick: (f: FileSummary) => number) => summary.files.reduce((total, f) => total + pick(f), 0);
    expect(summary.records.read).toBe(sum((f) => f.records.read));
    expect(summary.records.read).toBe(summary.records.inserted + summary.records.updated + summary.records.unchanged + summary.records.rejected);
  });
});

describe('stored text is exactly what came in', () => {
  test('Chinese, emoji, zero-width and bidi characters survive', async () => {
    await ingestOne(join(HOSTILE, '19-chinese-emoji.jsonl'));
    const conversation = await handle.db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
    expect(conversation.subject).toBe('提币未到账');
    expect(conversation.language).toBe('zh-cn');
    expect(JSON.parse(conversation.tags)).toEqual(['usdt', '提币']);
    const bodies = await handle.db.selectFrom('messages').select('body').orderBy('created_at').execute();
    expect(bodies[0]!.body).toBe('您好，我的USDT提币（TRC20）三个小时还没到账 😡🙏 \u200b\u202eRTL');
  });

  test('HTML and script in bodies are stored literally, NUL and control characters kept', async () => {
    await ingestOne(join(HOSTILE, '32-html-script-bodies.jsonl'));
    await ingestOne(join(HOSTILE, '34-nul-and-control.jsonl'));
    const bodies = (await handle.db.selectFrom('messages').select('body').orderBy('conversation_id').execute()).map((m) => m.body);
    expect(bodies[0]).toBe('<script>alert(1)</script><img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a> &lt;b&gt;');
    // PostgreSQL's text cannot hold U+0000: there it is stored as U+FFFD (docs/postgres.md, "Known differences").
    expect(bodies[1]).toBe(`nul${ON_POSTGRES_PASS ? '\uFFFD' : '\u0000'}byte and bell\u0007 and tab\t`);
  });

  test('quoted multi-line CSV bodies keep their line breaks and escaped quotes', async () => {
    await ingestOne(join(HOSTILE, '12-multiline-bodies.csv'));
    const first = await handle.db.selectFrom('messages').select('body').where('external_id', '=', '1').executeTakeFirstOrThrow();
    expect(first.body).toBe('Hello,\nmy withdrawal of 100 USDT\r\nis "stuck", see below:\n\n> quoted');
  });

  test('zone-less timestamps are read in --timezone, across a daylight-saving jump', async () => {
    await ingestOne(join(HOSTILE, '38-zoneless-timestamps.csv'), 'America/New_York');
    const times = (await handle.db.selectFrom('messages').select('created_at').orderBy('external_id').execute()).map((m) => m.created_at);
    expect(times).toEqual([Date.parse('2024-03-10T06:30:00Z'), Date.parse('2024-03-10T07:30:00Z')]);
  });

  test('a message dated before its conversation moves the conversation start', async () => {
    await ingestOne(join(HOSTILE, '17-message-before-conversation.jsonl'));
    const conversation = await handle.db.selectFrom('conversations').select('created_at').executeTakeFirstOrThrow();
    expect(conversation.created_at).toBe(Date.parse('2024-05-01T09:00:00Z'));
  });
});

describe.each(PARSING)('enormous fields are kept truncated and flagged, %s', (_label, mode) => {
  const folder = temporaryFolder();
  afterAll(() => folder.cleanup());
  beforeEach(() => {
    parsing = mode;
  });
  afterEach(() => {
    parsing = { parseInWorker: false };
  });

  test.each([
    [
      'jsonl',
      (body: string) =>
        `${JSON.stringify({ id: 'big', channel: 'email', created_at: '2024-05-01T10:00:00Z', messages: [{ id: 'm1', author_role: 'customer', created_at: '2024-05-01T10:00:00Z', body }] })}\n`,
    ],
    [
      'csv',
      (body: string) =>
        `conversation_id,message_id,channel,author_role,created_at,body\nbig,m1,email,customer,2024-05-01T10:00:00Z,"${body}"\nbig,m2,email,agent,2024-05-01T11:00:00Z,after the big one\n`,
    ],
  ] as const)('a 10 MB body in %s', async (extension, render) => {
    const body = '提币'.repeat(2_500_000) + 'x'.repeat(5_000_000);
    const path = join(folder.path, `huge-body.${extension}`);
    writeFileSync(path, render(body));
    const file = await ingestOne(path);
    expect(file.status).toBe('loaded');
    expect(file.warnings).toBe(1);
    const message = await handle.db.selectFrom('messages').selectAll().where('external_id', '=', 'm1').executeTakeFirstOrThrow();
    expect(message.body_truncated).toBe(1);
    expect(message.body.length).toBe(MAX_BODY_CHARS);
    expect(message.body_length).toBe(body.length);
    const warning = await handle.db.selectFrom('rejects').selectAll().executeTakeFirstOrThrow();
    expect(warning.kind).toBe('warning');
    expect(warning.reason).toMatch(/truncated to 100000/);
  });
});
