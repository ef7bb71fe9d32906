import type { AuthorRole, ConversationSource } from '../db/schema.js';
import type { NormalizedConversation, NormalizedEvent, NormalizedMessage } from './normalize.js';
import type { Csat } from './normalize-csat.js';

/** A message whose author's role the record did not settle: null is resolved from the users the store knows. */
export type LooseMessage = Omit<NormalizedMessage, 'role'> & { role: AuthorRole | null };

/** A helpdesk user (a Zendesk user, an Intercom admin or contact) and the role its messages have. */
export interface DirectoryUser {
  id: string;
  role: AuthorRole;
}

/**
 * What one helpdesk record adds, when it may need something another record brings: a ticket without its comments,
 * comments without their ticket, users apart from both, a webhook event about one conversation. The store joins
 * them by conversation id, in this file, a later file, or a later run; what cannot be placed yet waits, reported.
 *
 * @example
 * // A Zendesk comment from a comments stream: its ticket may be stored already, or arrive later.
 * const item: FeedItem = { ...emptyFeedItem('zendesk'), conversationId: '42', messages: [comment] };
 */
export interface FeedItem {
  source: ConversationSource;
  /** The conversation as the record describes it, with the messages it settles; null for loose records. */
  conversation: NormalizedConversation | null;
  /** The conversation the loose messages and events belong to (the conversation's id when one is given). */
  conversationId: string | null;
  /** Messages to place in the conversation, each with its role or null (from the users known). */
  messages: LooseMessage[];
  events: NormalizedEvent[];
  /**
   * A stand-in first message (a Zendesk ticket's `description`): stored only while the conversation has no other
   * message, and removed when its real messages arrive.
   */
  placeholder: LooseMessage | null;
  users: DirectoryUser[];
  /**
   * When the record's version of the conversation was current (a ticket's `updated_at`, a webhook event's time): a
   * version older than one applied adds its messages and events but leaves the conversation's fields as they are.
   */
  updatedAt: number | null;
  /** A satisfaction rating given apart from the conversation (a Chatwoot CSAT survey message): kept by a conversation without one. */
  csat: Csat | null;
}

export function emptyFeedItem(source: ConversationSource): FeedItem {
  return { source, conversation: null, conversationId: null, messages: [], events: [], placeholder: null, users: [], updatedAt: null, csat: null };
}

/** The external id of a Zendesk ticket's description while it stands in for the ticket's first comment. */
export const DESCRIPTION_MESSAGE_ID = 'description';
