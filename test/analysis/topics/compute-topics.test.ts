import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { computeTopics } from '../../../analysis/topics/compute-topics.js';
import { DEFAULT_TOPICS_CONFIG, type TopicsConfig } from '../../../analysis/topics/topics-config.js';
import { listConversationTopics } from '../../../analysis/topics/topic-report-queries.js';
import { generateQuestions, insertQuestions, openTestDatabase, startAnalysisRun, succeedAnalysisRun } from './topics-db.js';

const config: TopicsConfig = { ...DEFAULT_TOPICS_CONFIG, maxTopics: 40, minTopicSize: 3 };

async function topicsOfRun(handle: TestDatabase, run: number) {
  return handle.db.selectFrom('topics').selectAll().where('analysis_run_id', '=', run).orderBy('topic_id').execute();
}

async function assignmentsOfRun(handle: TestDatabase, run: number): Promise<Map<number, number>> {
  const rows = await handle.db.selectFrom('topic_assignments').selectAll().where('analysis_run_id', '=', run).execute();
  return new Map(rows.map((row) => [row.conversation_id, row.topic_id]));
}

describe('computeTopics', () => {
  let handle: TestDatabase;
  beforeEach(async () => {
    handle = await openTestDatabase();
  });
  afterEach(async () => {
    await handle.close();
  });

  test('stores topics, assignments and redacted questions for the run', async () => {
    const ids = await insertQuestions(handle, generateQuestions(200, 1), 0);
    await insertQuestions(handle, [{ intent: 'x', channel: 'chat', subject: null, body: 'my email is ann@example.com and card 4111 1111 1111 1111' }], 1);
    const run = await startAnalysisRun(handle);
    handle.sqlite?.pragma('cache_size = -54321');
    const summary = await computeTopics(handle, config, { analysisRunId: run });
    await succeedAnalysisRun(handle, run);
    // The small page cache of the read and the grouping is given back.
    if (handle.sqlite) expect(handle.sqlite.pragma('cache_size', { simple: true })).toBe(-54321);
    expect(summary.questions).toBe(201);
    expect(summary.topics).toBeGreaterThan(5);
    const topics = await topicsOfRun(handle, run);
    expect(topics.reduce((sum, t) => sum + t.size, 0)).toBe(201);
    for (const topic of topics) {
      expect(topic.label.length).toBeGreaterThan(0);
      expect(JSON.parse(topic.top_terms)).toBeInstanceOf(Array);
      expect(topic.representative_question).not.toBeNull();
    }
    const questions = await handle.db.selectFrom('conversation_questions').selectAll().execute();
    expect(questions).toHaveLength(201);
    const all = questions.map((q) => q.question).join('\n');
    expect(all).not.toMatch(/ann@example\.com|4111 1111|0x[0-9a-f]{64}/);
    expect(all).toContain('<EMAIL>');
    expect(all).toContain('<CARD>');
    expect(all).not.toContain('wrote:');
    const exported = await listConversationTopics(handle.db, { conversationIds: ids.slice(0, 5) });
    expect(exported).toHaveLength(5);
    expect(exported[0]).toMatchObject({ conversationId: ids[0], topicId: expect.any(Number), topicLabel: expect.any(String) });
  });

  test('the same data twice gives the same topic ids and assignments', async () => {
    await insertQuestions(handle, generateQuestions(300, 2), 0);
    const first = await startAnalysisRun(handle);
    await computeTopics(handle, config, { analysisRunId: first });
    await succeedAnalysisRun(handle, first);
    const second = await startAnalysisRun(handle);
    const summary = await computeTopics(handle, config, { analysisRunId: second });
    const before = await topicsOfRun(handle, first);
    const after = await topicsOfRun(handle, second);
    expect(after.map((t) => [t.topic_id, t.label, t.size])).toEqual(before.map((t) => [t.topic_id, t.label, t.size]));
    expect(summary.topicsKept).toBe(before.length);
    expect(await assignmentsOfRun(handle, second)).toEqual(await assignmentsOfRun(handle, first));
  });

  test('a new day of data keeps the existing topics ids', async () => {
    const dayOne = await insertQuestions(handle, generateQuestions(400, 3), 0);
    const first = await startAnalysisRun(handle);
    await computeTopics(handle, config, { analysisRunId: first });
    await succeedAnalysisRun(handle, first);
    await insertQuestions(handle, generateQuestions(150, 4), 1);
    const second = await startAnalysisRun(handle);
    await computeTopics(handle, config, { analysisRunId: second });

    const before = await topicsOfRun(handle, first);
    const after = await topicsOfRun(handle, second);
    const kept = after.filter((t) => before.some((b) => b.topic_id === t.topic_id));
    expect(kept.length / before.length).toBeGreaterThanOrEqual(0.8);
    // New ids, if any, are above every earlier id.
    const highest = Math.max(...before.map((t) => t.topic_id));
    for (const topic of after.filter((t) => !kept.includes(t))) expect(topic.topic_id).toBeGreaterThan(highest);
    // Day one's conversations mostly keep their topic id.
    const was = await assignmentsOfRun(handle, first);
    const now = await assignmentsOfRun(handle, second);
    const same = dayOne.filter((id) => was.get(id) === now.get(id)).length;
    expect(same / dayOne.length).toBeGreaterThanOrEqual(0.8);
  });

  test('no conversations: no topics, no error', async () => {
    const run = await startAnalysisRun(handle);
    const summary = await computeTopics(handle, config, { analysisRunId: run });
    expect(summary).toMatchObject({ questions: 0, topics: 0 });
  });
});
