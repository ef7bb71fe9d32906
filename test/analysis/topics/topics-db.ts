import type { DatabaseHandle } from '../../../db/connection.js';
import { type TestDatabase, testDatabase } from '../../support/test-database.js';
import { generateQuestions, type SyntheticQuestion } from '../../../bench/synthetic-questions.js';

const DAY_MS = 86_400_000;
export const DAY_ONE = Date.UTC(2024, 4, 1);

/** A fresh database (in memory, or on the PostgreSQL pass a new PostgreSQL database) with one ingest run. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const handle = await testDatabase();
  await handle.db.insertInto('ingest_runs').values({ started_at: 0, status: 'succeeded', pid: 1, hostname: 'test', timezone: 'UTC' }).execute();
  return handle;
}

/** Stores each question as a conversation on `day` (0 = 2024-05-01) with an agent reply; returns their ids. */
export async function insertQuestions(
  handle: Pick<DatabaseHandle, 'db'>,
  questions: readonly SyntheticQuestion[],
  day: number,
  prefix = `d${day}`,
): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, question] of questions.entries()) {
    const created = DAY_ONE + day * DAY_MS + i * 1000;
    const conversation = await handle.db
      .insertInto('conversations')
      .values({
        source: 'canonical',
        external_id: `${prefix}-${i}`,
        channel: question.channel,
        created_at: created,
        status: null,
        resolved_at: null,
        customer_id: null,
        assignee: null,
        subject: question.subject,
        language: null,
        first_run_id: 1,
        last_run_id: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db
      .insertInto('messages')
      .values([
        {
          conversation_id: conversation.id,
          external_id: 'm1',
          author_role: 'customer',
          author_id: 'u',
          created_at: created,
          body: question.body,
          body_length: question.body.length,
          first_run_id: 1,
          last_run_id: 1,
        },
        {
          conversation_id: conversation.id,
          external_id: 'm2',
          author_role: 'agent',
          author_id: 'a',
          created_at: created + 120_000,
          body: 'checking',
          body_length: 8,
          first_run_id: 1,
          last_run_id: 1,
        },
      ])
      .execute();
    ids.push(conversation.id);
  }
  return ids;
}

export async function startAnalysisRun(handle: Pick<DatabaseHandle, 'db'>): Promise<number> {
  const run = await handle.db
    .insertInto('analysis_runs')
    .values({ started_at: Date.now(), status: 'running', pid: 1, hostname: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return run.id;
}

/** Marks the run succeeded: readers show only the latest succeeded run's results. */
export async function succeedAnalysisRun(handle: Pick<DatabaseHandle, 'db'>, run: number): Promise<void> {
  await handle.db.updateTable('analysis_runs').set({ status: 'succeeded', finished_at: Date.now() }).where('id', '=', run).execute();
}

export { generateQuestions };
