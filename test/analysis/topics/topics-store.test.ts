import { expect, test } from 'vitest';
import { beginTopicResults, listTopicQuestions, saveTopicResults } from '../../../analysis/topics/topics-store.js';
import { generateQuestions } from '../../../bench/synthetic-questions.js';
import { type TestDatabase, sqliteHandle, sqliteOnlyTest } from '../../support/test-database.js';
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
  const topics = topicsToSave(3, ids[0]!, questions[0]!);
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

/** Topics 1 .. count, each represented by the given conversation and question. */
function topicsToSave(count: number, conversationId: number, question: string) {
  return Array.from({ length: count }, (_, i) => ({
    topicId: i + 1,
    label: `label ${i + 1}`,
    topTerms: ['a'],
    signature: { a: 1 },
    size: 1,
    representativeConversationId: conversationId,
    representativeQuestion: question,
  }));
}

/** Results for the given conversations: every third in no topic, the rest in topics 1 and 2. */
function resultsFor(analysisRunId: number, ids: number[]) {
  const questions = ids.map((_, i) => `question ${i}`);
  return {
    analysisRunId,
    topics: topicsToSave(2, ids[0]!, questions[0]!),
    conversationIds: ids,
    questions,
    languages: ids.map(() => 'en'),
    topicIds: Int32Array.from(ids, (_, i) => (i % 3 === 2 ? -1 : 1 + (i % 2))),
    similarity: Float32Array.from(ids, () => 0.5),
  };
}

async function startRun(handle: TestDatabase): Promise<number> {
  const run = await handle.db
    .insertInto('analysis_runs')
    .values({ started_at: 0, status: 'running', pid: 1, hostname: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return run.id;
}

async function storedConversationIds(handle: TestDatabase, table: 'topic_assignments' | 'conversation_questions'): Promise<number[]> {
  const rows = await handle.db.selectFrom(table).select('conversation_id').orderBy('conversation_id').execute();
  return rows.map((row) => row.conversation_id);
}

test('saveTopicResults refuses a run that does not exist and writes nothing', async () => {
  const handle = await openTestDatabase();
  const ids = await insertQuestions(handle, generateQuestions(10, 3), 0);
  const run = await startRun(handle);
  await expect(saveTopicResults(handle, resultsFor(run + 1, ids))).rejects.toThrow();
  expect(await storedConversationIds(handle, 'conversation_questions')).toEqual([]);
  expect(await handle.db.selectFrom('topics').selectAll().execute()).toEqual([]);
  if (handle.sqlite) expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
  await handle.close();
});

sqliteOnlyTest('on PostgreSQL every row is checked, and the missing conversation fails the insert')(
  'saveTopicResults keeps no rows of a conversation deleted after its question was read, and checks foreign keys again afterwards',
  async () => {
    const handle = sqliteHandle(await openTestDatabase());
    const ids = await insertQuestions(handle, generateQuestions(12, 3), 0);
    const run = await startRun(handle);
    const deleted = [ids[1]!, ids[4]!];
    await handle.db.deleteFrom('conversations').where('id', 'in', deleted).execute();
    await saveTopicResults(handle, resultsFor(run, ids));
    const kept = ids.filter((id) => !deleted.includes(id));
    expect(await storedConversationIds(handle, 'conversation_questions')).toEqual(kept);
    expect(await storedConversationIds(handle, 'topic_assignments')).toEqual(kept.filter((id) => ids.indexOf(id) % 3 !== 2));
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => handle.sqlite.prepare('insert into conversation_questions values (?, ?, ?, ?)').run(run, 999_999, 'q', 'en')).toThrow(/FOREIGN KEY/);
    await handle.close();
  },
);

test('beginTopicResults stores questions written in pieces before the assignments, and a new attempt of the run starts afresh', async () => {
  const handle = await openTestDatabase();
  const ids = await insertQuestions(handle, generateQuestions(30, 4), 0);
  const run = await startRun(handle);
  const results = resultsFor(run, ids);
  const stale = await beginTopicResults(handle, run);
  await stale.writeQuestions(
    ids,
    results.questions.map((q) => `stale ${q}`),
    results.languages,
    0,
    30,
  );
  await stale.finish(results);
  const writer = await beginTopicResults(handle, run);
  expect(await storedConversationIds(handle, 'conversation_questions')).toEqual([]);
  expect(await storedConversationIds(handle, 'topic_assignments')).toEqual([]);
  for (const [from, to] of [
    [0, 7],
    [7, 8],
    [8, 30],
  ] as const)
    await writer.writeQuestions(ids, results.questions, results.languages, from, to);
  await writer.finish(results);
  const stored = await handle.db.selectFrom('conversation_questions').select(['conversation_id', 'question']).orderBy('conversation_id').execute();
  expect(stored).toEqual(ids.map((id, i) => ({ conversation_id: id, question: results.questions[i]! })));
  expect(await storedConversationIds(handle, 'topic_assignments')).toEqual(ids.filter((_, i) => i % 3 !== 2));
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
