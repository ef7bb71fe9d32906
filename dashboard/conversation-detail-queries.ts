import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../db/analysis-runs.js';
import type { Database } from '../db/schema.js';

/**
 * Everything stored about one conversation, from the latest succeeded analysis run: its row, facts, messages (in
 * order), events, question, topic and best FAQ match. Undefined when no conversation has that id.
 *
 * @example
 * const records = await findConversationRecords(db, 42);
 */
export async function findConversationRecords(db: Kysely<Database>, id: number) {
  const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!conversation) return undefined;
  const runId = (await findLatestSucceededAnalysisRunId(db)) ?? -1;
  const facts = await db.selectFrom('conversation_facts').selectAll().where('run_id', '=', runId).where('conversation_id', '=', id).executeTakeFirst();
  const messages = await db.selectFrom('messages').selectAll().where('conversation_id', '=', id).orderBy('created_at').orderBy('external_id').execute();
  const events = await db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', id).orderBy('created_at').orderBy('id').execute();
  const question = await db
    .selectFrom('conversation_questions')
    .select(['question', 'language'])
    .where('analysis_run_id', '=', runId)
    .where('conversation_id', '=', id)
    .executeTakeFirst();
  const topic = await db
    .selectFrom('topic_assignments as ta')
    .innerJoin('topics as t', (join) => join.onRef('t.topic_id', '=', 'ta.topic_id').onRef('t.analysis_run_id', '=', 'ta.analysis_run_id'))
    .select(['ta.topic_id', 't.label'])
    .where('ta.analysis_run_id', '=', runId)
    .where('ta.conversation_id', '=', id)
    .executeTakeFirst();
  const match = await db
    .selectFrom('faq_matches as m')
    .innerJoin('faq_entries as e', 'e.id', 'm.entry_id')
    .leftJoin('faq_entry_versions as v', (join) => join.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'm.entry_version'))
    .select(['e.external_id', 'v.title', 'm.score', 'm.covered'])
    .where('m.analysis_run_id', '=', runId)
    .where('m.conversation_id', '=', id)
    .executeTakeFirst();
  return { conversation, facts, messages, events, question, topic, match };
}
