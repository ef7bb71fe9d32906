import { describe, expect, test } from 'vitest';
import { detectFormat } from '../../../ingest/detect-format.js';
import { eachTestDatabase, fixture, ingest, temporaryFile } from '../ingest-helpers.js';

const LIST = fixture('intercom', 'list-response.json');
const LINES = fixture('intercom', 'conversations-one-per-line.jsonl');
const seconds = (epoch: number): number => epoch * 1000;

const database = eachTestDatabase();
const conversation = (externalId: string) => database.conversation('intercom', externalId);
function message(externalId: string) {
  return database.handle.db.selectFrom('messages').selectAll().where('external_id', '=', externalId).executeTakeFirstOrThrow();
}

describe('Intercom conversations', () => {
  test.each([
    { file: LIST, format: 'intercom-json' },
    { file: LINES, format: 'intercom-jsonl' },
  ])('$format is detected from the content', async ({ file, format }) => {
    const detection = await detectFormat(file);
    expect(detection.kind === 'format' && detection.format).toBe(format);
  });

  test('a conversation.list response loads every conversation with its source and parts', async () => {
    const summary = await ingest(database.handle, LIST);
    expect(summary.files[0]).toMatchObject({ format: 'intercom-json', status: 'loaded' });
    expect(summary.records).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
    expect(summary.messages).toEqual({ read: 7, inserted: 7, updated: 0, unchanged: 0, rejected: 0 });
  });

  test.each([
    {
      what: 'the source is the first message (HTML to text)',
      id: 'source-403918330',
      expected: {
        author_role: 'customer',
        author_id: '5bc8f7ae2d96695c18a1',
        created_at: seconds(1700000000),
        internal: 0,
        body: "Hi, my deposit of 0.5 BTC hasn't arrived.\n\nTx: abc123",
      },
    },
    {
      what: 'an admin comment is an agent message',
      id: '7002',
      expected: { author_role: 'agent', author_id: '5017691', created_at: seconds(1700000240), body: 'Hello! I’m checking our wallet now.' },
    },
    { what: 'a note is internal', id: '7003', expected: { author_role: 'agent', internal: 1, body: 'Chain shows 2/6 confirmations' } },
    {
      what: 'a close part with a body is also a message',
      id: '7004',
      expected: { author_role: 'agent', internal: 0, body: 'It has arrived now — 6 confirmations.' },
    },
    { what: 'a user comment is a customer message', id: '7005', expected: { author_role: 'customer', body: 'Thanks! One more question…' } },
    {
      what: 'a lead is a customer; <br> is a line break',
      id: 'source-403918331',
      expected: { author_role: 'customer', author_id: '6643703ffae7834d1792fd30', body: 'What is my daily withdrawal limit?\nThanks' },
    },
    {
      what: 'a bot is a bot; links keep their text',
      id: '7101',
      expected: { author_role: 'bot', author_id: '814860', body: 'Limits are listed at our limits page.' },
    },
  ])('maps parts: $what', async ({ id, expected }) => {
    await ingest(database.handle, LIST);
    expect(await message(id)).toMatchObject(expected);
  });

  test('parts without a body (assignment, open, an empty close) are events, not messages', async () => {
    await ingest(database.handle, LIST);
    for (const id of ['7001', '7006', '7007']) {
      expect(await database.handle.db.selectFrom('messages').select('external_id').where('external_id', '=', id).executeTakeFirst()).toBeUndefined();
    }
  });

  test.each([
    {
      what: 'closed, reopened and closed again',
      id: '1911149811',
      expected: {
        channel: 'chat',
        status: 'closed',
        resolved_at: seconds(1700009000),
        customer_id: '5bc8f7ae2d96695c18a1',
        assignee: '5017691',
        tags: '["btc","deposits"]',
        subject: null,
        created_at: seconds(1700000000),
        created_at_derived: 0,
      },
    },
    {
      what: 'an open email conversation',
      id: '1911149812',
      expected: {
        channel: 'email',
        status: 'open',
        resolved_at: null,
        customer_id: '6643703ffae7834d1792fd30',
        assignee: null,
        tags: '[]',
        subject: 'Withdrawal limit',
      },
    },
  ])('maps the conversation: $what', async ({ id, expected }) => {
    await ingest(database.handle, LIST);
    expect(await conversation(id)).toMatchObject(expected);
  });

  test('assignment, close and open parts become assigned, resolved and reopened events', async () => {
    await ingest(database.handle, LIST);
    const { id } = await conversation('1911149811');
    const events = await database.handle.db
      .selectFrom('conversation_events')
      .select(['kind', 'created_at', 'actor_id'])
      .where('conversation_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(events).toEqual([
      { kind: 'assigned', created_at: seconds(1700000060), actor_id: '5017691' },
      { kind: 'resolved', created_at: seconds(1700000600), actor_id: '5017691' },
      { kind: 'reopened', created_at: seconds(1700005100), actor_id: '5017691' },
      { kind: 'resolved', created_at: seconds(1700009000), actor_id: '5017691' },
    ]);
  });

  test('statistics give the close times when a conversation comes without parts', async () => {
    const file = await temporaryFile(
      'list.json',
      JSON.stringify({
        type: 'conversation.list',
        conversations: [
          {
            type: 'conversation',
            id: '77',
            created_at: 1700000000,
            state: 'closed',
            source: { type: 'conversation', id: '1', body: '<p>hi</p>', author: { type: 'user', id: 'u1' } },
            statistics: { type: 'conversation_statistics', first_close_at: 1700000100, last_close_at: 1700000900, last_closed_by_id: 42 },
          },
        ],
      }),
    );
    try {
      await ingest(database.handle, file.path);
      const stored = await conversation('77');
      expect(stored.resolved_at).toBe(seconds(1700000900));
      const events = await database.handle.db.selectFrom('conversation_events').select(['kind', 'created_at', 'actor_id']).orderBy('created_at').execute();
      expect(events).toEqual([
        { kind: 'resolved', created_at: seconds(1700000100), actor_id: null },
        { kind: 'resolved', created_at: seconds(1700000900), actor_id: '42' },
      ]);
    } finally {
      await file.cleanup();
    }
  });

  test('JSON Lines: a broken line, a conversation without created_at and an unknown author are rejected with reasons; the rest loads', async () => {
    const summary = await ingest(database.handle, LINES);
    expect(summary.files[0]).toMatchObject({ format: 'intercom-jsonl', status: 'loaded' });
    expect(summary.records).toEqual({ read: 4, inserted: 2, updated: 0, unchanged: 0, rejected: 2 });
    // The conversation without created_at held one message (its source): rejected with it.
    expect(summary.messages).toEqual({ read: 7, inserted: 4, updated: 0, unchanged: 1, rejected: 2 });
    const rejects = await database.handle.db.selectFrom('rejects').select(['line', 'kind', 'reason']).orderBy('id').execute();
    expect(rejects).toEqual([
      { line: 1, kind: 'message', reason: 'part 1: unknown author type "visitor" (expected user, lead, contact, admin, team, bot)' },
      { line: 2, kind: 'record', reason: expect.stringMatching(/^broken JSON: /) },
      { line: 3, kind: 'record', reason: 'missing field "created_at"' },
      { line: 4, kind: 'warning', reason: 'part 2: duplicate of message id "8401", ignored' },
    ]);
    expect(await message('source-9001')).toMatchObject({ author_role: 'agent', author_id: '5017691' });
    expect(await conversation('2001')).toMatchObject({ customer_id: 'contact-1', status: 'open' });
    expect(await conversation('2004')).toMatchObject({ status: 'snoozed', created_at: Date.UTC(2023, 10, 17, 8) });
  });

  test.each([LIST, LINES])('the same file twice changes nothing the second time (%s)', async (file) => {
    const first = await ingest(database.handle, file);
    const again = await ingest(database.handle, file);
    expect(again.records).toMatchObject({ inserted: 0, updated: 0, unchanged: first.records.inserted, rejected: first.records.rejected });
    expect(again.messages).toMatchObject({ inserted: 0, updated: 0 });
    const events = await database.handle.db
      .selectFrom('conversation_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(events.n).toBe(file === LIST ? 4 : 0);
  });

  test.each([
    {
      scenario: 'a document cut short',
      content: '{\n  "type": "conversation.list",\n  "conversations": [\n    {"type": "conversation", "id": "1", "created_at": 17',
      error: /broken JSON document/,
    },
    {
      scenario: 'a list whose conversations are not objects',
      content: JSON.stringify({ type: 'conversation.list', conversations: [42, 'x', null] }, null, 2),
      error: null,
    },
  ])('hostile document: $scenario', async ({ content, error }) => {
    const file = await temporaryFile('intercom.json', content);
    try {
      const summary = await ingest(database.handle, file.path);
      if (error) {
        expect(summary.files[0]).toMatchObject({ status: 'failed', format: 'intercom-json' });
        expect(summary.files[0]!.error).toMatch(error);
      } else {
        expect(summary.records).toMatchObject({ read: 3, rejected: 3 });
        const reasons = (await database.handle.db.selectFrom('rejects').select('reason').execute()).map((r) => r.reason);
        expect(reasons[0]).toBe('element 1: expected an Intercom conversation object, got number 42');
      }
    } finally {
      await file.cleanup();
    }
  });

  test('names that are Object.prototype keys ("constructor", "toString") are data, not code', async () => {
    const line = {
      type: 'conversation',
      id: 'proto',
      created_at: 1700000000,
      source: { type: 'toString', id: 's', body: '&constructor; &amp;', author: { type: 'user', id: 'u' } },
      conversation_parts: {
        conversation_parts: [{ id: 'p', part_type: 'comment', body: 'x', created_at: 1700000001, author: { type: 'constructor', id: 'a' } }],
      },
    };
    const file = await temporaryFile('intercom.jsonl', JSON.stringify(line));
    try {
      const summary = await ingest(database.handle, file.path);
      expect(summary.files[0]!.status).toBe('loaded');
      expect(await conversation('proto')).toMatchObject({ channel: 'tostring' });
      expect(await message('source-s')).toMatchObject({ body: '&constructor; &' });
      const reasons = (await database.handle.db.selectFrom('rejects').select('reason').execute()).map((r) => r.reason);
      expect(reasons).toEqual(['part 1: unknown author type "constructor" (expected user, lead, contact, admin, team, bot)']);
    } finally {
      await file.cleanup();
    }
  });

  test('wrong types inside a conversation are reported, and a huge body is truncated and flagged', async () => {
    const huge = `<p>${'a'.repeat(150_000)}</p>`;
    const lines = [
      {
        type: 'conversation',
        id: 'w1',
        created_at: 1700000000,
        source: { type: 'conversation', id: 's', body: huge, author: { type: 'user', id: 'u' } },
        conversation_parts: 'not a list',
      },
      {
        type: 'conversation',
        id: 'w2',
        created_at: 1700000000,
        source: 'text',
        conversation_parts: { conversation_parts: [{ id: 'p', part_type: 'comment', body: 'x', created_at: 'yesterday', author: { type: 'admin', id: 'a' } }] },
      },
    ];
    const file = await temporaryFile('intercom.jsonl', lines.map((line) => JSON.stringify(line)).join('\n'));
    try {
      const summary = await ingest(database.handle, file.path);
      expect(summary.records).toMatchObject({ read: 2, inserted: 2, rejected: 0 });
      const stored = await message('source-s');
      expect(stored).toMatchObject({ body_truncated: 1, body_length: 150_000 });
      expect(stored.body).toHaveLength(100_000);
      const reasons = (await database.handle.db.selectFrom('rejects').select(['kind', 'reason']).orderBy('id').execute()).map((r) => `${r.kind}: ${r.reason}`);
      expect(reasons).toEqual([
        'warning: source message: body of 150000 characters truncated to 100000',
        'warning: "conversation_parts" must be a list, got the text "not a list"; ignored',
        'message: "source" must be an object, got the text "text"',
        'message: part 1: "created_at": unrecognised timestamp "yesterday"',
      ]);
    } finally {
      await file.cleanup();
    }
  });
});
