import { prepareCompiled, slot, type PreparedCompiled } from '../db/compiled-statement.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { AuthorRole, ConversationEventKind, MessageRow } from '../db/schema.js';
import type { Outcome } from './conversation-store.js';
import type { NormalizedMessage } from './normalize.js';

/** What a stored message is compared on: a message seen again with any of these different is an update. */
type StoredMessage = Pick<MessageRow, 'author_role' | 'author_id' | 'created_at' | 'body' | 'internal'>;

type MessageSlots = Omit<MessageRow, 'first_run_id' | 'last_run_id'> & { run_id: number };

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
const MESSAGE_SLOTS = [...MESSAGE_COLUMNS, 'run_id'] as const satisfies readonly (keyof MessageSlots)[];

/** Messages one at a time (conversation records, repeats, batches that met a stored row) and conversation events. */
export class MessageWrites {
  private readonly find: PreparedCompiled<'conversation_id' | 'external_id'>;
  private readonly insert: PreparedCompiled<(typeof MESSAGE_SLOTS)[number]>;
  private readonly update: PreparedCompiled<(typeof MESSAGE_SLOTS)[number]>;
  private readonly insertEventStatement: PreparedCompiled<'conversation_id' | 'kind' | 'created_at' | 'actor_id'>;

  constructor(
    handle: DatabaseHandle,
    private readonly runId: number,
  ) {
    const { db, sqlite } = handle;
    this.find = prepareCompiled(
      sqlite,
      db
        .selectFrom('messages')
        .select(['author_role', 'author_id', 'created_at', 'body', 'internal'])
        .where('conversation_id', '=', slot<number>('conversation_id'))
        .where('external_id', '=', slot('external_id')),
      ['conversation_id', 'external_id'],
    );
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
    this.insert = prepareCompiled(
      sqlite,
      db
        .insertInto('messages')
        .values({ ...columns, conversation_id: slot<number>('conversation_id'), external_id: slot('external_id'), first_run_id: slot<number>('run_id') })
        .onConflict((oc) => oc.columns(['conversation_id', 'external_id']).doNothing()),
      MESSAGE_SLOTS,
    );
    this.update = prepareCompiled(
      sqlite,
      db.updateTable('messages').set(columns).where('conversation_id', '=', slot<number>('conversation_id')).where('external_id', '=', slot('external_id')),
      MESSAGE_SLOTS,
    );
    this.insertEventStatement = prepareCompiled(
      sqlite,
      db
        .insertInto('conversation_events')
        .values({
          conversation_id: slot<number>('conversation_id'),
          kind: slot<ConversationEventKind>('kind'),
          created_at: slot<number>('created_at'),
          actor_id: slot<string | null>('actor_id'),
        })
        .onConflict((oc) => oc.doNothing()),
      ['conversation_id', 'kind', 'created_at', 'actor_id'],
    );
  }

  /** Stores one message of a stored conversation: new, changed or identical. */
  upsert(conversationId: number, message: NormalizedMessage): Outcome {
    const values: MessageSlots = {
      conversation_id: conversationId,
      external_id: message.externalId,
      author_role: message.role,
      author_id: message.authorId,
      created_at: message.createdAt,
      body: message.body,
      body_length: message.bodyLength,
      body_truncated: message.bodyTruncated ? 1 : 0,
      internal: message.internal ? 1 : 0,
      run_id: this.runId,
    };
    // New messages are the common case: one statement; only a conflict pays for the lookup and comparison.
    if (this.insert.run(values).changes === 1) return 'inserted';
    const stored = this.find.get<StoredMessage>({ conversation_id: conversationId, external_id: message.externalId });
    if (!stored) throw new Error(`message "${message.externalId}" conflicted but cannot be found`);
    if (
      stored.author_role === message.role &&
      stored.author_id === message.authorId &&
      stored.created_at === message.createdAt &&
      stored.body === message.body &&
      stored.internal === values.internal
    ) {
      return 'unchanged';
    }
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
