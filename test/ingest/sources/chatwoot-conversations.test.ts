import { describe, expect, test } from 'vitest';
import { detectFormat } from '../../../ingest/detect-format.js';
import { chatwootConversation } from '../../../ingest/sources/chatwoot-conversations.js';
import { eachTestDatabase, fixture, ingest } from '../ingest-helpers.js';

const LIST = fixture('chatwoot', 'conversation-list.json');
const LINES = fixture('chatwoot', 'conversations-one-per-line.jsonl');
const seconds = (epoch: number): number => epoch * 1000;

const stored = eachTestDatabase();
const conversation = (externalId: string) => stored.conversation('chatwoot', externalId);
const message = stored.message;

describe('Chatwoot conversations', () => {
  test.each([
    { file: LIST, format: 'chatwoot-json' },
    { file: LINES, format: 'chatwoot-jsonl' },
  ])('$format is detected from the content', async ({ file, format }) => {
    const detection = await detectFormat(file);
    expect(detection.kind === 'format' && detection.format).toBe(format);
  });

  test('a conversation list response loads every conversation; bad ones are rejected one by one with the reason', async () => {
    const summary = await ingest(stored.handle, LIST);
    expect(summary.files[0]).toMatchObject({ format: 'chatwoot-json', status: 'loaded' });
    expect(summary.records).toEqual({ read: 5, inserted: 3, updated: 0, unchanged: 0, rejected: 2 });
    expect(summary.messages).toEqual({ read: 16, inserted: 13, updated: 0, unchanged: 0, rejected: 3 });
    const rejects = await stored.handle.db.selectFrom('rejects').select(['kind', 'line', 'reason']).where('kind', '!=', 'warning').orderBy('id').execute();
    expect(rejects).toEqual([
      { kind: 'record', line: null, reason: 'element 3: "created_at": unrecognised timestamp "yesterday"' },
      { kind: 'message', line: null, reason: 'element 4: message 2: unknown message_type 7 (expected 0-3: incoming, outgoing, activity, template)' },
      {
        kind: 'message',
        line: null,
        reason: 'element 4: message 3: unknown sender_type "Robot" (expected user, contact, agentbot, agent_bot, captain::assistant, captain_assistant)',
      },
      { kind: 'record', line: null, reason: 'element 5: expected a Chatwoot conversation object, got the text "not a conversation"' },
    ]);
  });

  test.each([
    { what: 'incoming is the customer', id: '1001', expected: { author_role: 'customer', author_id: '55', created_at: seconds(1700000000), internal: 0 } },
    { what: 'outgoing from an AgentBot is a bot', id: '1002', expected: { author_role: 'bot', author_id: '2' } },
    {
      what: 'outgoing from a user is an agent; HTML becomes text',
      id: '1004',
      expected: { author_role: 'agent', author_id: '7', body: 'I am checking our wallet now.\n\nOne moment & thanks.' },
    },
    { what: 'a private message is an internal note', id: '1005', expected: { author_role: 'agent', internal: 1 } },
    { what: 'attachments only: an empty body', id: '1007', expected: { author_role: 'customer', body: '' } },
    { what: 'a template (the CSAT survey) is a system message, never a reply', id: '1011', expected: { author_role: 'system', author_id: null } },
    { what: 'a contact deleted since: a customer without author', id: '2001', expected: { author_role: 'customer', author_id: null } },
    { what: 'a user deleted since: still the agent, by sender_id', id: '2002', expected: { author_role: 'agent', author_id: '9' } },
    { what: 'outgoing without any sender (an automation) is a system message', id: '2003', expected: { author_role: 'system', author_id: null } },
    { what: 'message_type given by name', id: '5002', expected: { author_role: 'agent', author_id: '7' } },
  ])('maps messages: $what', async ({ id, expected }) => {
    await ingest(stored.handle, LIST, LINES);
    expect(await message(id)).toMatchObject(expected);
  });

  test('activity messages are not messages: resolved, reopened and assigned become events', async () => {
    await ingest(stored.handle, LIST);
    for (const id of ['1003', '1006', '1008', '1010']) expect(await message(id)).toBeUndefined();
    const { id } = await conversation('101');
    const events = await stored.handle.db
      .selectFrom('conversation_events')
      .select(['kind', 'created_at'])
      .where('conversation_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(events).toEqual([
      { kind: 'assigned', created_at: seconds(1700000010) },
      { kind: 'resolved', created_at: seconds(1700000600) },
      { kind: 'reopened', created_at: seconds(1700005001) },
      { kind: 'resolved', created_at: seconds(1700009000) },
    ]);
  });

  test.each([
    {
      what: 'resolved, with team, assignee, labels, inbox and the submitted CSAT survey',
      id: '101',
      expected: {
        channel: 'chat',
        status: 'resolved',
        resolved_at: seconds(1700009000),
        customer_id: '55',
        assignee: '7',
        tags: '["btc","deposits","inbox:3"]',
        team: 'Billing',
        csat_rating: '5',
        csat: 'good',
        subject: null,
        created_at: seconds(1700000000),
      },
    },
    {
      what: 'an email conversation with an embedded CSAT survey response',
      id: '102',
      expected: {
        channel: 'email',
        status: 'open',
        resolved_at: null,
        customer_id: '56',
        assignee: null,
        subject: 'Withdrawal limit',
        team: null,
        csat_rating: '2',
        csat: 'bad',
      },
    },
    {
      what: 'a team known only by id; other channels keep their name',
      id: '201',
      expected: { channel: 'telegram', status: 'pending', team: '4', assignee: '7', customer_id: '60', csat: null },
    },
  ])('maps the conversation: $what', async ({ id, expected }) => {
    await ingest(stored.handle, LIST, LINES);
    expect(await conversation(id)).toMatchObject(expected);
  });

  test('JSON Lines: broken lines and bad records are rejected by line; a repeated conversation is unchanged', async () => {
    const summary = await ingest(stored.handle, LINES);
    expect(summary.records).toEqual({ read: 4, inserted: 1, updated: 0, unchanged: 1, rejected: 2 });
    const rejects = await stored.handle.db.selectFrom('rejects').select(['line', 'reason']).where('kind', '=', 'record').orderBy('line').execute();
    expect(rejects.map((r) => r.line)).toEqual([2, 3]);
    expect(rejects[1]!.reason).toBe('missing field "id"');
  });

  test('the same files again change nothing', async () => {
    await ingest(stored.handle, LIST, LINES);
    const again = await ingest(stored.handle, LIST, LINES);
    expect(again.records).toMatchObject({ inserted: 0, updated: 0 });
    expect(again.messages).toMatchObject({ inserted: 0, updated: 0 });
  });

  test('the mapping is one pure function of a conversation object, reusable by other readers', () => {
    const result = chatwootConversation(
      {
        id: 9,
        created_at: 1700000000,
        meta: { channel: 'Channel::Api' },
        messages: [{ id: 1, message_type: 0, content: 'hi', created_at: 1700000000, sender_type: 'Contact', sender_id: 3 }],
      },
      { timezone: 'UTC' },
    );
    expect(result.ok && result.value.conversation).toMatchObject({
      source: 'chatwoot',
      externalId: '9',
      channel: 'api',
      messages: [{ externalId: '1', role: 'customer', authorId: '3', body: 'hi' }],
    });
  });
});
