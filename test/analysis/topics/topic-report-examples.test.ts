import { expect, test } from 'vitest';
import { computeTopics } from '../../../analysis/topics/compute-topics.js';
import { getTopicReport } from '../../../analysis/topics/topic-report.js';
import { DEFAULT_TOPICS_CONFIG } from '../../../analysis/topics/topics-config.js';
import { DAY_ONE, insertQuestions, openTestDatabase, startAnalysisRun, succeedAnalysisRun } from './topics-db.js';

test('a topic asked in two languages shows an example in each, even when the other language is far from its centre', async () => {
  const handle = await openTestDatabase();
  try {
    const english = Array.from({ length: 30 }, (_, i) => ({
      intent: 'fee',
      channel: 'chat' as const,
      subject: null,
      body: `why is the withdrawal fee so high ${i}`,
    }));
    const chinese = Array.from({ length: 6 }, (_, i) => ({ intent: 'kyc', channel: 'chat' as const, subject: null, body: `身份认证失败了，原因是什么 ${i}` }));
    await insertQuestions(handle, [...english, ...chinese], 0);
    const run = await startAnalysisRun(handle);
    await computeTopics(handle, { ...DEFAULT_TOPICS_CONFIG, workers: 0, topicCount: 2 }, { analysisRunId: run });
    await succeedAnalysisRun(handle, run);
    // One Chinese question joined the English topic (as a merge across languages does), the farthest from its centre.
    const englishTopic = await handle.db
      .selectFrom('topic_assignments as ta')
      .innerJoin('conversation_questions as q', (join) =>
        join.onRef('q.conversation_id', '=', 'ta.conversation_id').onRef('q.analysis_run_id', '=', 'ta.analysis_run_id'),
      )
      .select('ta.topic_id')
      .where('q.language', '=', 'en')
      .executeTakeFirstOrThrow();
    const moved = await handle.db
      .selectFrom('conversation_questions')
      .select('conversation_id')
      .where('language', '=', 'zh')
      .orderBy('conversation_id')
      .executeTakeFirstOrThrow();
    await handle.db
      .updateTable('topic_assignments')
      .set({ topic_id: englishTopic.topic_id, similarity: -1 })
      .where('conversation_id', '=', moved.conversation_id)
      .execute();

    const report = await getTopicReport(handle.db, { from: DAY_ONE, to: DAY_ONE + 86_400_000 }, { examples: 2 });
    const topic = report.topics.find((row) => row.topicId === englishTopic.topic_id)!;
    expect(topic.languages).toEqual([
      { language: 'en', conversations: 30 },
      { language: 'zh', conversations: 1 },
    ]);
    expect(topic.examples.map((example) => /\p{Script=Han}/u.test(example.question))).toEqual([false, true]);
  } finally {
    await handle.close();
  }
});
