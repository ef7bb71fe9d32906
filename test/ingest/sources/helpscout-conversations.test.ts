import { describe, expect, test } from 'vitest';
import { detectFormat } from '../../../ingest/detect-format.js';
import { helpscoutConversation } from '../../../ingest/sources/helpscout-conversations.js';
import { eachTestDatabase, fixture, ingest } from '../ingest-helpers.js';

const PAGE = fixture('helpscout', 'conversations-page.json');
const LINES = fixture('helpscout', 'conversations-one-per-line.jsonl');
const at = (iso: string): number => Date.parse(iso);

const stored = eachTestDatabase();
const conversation = (externalId: string) => stored.conversation('helpscout', externalId);
const message = stored.message;

describe('Help Scout conversations', () => {
  test.each([
    { file: PAGE, format: 'helpscout-json' },
    { file: LINES, format: 'helpscout-jsonl' },
  ])('$format is detected from the content', async ({ file, format }) => {
    const detection = await detectFormat(file);
    expect(detection.kind === 'format' && detection.format).toBe(format);
  });

  test('a list page loads every conversation with its threads; bad threads and records are rejected one by one', async () => {
    const summary = await ingest(stored.handle, PAGE);
    expect(summary.files[0]).toMatchObject({ format: 'helpscout-json', status: 'loaded' });
    expect(summary.records).toEqual({ read: 4, inserted: 3, updated: 0, unchanged: 0, rejected: 1 });
    expect(summary.messages).toEqual({ read: 15, inserted: 12, updated: 0, unchanged: 0, rejected: 3 });
    const rejects = await stored.handle.db.selectFrom('rejects').select(['kind', 'reason']).where('kind', '!=', 'warning').orderBy('id').execute();
    expect(rejects).toEqual([
      { kind: 'message', reason: 'element 1: thread 1: a draft, never sent' },
      {
        kind: 'message',
        reason:
          'element 2: thread 1: unknown thread type "survey" (expected customer, message, reply, note, forwardparent, forwardchild, chat, beaconchat, phone, lineitem)',
      },
      { kind: 'message', reason: 'element 2: thread 3: a chat thread without "createdBy": its author\'s role is unknown' },
      { kind: 'record', reason: 'element 3: missing field "createdAt"' },
    ]);
  });

  test.each([
    {
      what: 'a customer thread is the customer (HTML to text)',
      id: '90016',
      expected: { author_role: 'customer', author_id: '500', body: 'It is missing again!\nPlease check.', internal: 0 },
    },
    {
      what: 'a reply ("message") is the agent',
      id: '90015',
      expected: { author_role: 'agent', author_id: '11', body: 'Arrived — 6 confirmations.', created_at: at('2023-11-14T09:40:00Z') },
    },
    { what: 'a note is internal', id: '90014', expected: { author_role: 'agent', internal: 1 } },
    { what: 'attachments only: an empty body', id: '90018', expected: { author_role: 'agent', body: '' } },
    { what: 'a chat thread by a bot is a bot', id: '90022', expected: { author_role: 'bot', author_id: '3' } },
    { what: 'a chat thread by a customer is the customer', id: '90021', expected: { author_role: 'customer', author_id: '501' } },
    { what: 'a phone thread logged by a user is the agent', id: '90025', expected: { author_role: 'agent', author_id: '12' } },
    { what: 'a deleted customer (id 0): the customer, without author', id: '90041', expected: { author_role: 'customer', author_id: null } },
    { what: 'a reply without createdBy: the agent, without author', id: '90042', expected: { author_role: 'agent', author_id: null } },
  ])('maps threads: $what', async ({ id, expected }) => {
    await ingest(stored.handle, PAGE);
    expect(await message(id)).toMatchObject(expected);
  });

  test('line items are events, not messages: status and assignee changes become resolved, reopened and assigned', async () => {
    await ingest(stored.handle, PAGE);
    for (const id of ['90012', '90017']) expect(await message(id)).toBeUndefined();
    const { id } = await conversation('9001');
    const events = await stored.handle.db
      .selectFrom('conversation_events')
      .select(['kind', 'created_at', 'actor_id'])
      .where('conversation_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(events).toEqual([
      { kind: 'assigned', created_at: at('2023-11-14T09:01:00Z'), actor_id: '11' },
      { kind: 'resolved', created_at: at('2023-11-14T09:40:00Z'), actor_id: '11' },
      { kind: 'reopened', created_at: at('2023-11-14T12:00:00Z'), actor_id: '500' },
      { kind: 'resolved', created_at: at('2023-11-14T12:30:00Z'), actor_id: '11' },
    ]);
  });

  test.each([
    {
      what: 'closed email with tags, mailbox and a great rating',
      id: '9001',
      expected: {
        channel: 'email',
        status: 'closed',
        resolved_at: at('2023-11-14T12:30:00Z'),
        customer_id: '500',
        assignee: '11',
        subject: 'Deposit not arrived',
        tags: '["btc","deposits","mailbox:85"]',
        team: null,
        csat_rating: 'great',
        csat: 'good',
      },
    },
    {
      what: 'a chat assigned to a team, rated not good',
      id: '9002',
      expected: {
        channel: 'chat',
        status: 'active',
        assignee: null,
        team: 'Tier 2',
        customer_id: '501',
        csat_rating: 'not_good',
        csat: 'bad',
        tags: '["mailbox:86"]',
      },
    },
    { what: 'a phone conversation with a deleted customer', id: '9004', expected: { channel: 'phone', status: 'pending', customer_id: null, csat: null } },
  ])('maps the conversation: $what', async ({ id, expected }) => {
    await ingest(stored.handle, PAGE);
    expect(await conversation(id)).toMatchObject(expected);
  });

  test('JSON Lines: a broken line and an impossible date are rejected by line', async () => {
    const summary = await ingest(stored.handle, LINES);
    expect(summary.records).toEqual({ read: 3, inserted: 1, updated: 0, unchanged: 0, rejected: 2 });
    const rejects = await stored.handle.db.selectFrom('rejects').select(['line', 'reason']).where('kind', '=', 'record').orderBy('line').execute();
    expect(rejects.map((r) => r.line)).toEqual([2, 3]);
    expect(rejects[1]!.reason).toMatch(/^"createdAt": impossible date/);
  });

  test('the same files again change nothing', async () => {
    await ingest(stored.handle, PAGE, LINES);
    const again = await ingest(stored.handle, PAGE, LINES);
    expect(again.records).toMatchObject({ inserted: 0, updated: 0 });
    expect(again.messages).toMatchObject({ inserted: 0, updated: 0 });
  });

  test('the mapping is one pure function of a conversation object, reusable by other readers', () => {
    const result = helpscoutConversation(
      {
        id: 5,
        type: 'email',
        createdAt: '2023-11-14T09:00:00Z',
        threads: [{ id: 6, type: 'customer', createdAt: '2023-11-14T09:00:00Z', body: '<p>hi</p>', createdBy: { id: 1, type: 'customer' } }],
      },
      { timezone: 'UTC' },
    );
    expect(result.ok && result.value.conversation).toMatchObject({
      source: 'helpscout',
      externalId: '5',
      channel: 'email',
      messages: [{ externalId: '6', role: 'customer', body: 'hi' }],
    });
  });
});
