import { describe, expect, test } from 'vitest';
import { ALWAYS_OPEN, createBusinessCalendar } from '../../../analysis/response-times/business-calendar.js';
import { computeConversationFacts, type FactsConversation, type FactsMessage } from '../../../analysis/response-times/conversation-facts.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string): number => Date.parse(iso);

function message(role: FactsMessage['role'], iso: string, extra: Partial<FactsMessage> = {}): FactsMessage {
  return { role, authorId: role === 'agent' ? 'alice' : role === 'customer' ? 'c1' : null, createdAt: at(iso), internal: false, ...extra };
}

function conversation(messages: FactsMessage[], extra: Partial<FactsConversation> = {}): FactsConversation {
  return {
    id: 1,
    channel: 'chat',
    createdAt: messages[0]?.createdAt ?? at('2026-03-02T09:00:00Z'),
    resolvedAt: null,
    assignee: null,
    messages,
    events: [],
    ...extra,
  };
}

describe('first response', () => {
  test('bot, system and internal messages do not stop the clock', () => {
    const facts = computeConversationFacts(
      conversation([
        message('customer', '2026-03-02T09:00:00Z'),
        message('bot', '2026-03-02T09:00:05Z'),
        message('system', '2026-03-02T09:00:10Z'),
        message('agent', '2026-03-02T09:01:00Z', { internal: true, authorId: 'bob' }),
        message('agent', '2026-03-02T09:03:00Z'),
      ]),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({
      startAt: at('2026-03-02T09:00:00Z'),
      initiatedBy: 'customer',
      firstResponseAt: at('2026-03-02T09:03:00Z'),
      firstResponseMs: 3 * MINUTE,
      firstResponseBusinessMs: 3 * MINUTE,
      firstResponderId: 'alice',
      agent: 'alice',
      replyTimesMs: [3 * MINUTE],
      unanswered: false,
      awaitingReplySince: null,
    });
  });

  test('start is created_at when it is earlier than the first customer message (an email received before it was parsed)', () => {
    const facts = computeConversationFacts(
      conversation([message('customer', '2026-03-02T09:05:00Z'), message('agent', '2026-03-02T09:30:00Z')], { createdAt: at('2026-03-02T09:00:00Z') }),
      ALWAYS_OPEN,
    );
    expect(facts.startAt).toBe(at('2026-03-02T09:00:00Z'));
    expect(facts.firstResponseMs).toBe(30 * MINUTE);
    // the reply time runs from the customer's own message
    expect(facts.replyTimesMs).toEqual([25 * MINUTE]);
  });

  test('a conversation an agent started: the clock starts at the customer message', () => {
    const facts = computeConversationFacts(
      conversation([
        message('agent', '2026-03-02T10:00:00Z'),
        message('customer', '2026-03-02T11:00:00Z'),
        message('bot', '2026-03-02T11:00:30Z'),
        message('agent', '2026-03-02T11:20:00Z', { authorId: 'bob' }),
      ]),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({
      startAt: at('2026-03-02T10:00:00Z'),
      initiatedBy: 'agent',
      clockStartAt: at('2026-03-02T11:00:00Z'),
      firstResponseAt: at('2026-03-02T11:20:00Z'),
      firstResponseMs: 20 * MINUTE,
      firstResponderId: 'bob',
      replyTimesMs: [20 * MINUTE],
      unanswered: false,
    });
  });

  test('an outbound message the customer never answered has no first response and is not unanswered', () => {
    const facts = computeConversationFacts(conversation([message('agent', '2026-03-02T10:00:00Z')]), ALWAYS_OPEN);
    expect(facts).toMatchObject({ initiatedBy: 'agent', clockStartAt: null, firstResponseMs: null, unanswered: false, awaitingReplySince: null });
  });

  test('no reply yet: unanswered, waiting since the first customer message', () => {
    const facts = computeConversationFacts(
      conversation([message('customer', '2026-03-02T09:00:00Z'), message('bot', '2026-03-02T09:01:00Z'), message('customer', '2026-03-02T09:05:00Z')]),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({
      firstResponseAt: null,
      firstResponseMs: null,
      firstResponseBusinessMs: null,
      unanswered: true,
      awaitingReplySince: at('2026-03-02T09:00:00Z'),
      replyTimesMs: [],
      replyMedianMs: null,
      agent: null,
    });
  });

  test('a conversation with no message at all waits since created_at', () => {
    const facts = computeConversationFacts(conversation([], { createdAt: at('2026-03-02T09:00:00Z') }), ALWAYS_OPEN);
    expect(facts).toMatchObject({ startAt: at('2026-03-02T09:00:00Z'), unanswered: true, awaitingReplySince: at('2026-03-02T09:00:00Z') });
  });

  test('in business time: Friday 16:30 to Monday 09:30 Berlin is 1 hour, 65 hours of calendar time', () => {
    const calendar = createBusinessCalendar({
      timeZone: 'Europe/Berlin',
      intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
      holidays: [],
    });
    const facts = computeConversationFacts(conversation([message('customer', '2026-03-06T15:30:00Z'), message('agent', '2026-03-09T08:30:00Z')]), calendar);
    expect(facts.firstResponseMs).toBe(65 * HOUR);
    expect(facts.firstResponseBusinessMs).toBe(HOUR);
    expect(facts.replyBusinessTimesMs).toEqual([HOUR]);
  });
});

describe('reply times', () => {
  test('each customer turn from its first unanswered message to the next public agent reply', () => {
    const facts = computeConversationFacts(
      conversation([
        message('customer', '2026-03-02T09:00:00Z'),
        message('customer', '2026-03-02T09:01:00Z'),
        message('agent', '2026-03-02T09:05:00Z'),
        message('agent', '2026-03-02T09:06:00Z'),
        message('customer', '2026-03-02T09:10:00Z'),
        message('agent', '2026-03-02T09:11:00Z', { internal: true }),
        message('bot', '2026-03-02T09:12:00Z'),
        message('agent', '2026-03-02T09:40:00Z'),
        message('customer', '2026-03-02T10:00:00Z'),
        message('agent', '2026-03-02T10:02:00Z'),
      ]),
      ALWAYS_OPEN,
    );
    expect(facts.replyTimesMs).toEqual([5 * MINUTE, 30 * MINUTE, 2 * MINUTE]);
    expect(facts.replyMedianMs).toBe(5 * MINUTE);
    expect(facts.awaitingReplySince).toBeNull();
  });

  test('a last customer turn without a reply is waiting', () => {
    const facts = computeConversationFacts(
      conversation([message('customer', '2026-03-02T09:00:00Z'), message('agent', '2026-03-02T09:04:00Z'), message('customer', '2026-03-02T09:30:00Z')]),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({ replyTimesMs: [4 * MINUTE], unanswered: false, awaitingReplySince: at('2026-03-02T09:30:00Z') });
  });
});

describe('resolutions', () => {
  const email = [
    message('customer', '2026-03-02T08:00:00Z'),
    message('agent', '2026-03-03T10:00:00Z'),
    message('customer', '2026-03-03T11:00:00Z'),
    message('agent', '2026-03-03T12:00:00Z'),
  ];

  test('reopened and resolved twice: first and last resolution kept, one reopen', () => {
    const facts = computeConversationFacts(
      conversation(email, {
        channel: 'email',
        events: [
          { kind: 'resolved', createdAt: at('2026-03-03T10:30:00Z') },
          { kind: 'reopened', createdAt: at('2026-03-03T11:00:00Z') },
          { kind: 'resolved', createdAt: at('2026-03-03T12:30:00Z') },
        ],
        resolvedAt: at('2026-03-03T12:30:00Z'),
      }),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({
      firstResponseMs: 26 * HOUR,
      replyTimesMs: [26 * HOUR, HOUR],
      replyMedianMs: 13.5 * HOUR,
      resolutionCount: 2,
      firstResolvedAt: at('2026-03-03T10:30:00Z'),
      lastResolvedAt: at('2026-03-03T12:30:00Z'),
      firstResolutionMs: 26.5 * HOUR,
      resolutionMs: 28.5 * HOUR,
      isResolved: true,
      reopenCount: 1,
      awaitingReplySince: null,
    });
  });

  test('reopened after its last resolution: open again, no resolution time, first resolution kept', () => {
    const facts = computeConversationFacts(
      conversation(email, {
        events: [
          { kind: 'resolved', createdAt: at('2026-03-03T10:30:00Z') },
          { kind: 'reopened', createdAt: at('2026-03-03T11:00:00Z') },
        ],
      }),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({ resolutionCount: 1, firstResolutionMs: 26.5 * HOUR, resolutionMs: null, isResolved: false, reopenCount: 1 });
  });

  test('resolved_at only, and a resolved event at the same instant, count once', () => {
    const facts = computeConversationFacts(
      conversation(email, { resolvedAt: at('2026-03-03T12:30:00Z'), events: [{ kind: 'resolved', createdAt: at('2026-03-03T12:30:00Z') }] }),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({ resolutionCount: 1, resolutionMs: 28.5 * HOUR, reopenCount: 0, isResolved: true });
  });

  test('resolved without any reply: unanswered but not waiting', () => {
    const facts = computeConversationFacts(
      conversation([message('customer', '2026-03-02T09:00:00Z')], { resolvedAt: at('2026-03-02T09:30:00Z') }),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({ unanswered: true, awaitingReplySince: null, resolutionMs: 30 * MINUTE });
  });

  test('the assignee is the agent even when someone else answered', () => {
    const facts = computeConversationFacts(
      conversation([message('customer', '2026-03-02T09:00:00Z'), message('agent', '2026-03-02T09:04:00Z', { authorId: 'bob' })], { assignee: 'carol' }),
      ALWAYS_OPEN,
    );
    expect(facts).toMatchObject({ agent: 'carol', firstResponderId: 'bob' });
  });
});

/** The definitions read literally, with no attempt at speed: the reference for random conversations. */
function referenceFacts(conversation: FactsConversation) {
  const isCustomer = (m: FactsMessage) => m.role === 'customer' && !m.internal;
  const isAgent = (m: FactsMessage) => m.role === 'agent' && !m.internal;
  const messages = conversation.messages;
  const customers = messages.filter(isCustomer);
  const firstCustomer = customers[0];
  const startAt = Math.min(conversation.createdAt, firstCustomer?.createdAt ?? Infinity);
  const firstAgentIndex = messages.findIndex(isAgent);
  const firstCustomerIndex = messages.findIndex(isCustomer);
  const outbound = firstAgentIndex >= 0 && (firstCustomerIndex < 0 || firstAgentIndex < firstCustomerIndex);
  const clockStart = outbound ? (firstCustomer?.createdAt ?? null) : startAt;
  const response = outbound ? (firstCustomerIndex < 0 ? undefined : messages.slice(firstCustomerIndex + 1).find(isAgent)) : messages.find(isAgent);
  const replies: number[] = [];
  let pending: number | null = null;
  for (const message of messages) {
    if (isCustomer(message) && pending === null) pending = message.createdAt;
    if (isAgent(message) && pending !== null) {
      replies.push(message.createdAt - pending);
      pending = null;
    }
  }
  return {
    initiatedBy: outbound ? 'agent' : 'customer',
    clockStartAt: clockStart,
    firstResponseMs: clockStart !== null && response ? response.createdAt - clockStart : null,
    replyTimesMs: replies,
    unanswered: clockStart !== null && !response,
  };
}

test('random conversations agree with the definitions read literally', () => {
  let state = 42;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const roles: FactsMessage['role'][] = ['customer', 'agent', 'bot', 'system'];
  for (let round = 0; round < 2000; round += 1) {
    let clock = Date.parse('2026-03-02T00:00:00Z');
    const messages = Array.from({ length: Math.floor(next() * 8) }, () => ({
      role: roles[Math.floor(next() * roles.length)]!,
      authorId: 'x',
      createdAt: (clock += Math.floor(next() * 3) * MINUTE),
      internal: next() < 0.2,
    }));
    const input = conversation(messages, { createdAt: Date.parse('2026-03-02T00:00:00Z') + (next() < 0.3 ? 5 * MINUTE : 0) });
    const facts = computeConversationFacts(input, ALWAYS_OPEN);
    expect({
      initiatedBy: facts.initiatedBy,
      clockStartAt: facts.clockStartAt,
      firstResponseMs: facts.firstResponseMs,
      replyTimesMs: facts.replyTimesMs,
      unanswered: facts.unanswered,
    }).toEqual(referenceFacts(input));
  }
});
