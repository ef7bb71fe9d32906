import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, temporaryFolder, type TemporaryFolder } from '../helpers.js';
import { testDatabaseLocation } from '../support/test-database.js';

const run = promisify(execFile);

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [...CLI, ...args], { maxBuffer: 32 * 2 ** 20 });
  return stdout;
}

/** Asia/Shanghai is UTC+8 all year: its day 2024-05-02 is [2024-05-01T16:00Z, 2024-05-02T16:00Z). */
const ZONE = 'Asia/Shanghai';
const LOCAL_DAY_START = Date.parse('2024-05-01T16:00:00Z');
const LOCAL_DAY_END = Date.parse('2024-05-02T16:00:00Z');
const MINUTE = 60_000;

const QUESTIONS = [
  'How do I reset my two-factor authentication?',
  'I lost my phone, how can I reset 2FA on my account?',
  'My authenticator app is gone, please reset my two-factor authentication',
  'Reset 2FA: I cannot log in without the authenticator code',
];

interface Conversation {
  id: string;
  createdAt: number;
  /** The customer's first message, when it is not at `createdAt`. */
  customerAt?: number;
}

// Twelve conversations across the local day 2024-05-02, the first ten minutes after local midnight (the UTC day before);
// one created at 00:05 the next local day whose customer wrote at 23:55 (its start is in the day); and three just outside
// the local day: 23:50 the evening before, 00:10 and 07:00 the morning after (all three in UTC day 2024-05-02 or before).
const INSIDE: Conversation[] = [
  ...Array.from({ length: 12 }, (_, i) => ({ id: `in-${i}`, createdAt: LOCAL_DAY_START + 10 * MINUTE + i * 110 * MINUTE })),
  { id: 'in-late-customer', createdAt: LOCAL_DAY_END + 5 * MINUTE, customerAt: LOCAL_DAY_END - 5 * MINUTE },
];
const OUTSIDE: Conversation[] = [
  { id: 'out-evening-before', createdAt: LOCAL_DAY_START - 10 * MINUTE },
  { id: 'out-just-after', createdAt: LOCAL_DAY_END + 10 * MINUTE },
  { id: 'out-morning-after', createdAt: LOCAL_DAY_END + 7 * 60 * MINUTE },
];

function conversationLine(conversation: Conversation, i: number): string {
  const customerAt = conversation.customerAt ?? conversation.createdAt;
  return JSON.stringify({
    id: conversation.id,
    channel: 'chat',
    created_at: new Date(conversation.createdAt).toISOString(),
    messages: [
      { id: 'm1', author_role: 'customer', author_id: `u${i}`, created_at: new Date(customerAt).toISOString(), body: QUESTIONS[i % QUESTIONS.length] },
      { id: 'm2', author_role: 'agent', author_id: 'a1', created_at: new Date(customerAt + (i + 1) * MINUTE).toISOString(), body: 'Please send a selfie.' },
    ],
  });
}

describe('report response-times, topics, faq-gaps and export read --from/--to as days of the reporting time zone', () => {
  let folder: TemporaryFolder;
  let db: string;
  let config: string;
  beforeAll(async () => {
    folder = temporaryFolder('supportlens-period-');
    db = await testDatabaseLocation(join(folder.path, 'test.db'));
    config = join(folder.path, 'supportlens.config.json');
    writeFileSync(config, JSON.stringify({ reportingTimeZone: ZONE }));
    const input = join(folder.path, 'conversations.jsonl');
    writeFileSync(input, `${[...INSIDE, ...OUTSIDE].map(conversationLine).join('\n')}\n`);
    await cli('ingest', '--db', db, '--quiet', input);
    await cli('analyze', '--db', db, '--config', config);
  }, 120_000);
  afterAll(() => folder?.cleanup());

  test('the same dates give the same conversations in every report', async () => {
    const period = ['--db', db, '--config', config, '--from', '2024-05-02', '--to', '2024-05-02'];
    const responseTimes = JSON.parse(await cli('report', 'response-times', ...period, '--format', 'json')) as { total: { conversations: number } };
    const topics = JSON.parse(await cli('report', 'topics', ...period, '--format', 'json')) as {
      from: number;
      to: number;
      topics: { conversations: number }[];
    };
    const gaps = JSON.parse(await cli('report', 'faq-gaps', ...period, '--format', 'json')) as {
      from: string;
      to: string;
      findings: { verdict: string; evidence: { conversations: number } }[];
    };
    const exported = (await cli('export', 'conversations', ...period, '--format', 'jsonl'))
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { conversation_id: string }).conversation_id);

    expect({
      responseTimes: responseTimes.total.conversations,
      topics: topics.topics.reduce((sum, topic) => sum + topic.conversations, 0),
      topicsPeriod: [topics.from, topics.to],
      faqGaps: gaps.findings.filter((finding) => finding.verdict === 'NEW').reduce((sum, finding) => sum + finding.evidence.conversations, 0),
      faqGapsPeriod: [gaps.from, gaps.to],
      export: exported.sort(),
    }).toEqual({
      responseTimes: INSIDE.length,
      topics: INSIDE.length,
      topicsPeriod: [LOCAL_DAY_START, LOCAL_DAY_END],
      faqGaps: INSIDE.length,
      faqGapsPeriod: [new Date(LOCAL_DAY_START).toISOString(), new Date(LOCAL_DAY_END).toISOString()],
      export: INSIDE.map((conversation) => conversation.id).sort(),
    });
  }, 120_000);

  test("the gap report's Markdown names the local days", async () => {
    const markdown = await cli('report', 'faq-gaps', '--db', db, '--config', config, '--from', '2024-05-02', '--to', '2024-05-02');
    expect(markdown).toMatch(/^# FAQ gaps, 2024-05-02 to 2024-05-02\n/);
  }, 60_000);
});
