import { truncate } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../../../ingest/limits.js';
import type { TestDatabase } from '../../support/test-database.js';
import { detectFormat } from '../../../ingest/detect-format.js';
import { fixture, freshDatabase, ingest, temporaryFile } from '../ingest-helpers.js';

const PAGE = fixture('zendesk', 'incremental-export-with-comments.json');
const AUDITS = fixture('zendesk', 'ticket-with-audits.json');
const LINES = fixture('zendesk', 'tickets-one-per-line.jsonl');

let handle: TestDatabase;
beforeEach(async () => {
  handle = await freshDatabase();
});
afterEach(async () => {
  await handle.close();
});

function ticket(externalId: string) {
  return handle.db.selectFrom('conversations').selectAll().where('source', '=', 'zendesk').where('external_id', '=', externalId).executeTakeFirstOrThrow();
}

function comment(externalId: string) {
  return handle.db.selectFrom('messages').selectAll().where('external_id', '=', externalId).executeTakeFirst();
}

async function rejects() {
  return handle.db.selectFrom('rejects').select(['line', 'kind', 'reason']).orderBy('id').execute();
}

describe('Zendesk tickets', () => {
  test.each([
    { file: PAGE, format: 'zendesk-json' },
    { file: AUDITS, format: 'zendesk-json' },
    { file: LINES, format: 'zendesk-jsonl' },
  ])('$format is detected from the content of $file', async ({ file, format }) => {
    const detection = await detectFormat(file);
    expect(detection.kind === 'format' && detection.format).toBe(format);
  });

  test('an incremental export page with users and comments side-loaded: every ticket, comment and orphan accounted for', async () => {
    const summary = await ingest(handle, PAGE);
    expect(summary.files[0]).toMatchObject({ format: 'zendesk-json', status: 'loaded' });
    // Ticket 103 has no comments: its description stands in; a stranger's comment and a comment of ticket 999 wait.
    expect(summary.records).toEqual({ read: 4, inserted: 4, updated: 0, unchanged: 0, rejected: 0 });
    expect(summary.messages).toEqual({ read: 9, inserted: 9, updated: 0, unchanged: 0, rejected: 0 });
    expect(summary.waiting).toEqual({ conversation: 1, author: 1 });
    expect(await rejects()).toEqual([
      {
        line: null,
        kind: 'warning',
        reason:
          "comment 5102 of ticket 102 waits for its author 3999: not a known user, nor the ticket's customer or assignee, so its role is unknown; kept, and placed when the user arrives (a users file or side-load)",
      },
      {
        line: null,
        kind: 'warning',
        reason: 'comment 5901 of ticket 999 waits for its ticket, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
      },
    ]);
  });

  test.each([
    {
      what: 'web is email; solved time from metric_sets',
      id: '101',
      expected: {
        channel: 'email',
        status: 'solved',
        resolved_at: Date.UTC(2023, 10, 14, 11, 5),
        customer_id: '1001',
        assignee: '2001',
        subject: 'Deposit not credited',
        tags: '["btc","deposit"]',
        created_at: Date.UTC(2023, 10, 14, 9),
      },
    },
    {
      what: 'chat stays chat; an open ticket is not resolved',
      id: '102',
      expected: { channel: 'chat', status: 'open', resolved_at: null, customer_id: '1002', assignee: '2002', subject: '提现失败' },
    },
    { what: 'twitter is social', id: '103', expected: { channel: 'social', status: 'new', assignee: null } },
  ])('maps the ticket: $what', async ({ id, expected }) => {
    await ingest(handle, PAGE);
    expect(await ticket(id)).toMatchObject(expected);
  });

  test.each([
    {
      what: 'an end-user is a customer',
      id: '5001',
      expected: {
        author_role: 'customer',
        author_id: '1001',
        internal: 0,
        created_at: Date.UTC(2023, 10, 14, 9),
        body: 'My deposit of 0.5 BTC is not credited.',
      },
    },
    { what: 'an agent is an agent', id: '5002', expected: { author_role: 'agent', author_id: '2001', internal: 0, created_at: Date.UTC(2023, 10, 14, 9, 42) } },
    { what: 'a private comment is internal', id: '5003', expected: { author_role: 'agent', internal: 1 } },
    { what: 'Chinese text and emoji', id: '5101', expected: { author_role: 'customer', body: '我的提现失败了 😟' } },
    { what: 'a comment via a trigger is a system message', id: '5103', expected: { author_role: 'system', author_id: '2002' } },
  ])('maps the comment: $what', async ({ id, expected }) => {
    await ingest(handle, PAGE);
    expect(await comment(id)).toMatchObject(expected);
  });

  test('audits: comments inside them, status changes as resolved and reopened events, assignee changes as assigned', async () => {
    const summary = await ingest(handle, AUDITS);
    expect(summary.records).toEqual({ read: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(summary.messages).toEqual({ read: 5, inserted: 5, updated: 0, unchanged: 0, rejected: 0 });
    const stored = await ticket('201');
    expect(stored).toMatchObject({ channel: 'email', status: 'solved', resolved_at: Date.UTC(2023, 10, 16, 9) });
    const events = await handle.db
      .selectFrom('conversation_events')
      .select(['kind', 'created_at', 'actor_id'])
      .where('conversation_id', '=', stored.id)
      .orderBy('created_at')
      .execute();
    expect(events).toEqual([
      { kind: 'assigned', created_at: Date.UTC(2023, 10, 15, 8, 20), actor_id: '2001' },
      { kind: 'resolved', created_at: Date.UTC(2023, 10, 15, 9), actor_id: '2001' },
      { kind: 'reopened', created_at: Date.UTC(2023, 10, 15, 18), actor_id: '1001' },
      { kind: 'resolved', created_at: Date.UTC(2023, 10, 16, 9), actor_id: '2001' },
    ]);
    expect(await comment('6001')).toMatchObject({ author_role: 'customer', created_at: Date.UTC(2023, 10, 15, 8) });
    expect(await comment('6002')).toMatchObject({ author_role: 'agent', body: "Please upload a selfie with your ID & today's date." });
    expect(await comment('6004')).toMatchObject({ internal: 1 });
  });

  test('JSON Lines (one ticket a line, comments embedded, no users): requester and assignee get roles, others are rejected', async () => {
    const summary = await ingest(handle, LINES);
    expect(summary.files[0]).toMatchObject({ format: 'zendesk-jsonl', status: 'loaded' });
    expect(summary.records).toEqual({ read: 4, inserted: 2, updated: 0, unchanged: 0, rejected: 2 });
    expect(summary.messages).toEqual({ read: 4, inserted: 4, updated: 0, unchanged: 0, rejected: 0 });
    expect(await rejects()).toEqual([
      {
        line: 1,
        kind: 'warning',
        reason:
          "comment 8003 of ticket 301 waits for its author 2999: not a known user, nor the ticket's customer or assignee, so its role is unknown; kept, and placed when the user arrives (a users file or side-load)",
      },
      { line: 2, kind: 'record', reason: expect.stringMatching(/^broken JSON: /) },
      { line: 4, kind: 'record', reason: 'missing field "id"' },
    ]);
    expect(await ticket('301')).toMatchObject({ channel: 'email', status: 'pending', created_at: Date.UTC(2023, 10, 17, 2) });
    expect(await comment('8001')).toMatchObject({ author_role: 'customer' });
    expect(await comment('8002')).toMatchObject({ author_role: 'agent' });
    expect(await ticket('302')).toMatchObject({ channel: 'chat', status: 'closed', resolved_at: Date.UTC(2023, 10, 17, 12, 30) });
  });

  test('ticket events (include=comment_events) beside the tickets: comments and status changes, a comment without its text rejected', async () => {
    const summary = await ingest(handle, fixture('zendesk', 'tickets-with-ticket-events.json'));
    expect(summary.records).toEqual({ read: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(summary.messages).toEqual({ read: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
    const stored = await ticket('401');
    const events = await handle.db
      .selectFrom('conversation_events')
      .select(['kind', 'created_at', 'actor_id'])
      .where('conversation_id', '=', stored.id)
      .orderBy('created_at')
      .orderBy('kind')
      .execute();
    expect(events).toEqual([
      { kind: 'assigned', created_at: Date.UTC(2023, 10, 17, 6, 46, 40), actor_id: '2001' },
      { kind: 'resolved', created_at: Date.UTC(2023, 10, 17, 6, 46, 40), actor_id: '2001' },
      { kind: 'reopened', created_at: Date.UTC(2023, 10, 17, 7, 46, 40), actor_id: '1001' },
    ]);
    expect(await comment('91048994500')).toMatchObject({ author_role: 'agent', body: 'Your bank blocked it; please call them.' });
    expect((await rejects()).map((r) => r.reason)).toEqual([
      'ticket 1: ticket event 3 comment 1: the comment text is not in the export (export ticket events with include=comment_events)',
    ]);
  });

  test('ticket events without their tickets: kept waiting for the ticket, each reported', async () => {
    const summary = await ingest(handle, fixture('zendesk', 'ticket-events-without-tickets.json'));
    expect(summary.files[0]).toMatchObject({ format: 'zendesk-json', status: 'loaded' });
    expect(summary.records).toMatchObject({ read: 2, inserted: 2, rejected: 0 });
    expect(summary.messages).toMatchObject({ read: 2, inserted: 2, rejected: 0 }); // the comment inside each event
    expect(summary.waiting).toEqual({ conversation: 4, author: 0 });
    expect((await rejects()).map((r) => r.reason)).toEqual([
      'comment 91048994488 of ticket 401 waits for its ticket, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
      'comment 91048994500 of ticket 401 waits for its ticket, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
      'resolved event of ticket 401 waits for its ticket, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
      'assigned event of ticket 401 waits for its ticket, which is not loaded yet: kept, and placed when it arrives (this run or a later one)',
    ]);
  });

  test.each([PAGE, AUDITS, LINES])('the same file twice changes nothing the second time (%s)', async (file) => {
    const first = await ingest(handle, file);
    const eventsBefore = await handle.db.selectFrom('conversation_events').selectAll().execute();
    const again = await ingest(handle, file);
    expect(again.records).toEqual({ ...first.records, inserted: 0, unchanged: first.records.inserted });
    expect(again.messages).toMatchObject({ inserted: 0, updated: 0, unchanged: first.messages.inserted });
    expect(await handle.db.selectFrom('conversation_events').selectAll().execute()).toEqual(eventsBefore);
  });

  test('a ticket seen again with more comments is updated, no comment duplicated', async () => {
    const page = (comments: unknown[]) =>
      JSON.stringify({
        tickets: [{ id: 7, via: { channel: 'email' }, created_at: '2023-11-14T09:00:00Z', status: 'open', requester_id: 1 }],
        users: [
          { id: 1, role: 'end-user' },
          { id: 2, role: 'agent' },
        ],
        comments,
      });
    const first = { id: 70, ticket_id: 7, author_id: 1, body: 'hello', public: true, created_at: '2023-11-14T09:00:00Z' };
    const second = { id: 71, ticket_id: 7, author_id: 2, body: 'hi!', public: true, created_at: '2023-11-14T09:10:00Z' };
    const before = await temporaryFile('page-1.json', page([first]));
    const after = await temporaryFile('page-2.json', page([first, second]));
    try {
      await ingest(handle, before.path);
      const summary = await ingest(handle, after.path);
      expect(summary.records).toMatchObject({ updated: 1, inserted: 0 });
      expect(summary.messages).toMatchObject({ inserted: 1, unchanged: 1 });
      expect(await handle.db.selectFrom('messages').select('external_id').orderBy('external_id').execute()).toEqual([
        { external_id: '70' },
        { external_id: '71' },
      ]);
    } finally {
      await before.cleanup();
      await after.cleanup();
    }
  });

  test("a document beyond the 64 MB once read whole is streamed, not refused: one cut short fails as a whole with the parser's reason", async () => {
    const head = JSON.stringify(
      {
        tickets: Array.from({ length: 200 }, (_, id) => ({
          id,
          via: { channel: 'web' },
          created_at: '2023-11-14T09:00:00Z',
          requester_id: 1,
          description: 'x'.repeat(400),
        })),
      },
      null,
      2,
    );
    const file = await temporaryFile('huge.json', head);
    try {
      await truncate(file.path, MAX_DOCUMENT_BYTES + 1); // sparse: no disk used for the tail
      const summary = await ingest(handle, file.path);
      expect(summary.files[0]).toMatchObject({ format: 'zendesk-json', status: 'failed' });
      expect(summary.files[0]!.error).toBe('broken JSON document: Parser cannot parse input: unexpected characters; nothing of this file was kept');
      expect(await handle.db.selectFrom('conversations').select('id').execute()).toEqual([]);
    } finally {
      await file.cleanup();
    }
  });

  test.each([
    {
      scenario: 'a document cut short fails the file and keeps nothing',
      content: '{\n  "tickets": [\n    { "id": 1, "via": { "channel": "web" }, "created_at": "2023-',
      check: { status: 'failed', error: /broken JSON document/ },
    },
    {
      scenario: 'wrong types: tickets that are not objects, comments that are not a list',
      content: JSON.stringify({ tickets: [42, { id: 'x', created_at: 'soon', via: { channel: 'web' }, requester_id: 1 }], comments: 'none' }, null, 2),
      check: {
        status: 'loaded',
        reasons: [
          'ticket 1: expected a Zendesk ticket object, got number 42',
          'ticket 2: "created_at": unrecognised timestamp "soon"',
          '"comments" must be a list, got the text "none"',
        ],
      },
    },
    {
      scenario: "no users and a stranger's comment: that comment waits for its author, the ticket loads",
      content: JSON.stringify(
        {
          ticket: { id: 9, created_at: '2023-11-14T09:00:00Z', requester_id: 1, via: { channel: 'web' }, status: 'open' },
          comments: [{ id: 1, author_id: 5, body: 'x', created_at: '2023-11-14T09:00:00Z' }],
        },
        null,
        2,
      ),
      check: {
        status: 'loaded',
        reasons: [
          "comment 1 of ticket 9 waits for its author 5: not a known user, nor the ticket's customer or assignee, so its role is unknown; kept, and placed when the user arrives (a users file or side-load)",
        ],
      },
    },
    {
      scenario: 'a user role and a channel named like Object.prototype keys',
      content: JSON.stringify({
        tickets: [
          {
            id: 12,
            created_at: '2023-11-14T09:00:00Z',
            requester_id: 1,
            via: { channel: 'constructor' },
            comments: [{ id: 3, author_id: 4, body: 'x', created_at: '2023-11-14T09:00:00Z' }],
          },
        ],
        users: [{ id: 4, role: '__proto__' }],
      }),
      check: { status: 'loaded', reasons: ['comment 1: author 4 has the role "__proto__", not one of end-user, agent, admin'] },
    },
    {
      scenario: 'embedded comments that are not a list',
      content: JSON.stringify({ tickets: [{ id: 11, created_at: '2023-11-14T09:00:00Z', requester_id: 1, via: { channel: 'web' }, comments: 'oops' }] }),
      check: {
        status: 'loaded',
        reasons: [
          'ticket 11: "comments" must be a list, got the text "oops"; ignored',
          'ticket 11 has no comments in this file (export with comments or audits side-loaded) and no description; loaded without messages',
        ],
      },
    },
    {
      scenario: 'a ticket without via: channel "unknown", with a warning',
      content: JSON.stringify({
        tickets: [
          {
            id: 10,
            created_at: '2023-11-14T09:00:00Z',
            requester_id: 1,
            status: 'new',
            comments: [{ id: 2, author_id: 1, html_body: '<p>a &lt;b&gt; c</p>', created_at: '2023-11-14T09:00:00Z' }],
          },
        ],
      }),
      check: { status: 'loaded', reasons: ['ticket 10 has no "via.channel"; its channel is "unknown"'] },
    },
  ])('hostile input: $scenario', async ({ content, check }) => {
    const file = await temporaryFile('zendesk.json', content);
    try {
      const summary = await ingest(handle, file.path);
      expect(summary.files[0]!.status).toBe(check.status);
      if ('error' in check) {
        expect(summary.files[0]!.error).toMatch(check.error!);
        expect(await handle.db.selectFrom('conversations').selectAll().execute()).toEqual([]);
      }
      if ('reasons' in check) expect((await rejects()).map((r) => r.reason)).toEqual(check.reasons);
    } finally {
      await file.cleanup();
    }
  });
});
