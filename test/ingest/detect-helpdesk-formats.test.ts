import { expect, test } from 'vitest';
import { detectFormat } from '../../ingest/detect-format.js';
import { temporaryFile } from './ingest-helpers.js';

const ticket = (id: number) => ({
  id,
  via: { channel: 'web' },
  created_at: '2023-11-14T09:00:00Z',
  status: 'open',
  requester_id: 1,
  description: 'x'.repeat(500),
});
const chatwoot = (id: number) => ({
  id,
  account_id: 1,
  inbox_id: 2,
  status: 'open',
  created_at: 1700000000,
  meta: { channel: 'Channel::WebWidget' },
  messages: [{ id, message_type: 0, content: 'z'.repeat(500), created_at: 1700000000 }],
});
const chatwootMessage = (id: number) => ({
  id,
  content: 'm'.repeat(500),
  inbox_id: 2,
  conversation_id: 4,
  message_type: id % 2,
  created_at: 1700000000,
  private: false,
  sender: { id: 1, type: 'contact' },
});
const helpscout = (id: number) => ({
  id,
  number: id,
  type: 'email',
  mailboxId: 3,
  createdAt: '2023-11-14T09:00:00Z',
  _embedded: { threads: [{ id, type: 'customer', body: 'w'.repeat(500) }] },
});
const freshdesk = (id: number) => ({
  id,
  requester_id: 1,
  responder_id: 2,
  source: 1,
  status: 2,
  created_at: '2023-11-14T09:00:00Z',
  description: 'v'.repeat(500),
  fr_due_by: null,
});
const conversation = (id: number) => ({
  type: 'conversation',
  id: String(id),
  created_at: 1700000000,
  source: { type: 'conversation', body: 'y'.repeat(500), author: { type: 'user', id: 'u' } },
});

test.each([
  {
    scenario: 'a Zendesk page larger than the sniffed head, pretty-printed',
    name: 'page.json',
    content: JSON.stringify({ tickets: Array.from({ length: 300 }, (_, i) => ticket(i)) }, null, 2),
    format: 'zendesk-json',
  },
  {
    scenario: 'an Intercom list larger than the sniffed head, pretty-printed',
    name: 'list.json',
    content: JSON.stringify({ type: 'conversation.list', conversations: Array.from({ length: 300 }, (_, i) => conversation(i)) }, null, 2),
    format: 'intercom-json',
  },
  {
    scenario: 'a Zendesk page on one line longer than the sniffed head',
    name: 'page.json',
    content: JSON.stringify({ tickets: Array.from({ length: 300 }, (_, i) => ticket(i)) }),
    format: 'zendesk-jsonl',
  },
  {
    scenario: 'Intercom JSON Lines whose first line is broken',
    name: 'c.jsonl',
    content: `{"type":"conversation","id":\n${JSON.stringify(conversation(2))}\n`,
    format: 'intercom-jsonl',
  },
  {
    scenario: 'Zendesk JSON Lines whose first line is broken',
    name: 't.jsonl',
    content: `{"id":1,"via":\n${JSON.stringify(ticket(2))}\n`,
    format: 'zendesk-jsonl',
  },
  { scenario: 'a Zendesk document cut short', name: 'cut.json', content: '{\n  "tickets": [\n    {"id": 1, "via": {"channel": "web"}', format: 'zendesk-json' },
  {
    scenario: 'a Chatwoot list response larger than the sniffed head, minified on one line',
    name: 'c.json',
    content: JSON.stringify({ data: { meta: { all_count: 300 }, payload: Array.from({ length: 300 }, (_, i) => chatwoot(i)) } }),
    format: 'chatwoot-json',
  },
  {
    scenario: 'Chatwoot JSON Lines whose first line is longer than the sniffed head',
    name: 'c.jsonl',
    content: `${JSON.stringify({ ...chatwoot(1), messages: Array.from({ length: 200 }, () => chatwoot(1).messages[0]) })}\n`,
    format: 'chatwoot-jsonl',
  },
  {
    scenario: 'a Help Scout page larger than the sniffed head, pretty-printed',
    name: 'h.json',
    content: JSON.stringify({ _embedded: { conversations: Array.from({ length: 300 }, (_, i) => helpscout(i)) } }, null, 2),
    format: 'helpscout-json',
  },
  {
    scenario: 'an array of Freshdesk tickets larger than the sniffed head',
    name: 'f.json',
    content: JSON.stringify(Array.from({ length: 300 }, (_, i) => freshdesk(i))),
    format: 'freshdesk-json',
  },
  {
    scenario: 'a Freshdesk ticket on a line, not taken for Zendesk',
    name: 'f.jsonl',
    content: `${JSON.stringify(freshdesk(1))}\n${JSON.stringify(freshdesk(2))}\n`,
    format: 'freshdesk-jsonl',
  },
  {
    scenario: 'a Chatwoot document cut short',
    name: 'cut.json',
    content: '{\n  "data": {\n    "meta": {"all_count": 2},\n    "payload": [\n      {"id": 1, "inbox_id": 2, "meta": {',
    format: 'chatwoot-json',
  },
  {
    scenario: 'a Chatwoot messages response larger than the sniffed head, minified on one line',
    name: 'm.json',
    content: JSON.stringify({ meta: { labels: [], contact: { id: 1 } }, payload: Array.from({ length: 300 }, (_, i) => chatwootMessage(i)) }),
    format: 'chatwoot-messages-json',
  },
  {
    scenario: 'a Chatwoot messages response larger than the sniffed head, pretty-printed',
    name: 'm.json',
    content: JSON.stringify({ meta: { labels: [] }, payload: Array.from({ length: 300 }, (_, i) => chatwootMessage(i)) }, null, 2),
    format: 'chatwoot-messages-json',
  },
  {
    scenario: 'a Chatwoot messages stream whose first line is broken',
    name: 'm.jsonl',
    content: `{"id": 1, "conversation_id":\n${JSON.stringify(chatwootMessage(2))}\n`,
    format: 'chatwoot-messages-jsonl',
  },
  {
    scenario: 'a Chatwoot messages response cut short',
    name: 'cut.json',
    content: '{\n  "meta": {"labels": []},\n  "payload": [\n    {"id": 1, "conversation_id": 4, "message_type": 0, "content": "hi',
    format: 'chatwoot-messages-json',
  },
  { scenario: 'an array of Intercom conversations', name: 'a.json', content: JSON.stringify([conversation(1)], null, 2), format: 'intercom-json' },
  {
    scenario: 'the Twitter corpus with a BOM and extra spaces in the header',
    name: 'twcs.csv',
    content: '\uFEFFtweet_id, author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id\n',
    format: 'twitter-csv',
  },
  {
    scenario: 'canonical conversations still win over helpdesk shapes',
    name: 'c.jsonl',
    content: JSON.stringify({ id: 'c', channel: 'chat', created_at: '2023-01-01T00:00:00Z', source: 'zendesk', messages: [] }),
    format: 'conversations-jsonl',
  },
  {
    scenario: 'a messages CSV whose header names are quoted',
    name: 'q.csv',
    content: '"conversation_id","message_id","channel","author_role","created_at","body"\r\nc,m,chat,customer,2023-01-01T00:00:00Z,hi\r\n',
    format: 'messages-csv',
  },
  {
    scenario: 'an FAQ CSV with a quoted name holding a comma',
    name: 'faq.csv',
    content: 'id,"title, short",title,body\nf1,x,Fees,Our fees\n',
    format: 'faq-csv',
  },
  {
    scenario: 'canonical messages CSV is not mistaken for tweets',
    name: 'm.csv',
    content: 'conversation_id,message_id,channel,author_role,created_at,body\nc,m,chat,customer,2023-01-01T00:00:00Z,hi\n',
    format: 'messages-csv',
  },
])('detects $scenario', async ({ name, content, format }) => {
  const file = await temporaryFile(name, content);
  try {
    const detection = await detectFormat(file.path);
    expect(detection.kind === 'format' ? detection.format : detection).toBe(format);
  } finally {
    await file.cleanup();
  }
});

test('ticket events alone are recognised as Zendesk, not left as an unknown format', async () => {
  const file = await temporaryFile('events.json', JSON.stringify({ ticket_events: [{ id: 1, ticket_id: 2, child_events: [] }] }));
  try {
    const detection = await detectFormat(file.path);
    expect(detection.kind === 'format' && detection.format).toBe('zendesk-jsonl');
  } finally {
    await file.cleanup();
  }
});
