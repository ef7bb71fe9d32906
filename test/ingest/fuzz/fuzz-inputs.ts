import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../../helpers.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';

/** A seeded source of choices: the same seed gives the same inputs, so a failing case can be run again. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, below). */
  below(below: number): number;
  pick<T>(list: readonly T[]): T;
  chance(probability: number): boolean;
}

/** The project's seeded generator (mulberry32, `createSeededRandom`), with the picks the fuzz generator needs. */
export function createRandom(seed: number): Random {
  const { next } = createSeededRandom(seed);
  const below = (n: number): number => Math.floor(next() * n);
  return { next, below, pick: (list) => list[below(list.length)]!, chance: (p) => next() < p };
}

/** One seed per case, from the run's seed, the reader's name and the case number. */
export function caseSeed(seed: number, name: string, index: number): number {
  let hash = seed ^ 0x9e3779b9;
  for (const char of `${name}#${index}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash >>> 0;
}

/** A reader to fuzz: valid files of its format (fixtures and generated ones) and the extension its files carry. */
export interface FuzzTarget {
  name: string;
  extension: string;
  seeds: (random: Random) => Buffer[];
}

const fixture = (...parts: string[]): Buffer => readFileSync(join(FIXTURES, ...parts));

const ROLES = ['customer', 'agent', 'bot', 'system'] as const;
const CHANNELS = ['chat', 'email', 'phone', 'live chat', '电话'];
const WORDS = ['withdrawal', 'fee', 'KYC', 'deposit', 'USDT', 'TRC20', 'password', 'reset', '提现', '手续费', 'card', 'refund', '🙂', 'café'];

function sentence(random: Random): string {
  return Array.from({ length: 1 + random.below(8) }, () => random.pick(WORDS)).join(' ');
}

function isoTime(random: Random, base = Date.UTC(2024, 4, 1)): string {
  return new Date(base + random.below(30 * 86_400) * 1000).toISOString();
}

function conversation(random: Random, index: number): Record<string, unknown> {
  const createdAt = Date.UTC(2024, 4, 1) + random.below(20 * 86_400) * 1000;
  const messages = Array.from({ length: 1 + random.below(5) }, (_, m) => ({
    id: `m${m + 1}`,
    author_role: m === 0 ? 'customer' : random.pick(ROLES),
    author_id: `u${random.below(50)}`,
    created_at: new Date(createdAt + m * 60_000 * (1 + random.below(30))).toISOString(),
    body: sentence(random),
    ...(random.chance(0.1) ? { internal: true } : {}),
  }));
  return {
    id: `c${index}`,
    channel: random.pick(CHANNELS),
    created_at: new Date(createdAt).toISOString(),
    ...(random.chance(0.5) ? { tags: [random.pick(WORDS)] } : {}),
    ...(random.chance(0.3) ? { status: 'solved', resolved_at: new Date(createdAt + 3_600_000).toISOString() } : {}),
    messages,
  };
}

function conversations(random: Random): Record<string, unknown>[] {
  return Array.from({ length: 1 + random.below(6) }, (_, i) => conversation(random, i + 1));
}

function faqEntry(random: Random, index: number): Record<string, string> {
  return {
    id: `faq-${index}`,
    title: `How do I ${sentence(random)}?`,
    body: sentence(random),
    updated_at: isoTime(random).slice(0, 10),
    tags: random.pick(WORDS),
    language: random.pick(['en', 'zh', 'fr']),
  };
}

function faqEntries(random: Random): Record<string, string>[] {
  return Array.from({ length: 1 + random.below(5) }, (_, i) => faqEntry(random, i + 1));
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csv(header: string[], rows: string[][]): Buffer {
  return Buffer.from(`${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`);
}

const lines = (values: unknown[]): Buffer => Buffer.from(`${values.map((value) => JSON.stringify(value)).join('\n')}\n`);

function messagesCsv(random: Random): Buffer {
  const rows = conversations(random).flatMap((c) =>
    (c['messages'] as Record<string, unknown>[]).map((m) => [
      String(c['id']),
      String(m['id']),
      String(c['channel']),
      String(m['author_role']),
      String(m['author_id']),
      String(m['created_at']),
      String(m['body']),
    ]),
  );
  return csv(['conversation_id', 'message_id', 'channel', 'author_role', 'author_id', 'created_at', 'body'], rows);
}

function twitterTime(at: number): string {
  // The corpus's own form: "Tue Oct 31 22:10:47 +0000 2017".
  const [day, month, date, year, time] = new Date(at).toUTCString().replace(',', '').split(' ') as [string, string, string, string, string];
  return `${day} ${month} ${date} ${time} +0000 ${year}`;
}

function twitterCsv(random: Random): Buffer {
  const rows: string[][] = [];
  let tweet = 1000;
  for (let thread = 0; thread < 1 + random.below(4); thread++) {
    const at = Date.UTC(2017, 9, 1) + random.below(86_400) * 1000;
    const customer = String(9000 + thread);
    let previous = '';
    for (let reply = 0; reply < 1 + random.below(4); reply++) {
      tweet += 1;
      const inbound = reply % 2 === 0;
      rows.push([
        String(tweet),
        inbound ? customer : 'AcmeSupport',
        inbound ? 'True' : 'False',
        twitterTime(at + reply * 600_000),
        `@${inbound ? 'AcmeSupport' : customer} ${sentence(random)}`,
        '',
        previous,
      ]);
      previous = String(tweet);
    }
  }
  if (random.chance(0.5)) rows.reverse();
  return csv(['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'response_tweet_id', 'in_response_to_tweet_id'], rows);
}

/** Every reader supportlens has, each with valid files to start from. */
export const FUZZ_TARGETS: FuzzTarget[] = [
  {
    name: 'conversations-jsonl',
    extension: '.jsonl',
    seeds: (random) => [lines(conversations(random)), fixture('response-times/conversations.jsonl')],
  },
  {
    name: 'conversations-json',
    extension: '.json',
    seeds: (random) => [
      Buffer.from(JSON.stringify(conversations(random), null, 1)),
      Buffer.from(JSON.stringify({ conversations: conversations(random) })),
      fixture('hostile/31-json-array.json'),
    ],
  },
  {
    name: 'messages-csv',
    extension: '.csv',
    seeds: (random) => [messagesCsv(random), fixture('hostile/10-bom-crlf.csv'), fixture('hostile/12-multiline-bodies.csv')],
  },
  {
    name: 'faq-markdown',
    extension: '.md',
    seeds: (random) => {
      const entry = faqEntry(random, 1);
      return [
        Buffer.from(
          `---\nid: ${entry.id}\ntitle: ${JSON.stringify(entry.title)}\nupdated_at: ${entry.updated_at}\ntags: [${entry.tags}]\nlanguage: ${entry.language}\n---\n${entry.body}\n`,
        ),
        Buffer.from(`# ${entry.title}\n\n${entry.body}\n`),
      ];
    },
  },
  {
    name: 'faq-csv',
    extension: '.csv',
    seeds: (random) => {
      const entries = faqEntries(random);
      return [
        csv(
          Object.keys(entries[0]!),
          entries.map((e) => Object.values(e)),
        ),
      ];
    },
  },
  {
    name: 'faq-json',
    extension: '.json',
    seeds: (random) => [Buffer.from(JSON.stringify({ entries: faqEntries(random) }, null, 2)), Buffer.from(JSON.stringify(faqEntries(random)))],
  },
  { name: 'faq-jsonl', extension: '.jsonl', seeds: (random) => [lines(faqEntries(random))] },
  {
    name: 'zendesk-json',
    extension: '.json',
    seeds: () => [
      fixture('zendesk/incremental-export-with-comments.json'),
      fixture('zendesk/ticket-with-audits.json'),
      fixture('zendesk/tickets-with-ticket-events.json'),
      fixture('zendesk/ticket-events-without-tickets.json'),
    ],
  },
  { name: 'zendesk-jsonl', extension: '.jsonl', seeds: () => [fixture('zendesk/tickets-one-per-line.jsonl')] },
  { name: 'intercom-json', extension: '.json', seeds: () => [fixture('intercom/list-response.json')] },
  { name: 'intercom-jsonl', extension: '.jsonl', seeds: () => [fixture('intercom/conversations-one-per-line.jsonl')] },
  { name: 'chatwoot-json', extension: '.json', seeds: () => [fixture('chatwoot/conversation-list.json')] },
  { name: 'chatwoot-jsonl', extension: '.jsonl', seeds: () => [fixture('chatwoot/conversations-one-per-line.jsonl')] },
  { name: 'helpscout-json', extension: '.json', seeds: () => [fixture('helpscout/conversations-page.json')] },
  { name: 'helpscout-jsonl', extension: '.jsonl', seeds: () => [fixture('helpscout/conversations-one-per-line.jsonl')] },
  { name: 'freshdesk-json', extension: '.json', seeds: () => [fixture('freshdesk/tickets.json')] },
  { name: 'freshdesk-jsonl', extension: '.jsonl', seeds: () => [fixture('freshdesk/tickets-one-per-line.jsonl')] },
  {
    name: 'zendesk-csv',
    extension: '.csv',
    seeds: () => [fixture('feeds/zendesk/tables/tickets.csv'), fixture('feeds/zendesk/tables/ticket_comments.csv'), fixture('feeds/zendesk/tables/users.csv')],
  },
  {
    name: 'webhook-events-json',
    extension: '.json',
    seeds: () => [
      fixture('feeds/zendesk/webhooks/03-comment_added.json'),
      fixture('feeds/intercom/webhooks/06-conversation.admin.closed.json'),
      fixture('feeds/chatwoot/webhooks/01-conversation_created.json'),
      fixture('feeds/chatwoot/webhooks/03-message_created.json'),
    ],
  },
  {
    name: 'helpscout-threads-json',
    extension: '.json',
    seeds: () => [fixture('feeds/helpscout/threads-9001.json'), fixture('feeds/helpscout/threads-9004.json')],
  },
  {
    name: 'chatwoot-messages-json',
    extension: '.json',
    seeds: () => [fixture('feeds/chatwoot/api/messages-61.json'), fixture('feeds/chatwoot/api/messages-62.json')],
  },
  {
    name: 'feed-streams-jsonl',
    extension: '.jsonl',
    seeds: () => [
      fixture('feeds/zendesk/streams/ticket_comments.jsonl'),
      fixture('feeds/zendesk/streams/ticket_audits.jsonl'),
      fixture('feeds/intercom/streams/conversation_parts.jsonl'),
      fixture('feeds/zendesk/streams/users.jsonl'),
      fixture('feeds/chatwoot/messages-stream.jsonl'),
    ],
  },
  { name: 'twitter-csv', extension: '.csv', seeds: (random) => [twitterCsv(random), fixture('twcs/threads-out-of-order.csv')] },
];

type Mutation = (input: Buffer, random: Random, other: () => Buffer) => Buffer;

function splitLines(input: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] === 0x0a) {
      parts.push(input.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < input.length) parts.push(input.subarray(start));
  return parts;
}

function insertAt(input: Buffer, at: number, inserted: Buffer | string): Buffer {
  return Buffer.concat([input.subarray(0, at), Buffer.from(inserted), input.subarray(at)]);
}

/** A position just inside a string value (after an opening quote) when there is one, else anywhere. */
function insidePosition(input: Buffer, random: Random): number {
  const quotes: number[] = [];
  for (let i = 0; i < input.length; i++) if (input[i] === 0x22 || input[i] === 0x2c) quotes.push(i + 1);
  return quotes.length > 0 ? random.pick(quotes) : random.below(input.length + 1);
}

const HOSTILE_VALUES = [
  '42',
  '-1',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
  '""',
  '" "',
  '"__proto__"',
  '{"__proto__":{"x":1}}',
  '"constructor"',
  '[[[[1]]]]',
  '"9999-12-31T23:59:59Z"',
  '"+010000-01-01T00:00:00Z"',
  '"2024-02-30"',
  '"0"',
  '-0',
  '1.5',
  '"\\u0000"',
  '"\\ud800"',
];
const HOSTILE_TEXT = ['"', ',', '\n', '\r', '\r\n', '{', '}', '[', ']', '\\', '---\n', '\uFEFF', '\u2028', '\t', ':', '"",""', '\\"', '# heading\n', 'NaN'];
const INVALID_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf0, 0x9f]), Buffer.from([0xe2, 0x82])];

const MUTATIONS: Record<string, Mutation> = {
  flipBytes: (input, random) => {
    const copy = Buffer.from(input);
    for (let n = 1 + random.below(4); n > 0 && copy.length > 0; n--) copy[random.below(copy.length)] = random.below(256);
    return copy;
  },
  truncate: (input, random) => input.subarray(0, random.below(input.length + 1)),
  duplicateLine: (input, random) => {
    const parts = splitLines(input);
    if (parts.length === 0) return input;
    parts.splice(random.below(parts.length + 1), 0, random.pick(parts));
    return Buffer.concat(parts);
  },
  deleteLine: (input, random) => {
    const parts = splitLines(input);
    parts.splice(random.below(parts.length), 1);
    return Buffer.concat(parts);
  },
  swapLines: (input, random) => {
    const parts = splitLines(input);
    if (parts.length < 2) return input;
    const a = random.below(parts.length);
    const b = random.below(parts.length);
    [parts[a], parts[b]] = [parts[b]!, parts[a]!];
    return Buffer.concat(parts);
  },
  repeatFile: (input) => Buffer.concat([input, input]),
  insertNul: (input, random) => insertAt(input, insidePosition(input, random), Buffer.alloc(1 + random.below(3))),
  invalidUtf8: (input, random) => insertAt(input, insidePosition(input, random), random.pick(INVALID_UTF8)),
  hugeField: (input, random) => insertAt(input, insidePosition(input, random), random.pick(['x', 'é', '字', 'ab ']).repeat(random.pick([300, 2_500, 120_000]))),
  deepNesting: (input, random) => {
    const depth = random.pick([50, 1_000, 100_000]);
    const nested = random.chance(0.7) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : '{"a":'.repeat(depth) + '1' + '}'.repeat(random.chance(0.5) ? depth : 3);
    return replaceValue(input, random, nested);
  },
  wrongType: (input, random) => replaceValue(input, random, random.pick(HOSTILE_VALUES)),
  hostileText: (input, random) => insertAt(input, random.below(input.length + 1), random.pick(HOSTILE_TEXT)),
  crlf: (input) => Buffer.from(input.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'),
  bom: (input) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), input]),
  spliceOther: (input, random, other) => {
    const piece = other();
    const start = random.below(piece.length + 1);
    return insertAt(input, random.below(input.length + 1), piece.subarray(start, start + random.below(400)));
  },
};

/** Replaces one JSON value (after a `:`) or CSV field with `value`; else inserts it somewhere. */
function replaceValue(input: Buffer, random: Random, value: string): Buffer {
  const text = input.toString('latin1');
  const spots = [...text.matchAll(/:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null|\[\]|\{\})|,([^,\n"]*)(?=[,\n])/g)];
  if (spots.length === 0) return insertAt(input, random.below(input.length + 1), value);
  const spot = random.pick(spots);
  const whole = spot[0];
  const kept = whole.startsWith(':') ? whole.slice(0, whole.length - spot[1]!.length) : ',';
  const csvValue = whole.startsWith(',') ? `"${value.replaceAll('"', '""')}"` : value;
  return Buffer.concat([input.subarray(0, spot.index), Buffer.from(kept, 'latin1'), Buffer.from(csvValue), input.subarray(spot.index + whole.length)]);
}

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** A valid seed of the target with 1 to 3 mutations applied; returns the bytes and what was done to them. */
export function mutatedInput(target: FuzzTarget, random: Random): { bytes: Buffer; steps: string[] } {
  const seeds = target.seeds(random);
  let bytes = random.pick(seeds);
  const steps: string[] = [];
  const other = (): Buffer => random.pick(random.pick(FUZZ_TARGETS).seeds(random));
  for (let n = 1 + random.below(3); n > 0; n--) {
    const name = random.pick(MUTATION_NAMES);
    bytes = MUTATIONS[name]!(bytes, random, other);
    steps.push(name);
  }
  return { bytes, steps };
}

function randomJson(random: Random, depth: number): unknown {
  const kind = depth > 4 ? random.below(4) : random.below(7);
  switch (kind) {
    case 0:
      return random.pick([0, -1, 1.5, 1e21, 2 ** 53 + 1]);
    case 1:
      return random.pick([sentence(random), '', '2024-05-01T10:00:00Z', 'customer', '1700200000']);
    case 2:
      return random.pick([true, false, null]);
    case 3:
      return random.pick(['id', 'messages', 'conversation_parts', 'tickets', 'title']);
    case 4:
      return Array.from({ length: random.below(4) }, () => randomJson(random, depth + 1));
    default: {
      const keys = [
        'id',
        'channel',
        'created_at',
        'messages',
        'body',
        'title',
        'author_role',
        'type',
        'tickets',
        'ticket',
        'conversation_parts',
        'source',
        'requester_id',
        'status',
        'entries',
        'comments',
        'via',
        'part_type',
        'author',
      ];
      return Object.fromEntries(Array.from({ length: random.below(6) }, () => [random.pick(keys), randomJson(random, depth + 1)]));
    }
  }
}

/** Input made from nothing: random bytes, random text, random JSON, or a random CSV with a known header. */
export function randomInput(random: Random): { bytes: Buffer; steps: string[]; extension: string } {
  const extension = random.pick(['.jsonl', '.json', '.csv', '.md', '.txt']);
  switch (random.below(4)) {
    case 0:
      return { bytes: Buffer.from(Array.from({ length: random.below(2_000) }, () => random.below(256))), steps: ['random bytes'], extension };
    case 1:
      return {
        bytes: Buffer.from(Array.from({ length: random.below(40) }, () => random.pick([...HOSTILE_TEXT, ...WORDS, ' ', '\n'])).join('')),
        steps: ['random text'],
        extension,
      };
    case 2: {
      const values = Array.from({ length: 1 + random.below(5) }, () => JSON.stringify(randomJson(random, 0)));
      return { bytes: Buffer.from(random.chance(0.5) ? values.join('\n') : `[${values.join(',')}]`), steps: ['random JSON'], extension };
    }
    default: {
      const header = random.pick([
        ['conversation_id', 'message_id', 'channel', 'author_role', 'created_at', 'body'],
        ['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'response_tweet_id', 'in_response_to_tweet_id'],
        ['id', 'title', 'body'],
      ]);
      const rows = Array.from({ length: random.below(6) }, () =>
        Array.from({ length: header.length + random.below(3) - 1 }, () => String(randomJson(random, 5))),
      );
      return { bytes: csv(header, rows), steps: ['random CSV'], extension };
    }
  }
}
