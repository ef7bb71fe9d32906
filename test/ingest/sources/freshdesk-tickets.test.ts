import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { detectFormat } from '../../../ingest/detect-format.js';
import { freshdeskTicket } from '../../../ingest/sources/freshdesk-tickets.js';
import { fixture, freshDatabase, ingest, temporaryFile } from '../ingest-helpers.js';

const TICKETS = fixture('freshdesk', 'tickets.json');
const LINES = fixture('freshdesk', 'tickets-one-per-line.jsonl');
const at = (iso: string): number => Date.parse(iso);

let handle: TestDatabase;
beforeEach(async () => {
  handle = await freshDatabase();
});
afterEach(async () => {
  await handle.close();
});

function ticket(externalId: string) {
  return handle.db.selectFrom('conversations').selectAll().where('source', '=', 'freshdesk').where('external_id', '=', externalId).executeTakeFirstOrThrow();
}

async function message(ticketId: string, externalId: string) {
  const { id } = await ticket(ticketId);
  return handle.db.selectFrom('messages').selectAll().where('conversation_id', '=', id).where('external_id', '=', externalId).executeTakeFirst();
}

describe('Freshdesk tickets', () => {
  test.each([
    { file: TICKETS, format: 'freshdesk-json' },
    { file: LINES, format: 'freshdesk-jsonl' },
  ])('$format is detected from the content, not taken for Zendesk', async ({ file, format }) => {
    const detection = await detectFormat(file);
    expect(detection.kind === 'format' && detection.format).toBe(format);
  });

  test('{"tickets": [...]} of Freshdesk tickets is Freshdesk, not Zendesk', async () => {
    const file = await temporaryFile('t.json', JSON.stringify({ tickets: [{ id: 1, requester_id: 2, responder_id: 3, source: 1, status: 2 }] }, null, 2));
    try {
      const detection = await detectFormat(file.path);
      expect(detection.kind === 'format' && detection.format).toBe('freshdesk-json');
    } finally {
      await file.cleanup();
    }
  });

  test('an array of tickets loads each with its conversations; bad ones are rejected one by one with the reason', async () => {
    const summary = await ingest(handle, TICKETS);
    expect(summary.files[0]).toMatchObject({ format: 'freshdesk-json', status: 'loaded' });
    expect(summary.records).toEqual({ read: 5, inserted: 3, updated: 0, unchanged: 0, rejected: 2 });
    expect(summary.messages).toEqual({ read: 16, inserted: 12, updated: 0, unchanged: 0, rejected: 4 });
    const rejects = await handle.db.selectFrom('rejects').select(['kind', 'reason']).where('kind', '!=', 'warning').orderBy('id').execute();
    expect(rejects).toEqual([
      { kind: 'message', reason: 'element 2: conversation 2: "created_at": unrecognised timestamp "not a time"' },
      { kind: 'message', reason: 'element 2: conversation 3: a private note without "user_id": its author is unknown' },
      { kind: 'message', reason: 'element 2: conversation 4: expected an object, got the text "a string, not a conversation"' },
      { kind: 'record', reason: 'element 4: "created_at": impossible date "2023-02-30T08:00:00Z": day 30 does not exist in 2023-02' },
      { kind: 'record', reason: 'element 5: expected a Freshdesk ticket object, got number 17' },
    ]);
  });

  test.each([
    {
      what: "the description is the requester's first message (HTML to text)",
      ticketId: '20',
      id: 'description',
      expected: {
        author_role: 'customer',
        author_id: '5001',
        created_at: at('2023-11-14T09:00:00Z'),
        body: 'My USDT deposit is not credited.\nTx hash inside.',
      },
    },
    { what: "a reply is the agent's", ticketId: '20', id: '301', expected: { author_role: 'agent', author_id: '9001', internal: 0 } },
    { what: 'a private note is internal', ticketId: '20', id: '302', expected: { author_role: 'agent', internal: 1 } },
    {
      what: "incoming is the customer's; entities decoded",
      ticketId: '20',
      id: '304',
      expected: { author_role: 'customer', body: 'It shows pending again & my balance is 0' },
    },
    { what: 'attachments only: an empty body', ticketId: '20', id: '305', expected: { author_role: 'customer', body: '' } },
    { what: 'a reply without user_id is automatic: system', ticketId: '20', id: '307', expected: { author_role: 'system', author_id: null } },
    { what: "an outbound email's description is the agent's", ticketId: '22', id: 'description', expected: { author_role: 'agent', author_id: '9001' } },
  ])('maps messages: $what', async ({ ticketId, id, expected }) => {
    await ingest(handle, TICKETS);
    expect(await message(ticketId, id)).toMatchObject(expected);
  });

  test.each([
    {
      what: 'closed portal ticket: group name as team, rating 102',
      id: '20',
      expected: {
        channel: 'email',
        status: 'closed',
        resolved_at: at('2023-11-14T13:00:00Z'),
        customer_id: '5001',
        assignee: '9001',
        team: 'Payments',
        csat_rating: '102',
        csat: 'good',
        tags: '["deposits","source:portal","usdt"]',
        subject: 'Deposit not credited',
      },
    },
    {
      what: 'open chat with a group id only, rated -103',
      id: '21',
      expected: { channel: 'chat', status: 'open', resolved_at: null, assignee: null, team: '3', csat_rating: '-103', csat: 'bad' },
    },
    {
      what: 'resolved outbound email',
      id: '22',
      expected: { channel: 'email', status: 'resolved', resolved_at: at('2023-11-16T10:00:00Z'), team: null, csat: null, tags: '["source:outbound_email"]' },
    },
  ])('maps the ticket: $what', async ({ id, expected }) => {
    await ingest(handle, TICKETS);
    expect(await ticket(id)).toMatchObject(expected);
  });

  test('stats give resolved and reopened events', async () => {
    await ingest(handle, TICKETS);
    const { id } = await ticket('20');
    const events = await handle.db
      .selectFrom('conversation_events')
      .select(['kind', 'created_at'])
      .where('conversation_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(events).toEqual([
      { kind: 'reopened', created_at: at('2023-11-14T12:00:00Z') },
      { kind: 'resolved', created_at: at('2023-11-14T13:00:00Z') },
    ]);
  });

  test('JSON Lines: a broken line and a ticket without id are rejected by line; the same files again change nothing', async () => {
    const summary = await ingest(handle, LINES);
    expect(summary.records).toEqual({ read: 3, inserted: 1, updated: 0, unchanged: 0, rejected: 2 });
    const rejects = await handle.db.selectFrom('rejects').select(['line', 'reason']).where('kind', '=', 'record').orderBy('line').execute();
    expect(rejects).toEqual([
      { line: 2, reason: expect.stringMatching(/^broken JSON/) },
      { line: 3, reason: 'missing field "id"' },
    ]);
    expect((await ticket('31')).channel).toBe('phone');
    await ingest(handle, TICKETS);
    const again = await ingest(handle, TICKETS, LINES);
    expect(again.records).toMatchObject({ inserted: 0, updated: 0 });
    expect(again.messages).toMatchObject({ inserted: 0, updated: 0 });
  });

  test('the mapping is one pure function of a ticket object', () => {
    const result = freshdeskTicket(
      { id: 1, created_at: '2023-11-14T09:00:00Z', source: 7, status: 4, requester_id: 2, description_text: 'hi', conversations: [] },
      { timezone: 'UTC' },
    );
    expect(result.ok && result.value.conversation).toMatchObject({
      source: 'freshdesk',
      externalId: '1',
      channel: 'chat',
      status: 'resolved',
      messages: [{ externalId: 'description', role: 'customer', body: 'hi' }],
    });
  });
});
