import { expect, test } from 'vitest';
import { listTopicQuestions, saveTopicResults } from '../../../analysis/topics/topics-store.js';
import { generateQuestions } from '../../../bench/synthetic-questions.js';
import { sqliteHandle, sqliteOnlyTest } from '../../support/test-database.js';
import { insertQuestions, openTestDatabase } from './topics-db.js';

// Counts around whole batches of 100 (a size tried for multi-row inserts), with conversations that have no topic.
test.each([1, 99, 100, 101, 257])('saveTopicResults writes every assignment and question of %i conversations', async (count) => {
  const handle = await openTestDatabase();
  const ids = await insertQuestions(handle, generateQuestions(count, 5), 0);
  const run = await handle.db
    .insertInto('analysis_runs')
    .values({ started_at: 0, status: 'running', pid: 1, hostname: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const topicIds = Int32Array.from(ids, (_, i) => (i % 13 === 5 ? -1 : 1 + (i % 3)));
  const similarity = Float32Array.from(ids, (_, i) => (i % 17) / 17);
  const questions = ids.map((_, i) => `question ${i} 提现`);
  const languages = ids.map((_, i) => (i % 2 === 0 ? 'en' : 'zh'));
  const topics = [1, 2, 3].map((topicId) => ({
    topicId,
    label: `label ${topicId}`,
    topTerms: ['a'],
    signature: { a: 1 },
    size: 1,
    representativeConversationId: ids[0]!,
    representativeQuestion: questions[0]!,
  }));
  const save = { analysisRunId: run.id, topics, conversationIds: ids, questions, languages, topicIds, similarity };
  await saveTopicResults(handle, save);
  // A re-run of the same analysis run replaces its rows.
  await saveTopicResults(handle, save);
  const assignments = await handle.db.selectFrom('topic_assignments').selectAll().where('analysis_run_id', '=', run.id).orderBy('conversation_id').execute();
  const expected = ids.flatMap((id, i) =>
    topicIds[i]! < 0 ? [] : [{ analysis_run_id: run.id, conversation_id: id, topic_id: topicIds[i]!, similarity: similarity[i]! }],
  );
  expect(assignments).toEqual(expected);
  const stored = await handle.db.selectFrom('conversation_questions').selectAll().where('analysis_run_id', '=', run.id).orderBy('conversation_id').execute();
  expect(stored).toEqual(ids.map((id, i) => ({ conversation_id: id, question: questions[i]!, language: languages[i]!, analysis_run_id: run.id })));
  await handle.close();
});

test('listTopicQuestions reads every question in id order', async () => {
  const handle = await openTestDatabase();
  const generated = generateQuestions(40, 7);
  const ids = await insertQuestions(handle, generated, 0);
  expect(await listTopicQuestions(handle)).toEqual({
    keys: ids,
    channels: generated.map((question) => question.channel),
    subjects: generated.map((question) => question.subject),
    bodies: generated.map((question) => question.body),
  });
  await handle.close();
});

sqliteOnlyTest("SQLite's page cache")('listTopicQuestions gives the connection its page cache size back', async () => {
  const handle = sqliteHandle(await openTestDatabase());
  await insertQuestions(handle, generateQuestions(40, 7), 0);
  handle.sqlite.pragma('cache_size = -12345');
  await listTopicQuestions(handle);
  expect(handle.sqlite.pragma('cache_size', { simple: true })).toBe(-12345);
  await handle.close();
});
