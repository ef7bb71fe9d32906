import type { DatabaseHandle } from '../../../db/connection.js';

export interface FaqEntryFixture {
  externalId: string;
  /** Oldest first; the last is current. */
  versions: { title: string; body: string; question?: string; updatedAt?: number }[];
}

/** Stores FAQ entries with their versions (needs ingest run 1); returns their row ids. */
export async function insertFaqEntries(handle: Pick<DatabaseHandle, 'db'>, entries: readonly FaqEntryFixture[]): Promise<number[]> {
  const ids: number[] = [];
  for (const entry of entries) {
    const row = await handle.db
      .insertInto('faq_entries')
      .values({ external_id: entry.externalId, current_version: entry.versions.length, first_run_id: 1, last_run_id: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, version] of entry.versions.entries()) {
      await handle.db
        .insertInto('faq_entry_versions')
        .values({
          entry_id: row.id,
          version: i + 1,
          title: version.title,
          question: version.question ?? null,
          body: version.body,
          language: null,
          updated_at: version.updatedAt ?? 0,
          content_hash: `${entry.externalId}-${i + 1}`,
          source_path: `faq/${entry.externalId}.md`,
          run_id: 1,
        })
        .execute();
    }
    ids.push(row.id);
  }
  return ids;
}

/** Stores conversations with the given redacted questions as if the topics analysis had run; returns their ids. */
export async function insertStoredQuestions(
  handle: Pick<DatabaseHandle, 'db'>,
  analysisRunId: number,
  questions: readonly string[],
  prefix = 'q',
): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, question] of questions.entries()) {
    const conversation = await handle.db
      .insertInto('conversations')
      .values({
        source: 'canonical',
        external_id: `${prefix}-${i}`,
        channel: 'chat',
        created_at: Date.UTC(2024, 4, 1) + i * 60_000,
        status: null,
        resolved_at: null,
        customer_id: null,
        assignee: null,
        subject: null,
        language: null,
        first_run_id: 1,
        last_run_id: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db
      .insertInto('conversation_questions')
      .values({ conversation_id: conversation.id, question, language: 'en', analysis_run_id: analysisRunId })
      .execute();
    ids.push(conversation.id);
  }
  return ids;
}
