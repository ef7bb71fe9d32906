import { type Kysely, sql } from '#kysely';
import { slot } from '../db/compiled-statement.js';
import { type EngineStatement, type EngineTarget, prepareStatement } from '../db/engine-statements.js';
import type { AuthorRole, ConversationSource, Database, PendingWait } from '../db/schema.js';
import { DESCRIPTION_MESSAGE_ID, type FeedItem, type LooseMessage } from './feed-item.js';
import type { NormalizedConversation, NormalizedEvent, NormalizedMessage, RecordIssue } from './normalize.js';
import type { Csat } from './normalize-csat.js';
import type { MessageCounts, Outcome, SavedConversation } from './ingest-store.js';

/** What storing one feed item came to. */
export type SavedFeedItem =
  | {
      outcome: Outcome;
      messages: MessageCounts;
      /** Items of this record kept waiting, each reported as a warning. */
      issues: RecordIssue[];
      rejected?: undefined;
    }
  | { rejected: string };

interface PendingRow {
  id: number;
  conversation_external_id: string;
  item_key: string;
  waits_for: PendingWait;
  payload: string;
}

type PendingPayload = { message: LooseMessage } | { event: NormalizedEvent } | { csat: Csat };

/** A stored conversation's row id and the people its messages' roles may come from. */
export interface ConversationPeople {
  id: number;
  customerId: string | null;
  assignee: string | null;
}

/**
 * The conversation and message writes a feed goes through, record at a time inside the file's transaction: the SQLite
 * ingest store (synchronous) or the PostgreSQL record store.
 */
export interface FeedConversations {
  readonly runId: number;
  saveConversation(conversation: NormalizedConversation, line: number | null): SavedConversation | Promise<SavedConversation>;
  findConversationPeople(source: ConversationSource, externalId: string): ConversationPeople | undefined | Promise<ConversationPeople | undefined>;
  storeMessage(conversationId: number, message: NormalizedMessage): Outcome | Promise<Outcome>;
  storeEvent(conversationId: number, event: NormalizedEvent): boolean | Promise<boolean>;
  noteResolution(source: ConversationSource, externalId: string, at: number): void | Promise<void>;
  noteCsat(source: ConversationSource, externalId: string, csat: Csat): boolean | Promise<boolean>;
}

/** A comment this close to the ticket's creation is its first comment, which the description stands in for. */
const PLACEHOLDER_TOLERANCE_MS = 2_000;

/** Names a conversation the way its helpdesk does, in what is reported. */
const CONVERSATION_NOUN: Partial<Record<ConversationSource, string>> = { zendesk: 'ticket' };
const MESSAGE_NOUN: Partial<Record<ConversationSource, string>> = { zendesk: 'comment', intercom: 'part', helpscout: 'thread', chatwoot: 'message' };

/**
 * Joins helpdesk records that arrive apart (tickets, comments, users; conversations and parts; webhook events) by
 * conversation id, in one file, across files and across runs. What cannot be placed yet (a comment before its
 * ticket, a message whose author's role is unknown) is kept in `pending_items` and placed when what it needs
 * arrives; users are kept in `source_users`. Writes inside the file's transaction, through `FeedConversations` for
 * conversations and messages; its own statements run on either engine (`target.db` is the file's transaction on
 * PostgreSQL, read at each statement).
 */
export class FeedStore {
  private readonly findPending: EngineStatement<'source' | 'conversation_external_id' | 'item_key'>;
  private readonly insertPending: EngineStatement<
    'source' | 'conversation_external_id' | 'item_key' | 'waits_for' | 'author_id' | 'payload' | 'path' | 'line' | 'run_id'
  >;
  private readonly updatePending: EngineStatement<'id' | 'waits_for' | 'author_id' | 'payload' | 'path' | 'line' | 'run_id'>;
  private readonly deletePending: EngineStatement<'id'>;
  private readonly deletePendingItem: EngineStatement<'source' | 'conversation_external_id' | 'item_key'>;
  private readonly pendingOfConversation: EngineStatement<'source' | 'conversation_external_id'>;
  private readonly pendingOfAuthor: EngineStatement<'source' | 'author_id'>;
  private readonly anyPendingRow: EngineStatement<never>;
  private readonly findUser: EngineStatement<'source' | 'external_id'>;
  private readonly insertUser: EngineStatement<'source' | 'external_id' | 'role' | 'run_id'>;
  private readonly updateUser: EngineStatement<'source' | 'external_id' | 'role' | 'run_id'>;
  private readonly findVersion: EngineStatement<'source' | 'external_id'>;
  private readonly saveVersion: EngineStatement<'source' | 'external_id' | 'updated_at'>;
  private readonly messageTime: EngineStatement<'conversation_id' | 'external_id'>;
  private readonly messageRole: EngineStatement<'conversation_id' | 'external_id'>;
  private readonly otherMessageUntil: EngineStatement<'conversation_id' | 'external_id' | 'until'>;
  private readonly deleteMessage: EngineStatement<'conversation_id' | 'external_id'>;
  /** False while no item waits anywhere: placing a conversation then looks for none. */
  private anyPending = true;
  /** Earlier items placed by this file (they were counted when they were first read). */
  placed = 0;

  constructor(
    target: EngineTarget,
    private readonly store: FeedConversations,
  ) {
    const { db } = target;
    const n = (name: string) => slot(name) as unknown as number;
    const source = slot('source') as ConversationSource;
    this.findPending = prepareStatement(
      target,
      db
        .selectFrom('pending_items')
        .select(['id', 'conversation_external_id', 'item_key', 'waits_for', 'payload'])
        .where('source', '=', source)
        .where('conversation_external_id', '=', slot('conversation_external_id'))
        .where('item_key', '=', slot('item_key')),
      ['source', 'conversation_external_id', 'item_key'],
    );
    this.insertPending = prepareStatement(
      target,
      db.insertInto('pending_items').values({
        source,
        conversation_external_id: slot('conversation_external_id'),
        item_key: slot('item_key'),
        waits_for: slot('waits_for') as PendingWait,
        author_id: slot('author_id'),
        payload: slot('payload'),
        path: slot('path'),
        line: n('line'),
        first_run_id: n('run_id'),
        last_run_id: n('run_id'),
      }),
      ['source', 'conversation_external_id', 'item_key', 'waits_for', 'author_id', 'payload', 'path', 'line', 'run_id'],
    );
    this.updatePending = prepareStatement(
      target,
      db
        .updateTable('pending_items')
        .set({
          waits_for: slot('waits_for') as PendingWait,
          author_id: slot('author_id'),
          payload: slot('payload'),
          path: slot('path'),
          line: n('line'),
          last_run_id: n('run_id'),
        })
        .where('id', '=', n('id')),
      ['id', 'waits_for', 'author_id', 'payload', 'path', 'line', 'run_id'],
    );
    this.deletePending = prepareStatement(target, db.deleteFrom('pending_items').where('id', '=', n('id')), ['id']);
    this.deletePendingItem = prepareStatement(
      target,
      db
        .deleteFrom('pending_items')
        .where('source', '=', source)
        .where('conversation_external_id', '=', slot('conversation_external_id'))
        .where('item_key', '=', slot('item_key')),
      ['source', 'conversation_external_id', 'item_key'],
    );
    const pendingColumns = ['id', 'conversation_external_id', 'item_key', 'waits_for', 'payload'] as const;
    this.pendingOfConversation = prepareStatement(
      target,
      db
        .selectFrom('pending_items')
        .select(pendingColumns)
        .where('source', '=', source)
        .where('conversation_external_id', '=', slot('conversation_external_id'))
        .orderBy('id'),
      ['source', 'conversation_external_id'],
    );
    this.pendingOfAuthor = prepareStatement(
      target,
      db
        .selectFrom('pending_items')
        .select(pendingColumns)
        .where('source', '=', source)
        .where('author_id', '=', slot('author_id'))
        .where('waits_for', '=', sql.lit('author'))
        .orderBy('id'),
      ['source', 'author_id'],
    );
    this.anyPendingRow = prepareStatement(target, db.selectFrom('pending_items').select('id').limit(sql.lit(1)), []);
    this.findUser = prepareStatement(
      target,
      db.selectFrom('source_users').select('role').where('source', '=', source).where('external_id', '=', slot('external_id')),
      ['source', 'external_id'],
    );
    this.insertUser = prepareStatement(
      target,
      db
        .insertInto('source_users')
        .values({ source, external_id: slot('external_id'), role: slot('role') as AuthorRole, first_run_id: n('run_id'), last_run_id: n('run_id') }),
      ['source', 'external_id', 'role', 'run_id'],
    );
    this.updateUser = prepareStatement(
      target,
      db
        .updateTable('source_users')
        .set({ role: slot('role') as AuthorRole, last_run_id: n('run_id') })
        .where('source', '=', source)
        .where('external_id', '=', slot('external_id')),
      ['source', 'external_id', 'role', 'run_id'],
    );
    this.findVersion = prepareStatement(
      target,
      db.selectFrom('feed_versions').select('updated_at').where('source', '=', source).where('external_id', '=', slot('external_id')),
      ['source', 'external_id'],
    );
    this.saveVersion = prepareStatement(
      target,
      db
        .insertInto('feed_versions')
        .values({ source, external_id: slot('external_id'), updated_at: n('updated_at') })
        .onConflict((oc) =>
          oc
            .columns(['source', 'external_id'])
            .doUpdateSet({ updated_at: (eb) => eb.ref('excluded.updated_at') })
            .where('feed_versions.updated_at', '<', (eb) => eb.ref('excluded.updated_at')),
        ),
      ['source', 'external_id', 'updated_at'],
    );
    this.messageRole = prepareStatement(
      target,
      db.selectFrom('messages').select('author_role').where('conversation_id', '=', n('conversation_id')).where('external_id', '=', slot('external_id')),
      ['conversation_id', 'external_id'],
    );
    this.messageTime = prepareStatement(
      target,
      db.selectFrom('messages').select('created_at').where('conversation_id', '=', n('conversation_id')).where('external_id', '=', slot('external_id')),
      ['conversation_id', 'external_id'],
    );
    this.otherMessageUntil = prepareStatement(
      target,
      db
        .selectFrom('messages')
        .select('external_id')
        .where('conversation_id', '=', n('conversation_id'))
        .where('external_id', '!=', slot('external_id'))
        .where('created_at', '<=', n('until'))
        .limit(sql.lit(1)),
      ['conversation_id', 'external_id', 'until'],
    );
    this.deleteMessage = prepareStatement(
      target,
      db.deleteFrom('messages').where('conversation_id', '=', n('conversation_id')).where('external_id', '=', slot('external_id')),
      ['conversation_id', 'external_id'],
    );
  }

  /** At the start of each file (inside its transaction): whether anything waits at all. */
  async begin(): Promise<void> {
    this.anyPending = (await this.anyPendingRow.get({} as Record<never, unknown>)) !== undefined;
    this.placed = 0;
  }

  /** How many items wait, by what they wait for. */
  static async countPending(db: Kysely<Database>): Promise<Record<PendingWait, number>> {
    const rows = await db
      .selectFrom('pending_items')
      .select(['waits_for', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('waits_for')
      .execute();
    const counts: Record<PendingWait, number> = { conversation: 0, author: 0 };
    for (const row of rows) counts[row.waits_for] = Number(row.count);
    return counts;
  }

  /**
   * Stores what one record adds: its users first (so their messages get their roles), then its conversation and
   * whatever waited for it, then its loose messages and events, then the stand-in first message if the
   * conversation still has no other.
   */
  async save(item: FeedItem, path: string, line: number | null): Promise<SavedFeedItem> {
    const messages: MessageCounts = { inserted: 0, updated: 0, unchanged: 0 };
    const issues: RecordIssue[] = [];
    let outcome: Outcome = 'unchanged';
    // A conversation record is inserted or updated as its conversation is (new messages update it); a loose record is
    // inserted when it adds a message or event, updated when it changes one.
    const raise = (next: Outcome): void => {
      if (next === 'unchanged' || outcome === 'inserted') return;
      outcome = item.conversation === null && next === 'inserted' ? 'inserted' : 'updated';
    };
    let usersOutcome: Outcome = 'unchanged';
    for (const user of item.users) {
      const saved = await this.saveUser(item.source, user.id, user.role);
      if (saved === 'unchanged') continue;
      if (usersOutcome === 'unchanged' || saved === 'inserted') usersOutcome = saved;
      if (this.anyPending) await this.placeWaiting(await this.pendingOfAuthor.all<PendingRow>({ source: item.source, author_id: user.id }), item.source);
    }
    const conversationId = item.conversation?.externalId ?? item.conversationId;
    let looseMessages = item.messages;
    let looseEvents = item.events;
    const stale =
      item.conversation !== null && item.updatedAt !== null && (await this.isOlderVersion(item.source, item.conversation.externalId, item.updatedAt));
    if (item.conversation && stale) {
      // A version older than the one applied (a replayed or late webhook event): its messages and events only.
      looseMessages = [...item.conversation.messages, ...item.messages];
      looseEvents = [...item.conversation.events, ...item.events];
    } else if (item.conversation) {
      if (item.updatedAt !== null) await this.saveVersion.run({ source: item.source, external_id: item.conversation.externalId, updated_at: item.updatedAt });
      const saved = await this.saveConversation(item.conversation, line);
      if (saved.rejected !== undefined) return saved;
      outcome = saved.outcome;
      for (const key of ['inserted', 'updated', 'unchanged'] as const) messages[key] += saved.messages[key];
    } else if (item.messages.length + item.events.length === 0 && item.placeholder === null) {
      outcome = usersOutcome;
    }
    if (conversationId !== null) {
      for (const message of looseMessages) {
        const placed = await this.placeMessage(item.source, conversationId, message, { path, line }, issues);
        messages[placed] += 1;
        raise(placed);
      }
      for (const event of looseEvents) raise(await this.placeEvent(item.source, conversationId, event, { path, line }, issues));
      if (item.csat) raise(await this.placeCsat(item.source, conversationId, item.csat, { path, line }, issues));
      if (item.placeholder) {
        const placed = await this.placePlaceholder(item.source, conversationId, item.placeholder, { path, line }, issues);
        messages[placed] += 1;
        raise(placed);
      }
      await this.dropPlaceholderIfAnswered(item.source, conversationId);
    }
    if (item.conversation === null && outcome === 'unchanged' && usersOutcome !== 'unchanged') outcome = 'updated';
    return { outcome, messages, issues };
  }

  /**
   * A whole helpdesk conversation (an export of one conversation with its messages): stored, then whatever waited for
   * it is placed.
   */
  async saveConversation(conversation: NormalizedConversation, line: number | null): Promise<SavedFeedItem> {
    const saved = await this.store.saveConversation(conversation, line);
    if (saved.rejected !== undefined) return saved;
    if (this.anyPending)
      await this.placeWaiting(
        await this.pendingOfConversation.all<PendingRow>({ source: conversation.source, conversation_external_id: conversation.externalId }),
        conversation.source,
      );
    return { ...saved, issues: [] };
  }

  private async isOlderVersion(source: ConversationSource, externalId: string, updatedAt: number): Promise<boolean> {
    const applied = await this.findVersion.get<{ updated_at: number }>({ source, external_id: externalId });
    return applied !== undefined && applied.updated_at > updatedAt && (await this.store.findConversationPeople(source, externalId)) !== undefined;
  }

  private async saveUser(source: ConversationSource, id: string, role: AuthorRole): Promise<Outcome> {
    const stored = await this.findUser.get<{ role: AuthorRole }>({ source, external_id: id });
    if (stored?.role === role) return 'unchanged';
    const values = { source, external_id: id, role, run_id: this.store.runId };
    if (stored) await this.updateUser.run(values);
    else await this.insertUser.run(values);
    return stored ? 'updated' : 'inserted';
  }

  private async roleOf(source: ConversationSource, authorId: string | null): Promise<AuthorRole | undefined> {
    if (authorId === null) return undefined;
    return (await this.findUser.get<{ role: AuthorRole }>({ source, external_id: authorId }))?.role;
  }

  /** Places a message in its conversation, or keeps it waiting (and says why). */
  private async placeMessage(
    source: ConversationSource,
    conversationId: string,
    message: LooseMessage,
    at: { path: string; line: number | null },
    issues: RecordIssue[],
  ): Promise<Outcome> {
    const key = `message:${message.externalId}`;
    const conversation = await this.store.findConversationPeople(source, conversationId);
    if (!conversation) return this.keep(source, conversationId, key, 'conversation', message.authorId, { message }, at, issues);
    const role = await this.resolveRole(source, message, conversation);
    if (role === undefined) return this.keep(source, conversationId, key, 'author', message.authorId, { message }, at, issues);
    if (this.anyPending) await this.deletePendingItem.run({ source, conversation_external_id: conversationId, item_key: key });
    return this.store.storeMessage(conversation.id, { ...message, role });
  }

  /**
   * The role the message gives, else its author's as the helpdesk lists users, else the conversation's customer or
   * assignee, else the role this very message was stored with (an earlier version of it named a known author);
   * undefined when none says (the message then waits for its author, never guessed).
   */
  private async resolveRole(source: ConversationSource, message: LooseMessage, conversation: ConversationPeople): Promise<AuthorRole | undefined> {
    if (message.role !== null) return message.role;
    const listed = await this.roleOf(source, message.authorId);
    if (listed) return listed;
    if (message.authorId !== null && message.authorId === conversation.customerId) return 'customer';
    if (message.authorId !== null && message.authorId === conversation.assignee) return 'agent';
    return (await this.messageRole.get<{ author_role: AuthorRole }>({ conversation_id: conversation.id, external_id: message.externalId }))?.author_role;
  }

  private async placeEvent(
    source: ConversationSource,
    conversationId: string,
    event: NormalizedEvent,
    at: { path: string; line: number | null },
    issues: RecordIssue[],
  ): Promise<Outcome> {
    const conversation = await this.store.findConversationPeople(source, conversationId);
    if (!conversation) return this.keep(source, conversationId, `event:${event.kind}:${event.createdAt}`, 'conversation', null, { event }, at, issues);
    if (event.kind === 'resolved') await this.store.noteResolution(source, conversationId, event.createdAt);
    return (await this.store.storeEvent(conversation.id, event)) ? 'inserted' : 'unchanged';
  }

  private async placeCsat(
    source: ConversationSource,
    conversationId: string,
    csat: Csat,
    at: { path: string; line: number | null },
    issues: RecordIssue[],
  ): Promise<Outcome> {
    if (!(await this.store.findConversationPeople(source, conversationId)))
      return this.keep(source, conversationId, 'csat', 'conversation', null, { csat }, at, issues);
    if (this.anyPending) await this.deletePendingItem.run({ source, conversation_external_id: conversationId, item_key: 'csat' });
    return (await this.store.noteCsat(source, conversationId, csat)) ? 'inserted' : 'unchanged';
  }

  /** The stand-in is stored only while the message it stands for is not: once that came, it is left out. */
  private async placePlaceholder(
    source: ConversationSource,
    conversationId: string,
    message: LooseMessage,
    at: { path: string; line: number | null },
    issues: RecordIssue[],
  ): Promise<Outcome> {
    const conversation = await this.store.findConversationPeople(source, conversationId);
    const until = message.createdAt + PLACEHOLDER_TOLERANCE_MS;
    if (conversation && (await this.otherMessageUntil.get({ conversation_id: conversation.id, external_id: message.externalId, until }))) return 'unchanged';
    return this.placeMessage(source, conversationId, message, at, issues);
  }

  /**
   * A ticket's description stands in for its first comment: it goes when that comment arrives (one dated at the
   * ticket's creation). Later comments alone do not replace it: a webhook feed may never send the first one.
   */
  private async dropPlaceholderIfAnswered(source: ConversationSource, conversationId: string): Promise<void> {
    if (source !== 'zendesk') return;
    const conversation = await this.store.findConversationPeople(source, conversationId);
    if (!conversation) return;
    const placeholder = await this.messageTime.get<{ created_at: number }>({ conversation_id: conversation.id, external_id: DESCRIPTION_MESSAGE_ID });
    if (!placeholder) return;
    const until = placeholder.created_at + PLACEHOLDER_TOLERANCE_MS;
    if (!(await this.otherMessageUntil.get({ conversation_id: conversation.id, external_id: DESCRIPTION_MESSAGE_ID, until }))) return;
    await this.deleteMessage.run({ conversation_id: conversation.id, external_id: DESCRIPTION_MESSAGE_ID });
    if (this.anyPending) await this.deletePendingItem.run({ source, conversation_external_id: conversationId, item_key: `message:${DESCRIPTION_MESSAGE_ID}` });
  }

  private async keep(
    source: ConversationSource,
    conversationId: string,
    key: string,
    waitsFor: PendingWait,
    authorId: string | null,
    payload: PendingPayload,
    at: { path: string; line: number | null },
    issues: RecordIssue[],
  ): Promise<Outcome> {
    const text = JSON.stringify(payload);
    const stored = await this.findPending.get<PendingRow>({ source, conversation_external_id: conversationId, item_key: key });
    const values = { waits_for: waitsFor, author_id: authorId, payload: text, path: at.path, line: at.line, run_id: this.store.runId };
    let outcome: Outcome;
    if (!stored) {
      await this.insertPending.run({ ...values, source, conversation_external_id: conversationId, item_key: key });
      this.anyPending = true;
      outcome = 'inserted';
    } else {
      outcome = stored.payload === text && stored.waits_for === waitsFor ? 'unchanged' : 'updated';
      await this.updatePending.run({ ...values, id: stored.id });
    }
    issues.push({ kind: 'warning', reason: waitingReason(source, conversationId, payload, waitsFor, authorId), raw: text.slice(0, 2000) });
    return outcome;
  }

  /** Places the waiting items it can; the others stay (an item placed in its conversation may still wait for its author). */
  private async placeWaiting(rows: PendingRow[], source: ConversationSource): Promise<void> {
    const answered = new Set<string>();
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as PendingPayload;
      const conversation = await this.store.findConversationPeople(source, row.conversation_external_id);
      if (!conversation) continue;
      if ('csat' in payload) {
        await this.store.noteCsat(source, row.conversation_external_id, payload.csat);
        await this.deletePending.run({ id: row.id });
        this.placed += 1;
        continue;
      }
      if ('event' in payload) {
        await this.store.storeEvent(conversation.id, payload.event);
        if (payload.event.kind === 'resolved') await this.store.noteResolution(source, row.conversation_external_id, payload.event.createdAt);
        await this.deletePending.run({ id: row.id });
        this.placed += 1;
        continue;
      }
      const role = await this.resolveRole(source, payload.message, conversation);
      if (role === undefined) {
        if (row.waits_for !== 'author')
          await this.updatePending.run({
            id: row.id,
            waits_for: 'author',
            author_id: payload.message.authorId,
            payload: row.payload,
            path: '',
            line: null,
            run_id: this.store.runId,
          });
        continue;
      }
      await this.store.storeMessage(conversation.id, { ...payload.message, role });
      await this.deletePending.run({ id: row.id });
      this.placed += 1;
      if (payload.message.externalId !== DESCRIPTION_MESSAGE_ID) answered.add(row.conversation_external_id);
    }
    for (const conversationId of answered) await this.dropPlaceholderIfAnswered(source, conversationId);
  }
}

function waitingReason(source: ConversationSource, conversationId: string, payload: PendingPayload, waitsFor: PendingWait, authorId: string | null): string {
  const conversation = `${CONVERSATION_NOUN[source] ?? 'conversation'} ${conversationId}`;
  const what =
    'csat' in payload
      ? `the satisfaction rating ${payload.csat.rating} of ${conversation}`
      : 'event' in payload
        ? `${payload.event.kind} event of ${conversation}`
        : payload.message.externalId === DESCRIPTION_MESSAGE_ID
          ? `the description of ${conversation}`
          : `${MESSAGE_NOUN[source] ?? 'message'} ${payload.message.externalId} of ${conversation}`;
  return waitsFor === 'conversation'
    ? `${what} waits for its ${CONVERSATION_NOUN[source] ?? 'conversation'}, which is not loaded yet: kept, and placed when it arrives (this run or a later one)`
    : `${what} waits for its author ${authorId ?? '(none given)'}: not a known user, nor the ${CONVERSATION_NOUN[source] ?? 'conversation'}'s customer or assignee, so its role is unknown; kept, and placed when the user arrives (a users file or side-load)`;
}
