import { expect, test } from 'vitest';
import { assembleTopicFigures, type TopicReportInputs } from '../../../analysis/topics/topic-report.js';

const MINUTE = 60_000;

const INPUTS: TopicReportInputs = {
  topics: [
    { topic_id: 1, label: 'withdrawal fee', top_terms: '["withdrawal","fee"]' },
    { topic_id: 2, label: 'reset 2fa', top_terms: '["reset","2fa"]' },
    { topic_id: 3, label: 'quiet topic', top_terms: '["quiet"]' },
  ],
  // PostgreSQL returns counts as text: the figures are numbers whatever the engine.
  current: [
    { topic_id: 1, channel: 'chat', conversations: 2 },
    { topic_id: 1, channel: 'email', conversations: '1' },
    { topic_id: 2, channel: 'chat', conversations: 4 },
  ],
  previous: [
    { topic_id: 1, channel: 'chat', conversations: 2 },
    { topic_id: 3, channel: 'chat', conversations: 5 },
  ],
  languages: [
    { topic_id: 1, language: 'en', conversations: 2 },
    { topic_id: 1, language: 'zh', conversations: 1 },
    { topic_id: 2, language: 'en', conversations: 4 },
  ],
  assignments: [
    { conversation_id: 10, topic_id: 1 },
    { conversation_id: 11, topic_id: 1 },
    { conversation_id: 12, topic_id: 1 },
    { conversation_id: 20, topic_id: 2 },
  ],
  firstResponses: [
    { conversationId: 10, firstResponseMs: 2 * MINUTE, unanswered: false },
    { conversationId: 11, firstResponseMs: 10 * MINUTE, unanswered: false },
    { conversationId: 12, firstResponseMs: null, unanswered: true },
    // An outbound conversation the customer never wrote in: neither answered nor waiting.
    { conversationId: 20, firstResponseMs: null, unanswered: false },
    // Not assigned to a topic (no question): not in any topic's figures.
    { conversationId: 99, firstResponseMs: 60 * MINUTE, unanswered: false },
  ],
};

test('rows by volume: channels and languages largest first, growth, median first response of the answered, unanswered apart', () => {
  expect(assembleTopicFigures(INPUTS)).toEqual([
    {
      topicId: 2,
      label: 'reset 2fa',
      topTerms: ['reset', '2fa'],
      conversations: 4,
      previousConversations: 0,
      growth: null,
      medianFirstResponseMs: null,
      unanswered: 0,
      channels: [{ channel: 'chat', conversations: 4 }],
      languages: [{ language: 'en', conversations: 4 }],
    },
    {
      topicId: 1,
      label: 'withdrawal fee',
      topTerms: ['withdrawal', 'fee'],
      conversations: 3,
      previousConversations: 2,
      growth: 0.5,
      medianFirstResponseMs: 6 * MINUTE,
      unanswered: 1,
      channels: [
        { channel: 'chat', conversations: 2 },
        { channel: 'email', conversations: 1 },
      ],
      languages: [
        { language: 'en', conversations: 2 },
        { language: 'zh', conversations: 1 },
      ],
    },
  ]);
});

test('a topic with no conversations in the period is left out, whatever it had before', () => {
  expect(assembleTopicFigures({ ...INPUTS, current: [] })).toEqual([]);
});
