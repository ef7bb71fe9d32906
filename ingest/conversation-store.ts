import { type Kysely, sql } from '#kysely';
import { prepareCompiled, slot, type PreparedCompiled } from '../db/compiled-statement.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { ConversationSource, CsatLevel, Database } from '../db/schema.js';
import { CONVERSATION_FIELDS, type ConversationCache, type ConversationState } from './conversation-cache.js';
import type { Csat } from './normalize-csat.js';
import type { NormalizedConversation } from './normalize.js';
import type { MessageCounts } from './message-batch-store.js';

export type Outcome = 'inserted' | 'updated' | 'unchanged';

/** Statuses that say a conversation is resolved, in the helpdesks' words. */
const RESOLVED_STATUSES: ReadonlySet<string> = new Set(['solved', 'closed', 'resolved']);

/** The values of a conversation row as the insert and update statements bind them. */
export interface ConversationSlots extends Omit<ConversationState, 'id'> {
  source: ConversationSource;
  external_id: string;
  run_id: number;
  id: number | null;
}

export const CONVERSATION_SLOTS = ['source', 'external_id', ...CONVERSATION_FIELDS, 'run_id', 'id'] as const satisfies readonly (keyof ConversationSlots)[];

/**
 * The statements that find, insert and update one conversation, built with slots (`CONVERSATION_SLOTS`): prepared on
 * SQLite by `ConversationWrites`, run on PostgreSQL by the record store.
 */
export function conversationQueries(db: Kysely<Database>) {
  const columns = {
    channel: slot('channel'),
    created_at: slot<number>('created_at'),
    created_at_derived: slot<number>('created_at_derived'),
    status: slot<string | null>('status'),
    resolved_at: slot<number | null>('resolved_at'),
    customer_id: slot<string | null>('customer_id'),
    assignee: slot<string | null>('assignee'),
    subject: slot<string | null>('subject'),
    language: slot<string | null>('language'),
    tags: slot('tags'),
    team: slot<string | null>('team'),
    csat_rating: slot<string | null>('csat_rating'),
    csat: slot<CsatLevel | null>('csat'),
    last_run_id: slot<number>('run_id'),
  };
  return {
    find: db
      .selectFrom('conversations')
      .select(['id', ...CONVERSATION_FIELDS])
      .where('source', '=', slot<ConversationSource>('source'))
      .where('external_id', '=', slot('external_id')),
    insert: db.insertInto('conversations').values({
      source: slot<ConversationSource>('source'),
      external_id: slot('external_id'),
      ...columns,
      first_run_id: slot<number>('run_id'),
    }),
    update: db.updateTable('conversations').set(columns).where('id', '=', slot<number>('id')),
  };
}

/** The values of a conversation row as `conversationQueries`' insert and update bind them. */
export function conversationSlots(
  source: ConversationSource,
  externalId: string,
  state: ConversationState,
  runId: number,
  id: number | null,
): ConversationSlots {
  const { id: _, ...columns } = state;
  return { source, external_id: externalId, ...columns, run_id: runId, id };
}

/** How a record's conversation columns meet the stored row (see `ConversationWrites.upsertHead`). */
export interface HeadWrite {
  /** The conversation's start as this record sees it (its creation time, or its earliest message). */
  start: number;
  /** The source gave no creation time: `start` is only the earliest message seen. */
  derived: boolean;
  /**
   * The record describes the conversation completely (JSON Lines), so absent optional fields are kept as stored
   * rather than cleared; present fields overwrite. CSV rows behave the same way, row after row.
   */
  whole: boolean;
}

/**
 * The conversations table as ingest writes it: one row per (source, external id), found through the cache, inserted
 * or updated with prepared statements inside the file's transaction.
 */
export class ConversationWrites {
  private readonly find: PreparedCompiled<'source' | 'external_id'>;
  private readonly insert: PreparedCompiled<(typeof CONVERSATION_SLOTS)[number]>;
  /**
   * A conversation known only from a message row (id and channel; it starts at the message): does nothing when the
   * conversation exists, so a new one costs one statement and no lookup first. Four values bound. OR IGNORE rather
   * than ON CONFLICT DO NOTHING: with no constraint left that could abort it, SQLite writes the row without first
   * opening a statement journal.
   */
  private readonly insertBareIfNew: PreparedCompiled<'source' | 'external_id' | 'channel' | 'created_at'>;
  private readonly update: PreparedCompiled<(typeof CONVERSATION_SLOTS)[number]>;

  constructor(
    handle: DatabaseHandle,
    private readonly runId: number,
    readonly cache: ConversationCache,
  ) {
    const { db, sqlite } = handle;
    const queries = conversationQueries(db);
    this.find = prepareCompiled(sqlite, queries.find, ['source', 'external_id']);
    this.insert = prepareCompiled(sqlite, queries.insert, CONVERSATION_SLOTS);
    this.insertBareIfNew = prepareCompiled(
      sqlite,
      db
        .insertInto('conversations')
        .values({
          source: slot<ConversationSource>('source'),
          external_id: slot('external_id'),
          channel: slot('channel'),
          created_at: slot<number>('created_at'),
          created_at_derived: sql.lit(1),
          first_run_id: sql.lit(runId),
          last_run_id: sql.lit(runId),
        })
        .orIgnore(),
      ['source', 'external_id', 'channel', 'created_at'],
    );
    this.update = prepareCompiled(sqlite, queries.update, CONVERSATION_SLOTS);
  }

  /** The stored state, from the cache or the database (then cached). */
  lookup(source: ConversationSource, externalId: string): ConversationState | undefined {
    let state = this.cache.get(source, externalId);
    if (!state) {
      state = this.find.get<ConversationState>({ source, external_id: externalId });
      if (state) this.cache.remember(source, externalId, state);
    }
    return state;
  }

  /** A conversation known only from a message row; undefined when the conversation is already stored. */
  insertBare(source: ConversationSource, externalId: string, channel: string, start: number): ConversationState | undefined {
    const result = this.insertBareIfNew.run({ source, external_id: externalId, channel, created_at: start });
    if (result.changes === 0) return undefined;
    const state: ConversationState = {
      id: Number(result.lastInsertRowid),
      channel,
      created_at: start,
      created_at_derived: 1,
      status: null,
      resolved_at: null,
      customer_id: null,
      assignee: null,
      subject: null,
      language: null,
      tags: '[]',
      team: null,
      csat_rating: null,
      csat: null,
    };
    this.cache.remember(source, externalId, state);
    return state;
  }

  /** Inserts the record's conversation, or merges its columns into the stored one (see `HeadWrite`). */
  upsertHead(head: NormalizedConversation, write: HeadWrite): { state: ConversationState; outcome: Outcome } {
    const decided = decideHead(this.lookup(head.source, head.externalId), head, write);
    if (decided.outcome === 'inserted') {
      const result = this.insert.run(this.slots(head.source, head.externalId, decided.state, null));
      decided.state.id = Number(result.lastInsertRowid);
      this.cache.remember(head.source, head.externalId, decided.state);
    } else if (decided.outcome === 'updated') {
      this.write(head.source, head.externalId, decided.state);
    }
    return decided;
  }

  /** See `resolvedLater`. */
  noteResolution(source: ConversationSource, externalId: string, at: number): void {
    const next = resolvedLater(this.lookup(source, externalId), at);
    if (next) this.write(source, externalId, next);
  }

  /** See `withCsat`. */
  noteCsat(source: ConversationSource, externalId: string, csat: Csat): boolean {
    const next = withCsat(this.lookup(source, externalId), csat);
    if (next) this.write(source, externalId, next);
    return next !== undefined;
  }

  /** Updates the stored row to `next` and caches it. */
  private write(source: ConversationSource, externalId: string, next: ConversationState): void {
    this.update.run(this.slots(source, externalId, next, next.id));
    this.cache.remember(source, externalId, next);
  }

  private slots(source: ConversationSource, externalId: string, state: ConversationState, id: number | null): ConversationSlots {
    return conversationSlots(source, externalId, state, this.runId, id);
  }
}

/**
 * What a record makes of its conversation (both engines' record-at-a-time writes decide here): the state to insert
 * when none is stored (its id 0 until inserted), the state to update the stored one to, or the stored one unchanged.
 */
export function decideHead(
  existing: ConversationState | undefined,
  head: NormalizedConversation,
  write: HeadWrite,
): { state: ConversationState; outcome: Outcome } {
  const { start, derived, whole } = write;
  if (existing && !whole && carriesNothingNew(head, existing, start)) return { state: existing, outcome: 'unchanged' };
  const tags = JSON.stringify(head.tags);
  if (!existing) {
    const state: ConversationState = {
      id: 0,
      channel: head.channel,
      created_at: start,
      created_at_derived: derived ? 1 : 0,
      status: head.status,
      resolved_at: head.resolvedAt,
      customer_id: head.customerId,
      assignee: head.assignee,
      subject: head.subject,
      language: head.language,
      tags,
      team: head.team,
      csat_rating: head.csatRating,
      csat: head.csat,
    };
    return { state, outcome: 'inserted' };
  }

  const next: ConversationState = {
    id: existing.id,
    channel: whole ? head.channel : existing.channel,
    created_at: existing.created_at,
    created_at_derived: existing.created_at_derived,
    status: head.status ?? existing.status,
    resolved_at: head.resolvedAt ?? existing.resolved_at,
    customer_id: head.customerId ?? existing.customer_id,
    assignee: head.assignee ?? existing.assignee,
    subject: head.subject ?? existing.subject,
    language: head.language ?? existing.language,
    tags: head.tags.length > 0 ? tags : existing.tags,
    team: head.team ?? existing.team,
    csat_rating: head.csat === null ? existing.csat_rating : head.csatRating,
    csat: head.csat ?? existing.csat,
  };
  if (!derived) {
    next.created_at = Math.min(start, head.createdAt ?? start);
    next.created_at_derived = 0;
  } else if (start < existing.created_at) {
    next.created_at = start;
  }
  const changed = (Object.keys(next) as (keyof ConversationState)[]).some((k) => next[k] !== existing[k]);
  return changed ? { state: next, outcome: 'updated' } : { state: existing, outcome: 'unchanged' };
}

/**
 * How a whole conversation record (JSON Lines, a helpdesk export) meets the stored row: it starts at its creation
 * time or its earliest message, whichever is earlier.
 */
export function wholeConversationWrite(conversation: NormalizedConversation): HeadWrite {
  const earliestMessage = conversation.messages.reduce((min, m) => Math.min(min, m.createdAt), Infinity);
  const given = conversation.createdAt;
  const start = Math.min(given ?? Infinity, earliestMessage);
  return { start: Number.isFinite(start) ? start : Date.now(), derived: given === null, whole: true };
}

/** A whole record's outcome: its conversation's, or updated when only its messages or events changed something. */
export function wholeConversationOutcome(head: Outcome, messages: MessageCounts, eventsAdded: number): Outcome {
  return head === 'unchanged' && (messages.inserted > 0 || messages.updated > 0 || eventsAdded > 0) ? 'updated' : head;
}

/**
 * A resolution that arrived apart from its conversation (an audit, a webhook event): a conversation whose status says
 * it is resolved takes it as its resolved time when it is later than the one stored. The state to write, if any.
 */
export function resolvedLater(state: ConversationState | undefined, at: number): ConversationState | undefined {
  if (!state || !RESOLVED_STATUSES.has(state.status ?? '') || (state.resolved_at !== null && state.resolved_at >= at)) return undefined;
  return { ...state, resolved_at: at };
}

/** A satisfaction rating that arrived apart from its conversation: taken only by one that has none. The state to write, if any. */
export function withCsat(state: ConversationState | undefined, csat: Csat): ConversationState | undefined {
  if (!state || state.csat !== null) return undefined;
  return { ...state, csat_rating: csat.rating, csat: csat.level };
}

/** The common CSV row: no conversation columns, a message no earlier than the conversation's start. */
function carriesNothingNew(head: NormalizedConversation, state: ConversationState, start: number): boolean {
  return (
    head.createdAt === null &&
    start >= state.created_at &&
    head.status === null &&
    head.resolvedAt === null &&
    head.customerId === null &&
    head.assignee === null &&
    head.subject === null &&
    head.language === null &&
    head.tags.length === 0 &&
    head.team === null &&
    head.csat === null
  );
}
