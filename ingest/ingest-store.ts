import type { Kysely } from '#kysely';
import type { DatabaseHandle } from '../db/connection.js';
import type { ConversationSource, Database, NewIngestFile } from '../db/schema.js';
import { beginTransaction, type OpenTransaction } from '../db/transaction.js';
import { ConversationCache, type ConversationState } from './conversation-cache.js';
import { ConversationWrites, type Outcome, wholeConversationOutcome, wholeConversationWrite } from './conversation-store.js';
import { type FaqEntryInput, FaqEntryStore } from './faq-entry-store.js';
import { IdsSeenInFile, NOT_SEEN, repeats } from './ids-seen-in-file.js';
import { insertIngestFile } from './ingest-run-store.js';
import { MessageBatchWrites, type MessageCounts, type MessageRowCounts, prepareSavepoint, type Savepoint } from './message-batch-store.js';
import { MessageWrites } from './message-store.js';
import type { Csat } from './normalize-csat.js';
import type { NormalizedConversation, NormalizedMessage } from './normalize.js';
import type { DecodedBatch } from './record-codec.js';
import { type RejectInput, RejectWrites } from './reject-store.js';

export type { FaqEntryInput, MessageCounts, MessageRowCounts, Outcome };

/** A conversation stored, or the reason it was not. */
export type SavedConversation = { outcome: Outcome; messages: MessageCounts; rejected?: undefined } | { rejected: string };

/**
 * The only SQL of ingest on SQLite, by concern: conversations (conversation-store.ts), messages one at a time and
 * events (message-store.ts), CSV messages in batches (message-batch-store.ts), rejects (reject-store.ts), FAQ
 * entries (faq-entry-store.ts), the file's row (ingest-run-store.ts). This class holds the file's transaction and the
 * rules that span them: repeats within a file, channel conflicts, outcomes. Statements are built by Kysely and
 * prepared once; every write happens inside the per-file transaction that `begin`/`commit` bracket.
 */
export class IngestStore {
  private readonly cache = new ConversationCache();
  private readonly conversations: ConversationWrites;
  private readonly messages: MessageWrites;
  private readonly batch: MessageBatchWrites;
  private readonly rejects: RejectWrites;
  private readonly faq: FaqEntryStore;
  private readonly savepoint: Savepoint;
  /** The file's transaction, from `begin()` until `commit()` or `rollback()`. */
  private transaction: OpenTransaction | undefined;
  /**
   * True while the rows of the last bare row's conversation cannot be stored yet: this store created the conversation
   * at the run's first row and the parsing thread has vouched for every row since (`DecodedBatch.freshInRun`).
   */
  private runIsNew = false;
  /**
   * Message rows (messages CSV, tweets) and canonical conversations this file has shown, with their first line: a
   * repeat with different content is rejected (the first copy is kept), so that a file read twice gives the same rows
   * both times. Helpdesk exports are left out: a ticket repeated in an incremental export is a later version of it.
   */
  private readonly seenInFile = new IdsSeenInFile();

  constructor(
    private readonly handle: DatabaseHandle,
    readonly runId: number,
  ) {
    this.conversations = new ConversationWrites(handle, runId, this.cache);
    this.messages = new MessageWrites(handle, runId);
    this.savepoint = prepareSavepoint(handle);
    this.batch = new MessageBatchWrites(handle, runId, this.messages, this.savepoint);
    this.rejects = new RejectWrites(handle, runId);
    this.faq = new FaqEntryStore(handle, runId, this.seenInFile);
  }

  /** Full batches written so far, without and with a savepoint (for tests). */
  get batchesWritten(): { new: number; guarded: number } {
    return this.batch.batchesWritten;
  }

  /** Where the file's statements go: the open transaction's connection (the bulk load drops and rebuilds indexes on it). */
  get db(): Kysely<Database> {
    return this.transaction?.db ?? this.handle.db;
  }

  async begin(): Promise<void> {
    this.runIsNew = false;
    this.seenInFile.clear();
    this.transaction = await beginTransaction(this.handle);
  }

  async commit(): Promise<void> {
    if (this.batch.pending > 0) throw new Error('flushMessageRows() must run before commit()');
    await this.transaction?.commit();
    this.transaction = undefined;
  }

  /** Undoes the file's writes; the cache may hold rows that no longer exist, so it is dropped too. */
  async rollback(): Promise<void> {
    this.batch.discard();
    this.runIsNew = false;
    this.cache.clear();
    await this.transaction?.rollback();
    this.transaction = undefined;
  }

  /**
   * Stores a whole conversation (a JSON Lines record): new, changed or identical. Messages already stored but absent
   * from the record are kept, because exports are often partial.
   */
  saveConversation(conversation: NormalizedConversation, line: number | null = null): SavedConversation {
    if (conversation.source === 'canonical') {
      const first = this.seenInFile.begin().add(conversation.source).add(conversation.externalId).note(line);
      if (first !== NOT_SEEN) {
        const saved = this.unlessItChangesSomething(conversation, () => this.writeConversation(conversation));
        return saved ?? { rejected: `conversation "${conversation.externalId}" ${repeats(first)} with different content; the first was kept` };
      }
    }
    return this.writeConversation(conversation);
  }

  private writeConversation(conversation: NormalizedConversation): { outcome: Outcome; messages: MessageCounts } {
    const { state, outcome } = this.conversations.upsertHead(conversation, wholeConversationWrite(conversation));
    const messages: MessageCounts = { inserted: 0, updated: 0, unchanged: 0 };
    for (const message of conversation.messages) messages[this.messages.upsert(state.id, message)] += 1;
    let eventsAdded = 0;
    for (const event of conversation.events) if (this.messages.insertEvent(state.id, event)) eventsAdded += 1;
    return { outcome: wholeConversationOutcome(outcome, messages, eventsAdded), messages };
  }

  /**
   * Runs `write` for a repeat of a record this file already stored: kept when it changes nothing, else undone
   * (with the conversation cache as it was) and undefined returned.
   */
  private unlessItChangesSomething<T extends { outcome: Outcome; messages: MessageCounts }>(head: NormalizedConversation, write: () => T): T | undefined {
    // The first copy may still wait in the queue of message rows: it must be stored to be compared.
    this.batch.writePending();
    const before = this.conversations.lookup(head.source, head.externalId);
    this.savepoint.begin.run();
    const result = write();
    if (result.outcome === 'unchanged' && result.messages.inserted === 0 && result.messages.updated === 0) {
      this.savepoint.release.run();
      return result;
    }
    this.savepoint.rollback.run();
    this.savepoint.release.run();
    this.cache.lastBare = undefined;
    if (before) this.cache.remember(head.source, head.externalId, before);
    return undefined;
  }

  /**
   * Queues one CSV row (a message plus whatever conversation columns the row carries) for a multi-row write; the
   * conversation is written at once. Returns a reason when the row contradicts what is stored for its conversation.
   * Outcomes are counted when the rows are written: see `flushMessageRows`.
   */
  saveMessageRow(head: NormalizedConversation, message: NormalizedMessage, line: number | null = null): { reason: string } | undefined {
    const cached = this.conversations.lookup(head.source, head.externalId);
    if (cached && cached.channel !== head.channel) {
      return { reason: `channel "${head.channel}" differs from "${cached.channel}" already stored for conversation "${head.externalId}"` };
    }
    const headWrite = { start: Math.min(head.createdAt ?? Infinity, message.createdAt), derived: head.createdAt === null, whole: false };
    const first = this.seenInFile.begin().add(head.source).add(head.externalId).add(message.externalId).note(line);
    if (first !== NOT_SEEN) {
      const kept = this.unlessItChangesSomething(head, () => {
        const { state, outcome } = this.conversations.upsertHead(head, headWrite);
        const messageOutcome = this.messages.upsert(state.id, message);
        return { outcome: outcome === 'unchanged' ? messageOutcome : outcome, messages: { inserted: 0, updated: 0, unchanged: 0, [messageOutcome]: 1 } };
      });
      if (!kept)
        return { reason: `message "${message.externalId}" of conversation "${head.externalId}" ${repeats(first)} with different content; the first was kept` };
      this.batch.countIdenticalRepeat();
      return undefined;
    }
    const { state, outcome } = this.conversations.upsertHead(head, headWrite);
    this.batch.queue({ ...message, conversationId: state.id, conversationChanged: outcome !== 'unchanged', isNew: false });
    return undefined;
  }

  /**
   * `saveMessageRow` for the current row of a decoded batch that carries no conversation columns (the bulk of a
   * messages CSV), without building objects beyond the queued row. Returns false, storing nothing, when the row's
   * channel contradicts the stored conversation's: the caller then takes the general path, which rejects it with its
   * reason.
   */
  queueBareMessage(row: DecodedBatch): boolean {
    const last = this.cache.lastBare;
    let state: ConversationState | undefined;
    let changed = false;
    if (
      last !== undefined &&
      last.source === row.source &&
      last.externalId.length === row.conversationLength &&
      row.text.startsWith(last.externalId, row.conversationStart)
    ) {
      state = last.state;
      this.runIsNew &&= row.freshInRun;
    } else {
      const externalId = row.conversationId();
      state = this.cache.get(row.source, externalId);
      this.runIsNew = false;
      if (!state) {
        state = this.conversations.insertBare(row.source, externalId, row.channel, row.createdAt);
        if (state) {
          changed = true;
          this.runIsNew = true;
        } else {
          state = this.conversations.lookup(row.source, externalId);
          if (!state) throw new Error(`conversation "${externalId}" was neither inserted nor found`);
        }
      }
      this.cache.lastBare = { source: row.source, externalId, state };
    }
    if (state.channel !== row.channel) return false;
    // A repeat of a row this file already showed takes the general path, which compares it with the first.
    if (
      this.seenInFile
        .begin()
        .add(row.source)
        .add(row.text, row.conversationStart, row.conversationStart + row.conversationLength)
        .add(row.messageId)
        .note(row.line) !== NOT_SEEN
    ) {
      return false;
    }
    if (row.createdAt < state.created_at) {
      // The conversation starts earlier than stored: the general path updates it (rare: rows out of time order).
      const head = row.bareHead();
      state = this.conversations.upsertHead(head, { start: row.createdAt, derived: true, whole: false }).state;
      this.cache.lastBare = { source: row.source, externalId: head.externalId, state };
      changed = true;
    }
    this.batch.queue({
      conversationId: state.id,
      externalId: row.messageId,
      role: row.role,
      authorId: row.authorId,
      createdAt: row.createdAt,
      body: row.body,
      bodyLength: row.bodyLength,
      bodyTruncated: row.bodyTruncated,
      internal: row.internal,
      conversationChanged: changed,
      isNew: this.runIsNew,
    });
    return true;
  }

  /** Writes the queued message rows and returns what they came to since the last call. */
  flushMessageRows(): MessageRowCounts {
    return this.batch.flush();
  }

  insertReject(reject: RejectInput): void {
    this.rejects.insert(reject);
  }

  async insertFile(file: NewIngestFile): Promise<void> {
    await insertIngestFile(this.handle.db, file);
  }

  /** See `FaqEntryStore.save`. */
  saveFaqEntry(entry: FaqEntryInput, now: number, line: number | null = null): Outcome | { rejected: string } {
    return this.faq.save(entry, now, line);
  }

  /** The stored conversation's row id and people, for placing messages that arrive apart from it (see FeedStore). */
  findConversationPeople(source: ConversationSource, externalId: string): { id: number; customerId: string | null; assignee: string | null } | undefined {
    const state = this.conversations.lookup(source, externalId);
    return state ? { id: state.id, customerId: state.customer_id, assignee: state.assignee } : undefined;
  }

  /** Stores one message of a stored conversation: new, changed or identical. */
  storeMessage(conversationId: number, message: NormalizedMessage): Outcome {
    return this.messages.upsert(conversationId, message);
  }

  /** Stores one event of a stored conversation; false when it was stored already. */
  storeEvent(conversationId: number, event: { kind: string; createdAt: number; actorId: string | null }): boolean {
    return this.messages.insertEvent(conversationId, event);
  }

  /** See `ConversationWrites.noteResolution`. */
  noteResolution(source: ConversationSource, externalId: string, at: number): void {
    this.conversations.noteResolution(source, externalId, at);
  }

  /**
   * A satisfaction rating that arrived apart from its conversation (a Chatwoot CSAT survey message read from a
   * messages response): taken only by a conversation that has none, so that a rating its own record gives wins.
   * True when it was stored.
   */
  noteCsat(source: ConversationSource, externalId: string, csat: Csat): boolean {
    return this.conversations.noteCsat(source, externalId, csat);
  }
}
