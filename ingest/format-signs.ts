/**
 * The signs by which format detection recognises a file, kept apart from the readers so that detecting a format
 * loads none of them (their parsers and normalisers): the reader of the format found is loaded when it is read.
 */

/** Column or key names accepted for each FAQ field, first match wins. */
export const FAQ_FIELD_NAMES = {
  id: ['id', 'faq_id', 'slug'],
  title: ['title', 'question', 'name'],
  question: ['question'],
  body: ['body', 'answer', 'content', 'text'],
  updatedAt: ['updated_at', 'updated', 'last_modified', 'modified_at'],
  tags: ['tags', 'keywords'],
  language: ['language', 'lang', 'locale'],
} as const;

/** True when the keys look like an FAQ entry rather than a conversation. */
export function looksLikeFaqEntry(keys: readonly string[]): boolean {
  const set = new Set(keys.map((k) => k.toLowerCase()));
  return FAQ_FIELD_NAMES.title.some((n) => set.has(n)) && FAQ_FIELD_NAMES.body.some((n) => set.has(n)) && !set.has('messages');
}

export const MESSAGE_CSV_REQUIRED_COLUMNS = ['conversation_id', 'message_id', 'channel', 'author_role', 'created_at', 'body'] as const;

/** Keys under which a JSON document holds its list of records. */
export const JSON_LIST_KEYS = ['conversations', 'entries', 'faqs', 'faq', 'items', 'data'] as const;

/** The records of a JSON document: the document itself when it is an array, else the first list under JSON_LIST_KEYS. */
export function listOf(document: unknown): unknown[] | undefined {
  if (Array.isArray(document)) return document;
  if (typeof document === 'object' && document !== null) {
    for (const key of JSON_LIST_KEYS) {
      const value = (document as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value;
    }
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a parsed JSON value is an Intercom conversation or a list of them. */
export function looksLikeIntercom(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (value['type'] === 'conversation.list') return true;
  if (value['type'] === 'conversation') return true;
  if (intercomStreamOf(value) !== null) return true;
  return 'conversation_parts' in value && ('source' in value || 'conversation_message' in value);
}

/**
 * The stream a lone Intercom record belongs to, as data connectors write them: a conversation part (with its
 * `conversation_id`), an admin or an admin list, a contact or a contact list; null for anything else.
 */
export function intercomStreamOf(value: Record<string, unknown>): 'parts' | 'admins' | 'contacts' | null {
  const type = value['type'];
  if ('conversation_id' in value && ('part_type' in value || type === 'conversation_part')) return 'parts';
  if (type === 'admin' || (type === 'admin.list' && Array.isArray(value['admins']))) return 'admins';
  if (type === 'contact') return 'contacts';
  if (type === 'list' && Array.isArray(value['data']) && isObject(value['data'][0]) && value['data'][0]['type'] === 'contact') return 'contacts';
  return null;
}

/** True when a parsed JSON value is a Zendesk export page, a ticket with its side-loads, a ticket, or a record of a stream. */
export function looksLikeZendesk(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (Array.isArray(value['tickets']) || isObject(value['ticket']) || Array.isArray(value['ticket_events'])) return true;
  if ('requester_id' in value && ('via' in value || 'status' in value)) return true;
  if (zendeskStreamOf(value) !== null) return true;
  // A page of comments, audits or users (`GET /ticket_audits`, `GET /users`), recognised by its first record.
  for (const key of ['comments', 'audits', 'users'] as const) {
    const list = value[key];
    if (
      Array.isArray(list) &&
      isObject(list[0]) &&
      (zendeskStreamOf(list[0]) !== null || (key === 'comments' && 'author_id' in list[0] && 'public' in list[0]))
    )
      return true;
  }
  return false;
}

/** Zendesk user roles. */
export const ZENDESK_ROLE_NAMES = ['end-user', 'agent', 'admin'] as const;

/**
 * The stream a lone Zendesk record belongs to, as data connectors write them (one ticket comment, audit, ticket
 * event or user a record): told from its fields; null for a ticket or anything else.
 */
export function zendeskStreamOf(value: Record<string, unknown>): 'comments' | 'audits' | 'ticket_events' | 'users' | null {
  if ('requester_id' in value) return null;
  if ('ticket_id' in value && Array.isArray(value['child_events'])) return 'ticket_events';
  if ('ticket_id' in value && Array.isArray(value['events'])) return 'audits';
  if ('ticket_id' in value && ('body' in value || 'html_body' in value || 'plain_body' in value)) return 'comments';
  const role = typeof value['role'] === 'string' ? value['role'].trim().toLowerCase() : '';
  if ('id' in value && (ZENDESK_ROLE_NAMES as readonly string[]).includes(role) && !('type' in value && value['type'] !== 'user')) return 'users';
  return null;
}

/** Which helpdesk's webhook sent an event payload, from its fields; null for anything else. */
export function webhookEventSource(value: unknown): 'zendesk' | 'intercom' | 'chatwoot' | null {
  if (!isObject(value)) return null;
  if (typeof value['type'] === 'string' && value['type'].startsWith('zen:event-type:ticket.')) return 'zendesk';
  if (value['type'] === 'notification_event' && isObject(value['data'])) return 'intercom';
  if (typeof value['event'] === 'string' && CHATWOOT_WEBHOOK_EVENTS.has(value['event'])) return 'chatwoot';
  return null;
}

/** Chatwoot webhook events that carry a conversation or one of its messages. */
export const CHATWOOT_WEBHOOK_EVENTS: ReadonlySet<string> = new Set([
  'conversation_created',
  'conversation_updated',
  'conversation_status_changed',
  'conversation_resolved',
  'conversation_opened',
  'message_created',
  'message_updated',
]);

/** Which Zendesk table a CSV header is: tickets, ticket comments or users (as data connectors and warehouse exports name them). */
export function zendeskTableOf(header: readonly string[]): 'tickets' | 'comments' | 'users' | null {
  const has = (name: string) => header.includes(name);
  if (has('id') && has('requester_id')) return 'tickets';
  if (has('id') && has('ticket_id') && (has('body') || has('html_body') || has('plain_body'))) return 'comments';
  if (has('id') && has('role') && (has('email') || has('name'))) return 'users';
  return null;
}

/** True when a parsed JSON value is a Chatwoot conversation (with `inbox_id`) or a conversation list response. */
export function looksLikeChatwoot(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isObject(value['data']) && Array.isArray(value['data']['payload'])) return true;
  if (Array.isArray(value['payload'])) return value['payload'].length === 0 || looksLikeChatwoot(value['payload'][0]);
  return 'inbox_id' in value && ('messages' in value || 'meta' in value) && ('account_id' in value || 'meta' in value || 'status' in value);
}

/**
 * True when a parsed JSON value is a Chatwoot message apart from its conversation (a messages stream line: it names
 * its `conversation_id` and has a `message_type`), a messages response (`{"meta": {...}, "payload": [message, ...]}`)
 * or an array of messages. Checked before `looksLikeChatwoot`, whose conversations hold such messages.
 */
export function looksLikeChatwootMessages(value: unknown): boolean {
  if (Array.isArray(value)) return looksLikeChatwootMessages(value[0]);
  if (!isObject(value)) return false;
  if (Array.isArray(value['payload']) && !('data' in value)) return value['payload'].length > 0 && looksLikeChatwootMessages(value['payload'][0]);
  return 'conversation_id' in value && 'message_type' in value && !('messages' in value) && !('event' in value);
}

/** True when a parsed JSON value is a Help Scout (Mailbox API 2.0) conversation or a conversation list page. */
export function looksLikeHelpscout(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isObject(value['_embedded']) && Array.isArray(value['_embedded']['conversations'])) return true;
  return 'mailboxId' in value && ('_embedded' in value || 'threads' in value || 'number' in value || 'primaryCustomer' in value);
}

/**
 * True when a parsed JSON value is a Help Scout threads response (`GET /v2/conversations/{id}/threads`): threads
 * under `_embedded`, the conversation named only in its links.
 */
export function looksLikeHelpscoutThreads(value: unknown): boolean {
  if (!isObject(value) || 'mailboxId' in value || 'id' in value) return false;
  return isObject(value['_embedded']) && Array.isArray(value['_embedded']['threads']);
}

/** True when a parsed JSON value is a Freshdesk ticket (checked before Zendesk: both have `requester_id`). */
export function looksLikeFreshdesk(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (Array.isArray(value['tickets'])) return looksLikeFreshdesk(value['tickets'][0]);
  if ('responder_id' in value || 'fr_due_by' in value || 'description_text' in value) return 'requester_id' in value || 'id' in value;
  return 'requester_id' in value && typeof value['source'] === 'number' && typeof value['status'] === 'number';
}
