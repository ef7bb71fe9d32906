import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import type { ConversationSource } from '../../db/schema.js';
import { detectFormat } from '../../ingest/detect-format.js';
import type { IngestSummary } from '../../ingest/run-ingest.js';
import { eachTestDatabaseAndFolder, memoryDatabase, type TemporaryFolder } from '../helpers.js';
import { fixture, ingest } from './ingest-helpers.js';

/** Everything stored about the conversations, without row ids or run ids: what two ways of loading must agree on. */
async function storedConversations(handle: TestDatabase, source?: ConversationSource, externalId?: string) {
  let query = handle.db
    .selectFrom('conversations')
    .select([
      'id',
      'source',
      'external_id',
      'channel',
      'created_at',
      'created_at_derived',
      'status',
      'resolved_at',
      'customer_id',
      'assignee',
      'subject',
      'language',
      'tags',
    ])
    .orderBy('source')
    .orderBy('external_id');
  if (source) query = query.where('source', '=', source);
  if (externalId) query = query.where('external_id', '=', externalId);
  const conversations = await query.execute();
  return Promise.all(
    conversations.map(async ({ id, ...conversation }) => ({
      ...conversation,
      messages: await handle.db
        .selectFrom('messages')
        .select(['external_id', 'author_role', 'author_id', 'created_at', 'body', 'body_length', 'body_truncated', 'internal'])
        .where('conversation_id', '=', id)
        .orderBy('created_at')
        .orderBy('external_id')
        .execute(),
      events: await handle.db
        .selectFrom('conversation_events')
        .select(['kind', 'created_at', 'actor_id'])
        .where('conversation_id', '=', id)
        .orderBy('created_at')
        .orderBy('kind')
        .execute(),
    })),
  );
}

/** The same data given in one piece, loaded into a database of its own. */
async function onePiece(file: string, source: ConversationSource, externalId?: string) {
  const handle = await memoryDatabase();
  try {
    const summary = await ingest(handle, file);
    expect(summary.files.map((f) => f.status)).toEqual(['loaded']);
    return await storedConversations(handle, source, externalId);
  } finally {
    await handle.close();
  }
}

function filesIn(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .map((name) => join(folder, name));
}

async function pendingCount(handle: TestDatabase): Promise<number> {
  return (await handle.db.selectFrom('pending_items').select('id').execute()).length;
}

/** A second ingest of each file changes nothing: every record unchanged, nothing inserted or updated, the same rows. */
async function expectIdempotent(handle: TestDatabase, files: string[]): Promise<void> {
  const before = await storedConversations(handle);
  const pending = await pendingCount(handle);
  for (const file of files) {
    const again: IngestSummary = await ingest(handle, file);
    // A record rejected the first time (a hostile one in a fixture) is rejected again; every other is unchanged.
    expect(again.records, file).toMatchObject({ inserted: 0, updated: 0 });
    expect(again.messages, file).toMatchObject({ inserted: 0, updated: 0 });
    expect(again.records.unchanged, file).toBe(again.records.read - again.records.rejected);
  }
  expect(await storedConversations(handle)).toEqual(before);
  expect(await pendingCount(handle)).toBe(pending);
}

const ZENDESK = fixture('feeds', 'zendesk');
const STREAMS = join(ZENDESK, 'streams');
const INTERCOM = fixture('feeds', 'intercom');
const CHATWOOT = fixture('feeds', 'chatwoot');

describe('Zendesk tickets, comments, audits and users apart', () => {
  let handle: TestDatabase;
  eachTestDatabaseAndFolder((h) => (handle = h));

  test.each([
    ['streams/tickets.jsonl', 'zendesk-jsonl'],
    ['streams/ticket_comments.jsonl', 'zendesk-jsonl'],
    ['streams/ticket_audits.jsonl', 'zendesk-jsonl'],
    ['streams/users.jsonl', 'zendesk-jsonl'],
    ['ticket-list.json', 'zendesk-json'],
    ['tables/tickets.csv', 'zendesk-csv'],
    ['tables/ticket_comments.csv', 'zendesk-csv'],
    ['tables/users.csv', 'zendesk-csv'],
    ['webhooks/03-comment_added.json', 'webhook-events-json'],
  ])('%s is detected from its content as %s', async (name, format) => {
    expect(await detectFormat(join(ZENDESK, name))).toMatchObject({ kind: 'format', format });
  });

  test('a ticket list without comments: each ticket has its description as its first message, from its submitter', async () => {
    const summary = await ingest(handle, join(ZENDESK, 'ticket-list.json'));
    expect(summary.records).toEqual({ read: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect(summary.messages).toEqual({ read: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const stored = await storedConversations(handle);
    expect(stored.map((c) => c.messages)).toEqual([
      [
        {
          external_id: 'description',
          author_role: 'customer',
          author_id: '7001',
          created_at: Date.UTC(2024, 2, 4, 8),
          body: 'My USDT withdrawal has been pending for 3 hours.',
          body_length: 48,
          body_truncated: 0,
          internal: 0,
        },
      ],
      [
        {
          external_id: 'description',
          author_role: 'customer',
          author_id: '7002',
          created_at: Date.UTC(2024, 2, 4, 9),
          body: '我的手机丢了，无法登录。',
          body_length: 12,
          body_truncated: 0,
          internal: 0,
        },
      ],
      [
        {
          external_id: 'description',
          author_role: 'customer',
          author_id: '7004',
          created_at: Date.UTC(2024, 2, 4, 11, 30),
          body: 'What is the fee to withdraw BTC?',
          body_length: 32,
          body_truncated: 0,
          internal: 0,
        },
      ],
    ]);
    await expectIdempotent(handle, [join(ZENDESK, 'ticket-list.json')]);
  });

  test('the streams in one run equal the export in one piece (comments read before their tickets, users last)', async () => {
    const expected = await onePiece(join(ZENDESK, 'one-piece.json'), 'zendesk');
    const summary = await ingest(handle, STREAMS);
    expect(summary.files.map((f) => [f.path.split('/').pop(), f.status])).toEqual([
      ['ticket_audits.jsonl', 'loaded'],
      ['ticket_comments.jsonl', 'loaded'],
      ['tickets.jsonl', 'loaded'],
      ['users.jsonl', 'loaded'],
    ]);
    // Tickets place the audits' two events and five comments; the users the two comments whose authors they name.
    expect(summary.files.map((f) => f.placed)).toEqual([0, 0, 7, 2]);
    expect(summary.waiting).toEqual({ conversation: 0, author: 0 });
    expect(await storedConversations(handle)).toEqual(expected);
    expect(expected.find((c) => c.external_id === '501')).toMatchObject({ status: 'solved', resolved_at: Date.UTC(2024, 2, 4, 10) });
    await expectIdempotent(handle, filesIn(STREAMS));
  });

  test.each([
    ['tickets, then comments the next night, then users', ['tickets.jsonl', 'ticket_comments.jsonl', 'ticket_audits.jsonl', 'users.jsonl']],
    ['comments first, users, audits, tickets last', ['ticket_comments.jsonl', 'users.jsonl', 'ticket_audits.jsonl', 'tickets.jsonl']],
    ['users first, then tickets, then comments and audits', ['users.jsonl', 'tickets.jsonl', 'ticket_audits.jsonl', 'ticket_comments.jsonl']],
  ])('one run per file (%s) ends equal to the export in one piece', async (_order, names) => {
    const expected = await onePiece(join(ZENDESK, 'one-piece.json'), 'zendesk');
    for (const name of names) expect((await ingest(handle, join(STREAMS, name))).files[0]!.status).toBe('loaded');
    expect(await storedConversations(handle)).toEqual(expected);
    expect(await pendingCount(handle)).toBe(0);
    await expectIdempotent(
      handle,
      names.map((name) => join(STREAMS, name)),
    );
  });

  test('between runs: the description stands in until the comments come; authors not yet known wait, reported', async () => {
    await ingest(handle, join(STREAMS, 'tickets.jsonl'));
    const comments = await ingest(handle, join(STREAMS, 'ticket_comments.jsonl'));
    // 9003 (an admin, not the assignee) and 9004 (a CC'd end-user) cannot be told apart without the users.
    expect(comments.waiting).toEqual({ conversation: 0, author: 2 });
    const ticket501 = (await storedConversations(handle, 'zendesk', '501'))[0]!;
    expect(ticket501.messages.map((m) => [m.external_id, m.author_role])).toEqual([
      ['9001', 'customer'],
      ['9002', 'agent'],
      ['9005', 'agent'],
    ]);
    const warnings = await handle.db.selectFrom('rejects').select('reason').where('run_id', '=', comments.runId).execute();
    expect(warnings.map((w) => w.reason)).toEqual([
      "comment 9003 of ticket 501 waits for its author 8003: not a known user, nor the ticket's customer or assignee, so its role is unknown; kept, and placed when the user arrives (a users file or side-load)",
      "comment 9004 of ticket 501 waits for its author 7003: not a known user, nor the ticket's customer or assignee, so its role is unknown; kept, and placed when the user arrives (a users file or side-load)",
    ]);
    // Ticket 503 has no comments in the stream: its description stays.
    expect((await storedConversations(handle, 'zendesk', '503'))[0]!.messages.map((m) => m.external_id)).toEqual(['description']);
    const users = await ingest(handle, join(STREAMS, 'users.jsonl'));
    expect(users.files[0]!.placed).toBe(2);
    expect(users.waiting).toEqual({ conversation: 0, author: 0 });
    const roles = (await storedConversations(handle, 'zendesk', '501'))[0]!.messages.map((m) => [m.external_id, m.author_role, m.internal]);
    expect(roles).toEqual([
      ['9001', 'customer', 0],
      ['9002', 'agent', 0],
      ['9003', 'agent', 1],
      ['9004', 'customer', 0],
      ['9005', 'agent', 0],
    ]);
  });

  test('CSV tables of tickets, comments and users (with the audits stream) equal the export in one piece', async () => {
    const expected = await onePiece(join(ZENDESK, 'one-piece.json'), 'zendesk');
    const tables = [...filesIn(join(ZENDESK, 'tables')), join(STREAMS, 'ticket_audits.jsonl')];
    const summary = await ingest(handle, ...tables);
    expect(summary.files.map((f) => f.format)).toEqual(['zendesk-csv', 'zendesk-csv', 'zendesk-csv', 'zendesk-jsonl']);
    expect(await storedConversations(handle)).toEqual(expected);
    await expectIdempotent(handle, tables);
  });

  test('a comment whose ticket never arrives is kept and reported, run after run, and nothing else changes', async () => {
    const file = join(ZENDESK, 'comment-of-missing-ticket.jsonl');
    const first = await ingest(handle, file);
    expect(first.records).toEqual({ read: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.messages).toEqual({ read: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.waiting).toEqual({ conversation: 1, author: 0 });
    expect(await handle.db.selectFrom('conversations').select('id').execute()).toEqual([]);
    const pending = await handle.db
      .selectFrom('pending_items')
      .select(['source', 'conversation_external_id', 'item_key', 'waits_for', 'author_id', 'line'])
      .execute();
    expect(pending).toEqual([
      { source: 'zendesk', conversation_external_id: '599', item_key: 'message:9901', waits_for: 'conversation', author_id: '7001', line: 1 },
    ]);
    const second = await ingest(handle, file);
    expect(second.records).toEqual({ read: 1, inserted: 0, updated: 0, unchanged: 1, rejected: 0 });
    expect(second.waiting).toEqual({ conversation: 1, author: 0 });
    const reasons = await handle.db.selectFrom('rejects').select(['run_id', 'kind', 'reason']).orderBy('id').execute();
    expect(reasons).toEqual(
      [first.runId, second.runId].map((run_id) => ({
        run_id,
        kind: 'warning',
        reason: 'comment 9901 of ticket 599 waits for its ticket, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
      })),
    );
  });

  test('webhook ticket events, one file each, equal the ticket in one piece', async () => {
    const expected = await onePiece(join(ZENDESK, 'one-piece.json'), 'zendesk', '501');
    const events = filesIn(join(ZENDESK, 'webhooks'));
    // Created: the description stands in for the first comment until the comment_added event brings it.
    await ingest(handle, events[0]!);
    expect((await storedConversations(handle))[0]!.messages.map((m) => m.external_id)).toEqual(['description']);
    const summary = await ingest(handle, ...events.slice(1));
    expect(summary.files.every((f) => f.status === 'loaded' && f.format === 'webhook-events-json')).toBe(true);
    expect(await storedConversations(handle)).toEqual(expected);
    await expectIdempotent(handle, events);
  });
});

describe('Intercom conversations, parts, admins and contacts apart', () => {
  let handle: TestDatabase;
  let folder: TemporaryFolder;
  eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));
  const STREAM_FILES = join(INTERCOM, 'streams');

  test.each([
    ['streams/conversation_parts.jsonl', 'intercom-jsonl'],
    ['streams/admins.json', 'intercom-json'],
    ['streams/contacts.json', 'intercom-json'],
    ['webhooks/03-conversation.admin.replied.json', 'webhook-events-json'],
  ])('%s is detected from its content as %s', async (name, format) => {
    expect(await detectFormat(join(INTERCOM, name))).toMatchObject({ kind: 'format', format });
  });

  test('the streams in one run equal the conversations in one piece; a teammate named only by id takes the role the admins give', async () => {
    const expected = await onePiece(join(INTERCOM, 'one-piece.jsonl'), 'intercom');
    const summary = await ingest(handle, STREAM_FILES);
    expect(summary.waiting).toEqual({ conversation: 0, author: 0 });
    expect(await storedConversations(handle)).toEqual(expected);
    await expectIdempotent(handle, filesIn(STREAM_FILES));
  });

  test('parts first, conversations the night after, admins and contacts last', async () => {
    const expected = await onePiece(join(INTERCOM, 'one-piece.jsonl'), 'intercom');
    const parts = await ingest(handle, join(STREAM_FILES, 'conversation_parts.jsonl'));
    expect(parts.waiting).toEqual({ conversation: 7, author: 0 });
    const conversations = await ingest(handle, join(STREAM_FILES, 'conversations.jsonl'));
    // The teammate's comments name only its id: it is the conversations' assignee, so an agent.
    expect(conversations.files[0]!.placed).toBe(7);
    expect(conversations.waiting).toEqual({ conversation: 0, author: 0 });
    await ingest(handle, join(STREAM_FILES, 'admins.json'), join(STREAM_FILES, 'contacts.json'));
    expect(await storedConversations(handle)).toEqual(expected);
  });

  test('a part whose author is named only by id, and is not the assignee, waits for the admins', async () => {
    await ingest(handle, join(STREAM_FILES, 'conversations.jsonl'));
    const part = {
      type: 'conversation_part',
      id: 'p-99',
      part_type: 'comment',
      body: '<p>Second opinion: all fine.</p>',
      created_at: 1709540000,
      author: { id: '815' },
      conversation_id: '1001',
    };
    const file = join(folder.path, 'parts.jsonl');
    writeFileSync(file, JSON.stringify(part) + '\n');
    const first = await ingest(handle, file);
    expect(first.waiting).toEqual({ conversation: 0, author: 1 });
    const admins = join(folder.path, 'admins.json');
    writeFileSync(admins, JSON.stringify({ type: 'admin.list', admins: [{ type: 'admin', id: '815', name: 'Agent Two' }] }));
    expect((await ingest(handle, admins)).files[0]!.placed).toBe(1);
    const stored = (await storedConversations(handle, 'intercom', '1001'))[0]!.messages.find((m) => m.external_id === 'p-99');
    expect(stored).toMatchObject({ author_role: 'agent', author_id: '815', body: 'Second opinion: all fine.' });
  });

  test('notification events, one file each, equal the conversation in one piece', async () => {
    const expected = await onePiece(join(INTERCOM, 'one-piece.jsonl'), 'intercom', '1001');
    const events = filesIn(join(INTERCOM, 'webhooks'));
    const summary = await ingest(handle, ...events);
    expect(summary.files.every((f) => f.status === 'loaded' && f.format === 'webhook-events-json')).toBe(true);
    expect(await storedConversations(handle)).toEqual(expected);
    await expectIdempotent(handle, events);
  });
});

describe('Chatwoot webhook events', () => {
  let handle: TestDatabase;
  eachTestDatabaseAndFolder((h) => (handle = h));

  test('conversation_created, message_created and conversation_status_changed equal the conversation in one piece', async () => {
    const expected = await onePiece(join(CHATWOOT, 'one-piece.json'), 'chatwoot');
    expect(expected).toEqual([
      expect.objectContaining({
        external_id: '42',
        channel: 'chat',
        status: 'resolved',
        customer_id: '55',
        assignee: '7',
        tags: '["inbox:3","kyc"]',
        resolved_at: Date.UTC(2024, 2, 4, 9, 10),
        events: [
          { kind: 'assigned', created_at: Date.UTC(2024, 2, 4, 9, 0, 30), actor_id: null },
          { kind: 'resolved', created_at: Date.UTC(2024, 2, 4, 9, 10), actor_id: '7' },
        ],
      }),
    ]);
    // The activity message (an assignment note) is not a message, but an assigned event.
    expect(expected[0]!.messages.map((m) => [m.external_id, m.author_role, m.internal])).toEqual([
      ['100', 'customer', 0],
      ['102', 'agent', 0],
      ['103', 'agent', 1],
      ['104', 'customer', 0],
    ]);
    const events = filesIn(join(CHATWOOT, 'webhooks'));
    const summary = await ingest(handle, ...events);
    expect(summary.files.every((f) => f.status === 'loaded' && f.format === 'webhook-events-json')).toBe(true);
    expect(await storedConversations(handle)).toEqual(expected);
    await expectIdempotent(handle, events);
  });
});

describe('Help Scout conversation lists and threads responses apart', () => {
  let handle: TestDatabase;
  eachTestDatabaseAndFolder((h) => (handle = h));
  const HELPSCOUT = fixture('feeds', 'helpscout');
  const ONE_PIECE = fixture('helpscout', 'conversations-page.json');
  const threads = () => filesIn(HELPSCOUT).filter((path) => path.includes('threads-'));

  test.each([
    ['conversations-list.json', 'helpscout-json'],
    ['threads-9001.json', 'helpscout-threads-json'],
  ])('%s is detected from its content as %s', async (name, format) => {
    expect(await detectFormat(join(HELPSCOUT, name))).toMatchObject({ kind: 'format', format });
  });

  test('a list response without threads and one threads response per conversation, in one run, equal the list with its threads embedded', async () => {
    const expected = await onePiece(ONE_PIECE, 'helpscout');
    const summary = await ingest(handle, HELPSCOUT);
    expect(summary.files.map((f) => f.format)).toEqual([
      'helpscout-json',
      'helpscout-threads-json',
      'helpscout-threads-json',
      'helpscout-threads-json',
      'helpscout-threads-json',
    ]);
    expect(summary.waiting).toEqual({ conversation: 0, author: 0 });
    expect(await storedConversations(handle)).toEqual(expected);
    await expectIdempotent(handle, filesIn(HELPSCOUT));
  });

  test('threads first, the conversation list the next night', async () => {
    const expected = await onePiece(ONE_PIECE, 'helpscout');
    const first = await ingest(handle, ...threads());
    expect(first.waiting.conversation).toBeGreaterThan(0);
    expect(await handle.db.selectFrom('conversations').select('id').execute()).toEqual([]);
    const second = await ingest(handle, join(HELPSCOUT, 'conversations-list.json'));
    expect(second.waiting).toEqual({ conversation: 0, author: 0 });
    expect(second.files[0]!.placed).toBe(first.waiting.conversation);
    expect(await storedConversations(handle)).toEqual(expected);
  });
});

describe('Chatwoot conversation lists and messages apart (Application API v1)', () => {
  let handle: TestDatabase;
  let folder: TemporaryFolder;
  eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));
  const API = join(CHATWOOT, 'api');
  const ONE_PIECE = join(CHATWOOT, 'api-one-piece.json');
  const LIST = join(API, 'conversations-list.json');
  const STREAM = join(CHATWOOT, 'messages-stream.jsonl');
  const RESPONSES = [join(API, 'messages-61.json'), join(API, 'messages-62.json')];

  /** The stored rows with the team and satisfaction columns, which the Chatwoot API files set too. */
  async function storedWithRatings(h: TestDatabase) {
    const extra = await h.db.selectFrom('conversations').select(['external_id', 'team', 'csat_rating', 'csat']).orderBy('external_id').execute();
    return { conversations: await storedConversations(h), extra };
  }

  async function inOnePiece() {
    const h = await memoryDatabase();
    try {
      expect((await ingest(h, ONE_PIECE)).files.map((f) => f.status)).toEqual(['loaded']);
      return await storedWithRatings(h);
    } finally {
      await h.close();
    }
  }

  /** Every order of a list of files. */
  function orders(files: string[]): string[][] {
    if (files.length <= 1) return [files];
    return files.flatMap((file, i) => orders([...files.slice(0, i), ...files.slice(i + 1)]).map((rest) => [file, ...rest]));
  }

  test.each([
    ['api/conversations-list.json', 'chatwoot-json'],
    ['api/messages-61.json', 'chatwoot-messages-json'],
    ['messages-stream.jsonl', 'chatwoot-messages-jsonl'],
    ['api-one-piece.json', 'chatwoot-json'],
  ])('%s is detected from its content as %s', async (name, format) => {
    expect(await detectFormat(join(CHATWOOT, name))).toMatchObject({ kind: 'format', format });
  });

  test('the conversations in one piece: roles, internal notes, and activity as events', async () => {
    const expected = await onePiece(ONE_PIECE, 'chatwoot');
    expect(expected.map((c) => [c.external_id, c.channel, c.status, c.resolved_at, c.customer_id, c.assignee, c.tags])).toEqual([
      ['61', 'chat', 'resolved', Date.UTC(2024, 2, 5, 9, 20), '81', '7', '["inbox:3","payments"]'],
      ['62', 'email', 'open', null, '82', '7', '["account","email","inbox:5"]'],
    ]);
    expect(expected.map((c) => c.messages.map((m) => [m.external_id, m.author_role, m.internal]))).toEqual([
      [
        ['600', 'customer', 0],
        ['602', 'agent', 0],
        ['603', 'agent', 1],
        ['604', 'customer', 0],
        ['605', 'agent', 0],
        ['607', 'system', 0],
      ],
      [
        ['610', 'system', 0],
        ['611', 'customer', 0],
        ['612', 'bot', 0],
        ['613', 'customer', 0],
        ['614', 'agent', 0],
      ],
    ]);
    expect(expected[0]!.events).toEqual([
      { kind: 'assigned', created_at: Date.UTC(2024, 2, 5, 9, 0, 30), actor_id: null },
      { kind: 'resolved', created_at: Date.UTC(2024, 2, 5, 9, 20), actor_id: null },
    ]);
    // The submitted CSAT survey rates conversation 61.
    expect((await inOnePiece()).extra).toEqual([
      { external_id: '61', team: 'Payments', csat_rating: '5', csat: 'good' },
      { external_id: '62', team: null, csat_rating: null, csat: null },
    ]);
  });

  test('a conversation list without its messages loads the conversations, each with its last message', async () => {
    const summary = await ingest(handle, LIST);
    expect(summary.files.map((f) => [f.format, f.status])).toEqual([['chatwoot-json', 'loaded']]);
    expect(summary.records).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
    expect(summary.messages).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
    const stored = await storedConversations(handle);
    expect(stored.map((c) => [c.external_id, c.status, c.resolved_at, c.customer_id, c.assignee, c.tags, c.messages.map((m) => m.external_id)])).toEqual([
      ['61', 'resolved', null, '81', '7', '["inbox:3","payments"]', ['605']],
      ['62', 'open', null, '82', '7', '["account","email","inbox:5"]', ['614']],
    ]);
    expect((await storedWithRatings(handle)).extra).toEqual([
      { external_id: '61', team: 'Payments', csat_rating: null, csat: null },
      { external_id: '62', team: null, csat_rating: null, csat: null },
    ]);
    await expectIdempotent(handle, [LIST]);
  });

  test('the list and one messages response per conversation, in one run, equal the conversations in one piece', async () => {
    const expected = await inOnePiece();
    const summary = await ingest(handle, API);
    expect(summary.files.map((f) => [f.path.split('/').pop(), f.format, f.status])).toEqual([
      ['conversations-list.json', 'chatwoot-json', 'loaded'],
      ['messages-61.json', 'chatwoot-messages-json', 'loaded'],
      ['messages-62.json', 'chatwoot-messages-json', 'loaded'],
    ]);
    // Every message of a response is read (activity messages are events, not messages); the last ones were in the list.
    expect(summary.files.map((f) => f.messages)).toEqual([
      { read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
      { read: 6, inserted: 5, updated: 0, unchanged: 1, rejected: 0 },
      { read: 5, inserted: 4, updated: 0, unchanged: 1, rejected: 0 },
    ]);
    expect(summary.waiting).toEqual({ conversation: 0, author: 0 });
    expect(await storedWithRatings(handle)).toEqual(expected);
    await expectIdempotent(handle, filesIn(API));
    expect(await storedWithRatings(handle)).toEqual(expected);
  });

  test.each(orders([LIST, ...RESPONSES]).map((files) => [files.map((file) => file.split('/').pop()).join(', '), files] as const))(
    'one run per file (%s) ends equal to the conversations in one piece',
    async (_order, files) => {
      const expected = await inOnePiece();
      for (const file of files) expect((await ingest(handle, file)).files[0]!.status).toBe('loaded');
      expect(await storedWithRatings(handle)).toEqual(expected);
      expect(await pendingCount(handle)).toBe(0);
      await expectIdempotent(handle, files);
      expect(await storedWithRatings(handle)).toEqual(expected);
    },
  );

  test('messages responses first, the list the next night: the messages wait, reported, and the list places them', async () => {
    const expected = await inOnePiece();
    const first = await ingest(handle, ...RESPONSES);
    // Eleven messages, two activity events (assigned, resolved) and the CSAT rating wait for their conversations.
    expect(first.waiting).toEqual({ conversation: 14, author: 0 });
    expect(await handle.db.selectFrom('conversations').select('id').execute()).toEqual([]);
    const warnings = await handle.db.selectFrom('rejects').select('reason').where('run_id', '=', first.runId).orderBy('id').execute();
    expect(warnings[0]!.reason).toBe(
      'message 600 of conversation 61 waits for its conversation, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
    );
    expect(warnings.map((w) => w.reason)).toContain(
      'the satisfaction rating 5 of conversation 61 waits for its conversation, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
    );
    const second = await ingest(handle, LIST);
    expect(second.files[0]!.placed).toBe(14);
    expect(second.waiting).toEqual({ conversation: 0, author: 0 });
    expect(await storedWithRatings(handle)).toEqual(expected);
  });

  test.each([
    ['the stream, then the list', [STREAM, LIST]],
    ['the list, then the stream', [LIST, STREAM]],
  ])(
    'a messages stream (one message a line, conversations mixed) and the list: in one run (%s) and one run each, equal to one piece',
    async (_order, files) => {
      const expected = await inOnePiece();
      const summary = await ingest(handle, ...files);
      expect(summary.files.map((f) => [f.path.split('/').pop(), f.format, f.status])).toEqual(
        files.map((file) => [file.split('/').pop(), file === STREAM ? 'chatwoot-messages-jsonl' : 'chatwoot-json', 'loaded']),
      );
      expect(summary.waiting).toEqual({ conversation: 0, author: 0 });
      expect(await storedWithRatings(handle)).toEqual(expected);
      await expectIdempotent(handle, files);
      expect(await storedWithRatings(handle)).toEqual(expected);

      const apart = await memoryDatabase();
      try {
        for (const file of files) await ingest(apart, file);
        expect(await storedWithRatings(apart)).toEqual(expected);
        expect(await pendingCount(apart)).toBe(0);
      } finally {
        await apart.close();
      }
    },
  );

  test('a message whose conversation never arrives is kept and reported; one that names no conversation is rejected with its line', async () => {
    const message = {
      id: 990,
      content: 'Anyone there?',
      conversation_id: 77,
      message_type: 0,
      created_at: 1709629200,
      private: false,
      sender_type: 'Contact',
      sender: { id: 81, type: 'contact' },
    };
    const { conversation_id: _dropped, ...nameless } = { ...message, id: 991 };
    const file = join(folder.path, 'messages.jsonl');
    writeFileSync(file, `${JSON.stringify(message)}\n${JSON.stringify(nameless)}\n`);
    expect(await detectFormat(file)).toMatchObject({ kind: 'format', format: 'chatwoot-messages-jsonl' });
    const first = await ingest(handle, file);
    expect(first.records).toEqual({ read: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 });
    expect(first.waiting).toEqual({ conversation: 1, author: 0 });
    const reasons = await handle.db.selectFrom('rejects').select(['kind', 'line', 'reason']).where('run_id', '=', first.runId).orderBy('id').execute();
    expect(reasons).toEqual([
      {
        kind: 'warning',
        line: 1,
        reason:
          'message 990 of conversation 77 waits for its conversation, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
      },
      { kind: 'record', line: 2, reason: expect.stringContaining('a message that does not name its conversation') },
    ]);
    const second = await ingest(handle, file);
    expect(second.records).toEqual({ read: 2, inserted: 0, updated: 0, unchanged: 1, rejected: 1 });
    expect(second.waiting).toEqual({ conversation: 1, author: 0 });
  });

  test('in a messages response, a message the mapping rejects is named by its element; the others are placed', async () => {
    await ingest(handle, LIST);
    const good = {
      id: 620,
      content: 'Any news?',
      conversation_id: 62,
      message_type: 0,
      created_at: 1709640000,
      private: false,
      sender_type: 'Contact',
      sender: { id: 82, type: 'contact' },
    };
    const file = join(folder.path, 'messages-62.json');
    writeFileSync(file, JSON.stringify({ meta: { labels: [] }, payload: [good, { ...good, id: 621, message_type: 9 }] }, null, 2));
    const summary = await ingest(handle, file);
    expect(summary.files.map((f) => [f.format, f.status])).toEqual([['chatwoot-messages-json', 'loaded']]);
    expect(summary.messages).toMatchObject({ read: 2, inserted: 1, rejected: 1 });
    const reasons = await handle.db.selectFrom('rejects').select(['kind', 'reason']).where('run_id', '=', summary.runId).execute();
    expect(reasons).toEqual([{ kind: 'message', reason: 'element 2: message: unknown message_type 9 (expected 0-3: incoming, outgoing, activity, template)' }]);
    expect((await storedConversations(handle, 'chatwoot', '62'))[0]!.messages.map((m) => m.external_id)).toEqual(['614', '620']);
  });
});
