import { expect, test } from 'vitest';
import { assembleGapTopics, groupGapQuestions, reportScope, sampleReplyConversations, type GapQuestionRow } from '../../../analysis/faq/faq-gap-report.js';

const MINUTE = 60_000;

const row = (id: number, topic: number | null, entry: string | null, covered: 0 | 1): GapQuestionRow => ({
  id,
  external_id: `c-${id}`,
  topic_id: topic,
  score: covered ? 0.9 : 0.2,
  covered,
  cross_language: 0,
  entry_external_id: entry,
  question: `question ${id}`,
  language: 'en',
});

const ROWS = [row(1, 7, 'fees', 1), row(2, 7, 'fees', 0), row(3, 8, 'fees', 1), row(4, null, 'reset-2fa', 1)];

test('questions grouped by topic; covered questions counted per entry, those without a topic too', () => {
  const grouped = groupGapQuestions(ROWS);
  expect([...grouped.topicOfConversation]).toEqual([
    [1, 7],
    [2, 7],
    [3, 8],
  ]);
  expect(grouped.questionsByTopic.get(7)!.map((question) => [question.conversationId, question.entryId, question.covered])).toEqual([
    ['c-1', 'fees', true],
    ['c-2', 'fees', false],
  ]);
  expect(Object.fromEntries(grouped.coveredByEntry)).toEqual({ fees: 2, 'reset-2fa': 1 });
});

test('the topics: conversations now and before, median first response of the answered, replies redacted per conversation', () => {
  const { topics } = assembleGapTopics({
    topics: [
      { topic_id: 7, label: 'fees', top_terms: '["fee"]', representative_question: 'why the fee?' },
      { topic_id: 9, label: 'quiet', top_terms: '[]', representative_question: null },
    ],
    questions: groupGapQuestions(ROWS),
    previousByTopic: new Map([[7, 4]]),
    firstResponses: [
      { conversationId: 1, firstResponseMs: 4 * MINUTE, unanswered: false },
      { conversationId: 2, firstResponseMs: null, unanswered: true },
      { conversationId: 3, firstResponseMs: 60 * MINUTE, unanswered: false },
    ],
    replies: new Map([[1, ['The fee is 0.0005 BTC.', 'Write to alice@example.com']]]),
  });
  expect(topics.map(({ questions, ...topic }) => ({ ...topic, questions: questions.length }))).toEqual([
    {
      topicId: 7,
      label: 'fees',
      topTerms: ['fee'],
      representativeQuestion: 'why the fee?',
      conversations: 2,
      previousConversations: 4,
      medianHandlingMs: 4 * MINUTE,
      questions: 2,
      agentReplies: [expect.stringMatching(/^The fee is 0\.0005 BTC\.\nWrite to (?!alice@example\.com)/)],
    },
    {
      topicId: 9,
      label: 'quiet',
      topTerms: [],
      representativeQuestion: null,
      conversations: 0,
      previousConversations: 0,
      medianHandlingMs: null,
      questions: 0,
      agentReplies: [],
    },
  ]);
  // Each question also carries its own conversation's replies (a part of a topic can be judged by them).
  expect(topics[0]!.questions.map((question) => question.reply)).toEqual([topics[0]!.agentReplies[0], undefined]);
});

test('replies are read for at most REPLIES_PER_TOPIC conversations a topic, evenly spread, in id order', () => {
  const topicOf = new Map<number, number>();
  for (let id = 1; id <= 1000; id++) topicOf.set(id, id <= 800 ? 1 : 2);
  const sampled = sampleReplyConversations(topicOf);
  expect(sampled).toHaveLength(400 + 200);
  expect(sampled.slice(0, 3)).toEqual([1, 3, 5]);
  expect(sampled.filter((id) => id > 800)).toHaveLength(200);
  expect(sampled).toEqual([...sampled].sort((a, b) => a - b));
});

test.each([
  ['a UTC week', '2024-05-01T00:00:00Z', '2024-05-08T00:00:00Z', '{"windowDays":7}'],
  ['a Berlin week across the start of summer time (167 hours)', '2024-03-27T23:00:00Z', '2024-04-03T22:00:00Z', '{"windowDays":7}'],
  ['a Berlin week across its end (169 hours)', '2024-10-23T22:00:00Z', '2024-10-30T23:00:00Z', '{"windowDays":7}'],
  ['a window of hours', '2024-05-01T00:00:00Z', '2024-05-01T12:00:00Z', '{"windowDays":0.5}'],
])('reports are compared within one window length: %s', (_name, from, to, scope) => {
  expect(reportScope({ from: Date.parse(from), to: Date.parse(to) })).toBe(scope);
});
