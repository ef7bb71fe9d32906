import type { AuthorRole } from '../../db/schema.js';
import { looksLikeHtml } from '../html-to-text.js';
import { normalizeCsat } from '../normalize-csat.js';
import { describe, type NormalizeResult, type NormalizedConversation, type NormalizedEvent, type NormalizedMessage, type RecordIssue } from '../normalize.js';
import type { Payload, SourceContext, SourceRecord } from '../source-record.js';
import type { TimestampOptions } from '../timestamps.js';
import {
  buildMessage,
  dropDuplicateMessages,
  isObject,
  lookup,
  rawOf,
  readExternalId,
  readOptionalId,
  readShortText,
  readTagList,
  readTime,
  type Fields,
} from './helpdesk-fields.js';
import { readHelpdeskDocument, readHelpdeskJsonLines, type HelpdeskLayout } from './helpdesk-document.js';

/** Chatwoot's inbox channel types (`meta.channel`) and the channel each becomes; others keep their name, lower-cased. */
export const CHATWOOT_CHANNELS: Readonly<Record<string, string>> = {
  'channel::webwidget': 'chat',
  'channel::email': 'email',
  'channel::api': 'api',
  'channel::facebookpage': 'social',
  'channel::instagram': 'social',
  'channel::twitterprofile': 'social',
  'channel::tiktok': 'social',
  'channel::whatsapp': 'whatsapp',
  'channel::twiliosms': 'sms',
  'channel::sms': 'sms',
  'channel::telegram': 'telegram',
  'channel::line': 'line',
  'channel::voice': 'phone',
};

/** `message_type` as a number (the API) or a name (webhooks, the create-message API). */
const MESSAGE_TYPES: Readonly<Record<string, ChatwootMessageType>> = {
  '0': 'incoming',
  '1': 'outgoing',
  '2': 'activity',
  '3': 'template',
  incoming: 'incoming',
  outgoing: 'outgoing',
  activity: 'activity',
  template: 'template',
};
type ChatwootMessageType = 'incoming' | 'outgoing' | 'activity' | 'template';

/** Sender types (`sender_type`, else `sender.type`) and the role of an outgoing message from each. */
export const CHATWOOT_SENDER_ROLES: Readonly<Record<string, AuthorRole>> = {
  user: 'agent',
  contact: 'customer',
  agentbot: 'bot',
  agent_bot: 'bot',
  'captain::assistant': 'bot',
  captain_assistant: 'bot',
};

/** Where a Chatwoot export holds its conversations: the list API's `data.payload`, `payload`, or an array. */
export const CHATWOOT_LAYOUT: HelpdeskLayout = {
  lists: [[], ['data', 'payload'], ['payload']],
  record: (value, context, line, raw) => ({ line, raw, messagesRead: chatwootMessageCount(value), parsed: chatwootConversation(value, context) }),
};

/** A Chatwoot export as one JSON document (streamed): a conversation list response, an array, or one conversation. */
export function readChatwootDocument(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskDocument(context, CHATWOOT_LAYOUT);
}

/** Chatwoot conversations one a line (or one list page a line). */
export function readChatwootJsonLines(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  return readHelpdeskJsonLines(context, CHATWOOT_LAYOUT);
}

/** Messages a conversation holds as read, valid or not: every entry of `messages` except activity messages. */
export function chatwootMessageCount(input: unknown): number {
  const messages = isObject(input) ? input['messages'] : undefined;
  if (!Array.isArray(messages)) return 0;
  return messages.filter((message) => !isObject(message) || messageTypeOf(message) !== 'activity').length;
}

function messageTypeOf(message: Fields): ChatwootMessageType | undefined {
  const type = message['message_type'];
  return typeof type === 'number' || typeof type === 'string' ? lookup(MESSAGE_TYPES, String(type).trim().toLowerCase()) : undefined;
}

type Conversation = Extract<Payload, { type: 'conversation' }>;

/**
 * One Chatwoot conversation with its messages (as the conversations API returns it, with `messages` holding all of
 * them) to the stored shape. Incoming messages are the customer's; outgoing ones the agent's, a bot's (AgentBot,
 * Captain) or, with no sender at all, automatic (system); private messages are internal notes. Template messages
 * (greetings, the CSAT survey) are stored as system messages, never replies; activity messages are not messages:
 * "resolved", "reopened" and "assigned to" in them become events. Times are epoch seconds.
 *
 * @example
 * chatwootConversation({ id: 7, created_at: 1700000000, meta: { channel: 'Channel::WebWidget' }, messages: [...] }, { timezone: 'UTC' });
 */
export function chatwootConversation(input: unknown, options: TimestampOptions): NormalizeResult<Conversation> {
  if (!isObject(input)) return { ok: false, reason: `expected a Chatwoot conversation object, got ${describe(input)}` };
  const id = readExternalId(input['id'], 'id');
  if (!id.ok) return id;
  const createdAt = readTime(input['created_at'] ?? input['timestamp'], 'created_at', options);
  if (!createdAt.ok) return createdAt;
  const issues: RecordIssue[] = [];
  const meta = isObject(input['meta']) ? input['meta'] : {};

  const channelType = typeof meta['channel'] === 'string' ? meta['channel'] : typeof input['channel'] === 'string' ? input['channel'] : '';
  let channel: string;
  if (channelType.trim() !== '') {
    const name = channelType.trim().toLowerCase();
    channel = lookup(CHATWOOT_CHANNELS, name) ?? name.replace(/^channel::/, '').slice(0, 64);
  } else {
    channel = 'unknown';
    issues.push({ kind: 'warning', reason: `conversation ${id.value} has no "meta.channel"; its channel is "unknown"`, raw: rawOf(input['meta'] ?? null) });
  }

  const messages = input['messages'];
  if (messages !== undefined && messages !== null && !Array.isArray(messages)) {
    issues.push({ kind: 'warning', reason: `"messages" must be a list, got ${describe(messages)}; ignored`, raw: rawOf(messages) });
  }
  const { drafts, events, surveyRating } = readChatwootMessages(Array.isArray(messages) ? messages : [], options, issues);
  if (drafts.length === 0 && !Array.isArray(messages)) {
    issues.push({ kind: 'warning', reason: `conversation ${id.value} has no "messages" in this file; loaded without messages`, raw: '' });
  }

  const status = typeof input['status'] === 'string' && input['status'].trim() !== '' ? input['status'].trim().toLowerCase() : null;
  const resolves = events.filter((event) => event.kind === 'resolved').map((event) => event.createdAt);
  const survey = isObject(input['csat_survey_response']) ? input['csat_survey_response']['rating'] : surveyRating;
  const csat = normalizeCsat('chatwoot', survey);
  if (csat === null && survey !== undefined && survey !== null) {
    issues.push({ kind: 'warning', reason: `CSAT rating ${describe(survey)} is not 1-5; ignored`, raw: rawOf(survey) });
  }
  const team = isObject(meta['team']) ? (readShortText(meta['team']['name'], false) ?? readOptionalId(meta['team']['id'])) : readOptionalId(input['team_id']);
  const assignee = isObject(meta['assignee']) ? readOptionalId(meta['assignee']['id']) : readOptionalId(input['assignee_id']);
  const customer = isObject(meta['sender']) ? readOptionalId(meta['sender']['id']) : readOptionalId(input['contact_id']);
  const inbox = readOptionalId(input['inbox_id']);
  const additional = isObject(input['additional_attributes']) ? input['additional_attributes'] : {};

  const conversation: NormalizedConversation = {
    source: 'chatwoot',
    externalId: id.value,
    channel,
    createdAt: createdAt.value,
    status,
    resolvedAt: status === 'resolved' && resolves.length > 0 ? Math.max(...resolves) : null,
    customerId: customer,
    assignee,
    subject: readShortText(additional['mail_subject'], false),
    language: null,
    tags: readTagList([...(Array.isArray(input['labels']) ? input['labels'] : []), ...(inbox === null ? [] : [`inbox:${inbox}`])]),
    team,
    csatRating: csat?.rating ?? null,
    csat: csat?.level ?? null,
    events,
    messages: dropDuplicateMessages(drafts, issues),
  };
  return { ok: true, value: { type: 'conversation', conversation }, issues };
}

/**
 * Chatwoot messages (a conversation's `messages`, a messages response's `payload`) to messages, the events their
 * activity text makes, and the rating of a submitted CSAT survey; rejected ones are added to `issues`. Shared by the
 * conversation reader and the messages reader (`chatwoot-messages.ts`).
 */
export function readChatwootMessages(
  messages: readonly unknown[],
  options: TimestampOptions,
  issues: RecordIssue[],
  labelOf: (index: number) => string = (index) => `message ${index + 1}`,
): { drafts: { message: NormalizedMessage; raw: unknown; label: string }[]; events: NormalizedEvent[]; surveyRating: unknown } {
  const drafts: { message: NormalizedMessage; raw: unknown; label: string }[] = [];
  const events: NormalizedEvent[] = [];
  let surveyRating: unknown;
  messages.forEach((value, index) => {
    const label = labelOf(index);
    const read = chatwootMessage(value, options, label, issues);
    if (read === null) return;
    if (read.kind === 'event') {
      if (read.event) events.push(read.event);
      return;
    }
    drafts.push({ message: read.message, raw: value, label });
    if (read.surveyRating !== undefined) surveyRating = read.surveyRating;
  });
  return { drafts, events, surveyRating };
}

type ReadMessage = { kind: 'message'; message: NormalizedMessage; surveyRating: unknown } | { kind: 'event'; event: NormalizedEvent | null };

/** One entry of `messages`: a message, an activity (an event or nothing), or null when rejected (added to `issues`). */
function chatwootMessage(value: unknown, options: TimestampOptions, label: string, issues: RecordIssue[]): ReadMessage | null {
  const reject = (reason: string): null => {
    issues.push({ kind: 'message', reason: `${label}: ${reason}`, raw: rawOf(value) });
    return null;
  };
  if (!isObject(value)) return reject(`expected an object, got ${describe(value)}`);
  const type = messageTypeOf(value);
  if (type === undefined)
    return reject(`unknown message_type ${JSON.stringify(value['message_type'] ?? null)} (expected 0-3: incoming, outgoing, activity, template)`);
  const time = readTime(value['created_at'], 'created_at', options);
  const content = value['content'];
  if (type === 'activity') {
    if (!time.ok) {
      issues.push({ kind: 'warning', reason: `${label} (activity): ${time.reason}; ignored`, raw: rawOf(value) });
      return { kind: 'event', event: null };
    }
    const kind = typeof content === 'string' ? activityKind(content) : null;
    return { kind: 'event', event: kind === null ? null : { kind, createdAt: time.value, actorId: null } };
  }
  const messageId = readExternalId(value['id'], 'id');
  if (!messageId.ok) return reject(messageId.reason);
  if (!time.ok) return reject(time.reason);
  if (content !== undefined && content !== null && typeof content !== 'string') return reject(`"content" must be text, got ${describe(content)}`);
  const sender = isObject(value['sender']) ? value['sender'] : undefined;
  const senderType = typeof value['sender_type'] === 'string' ? value['sender_type'] : typeof sender?.['type'] === 'string' ? sender['type'] : '';
  const authorId = readOptionalId(value['sender_id']) ?? (sender ? readOptionalId(sender['id']) : null);
  let role: AuthorRole;
  if (type === 'incoming') role = 'customer';
  else if (type === 'template') role = 'system';
  else if (senderType.trim() === '' && authorId === null) role = 'system';
  else {
    const known = lookup(CHATWOOT_SENDER_ROLES, senderType.trim().toLowerCase());
    if (!known) return reject(`unknown sender_type ${JSON.stringify(senderType)} (expected ${Object.keys(CHATWOOT_SENDER_ROLES).join(', ')})`);
    role = known;
  }
  const isPrivate = value['private'];
  if (isPrivate !== undefined && isPrivate !== null && typeof isPrivate !== 'boolean')
    return reject(`"private" must be true or false, got ${describe(isPrivate)}`);
  const body = typeof content === 'string' ? content : '';
  const attributes = isObject(value['content_attributes']) ? value['content_attributes'] : {};
  const submitted = isObject(attributes['submitted_values']) ? attributes['submitted_values']['csat_survey_response'] : undefined;
  return {
    kind: 'message',
    message: buildMessage(
      {
        externalId: messageId.value,
        role,
        authorId: role === 'system' ? null : authorId,
        createdAt: time.value,
        body,
        html: looksLikeHtml(body),
        internal: isPrivate === true,
      },
      issues,
      label,
    ),
    surveyRating: value['content_type'] === 'input_csat' && isObject(submitted) ? submitted['rating'] : undefined,
  };
}

/** Chatwoot writes status changes as activity text ("Conversation was marked resolved by Jane", English exports). */
function activityKind(text: string): NormalizedEvent['kind'] | null {
  if (/\breopened\b/i.test(text)) return 'reopened';
  if (/\b(marked )?resolved\b/i.test(text) && !/\bunresolved\b/i.test(text)) return 'resolved';
  if (/\bassigned to\b/i.test(text)) return 'assigned';
  return null;
}
