import type { ConversationRow, ConversationSource } from '../db/schema.js';

/** The columns of a stored conversation that a later record may change, in the order the stores select them. */
export const CONVERSATION_FIELDS = [
  'channel',
  'created_at',
  'created_at_derived',
  'status',
  'resolved_at',
  'customer_id',
  'assignee',
  'subject',
  'language',
  'tags',
  'team',
  'csat_rating',
  'csat',
] as const satisfies readonly (keyof ConversationRow)[];

/** What the ingest store keeps of a stored conversation: its id and `CONVERSATION_FIELDS`. */
export type ConversationState = Pick<ConversationRow, 'id' | (typeof CONVERSATION_FIELDS)[number]>;

/** Conversations remembered between CSV rows; beyond this the cache starts over, so memory stays flat. */
const CONVERSATION_CACHE_LIMIT = 20_000;

const CACHED_TEXT_FIELDS = ['channel', 'status', 'customer_id', 'assignee', 'subject', 'language', 'team', 'csat_rating'] as const;

/**
 * Per source, external id -> stored state: rows of one conversation mostly arrive together. Also the conversation of
 * the last bare row, so that the next row of the same conversation skips every lookup; any `remember` forgets it.
 */
export class ConversationCache {
  private readonly bySource = new Map<ConversationSource, Map<string, ConversationState>>();
  private count = 0;
  lastBare: { source: ConversationSource; externalId: string; state: ConversationState } | undefined;

  get(source: ConversationSource, externalId: string): ConversationState | undefined {
    return this.bySource.get(source)?.get(externalId);
  }

  remember(source: ConversationSource, externalId: string, state: ConversationState): void {
    this.lastBare = undefined;
    if (this.count >= CONVERSATION_CACHE_LIMIT) {
      this.bySource.clear();
      this.count = 0;
    }
    let conversations = this.bySource.get(source);
    if (!conversations) this.bySource.set(source, (conversations = new Map()));
    const size = conversations.size;
    for (const field of CACHED_TEXT_FIELDS) {
      const value = state[field];
      if (value !== null) state[field] = detached(value);
    }
    conversations.set(detached(externalId), state);
    this.count += conversations.size - size;
  }

  /** Forgets everything: after a rollback the cache may hold rows that no longer exist. */
  clear(): void {
    this.lastBare = undefined;
    this.bySource.clear();
    this.count = 0;
  }
}

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 keeps a substring of 13 characters or
 * more as a slice of its parent: a subject cut from a parser's 64 KiB chunk would keep the whole chunk alive for as
 * long as the conversation cache holds it (20,000 conversations: up to 1.3 GB). Concatenating and slicing again
 * copies the characters into a string of their own.
 */
function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
