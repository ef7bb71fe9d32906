import { describe, expect, test } from 'vitest';
import { analyzeTopics } from '../../../analysis/topics/analyze-topics.js';
import { assignTopicIds, type PreviousTopic } from '../../../analysis/topics/match-topic-ids.js';
import { DEFAULT_TOPICS_CONFIG } from '../../../analysis/topics/topics-config.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';

const GROUPS: Record<string, string[]> = {
  deposit: ['my {c} deposit has not arrived', 'deposit of {c} still missing from my balance', '{c} deposit not credited yet'],
  password: ['I forgot my password', 'password reset email never arrives', 'cannot reset my password'],
  kyc: ['identity verification rejected', 'my KYC verification failed', 'why was my identity verification declined'],
  withdrawal_zh: ['{c}提现一直没有到账', '提现还在处理中', '我的{c}提现失败了'],
};
const COINS = ['BTC', 'ETH', 'USDT', 'SOL'];

function groupedQuestions(perGroup: number): { texts: string[]; groups: string[] } {
  const random = createSeededRandom(5);
  const texts: string[] = [];
  const groups: string[] = [];
  for (let i = 0; i < perGroup; i++) {
    for (const [group, phrasings] of Object.entries(GROUPS)) {
      const phrasing = phrasings[random.int(phrasings.length)]!;
      texts.push(`${random.next() < 0.5 ? 'Hi, ' : ''}${phrasing.replace('{c}', COINS[random.int(COINS.length)]!)}`);
      groups.push(group);
    }
  }
  return { texts, groups };
}

describe('analyzeTopics', () => {
  test('recovers clearly separated groups, English and Chinese, choosing their number', async () => {
    const { texts, groups } = groupedQuestions(30);
    const analysis = await analyzeTopics(
      { keys: texts.map((_, i) => i), channels: texts.map(() => 'chat'), subjects: texts.map(() => null), bodies: texts },
      { ...DEFAULT_TOPICS_CONFIG, maxTopics: 12, minTopicSize: 5, workers: 0 },
    );
    expect(analysis.topics.length).toBeGreaterThanOrEqual(4);
    expect(analysis.topics.length).toBeLessThanOrEqual(12);
    // Every topic holds one group only.
    for (let topic = 0; topic < analysis.topics.length; topic++) {
      const members = new Set(groups.filter((_, i) => analysis.assignment[i] === topic));
      expect(members.size).toBe(1);
    }
    expect(analysis.topics.map((t) => t.label).join(' ')).toMatch(/deposit|password|verification|提现/);
    for (const topic of analysis.topics) expect(topic.representative).toBeGreaterThanOrEqual(0);
  });

  test('with the number fixed, gives exactly that many groups, matching the truth', async () => {
    const { texts, groups } = groupedQuestions(25);
    const analysis = await analyzeTopics(
      { keys: texts.map((_, i) => i), channels: texts.map(() => 'chat'), subjects: texts.map(() => null), bodies: texts },
      { ...DEFAULT_TOPICS_CONFIG, topicCount: 4, workers: 0 },
    );
    expect(analysis.topics).toHaveLength(4);
    for (let topic = 0; topic < 4; topic++) expect(new Set(groups.filter((_, i) => analysis.assignment[i] === topic)).size).toBe(1);
  });

  test('is deterministic for a seed', async () => {
    const { texts } = groupedQuestions(15);
    const input = { keys: texts.map((_, i) => i), channels: texts.map(() => 'chat'), subjects: texts.map(() => null), bodies: texts };
    const a = await analyzeTopics(input, { ...DEFAULT_TOPICS_CONFIG, workers: 0 });
    const b = await analyzeTopics(input, { ...DEFAULT_TOPICS_CONFIG, workers: 0 });
    expect([...b.assignment]).toEqual([...a.assignment]);
    expect(b.topics.map((t) => t.label)).toEqual(a.topics.map((t) => t.label));
  });
});

describe('assignTopicIds', () => {
  const previous: PreviousTopic[] = [
    { topicId: 3, signature: { card: 0.8, arriv: 0.6 } },
    { topicId: 5, signature: { password: 0.9, reset: 0.44 } },
  ];
  test.each([
    [
      'identical topics keep their ids',
      [
        { card: 0.8, arriv: 0.6 },
        { password: 0.9, reset: 0.44 },
      ],
      [3, 5],
    ],
    ['order does not matter', [{ password: 1 }, { card: 0.7, arriv: 0.7 }], [5, 3]],
    ['an unseen topic takes the next id', [{ card: 0.8, arriv: 0.6 }, { kyc: 1 }], [3, 6]],
    [
      'two candidates for one id: the closer wins',
      [
        { card: 0.6, arriv: 0.8 },
        { card: 0.8, arriv: 0.6 },
      ],
      [6, 3],
    ],
    ['too dissimilar: a new id', [{ card: 0.2, fee: 0.98 }], [6]],
  ] as const)('%s', (_name, signatures, expected) => {
    expect(assignTopicIds(signatures as unknown as Record<string, number>[], previous, { nextId: 6 })).toEqual(expected);
  });
});
