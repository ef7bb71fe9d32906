import type { Kysely } from '#kysely';
import { type EngineStatement, prepareStatement } from '../db/engine-statements.js';
import type { ConversationSource, Database } from '../db/schema.js';
import { withoutNul } from '../db/postgres-parameters.js';
import { ConversationCache, type ConversationState } from './conversation-cache.js';
import {
  CONVERSATION_SLOTS,
  conversationQueries,
  conversationSlots,
  decideHead,
  type Outcome,
  resolvedLater,
  wholeConversationOutcome,
  wholeConversationWrite,
  withCsat,
} from './conversation-store.js';
import type { ConversationPeople, FeedConversations } from './feed-store.js';
import type { MessageCounts } from './message-batch-store.js';
import { EVENT_SLOTS, isSameMessage, MESSAGE_SLOTS, messageQueries, messageSlots, type StoredMessage } from './message-store.js';
import type { Csat } from './normalize-csat.js';
import type { NormalizedConversation, NormalizedEvent, NormalizedMessage } from './normalize.js';

type Slot<Slots extends readonly string[]> = Slots[number];

/** Messages of a new conversation inserted by one statement at most. */
const ROWS_PER_INSERT = 2_000;

/**
 * Helpdesk records on PostgreSQL, one at a time inside the file's transaction, as the SQLite ingest store writes them:
 * the same statements (`conversationQueries`, `messageQueries`), the same decisions (`decideHead`, `isSameMessage`,
 * `resolvedLater`, `withCsat`), so both engines store the same rows and count the same outcomes. The feed store
 * (feed-store.ts) places loose comments, parts and events through it. Every statement's text reaches PostgreSQL with
 * U+0000 as U+FFFD (db/postgres-parameters.ts); records are cleaned the same way before they are compared with what is
 * stored, and ids before they key the cache, so a record seen again is unchanged.
 */
export class PostgresRecordStore implements FeedConversations {
  private readonly cache = new ConversationCache();
  private readonly findConversation: EngineStatement<'source' | 'external_id'>;
  private readonly insertConversation: EngineStatement<Slot<typeof CONVERSATION_SLOTS>>;
  private readonly updateConversation: EngineStatement<Slot<typeof CONVERSATION_SLOTS>>;
  private readonly findMessage: EngineStatement<'conversation_id' | 'external_id'>;
  private readonly insertMessage: EngineStatement<Slot<typeof MESSAGE_SLOTS>>;
  private readonly updateMessage: EngineStatement<Slot<typeof MESSAGE_SLOTS>>;
  private readonly insertEvent: EngineStatement<Slot<typeof EVENT_SLOTS>>;

  /** `target.db` is the file's transaction while one is open (read at each statement). */
  constructor(
    private readonly target: { readonly db: Kysely<Database> },
    readonly runId: number,
  ) {
    const engine = {
      get db() {
        return target.db;
      },
      sqlite: undefined,
    };
    const conversations = conversationQueries(target.db);
    const messages = messageQueries(target.db);
    this.findConversation = prepareStatement(engine, conversations.find, ['source', 'external_id']);
    this.insertConversation = prepareStatement(engine, conversations.insert.returning('id'), CONVERSATION_SLOTS);
    this.updateConversation = prepareStatement(engine, conversations.update, CONVERSATION_SLOTS);
    this.findMessage = prepareStatement(engine, messages.find, ['conversation_id', 'external_id']);
    // Returning a row only when the row was inserted: none on a conflict.
    this.insertMessage = prepareStatement(engine, messages.insert.returning('external_id'), MESSAGE_SLOTS);
    this.updateMessage = prepareStatement(engine, messages.update, MESSAGE_SLOTS);
    this.insertEvent = prepareStatement(engine, messages.insertEvent.returning('kind'), EVENT_SLOTS);
  }

  /** At each file's start: a file rolled back may have left conversations in the cache that are not stored. */
  clear(): void {
    this.cache.clear();
  }

  async saveConversation(given: NormalizedConversation): Promise<{ outcome: Outcome; messages: MessageCounts }> {
    const conversation = withoutNulDeep(given);
    const { source, externalId } = conversation;
    const decided = decideHead(await this.lookup(source, externalId), conversation, wholeConversationWrite(conversation));
    if (decided.outcome === 'inserted') {
      const [row] = await this.insertConversation.all<{ id: number }>(conversationSlots(source, externalId, decided.state, this.runId, null));
      if (!row) throw new Error(`conversation "${externalId}" was not inserted`);
      decided.state.id = row.id;
      this.cache.remember(source, externalId, decided.state);
    } else if (decided.outcome === 'updated') {
      await this.write(source, externalId, decided.state);
    }
    const messages: MessageCounts = { inserted: 0, updated: 0, unchanged: 0 };
    // A conversation just inserted holds no message yet: its messages go in one statement, and only an id the record
    // repeats goes the one-by-one way after it (compared with the first, as SQLite's store compares it).
    const fresh =
      decided.outcome === 'inserted' && conversation.messages.length > 1 ? await this.insertAll(decided.state.id, conversation.messages) : undefined;
    for (const message of conversation.messages) {
      if (fresh?.delete(message.externalId)) messages.inserted += 1;
      else messages[await this.upsertMessage(decided.state.id, message)] += 1;
    }
    let eventsAdded = 0;
    if (decided.outcome === 'inserted' && conversation.events.length > 1) eventsAdded = await this.insertAllEvents(decided.state.id, conversation.events);
    else for (const event of conversation.events) if (await this.storeEvent(decided.state.id, event)) eventsAdded += 1;
    return { outcome: wholeConversationOutcome(decided.outcome, messages, eventsAdded), messages };
  }

  async findConversationPeople(source: ConversationSource, externalId: string): Promise<ConversationPeople | undefined> {
    const state = await this.lookup(source, externalId);
    return state ? { id: state.id, customerId: state.customer_id, assignee: state.assignee } : undefined;
  }

  storeMessage(conversationId: number, message: NormalizedMessage): Promise<Outcome> {
    return this.upsertMessage(conversationId, withoutNulDeep(message));
  }

  async storeEvent(conversationId: number, event: NormalizedEvent): Promise<boolean> {
    const rows = await this.insertEvent.all({
      conversation_id: conversationId,
      kind: event.kind,
      created_at: event.createdAt,
      actor_id: event.actorId,
    });
    return rows.length > 0;
  }

  async noteResolution(source: ConversationSource, externalId: string, at: number): Promise<void> {
    const next = resolvedLater(await this.lookup(source, externalId), at);
    if (next) await this.write(source, externalId, next);
  }

  async noteCsat(source: ConversationSource, externalId: string, csat: Csat): Promise<boolean> {
    const next = withCsat(await this.lookup(source, externalId), withoutNulDeep(csat));
    if (next) await this.write(source, externalId, next);
    return next !== undefined;
  }

  /** The conversation as stored (its id as PostgreSQL keeps it, see `withoutNul`), from the cache when it is there. */
  private async lookup(source: ConversationSource, given: string): Promise<ConversationState | undefined> {
    const externalId = withoutNul(given);
    let state = this.cache.get(source, externalId);
    if (!state) {
      state = await this.findConversation.get<ConversationState>({ source, external_id: externalId });
      if (state) this.cache.remember(source, externalId, state);
    }
    return state;
  }

  private async write(source: ConversationSource, given: string, next: ConversationState): Promise<void> {
    const externalId = withoutNul(given);
    await this.updateConversation.run(conversationSlots(source, externalId, next, this.runId, next.id));
    this.cache.remember(source, externalId, next);
  }

  /** Inserts the messages of a new conversation in one statement; returns the external ids inserted. */
  private async insertAll(conversationId: number, messages: readonly NormalizedMessage[]): Promise<Set<string>> {
    const rows = messages.map((message) => {
      const { run_id, ...values } = messageSlots(conversationId, message, this.runId);
      return { ...values, first_run_id: run_id, last_run_id: run_id };
    });
    const inserted = new Set<string>();
    // PostgreSQL takes at most 65,535 parameters a statement: 11 a row.
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const written = await this.target.db
        .insertInto('messages')
        .values(rows.slice(start, start + ROWS_PER_INSERT))
        .onConflict((oc) => oc.columns(['conversation_id', 'external_id']).doNothing())
        .returning('external_id')
        .execute();
      for (const row of written) inserted.add(row.external_id);
    }
    return inserted;
  }

  /** Inserts the events of a new conversation in one statement (a repeat is left out, as one by one); returns how many went in. */
  private async insertAllEvents(conversationId: number, events: readonly NormalizedEvent[]): Promise<number> {
    let added = 0;
    for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
      const rows = events
        .slice(start, start + ROWS_PER_INSERT)
        .map((event) => ({ conversation_id: conversationId, kind: event.kind, created_at: event.createdAt, actor_id: event.actorId }));
      added += (
        await this.target.db
          .insertInto('conversation_events')
          .values(rows)
          .onConflict((oc) => oc.doNothing())
          .returning('kind')
          .execute()
      ).length;
    }
    return added;
  }

  private async upsertMessage(conversationId: number, message: NormalizedMessage): Promise<Outcome> {
    const values = messageSlots(conversationId, message, this.runId);
    if ((await this.insertMessage.all(values)).length > 0) return 'inserted';
    const stored = await this.findMessage.get<StoredMessage>({ conversation_id: conversationId, external_id: message.externalId });
    if (!stored) throw new Error(`message "${message.externalId}" conflicted but cannot be found`);
    if (isSameMessage(stored, values)) return 'unchanged';
    await this.updateMessage.run(values);
    return 'updated';
  }
}

/** `withoutNul` on every string of a record (its messages, events and tags too). */
function withoutNulDeep<T>(value: T): T {
  if (typeof value === 'string') return withoutNul(value) as T;
  if (Array.isArray(value)) return value.map(withoutNulDeep) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNulDeep(item)])) as T;
  }
  return value;
}
