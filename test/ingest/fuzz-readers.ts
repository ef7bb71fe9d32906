import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { TestDatabase } from '../support/test-database.js';
import { runIngest, type Counts, type IngestSummary } from '../../ingest/run-ingest.js';
import { PARSE_WORKER_URL } from '../../ingest/worker-source.js';
import { FIXTURES, memoryDatabase, seededRandom } from '../helpers.js';

/** One small valid file of every format ingest reads: the corpus the mutations start from, with the fixtures. */
const SEEDS: [name: string, content: string][] = [
  [
    'conversations.jsonl',
    [1, 2, 3]
      .map((i) =>
        JSON.stringify({
          id: `c${i}`,
          channel: i % 2 ? 'chat' : 'email',
          created_at: `2024-05-0${i}T10:00:00Z`,
          status: 'resolved',
          resolved_at: `2024-05-0${i}T11:00:00Z`,
          tags: ['refund', 'usdt'],
          subject: 'Where is my refund?',
          messages: [
            { id: 'm1', author_role: 'customer', created_at: `2024-05-0${i}T10:00:00Z`, body: '您好，提币还没到账 🙂' },
            { id: 'm2', author_role: 'agent', created_at: `2024-05-0${i}T10:05:00+08:00`, body: 'Checking, one moment', internal: false },
          ],
        }),
      )
      .join('\n') + '\n',
  ],
  [
    'conversations.json',
    JSON.stringify(
      {
        conversations: [
          { id: 'd1', channel: 'chat', created_at: 1714557600, messages: [{ id: 'm1', author_role: 'customer', created_at: 1714557600, body: 'hello' }] },
          { id: 'd2', channel: 'phone', created_at: '2024-05-01 10:00', messages: [] },
        ],
      },
      null,
      2,
    ),
  ],
  [
    'messages.csv',
    'conversation_id,message_id,channel,author_role,created_at,body,status,tags,internal\nc1,m1,chat,customer,2024-05-01T10:00:00Z,"Hello, ""stuck"" withdrawal",,,\nc1,m2,chat,agent,2024-05-01T10:03:00Z,On it,resolved,refund;usdt,false\nc2,m1,email,customer,2024-05-01 11:00,"multi\nline",,,\nc2,m2,email,bot,2024-05-01T11:00:05Z,auto reply,,,true\n',
  ],
  [
    'faq.md',
    '---\nid: withdrawal-fees\ntitle: What are the withdrawal fees?\nupdated_at: 2024-03-01\ntags: [withdrawal, fees]\nlanguage: en\n---\nWithdrawing USDT on TRC20 costs 1 USDT.\n',
  ],
  ['faq.csv', 'id,question,answer,tags\n2fa-reset,How do I reset 2FA?,"Go to Security, then ""Reset 2FA"".",security;2fa\nkyc,How long is KYC?,24 hours,kyc\n'],
  [
    'faq.json',
    JSON.stringify({
      entries: [{ id: 'deposit-missing', title: 'My deposit is missing', body: 'Check the network.', updated_at: '2024-04-01T00:00:00Z', tags: ['deposit'] }],
    }),
  ],
  ['faq.jsonl', `${JSON.stringify({ id: 'f1', title: 'Fees', body: 'One USDT.' })}\n${JSON.stringify({ id: 'f2', question: 'KYC?', answer: 'A day.' })}\n`],
];

/** Fixture files of every reader, hostile ones included. */
function fixtureCorpus(): [string, Buffer][] {
  const corpus: [string, Buffer][] = [];
  for (const folder of ['hostile', 'intercom', 'zendesk', 'chatwoot', 'helpscout', 'freshdesk', 'twcs', 'response-times']) {
    for (const name of readdirSync(join(FIXTURES, folder)).sort()) {
      if (name.endsWith('.ts')) continue;
      const bytes = readFileSync(join(FIXTURES, folder, name));
      // The 400 KB deep-nesting fixture would make every case slow; a cut of it is enough to mutate.
      corpus.push([name, bytes.length > 64 * 1024 ? bytes.subarray(0, 64 * 1024) : bytes]);
    }
  }
  return corpus;
}

/** Bytes and words that readers treat specially. */
const TOKENS = [
  '\u0000',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  ',',
  '{',
  '}',
  '[',
  ']',
  ':',
  '\\',
  '\uFEFF',
  '\u2028',
  'null',
  'true',
  '-1e309',
  '1e400',
  '"\\ud800"',
  '---\n',
  '{"messages":',
  '"id":',
  '"created_at":"2024-02-30T25:61:00Z"',
  '"channel":""',
  '__proto__',
  '"constructor"',
  'NaN',
  '9007199254740993',
  '   ',
  '\t',
  '😀',
  '提币',
  '<script>',
  '&amp;',
];
const VALUES = ['null', '0', '-1', '1e400', '""', '[]', '{}', 'true', '"2024-13-45"', '"\\u0000"', '"x"', '[[[[[[]]]]]]', '"' + 'y'.repeat(3000) + '"'];

export interface FuzzCase {
  index: number;
  name: string;
  bytes: Buffer;
  /** How the case was made, to reproduce it by hand. */
  recipe: string;
}

/**
 * Cases from a seeded generator: mutated corpus files (mostly one mutation, else 2-4), corpus files spliced together, random
 * JSON trees and random bytes, with the seed file's extension or another one (detection looks at the name too).
 */
export function* fuzzCases(seed: number, count: number): Generator<FuzzCase> {
  const random = seededRandom(seed);
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const corpus: [string, Buffer][] = [...SEEDS.map(([name, text]): [string, Buffer] => [name, Buffer.from(text)]), ...fixtureCorpus()];
  const extensions = ['.jsonl', '.json', '.csv', '.md', '.txt', '.ndjson', ''];

  /** Mutations by weight: most keep the file's shape (a value, a line) so that readers get past detection. */
  const MUTATIONS: [weight: number, name: string][] = [
    [25, 'value'],
    [15, 'edited repeat'],
    [10, 'lines'],
    [15, 'token'],
    [8, 'flip'],
    [7, 'delete'],
    [5, 'repeat'],
    [5, 'truncate'],
    [5, 'splice'],
    [5, 'nest'],
  ];
  const totalWeight = MUTATIONS.reduce((sum, [weight]) => sum + weight, 0);
  const chooseMutation = (): string => {
    let roll = random() * totalWeight;
    for (const [weight, name] of MUTATIONS) if ((roll -= weight) < 0) return name;
    return 'value';
  };

  const mutate = (input: Buffer, steps: string[]): Buffer => {
    let bytes = input;
    const at = () => int(bytes.length + 1);
    const kind = chooseMutation();
    if (kind === 'flip' && bytes.length > 0) {
      const copy = Buffer.from(bytes);
      for (let i = 1 + int(4); i > 0; i--) copy[int(copy.length)] = int(256);
      steps.push('flip bytes');
      bytes = copy;
    } else if (kind === 'token') {
      const where = at();
      const token = pick(TOKENS);
      steps.push(`insert ${JSON.stringify(token)} at ${where}`);
      bytes = Buffer.concat([bytes.subarray(0, where), Buffer.from(token), bytes.subarray(where)]);
    } else if (kind === 'delete') {
      const from = at();
      const to = Math.min(bytes.length, from + int(200));
      steps.push(`delete ${from}-${to}`);
      bytes = Buffer.concat([bytes.subarray(0, from), bytes.subarray(to)]);
    } else if (kind === 'repeat') {
      const from = at();
      const to = Math.min(bytes.length, from + int(400));
      steps.push(`repeat ${from}-${to}`);
      bytes = Buffer.concat([bytes.subarray(0, to), bytes.subarray(from, to), bytes.subarray(to)]);
    } else if (kind === 'truncate') {
      const where = at();
      steps.push(`truncate at ${where}`);
      bytes = bytes.subarray(0, where);
    } else if (kind === 'splice') {
      const [, other] = pick(corpus);
      const from = int(other.length + 1);
      const piece = other.subarray(from, from + int(300));
      const where = at();
      steps.push(`splice ${piece.length} bytes of another file at ${where}`);
      bytes = Buffer.concat([bytes.subarray(0, where), piece, bytes.subarray(where)]);
    } else if (kind === 'lines' || kind === 'edited repeat') {
      const lines = bytes.toString('latin1').split('\n');
      if (lines.length > 2) {
        const a = 1 + int(lines.length - 2);
        if (kind === 'lines') {
          const b = 1 + int(lines.length - 2);
          [lines[a], lines[b]] = [lines[b]!, lines[a]!];
          steps.push(`swap lines ${a + 1} and ${b + 1}`);
        } else {
          // The same record again later, one letter of it changed: a repeated id with other content.
          const line = lines[a]!;
          const letters = [...line.matchAll(/[a-z]/g)];
          const edited = letters.length > 0 ? ((m) => line.slice(0, m.index) + (m[0] === 'x' ? 'y' : 'x') + line.slice(m.index + 1))(pick(letters)) : line;
          const where = a + 1 + int(lines.length - a);
          lines.splice(where, 0, random() < 0.3 ? line : edited);
          steps.push(`line ${a + 1} again at ${where + 1}, edited`);
        }
      }
      bytes = Buffer.from(lines.join('\n'), 'latin1');
    } else if (kind === 'value' || kind === 'nest') {
      // A JSON value replaced by one of another type, or by one nested deep enough to exhaust a recursive walk.
      const text = bytes.toString('utf8');
      const keys = [...text.matchAll(/"([a-z_]+)"\s*:\s*/g)];
      if (keys.length > 0) {
        const key = pick(keys);
        const start = key.index + key[0].length;
        const end = valueEnd(text, start);
        const depth = random() < 0.5 ? 100_000 : 10 + int(3000);
        const value = kind === 'nest' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : pick(VALUES);
        steps.push(`"${key[1]}" set to ${kind === 'nest' ? `a value ${depth} levels deep` : value.slice(0, 20)}`);
        bytes = Buffer.from(text.slice(0, start) + value + text.slice(end));
      }
    }
    return bytes;
  };

  for (let index = 0; index < count; index++) {
    const roll = random();
    const steps: string[] = [];
    let name: string;
    let bytes: Buffer;
    if (roll < 0.08) {
      name = 'random';
      bytes = Buffer.from(Array.from({ length: int(2000) }, () => (random() < 0.7 ? pick(TOKENS).charCodeAt(0) & 0xff : int(256))));
      steps.push('random bytes');
    } else if (roll < 0.16) {
      name = random() < 0.5 ? 'tree.jsonl' : 'tree.json';
      const lines = Array.from({ length: 1 + int(5) }, () => JSON.stringify(randomJson(random, 0)));
      bytes = Buffer.from(lines.join(name.endsWith('.jsonl') ? '\n' : ','));
      steps.push('random JSON');
    } else {
      const [seedName, seedBytes] = pick(corpus);
      name = seedName;
      bytes = seedBytes;
      steps.push(`from ${seedName}`);
      for (let i = random() < 0.7 ? 1 : 2 + int(3); i > 0; i--) bytes = mutate(bytes, steps);
    }
    const extension = random() < 0.2 ? pick(extensions) : extname(name);
    yield { index, name: `case-${index}${extension}`, bytes, recipe: steps.join('; ') };
  }
}

/** Where the JSON value starting at `start` ends (roughly: strings, and brackets counted). */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') depth++;
    else if (char === ']' || char === '}') {
      if (depth === 0) return i;
      depth--;
      if (depth === 0) return i + 1;
    } else if ((char === ',' || char === '\n') && depth === 0) return i;
  }
  return text.length;
}

function randomJson(random: () => number, depth: number): unknown {
  const roll = random();
  const keys = ['id', 'channel', 'created_at', 'messages', 'body', 'author_role', 'title', 'tickets', 'type', 'conversation_parts', 'tags', 'x'];
  if (depth < 4 && roll < 0.3) {
    return Object.fromEntries(
      Array.from({ length: 1 + Math.floor(random() * 5) }, () => [keys[Math.floor(random() * keys.length)]!, randomJson(random, depth + 1)]),
    );
  }
  if (depth < 4 && roll < 0.45) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
  if (roll < 0.6) return Math.floor(random() * 2e9) - 1e9;
  if (roll < 0.7) return null;
  if (roll < 0.75) return random() < 0.5;
  return ['', 'chat', 'customer', 'agent', '2024-05-01T10:00:00Z', 'hello 提币', 'c1', 'm1'][Math.floor(random() * 8)];
}

export interface FuzzTotals {
  cases: number;
  byStatus: Record<string, number>;
  records: Counts;
  /** Guarantees broken, each with the case that broke it. */
  violations: string[];
}

/** Messages of file errors that mean a reader crashed rather than explained what is wrong with the input. */
const CRASH = /TypeError|ReferenceError|Cannot read properties|is not a function|is not iterable|Maximum call stack|internal error|undefined|\[object /;

/** Cases share a database this long, so that later ones meet stored rows and earlier ones start from nothing. */
const CASES_PER_DATABASE = 10;

/**
 * Ingests every case (a fresh file each, parsed in place, every eighth case in the parsing thread; a new in-memory
 * database every CASES_PER_DATABASE cases) and checks the guarantees: the run never throws; each file is loaded, empty or failed with a
 * reason that is not a crash; read = inserted + updated + unchanged + rejected, for records and messages; the stored
 * record rejects match the count; the same file again inserts and updates nothing.
 */
export async function runFuzz(folder: string, seed: number, count: number): Promise<FuzzTotals> {
  let handle: TestDatabase | undefined;
  try {
    return await fuzzInto(
      async (index) => {
        if (index % CASES_PER_DATABASE === 0 || !handle) {
          await handle?.close();
          handle = await memoryDatabase();
        }
        return handle;
      },
      folder,
      seed,
      count,
    );
  } finally {
    await handle?.close();
  }
}

async function fuzzInto(databaseFor: (index: number) => Promise<TestDatabase>, folder: string, seed: number, count: number): Promise<FuzzTotals> {
  const totals: FuzzTotals = { cases: 0, byStatus: {}, records: { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 }, violations: [] };
  for (const fuzzCase of fuzzCases(seed, count)) {
    const path = join(folder, fuzzCase.name);
    writeFileSync(path, fuzzCase.bytes);
    const where = `case ${fuzzCase.index} of seed ${seed} (${fuzzCase.recipe})`;
    const handle = await databaseFor(fuzzCase.index);
    const parsing = fuzzCase.index % 8 === 7 ? { parseInWorker: true, workerUrl: PARSE_WORKER_URL } : { parseInWorker: false };
    totals.cases += 1;
    let first: IngestSummary;
    let again: IngestSummary;
    try {
      first = await runIngest(handle, { paths: [path], timezone: 'UTC', ...parsing });
      again = await runIngest(handle, { paths: [path], timezone: 'UTC', ...parsing });
    } catch (error) {
      totals.violations.push(`${where}: ingest threw ${(error as Error).stack ?? String(error)}`);
      continue;
    }
    const file = first.files[0];
    if (first.files.length !== 1 || !file) {
      totals.violations.push(`${where}: ${first.files.length} file summaries`);
      continue;
    }
    totals.byStatus[file.status] = (totals.byStatus[file.status] ?? 0) + 1;
    for (const key of Object.keys(totals.records) as (keyof Counts)[]) totals.records[key] += file.records[key];
    if (file.error && CRASH.test(file.error)) totals.violations.push(`${where}: the reader crashed: ${file.error}`);
    for (const [label, counts] of [
      ['records', file.records],
      ['messages', file.messages],
    ] as const) {
      if (counts.read !== counts.inserted + counts.updated + counts.unchanged + counts.rejected) {
        totals.violations.push(`${where}: ${label} do not add up: ${JSON.stringify(counts)}`);
      }
    }
    const stored = await handle.db
      .selectFrom('rejects')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', first.runId)
      .where('kind', '=', 'record')
      .executeTakeFirstOrThrow();
    if (stored.n !== file.records.rejected) totals.violations.push(`${where}: ${stored.n} record rejects stored for ${file.records.rejected} counted`);
    const second = again.files[0]!;
    if (
      file.status === 'loaded' &&
      (second.records.inserted > 0 || second.records.updated > 0 || second.messages.inserted > 0 || second.messages.updated > 0)
    ) {
      totals.violations.push(`${where}: the same file again changed rows: ${JSON.stringify({ records: second.records, messages: second.messages })}`);
    }
    if (file.status !== second.status) totals.violations.push(`${where}: ${file.status} the first time, ${second.status} the second`);
  }
  return totals;
}
