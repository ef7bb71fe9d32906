import { prepareCompiled, slot, type PreparedCompiled } from '../db/compiled-statement.js';
import type { Kysely } from '#kysely';
import type { DatabaseHandle } from '../db/connection.js';
import type { AuthorRole, ConversationEventKind, Database, MessageRow } from '../db/schema.js';
import type { Outcome } from './conversation-store.js';
import type { NormalizedMessage } from './normalize.js';

/** What a stored message is compared on: a message seen again with any of these different is an update. */
export type StoredMessage = Pick<MessageRow, 'author_role' | 'author_id' | 'created_at' | 'body' | 'internal'>;

export type MessageSlots = Omit<MessageRow, 'first_run_id' | 'last_run_id'> & { run_id: number };

/** A message's stored content, in statement order: one list for the single-row statements here and the batches. */
export const MESSAGE_COLUMNS = [
  'conversation_id',
  'external_id',
  'author_role',
  'author_id',
  'created_at',
  'body',
  'body_length',
  'body_truncated',
  'internal',
] as const satisfies readonly (keyof MessageRow)[];
export const MESSAGE_SLOTS = [...MESSAGE_COLUMNS, 'run_id'] as const satisfies readonly (keyof MessageSlots)[];

export const EVENT_SLOTS = ['conversation_id', 'kind', 'created_at', 'actor_id'] as const;

/**
 * The statements that find, insert (unless stored) and update one message, and insert one event (unless stored), built
 * with slots (`MESSAGE_SLOTS`, `EVENT_SLOTS`): prepared on SQLite by `MessageWrites`, run on PostgreSQL by the record
 * store.
 */
export function messageQueries(db: Kysely<Database>) {
  const columns = {
    author_role: slot<AuthorRole>('author_role'),
    author_id: slot<string | null>('author_id'),
    created_at: slot<number>('created_at'),
    body: slot('body'),
    body_length: slot<number>('body_length'),
    body_truncated: slot<number>('body_truncated'),
    internal: slot<number>('internal'),
    last_run_id: slot<number>('run_id'),
  };
  return {
    find: db
      .selectFrom('messages')
      .select(['author_role', 'author_id', 'created_at', 'body', 'internal'])
      .where('conversation_id', '=', slot<number>('conversation_id'))
      .where('external_id', '=', slot('external_id')),
    insert: db
      .insertInto('messages')
      .values({ ...columns, conversation_id: slot<number>('conversation_id'), external_id: slot('external_id'), first_run_id: slot<number>('run_id') })
      .onConflict((oc) => oc.columns(['conversation_id', 'external_id']).doNothing()),
    update: db
      .updateTable('messages')
      .set(columns)
      .where('conversation_id', '=', slot<number>('conversation_id'))
      .where('external_id', '=', slot('external_id')),
    insertEvent: db
      .insertInto('conversation_events')
      .values({
        conversation_id: slot<number>('conversation_id'),
        kind: slot<ConversationEventKind>('kind'),
        created_at: slot<number>('created_at'),
        actor_id: slot<string | null>('actor_id'),
      })
      .onConflict((oc) => oc.doNothing()),
  };
}

/** Messages one at a time (conversation records, repeats, batches that met a stored row) and conversation events. */
export class MessageWrites {
  private readonly find: PreparedCompiled<'conversation_id' | 'external_id'>;
  private readonly insert: PreparedCompiled<(typeof MESSAGE_SLOTS)[number]>;
  private readonly update: PreparedCompiled<(typeof MESSAGE_SLOTS)[number]>;
  private readonly insertEventStatement: PreparedCompiled<(typeof EVENT_SLOTS)[number]>;

  constructor(
    handle: DatabaseHandle,
    private readonly runId: number,
  ) {
    const { db, sqlite } = handle;
    const queries = messageQueries(db);
    this.find = prepareCompiled(sqlite, queries.find, ['conversation_id', 'external_id']);
    this.insert = prepareCompiled(sqlite, queries.insert, MESSAGE_SLOTS);
    this.update = prepareCompiled(sqlite, queries.update, MESSAGE_SLOTS);
    this.insertEventStatement = prepareCompiled(sqlite, queries.insertEvent, EVENT_SLOTS);
  }

  /** Stores one message of a stored conversation: new, changed or identical. */
  upsert(conversationId: number, message: NormalizedMessage): Outcome {
    const values = messageSlots(conversationId, message, this.runId);
    // New messages are the common case: one statement; only a conflict pays for the lookup and comparison.
    if (this.insert.run(values).changes === 1) return 'inserted';
    const stored = this.find.get<StoredMessage>({ conversation_id: conversationId, external_id: message.externalId });
    if (!stored) throw new Error(`message "${message.externalId}" conflicted but cannot be found`);
    if (isSameMessage(stored, values)) return 'unchanged';
    this.update.run(values);
    return 'updated';
  }

  /** Stores one event of a stored conversation; false when it was stored already. */
  insertEvent(conversationId: number, event: { kind: string; createdAt: number; actorId: string | null }): boolean {
    return (
      this.insertEventStatement.run({ conversation_id: conversationId, kind: event.kind, created_at: event.createdAt, actor_id: event.actorId }).changes > 0
    );
  }
}

/** A message's row as both engines' record-at-a-time writes bind it. */
export function messageSlots(conversationId: number, message: NormalizedMessage, runId: number): MessageSlots {
  return {
    conversation_id: conversationId,
    external_id: message.externalId,
    author_role: message.role,
    author_id: message.authorId,
    created_at: message.createdAt,
    body: message.body,
    body_length: message.bodyLength,
    body_truncated: message.bodyTruncated ? 1 : 0,
    internal: message.internal ? 1 : 0,
    run_id: runId,
  };
}

/** True when the message seen again is the one stored (its outcome is unchanged). */
export function isSameMessage(stored: StoredMessage, values: MessageSlots): boolean {
  return (
    stored.author_role === values.author_role &&
    stored.author_id === values.author_id &&
    stored.created_at === values.created_at &&
    stored.body === values.body &&
    stored.internal === values.internal
  );
}
