import { emptyFeedItem, type FeedItem } from '../feed-item.js';
import { describe, type NormalizeResult, type RecordIssue } from '../normalize.js';
import type { Payload } from '../source-record.js';
import type { TimestampOptions } from '../timestamps.js';
import { buildMessage, isObject, rawOf, readExternalId, readOptionalId, readTime, type Fields } from './helpdesk-fields.js';
import { pageSideLoads, zendeskTicket } from './zendesk-tickets.js';

type Feed = Extract<Payload, { type: 'feed' }>;

const SOLVED = new Set(['solved', 'closed']);

/**
 * One Zendesk ticket webhook event (`"type": "zen:event-type:ticket.comment_added"`, the ticket under `detail`, what
 * happened under `event`) to what it adds to its ticket: the ticket as `detail` describes it (with its description
 * standing in for the first comment until that arrives), a comment (`comment_added`: an author with `is_staff` is an
 * agent, else the customer), a resolved or reopened event (`status_changed`), an assigned event
 * (`agent_assignment_changed`).
 */
export function zendeskWebhookEvent(value: Fields, options: TimestampOptions): { parsed: NormalizeResult<Feed>; messagesRead: number } {
  const kind = String(value['type']).slice('zen:event-type:ticket.'.length);
  const detail = isObject(value['detail']) ? value['detail'] : {};
  const event = isObject(value['event']) ? value['event'] : {};
  const subject = typeof value['subject'] === 'string' ? /^zen:ticket:(.+)$/.exec(value['subject'])?.[1] : undefined;
  const ticketId = readExternalId(detail['id'] ?? subject, 'detail.id');
  if (!ticketId.ok) return { parsed: ticketId, messagesRead: 0 };
  const time = readTime(value['time'], 'time', options);
  if (!time.ok) return { parsed: time, messagesRead: 0 };
  const issues: RecordIssue[] = [];
  let item: FeedItem = { ...emptyFeedItem('zendesk'), conversationId: ticketId.value };
  let messagesRead = 0;
  if (detail['created_at'] !== undefined) {
    const ticket = zendeskTicket({ ...detail, id: ticketId.value, comments: [] }, pageSideLoads({}), options);
    if (!ticket.parsed.ok) return { parsed: { ok: false, reason: `detail: ${ticket.parsed.reason}` }, messagesRead: 0 };
    item = ticket.parsed.value.item;
    issues.push(...ticket.parsed.issues.filter((issue) => !issue.reason.includes('no comments in this file')));
    messagesRead += ticket.messagesRead;
  }
  if (kind === 'comment_added') {
    messagesRead += 1;
    const comment = event['comment'];
    const message = isObject(comment) ? readEventComment(comment, time.value, issues) : null;
    if (!isObject(comment))
      issues.push({ kind: 'message', reason: `comment_added: "event.comment" must be an object, got ${describe(comment)}`, raw: rawOf(comment) });
    if (message) item.messages.push(message);
  } else if (kind === 'status_changed') {
    const current = typeof event['current'] === 'string' ? event['current'].toLowerCase() : '';
    const previous = typeof event['previous'] === 'string' ? event['previous'].toLowerCase() : '';
    const actor = readOptionalId(detail['actor_id']);
    if (current === 'solved') item.events.push({ kind: 'resolved', createdAt: time.value, actorId: actor });
    else if (SOLVED.has(previous) && current !== '' && !SOLVED.has(current)) item.events.push({ kind: 'reopened', createdAt: time.value, actorId: actor });
  } else if (kind === 'agent_assignment_changed') {
    const assignee = readOptionalId(event['current']);
    if (assignee !== null) item.events.push({ kind: 'assigned', createdAt: time.value, actorId: assignee });
  }
  if (item.conversation) {
    // The events ride with the ticket so that its resolved time and reopenings agree with them.
    item.conversation.events.push(...item.events);
    if (item.events.some((e) => e.kind === 'resolved') && item.conversation.status !== null && SOLVED.has(item.conversation.status)) {
      item.conversation.resolvedAt = Math.max(item.conversation.resolvedAt ?? 0, ...item.events.filter((e) => e.kind === 'resolved').map((e) => e.createdAt));
    }
    item.events = [];
  }
  return { parsed: { ok: true, value: { type: 'feed', item }, issues }, messagesRead };
}

function readEventComment(comment: Fields, time: number, issues: RecordIssue[]) {
  const id = readExternalId(comment['id'], 'event.comment.id');
  if (!id.ok) {
    issues.push({ kind: 'message', reason: `comment_added: ${id.reason}`, raw: rawOf(comment) });
    return null;
  }
  const author = isObject(comment['author']) ? comment['author'] : {};
  const authorId = readOptionalId(author['id']);
  const staff = author['is_staff'];
  const body = typeof comment['body'] === 'string' ? comment['body'] : '';
  const message = buildMessage(
    { externalId: id.value, role: 'customer', authorId, createdAt: time, body, html: false, internal: comment['is_public'] === false },
    issues,
    `comment ${id.value}`,
  );
  // is_staff says the role; without it the store resolves the author from the users it knows, or keeps it waiting.
  return { ...message, role: staff === true ? ('agent' as const) : staff === false ? ('customer' as const) : null };
}
