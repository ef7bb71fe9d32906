import { type TestDatabase, testDatabase } from '../../support/test-database.js';
import type { AuthorRole, ConversationEventKind } from '../../../db/schema.js';

export interface SeedMessage {
  role: AuthorRole;
  at: string;
  author?: string;
  internal?: boolean;
}

export interface SeedConversation {
  id: string;
  channel?: string;
  createdAt?: string;
  resolvedAt?: string;
  assignee?: string;
  tags?: string[];
  messages: SeedMessage[];
  events?: { kind: ConversationEventKind; at: string }[];
}

/** A fresh database (in memory, or PostgreSQL on that pass) holding these conversations, as ingest would store them. */
export async function seededDatabase(conversations: SeedConversation[]): Promise<TestDatabase> {
  const handle = await testDatabase();
  const { db } = handle;
  const run = await db
    .insertInto('ingest_runs')
    .values({ started_at: 0, status: 'succeeded', pid: 1, hostname: 'test', timezone: 'UTC' })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const conversation of conversations) {
    const times = conversation.messages.map((message) => Date.parse(message.at));
    const createdAt = Math.min(conversation.createdAt ? Date.parse(conversation.createdAt) : Infinity, ...times);
    const row = await db
      .insertInto('conversations')
      .values({
        source: 'canonical',
        external_id: conversation.id,
        channel: conversation.channel ?? 'chat',
        created_at: createdAt,
        status: null,
        resolved_at: conversation.resolvedAt ? Date.parse(conversation.resolvedAt) : null,
        customer_id: null,
        assignee: conversation.assignee ?? null,
        subject: null,
        language: null,
        tags: JSON.stringify(conversation.tags ?? []),
        first_run_id: run.id,
        last_run_id: run.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    let index = 0;
    for (const message of conversation.messages) {
      index += 1;
      await db
        .insertInto('messages')
        .values({
          conversation_id: row.id,
          external_id: `m${index}`,
          author_role: message.role,
          author_id: message.author ?? (message.role === 'agent' ? 'alice' : null),
          created_at: Date.parse(message.at),
          body: 'text',
          body_length: 4,
          internal: message.internal ? 1 : 0,
          first_run_id: run.id,
          last_run_id: run.id,
        })
        .execute();
    }
    for (const event of conversation.events ?? []) {
      await db
        .insertInto('conversation_events')
        .values({ conversation_id: row.id, kind: event.kind, created_at: Date.parse(event.at), actor_id: null })
        .execute();
    }
  }
  return handle;
}
