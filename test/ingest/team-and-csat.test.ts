import { afterEach, beforeEach, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import type { ConversationSource } from '../../db/schema.js';
import { freshDatabase, ingest, temporaryFile } from './ingest-helpers.js';

let handle: TestDatabase;
const cleanups: (() => Promise<void>)[] = [];
beforeEach(async () => {
  handle = await freshDatabase();
});
afterEach(async () => {
  await handle.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function load(name: string, content: string) {
  const file = await temporaryFile(name, content);
  cleanups.push(file.cleanup);
  return ingest(handle, file.path);
}

function teamAndCsat(source: ConversationSource) {
  return handle.db
    .selectFrom('conversations')
    .select(['external_id', 'team', 'csat_rating', 'csat'])
    .where('source', '=', source)
    .orderBy('external_id')
    .execute();
}

const zendeskTicket = (id: number, extra: object) => ({
  id,
  via: { channel: 'email' },
  created_at: '2023-11-14T09:00:00Z',
  status: 'solved',
  requester_id: 1,
  comments: [{ id: id * 10, author_id: 1, body: 'hi', public: true, created_at: '2023-11-14T09:00:00Z' }],
  ...extra,
});

test('Zendesk: the group (named when groups are side-loaded) is the team; satisfaction good or bad, offered is no rating', async () => {
  const summary = await load(
    'zendesk.json',
    JSON.stringify({
      tickets: [
        zendeskTicket(1, { group_id: 360001, satisfaction_rating: { id: 5, score: 'good', comment: 'great help' } }),
        zendeskTicket(2, { group_id: 360002, satisfaction_rating: { score: 'bad' } }),
        zendeskTicket(3, { group_id: null, satisfaction_rating: { score: 'offered' } }),
        zendeskTicket(4, { satisfaction_rating: { score: 'superb' } }),
      ],
      groups: [{ id: 360001, name: 'Payments' }],
    }),
  );
  expect(summary.records).toMatchObject({ inserted: 4, rejected: 0 });
  expect(await teamAndCsat('zendesk')).toEqual([
    { external_id: '1', team: 'Payments', csat_rating: 'good', csat: 'good' },
    { external_id: '2', team: '360002', csat_rating: 'bad', csat: 'bad' },
    { external_id: '3', team: null, csat_rating: null, csat: null },
    { external_id: '4', team: null, csat_rating: null, csat: null },
  ]);
  const warnings = await handle.db.selectFrom('rejects').select('reason').where('kind', '=', 'warning').execute();
  expect(warnings.map((w) => w.reason)).toContain('ticket 4: satisfaction score the text "superb" is not good or bad; ignored');
});

test('Intercom: the team assignee is the team; conversation_rating 1-5 is normalised', async () => {
  const conversation = (id: string, extra: object) => ({
    type: 'conversation',
    id,
    created_at: 1700000000,
    source: { type: 'conversation', id: `s${id}`, body: 'hi', author: { type: 'user', id: 'u1' } },
    ...extra,
  });
  await load(
    'intercom.jsonl',
    [
      conversation('a', { team_assignee_id: 5566, conversation_rating: { rating: 5, remark: 'thanks', created_at: 1700000100 } }),
      conversation('b', { team_assignee_id: null, conversation_rating: { rating: 3 } }),
      conversation('c', { team_assignee_id: 7, conversation_rating: { rating: 1 } }),
      conversation('d', { conversation_rating: { rating: null } }),
    ]
      .map((c) => JSON.stringify(c))
      .join('\n'),
  );
  expect(await teamAndCsat('intercom')).toEqual([
    { external_id: 'a', team: '5566', csat_rating: '5', csat: 'good' },
    { external_id: 'b', team: null, csat_rating: '3', csat: 'neutral' },
    { external_id: 'c', team: '7', csat_rating: '1', csat: 'bad' },
    { external_id: 'd', team: null, csat_rating: null, csat: null },
  ]);
});

test('canonical JSON Lines: optional team and csat (1-5 or a word); an unreadable csat is a warning', async () => {
  const conversation = (id: string, extra: object) => ({
    id,
    channel: 'chat',
    created_at: '2024-05-01T10:00:00Z',
    messages: [{ id: 'm1', author_role: 'customer', created_at: '2024-05-01T10:00:00Z', body: 'hi' }],
    ...extra,
  });
  const summary = await load(
    'c.jsonl',
    [conversation('c1', { team: 'Tier 1', csat: 4 }), conversation('c2', { csat: 'bad' }), conversation('c3', { team: ' ', csat: 'meh' })]
      .map((c) => JSON.stringify(c))
      .join('\n'),
  );
  expect(summary.records).toMatchObject({ inserted: 3, rejected: 0 });
  expect(await teamAndCsat('canonical')).toEqual([
    { external_id: 'c1', team: 'Tier 1', csat_rating: '4', csat: 'good' },
    { external_id: 'c2', team: null, csat_rating: 'bad', csat: 'bad' },
    { external_id: 'c3', team: null, csat_rating: null, csat: null },
  ]);
  const warnings = await handle.db.selectFrom('rejects').select('reason').where('kind', '=', 'warning').execute();
  expect(warnings.map((w) => w.reason)).toEqual(['"csat": the text "meh" is not a rating (1-5, or good, neutral, bad); ignored']);
});

test('canonical messages CSV: team and csat columns; a later file may add them, and the same file again changes nothing', async () => {
  const header = 'conversation_id,message_id,channel,author_role,created_at,body';
  await load('a.csv', `${header}\nc1,m1,chat,customer,2024-05-01T10:00:00Z,hi\nc1,m2,chat,agent,2024-05-01T10:01:00Z,hello\n`);
  expect(await teamAndCsat('canonical')).toEqual([{ external_id: 'c1', team: null, csat_rating: null, csat: null }]);
  const withColumns = `${header},team,csat\nc1,m1,chat,customer,2024-05-01T10:00:00Z,hi,,\nc1,m2,chat,agent,2024-05-01T10:01:00Z,hello,Billing,2\n`;
  const first = await load('b.csv', withColumns);
  expect(first.records).toMatchObject({ updated: 1, rejected: 0 });
  expect(await teamAndCsat('canonical')).toEqual([{ external_id: 'c1', team: 'Billing', csat_rating: '2', csat: 'bad' }]);
  const again = await load('b.csv', withColumns);
  expect(again.records).toMatchObject({ inserted: 0, updated: 0 });
});
