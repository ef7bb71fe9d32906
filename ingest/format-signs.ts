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
  return 'conversation_parts' in value && ('source' in value || 'conversation_message' in value);
}

/** True when a parsed JSON value is a Zendesk export page, a ticket with its side-loads, or a ticket. */
export function looksLikeZendesk(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (Array.isArray(value['tickets']) || isObject(value['ticket']) || Array.isArray(value['ticket_events'])) return true;
  return 'requester_id' in value && ('via' in value || 'status' in value);
}

/** True when a parsed JSON value is a Chatwoot conversation (with `inbox_id`) or a conversation list response. */
export function looksLikeChatwoot(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isObject(value['data']) && Array.isArray(value['data']['payload'])) return true;
  if (Array.isArray(value['payload'])) return value['payload'].length === 0 || looksLikeChatwoot(value['payload'][0]);
  return 'inbox_id' in value && ('messages' in value || 'meta' in value) && ('account_id' in value || 'meta' in value || 'status' in value);
}

/** True when a parsed JSON value is a Help Scout (Mailbox API 2.0) conversation or a conversation list page. */
export function looksLikeHelpscout(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isObject(value['_embedded']) && Array.isArray(value['_embedded']['conversations'])) return true;
  return 'mailboxId' in value && ('_embedded' in value || 'threads' in value || 'number' in value || 'primaryCustomer' in value);
}

/** True when a parsed JSON value is a Freshdesk ticket (checked before Zendesk: both have `requester_id`). */
export function looksLikeFreshdesk(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (Array.isArray(value['tickets'])) return looksLikeFreshdesk(value['tickets'][0]);
  if ('responder_id' in value || 'fr_due_by' in value || 'description_text' in value) return 'requester_id' in value || 'id' in value;
  return 'requester_id' in value && typeof value['source'] === 'number' && typeof value['status'] === 'number';
}
