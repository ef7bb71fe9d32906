import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { AGENT_LINES, CUSTOMER_LINES } from './canonical-csv.js';
import { createRandom, pick } from './random.js';

export type HelpdeskExportFormat = 'chatwoot' | 'helpscout' | 'freshdesk';

interface DraftMessage {
  role: 'customer' | 'agent' | 'bot' | 'note';
  at: number;
  body: string;
  agent: number;
}

interface DraftConversation {
  id: number;
  channel: 'chat' | 'email';
  createdAt: number;
  customer: number;
  agent: number;
  team: number;
  resolved: boolean;
  rating: number | null;
  messages: DraftMessage[];
}

/**
 * Writes one JSON document of `messages` messages in conversations of 1-9 (fixed seed), in the documented shape of
 * the format's list API: Chatwoot `{"data": {"meta": ..., "payload": [conversations with messages]}}`, Help Scout
 * `{"_embedded": {"conversations": [conversations with _embedded.threads]}, "page": ...}`, Freshdesk an array of
 * tickets with `conversations` (the description is the first message). Activity messages and line items are added
 * besides the messages (they are events, not messages). Returns the number of conversations.
 */
export async function writeHelpdeskExport(format: HelpdeskExportFormat, path: string, messages: number, seed: number): Promise<number> {
  const random = createRandom(seed);
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const [head, tail] = DOCUMENT[format];
  await write(head);
  let written = 0;
  let id = 0;
  let time = Date.UTC(2024, 0, 1);
  while (written < messages) {
    id += 1;
    const count = Math.min(messages - written, 1 + Math.floor(random() * 9));
    time += Math.floor(random() * 120_000);
    const channel = random() < 0.6 ? 'chat' : 'email';
    const draft: DraftConversation = {
      id,
      channel,
      createdAt: time,
      customer: 1 + (id % 50_000),
      agent: 1 + Math.floor(random() * 40),
      team: 1 + Math.floor(random() * 5),
      resolved: random() < 0.7,
      rating: random() < 0.3 ? 1 + Math.floor(random() * 5) : null,
      messages: [],
    };
    let at = time;
    for (let i = 0; i < count; i++) {
      const roll = random();
      const role = i === 0 || roll < 0.45 ? 'customer' : roll < 0.85 ? 'agent' : roll < 0.93 ? 'note' : 'bot';
      at += Math.floor(random() * (channel === 'chat' ? 300_000 : 7_200_000));
      draft.messages.push({ role, at, body: role === 'customer' ? pick(random, CUSTOMER_LINES) : pick(random, AGENT_LINES), agent: draft.agent });
    }
    written += count;
    await write(`${id === 1 ? '' : ','}\n${JSON.stringify(SHAPE[format](draft))}`);
  }
  await write(tail);
  out.end();
  await once(out, 'finish');
  return id;
}

const DOCUMENT: Record<HelpdeskExportFormat, [string, string]> = {
  chatwoot: ['{"data": {"meta": {"mine_count": 0, "unassigned_count": 0, "assigned_count": 0, "all_count": 0}, "payload": [', '\n]}}\n'],
  helpscout: ['{"_embedded": {"conversations": [', '\n]}, "page": {"size": 50, "totalElements": 0, "totalPages": 1, "number": 1}}\n'],
  freshdesk: ['[', '\n]\n'],
};

const seconds = (ms: number): number => Math.floor(ms / 1000);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const SHAPE: Record<HelpdeskExportFormat, (draft: DraftConversation) => unknown> = {
  chatwoot: (c) => {
    const last = c.messages.at(-1)!.at;
    const messages: unknown[] = c.messages.map((m, index) => {
      const sender =
        m.role === 'customer'
          ? { sender_type: 'Contact', sender_id: c.customer, sender: { id: c.customer, name: `Customer ${c.customer}`, type: 'contact' } }
          : m.role === 'bot'
            ? { sender_type: 'AgentBot', sender_id: 1, sender: { id: 1, name: 'Greeter', type: 'agent_bot' } }
            : { sender_type: 'User', sender_id: m.agent, sender: { id: m.agent, name: `Agent ${m.agent}`, type: 'user' } };
      return {
        id: c.id * 100 + index,
        content: m.body,
        account_id: 1,
        inbox_id: c.channel === 'chat' ? 1 : 2,
        conversation_id: c.id,
        message_type: m.role === 'customer' ? 0 : 1,
        created_at: seconds(m.at),
        private: m.role === 'note',
        status: 'sent',
        source_id: null,
        content_type: 'text',
        content_attributes: {},
        ...sender,
        attachments: [],
      };
    });
    if (c.resolved)
      messages.push({
        id: c.id * 100 + 99,
        content: `Conversation was marked resolved by Agent ${c.agent}`,
        message_type: 2,
        created_at: seconds(last) + 60,
        private: false,
        content_type: 'text',
        content_attributes: {},
        sender_type: null,
        sender_id: null,
      });
    return {
      id: c.id,
      account_id: 1,
      inbox_id: c.channel === 'chat' ? 1 : 2,
      status: c.resolved ? 'resolved' : 'open',
      created_at: seconds(c.createdAt),
      timestamp: seconds(last),
      labels: ['bench'],
      meta: {
        sender: { id: c.customer, name: `Customer ${c.customer}`, type: 'contact' },
        channel: c.channel === 'chat' ? 'Channel::WebWidget' : 'Channel::Email',
        assignee: { id: c.agent, name: `Agent ${c.agent}`, type: 'user' },
        team: { id: c.team, name: `Team ${c.team}` },
      },
      ...(c.rating === null ? {} : { csat_survey_response: { rating: c.rating, feedback_message: '' } }),
      messages,
    };
  },
  helpscout: (c) => {
    const last = c.messages.at(-1)!.at;
    const threads: unknown[] = c.messages.map((m, index) => ({
      id: c.id * 100 + index,
      type: m.role === 'customer' ? 'customer' : m.role === 'note' ? 'note' : m.role === 'bot' ? 'chat' : c.channel === 'chat' ? 'chat' : 'message',
      status: 'active',
      state: 'published',
      body: `<p>${m.body}</p>`,
      createdBy: m.role === 'customer' ? { id: c.customer, type: 'customer' } : m.role === 'bot' ? { id: 1, type: 'bot' } : { id: m.agent, type: 'user' },
      createdAt: iso(m.at),
      _embedded: { attachments: [] },
    }));
    if (c.resolved)
      threads.push({
        id: c.id * 100 + 99,
        type: 'lineitem',
        status: 'closed',
        action: { type: 'default', text: 'closed the conversation' },
        createdBy: { id: c.agent, type: 'user' },
        createdAt: iso(last + 60_000),
      });
    return {
      id: c.id,
      number: c.id,
      type: c.channel,
      status: c.resolved ? 'closed' : 'active',
      state: 'published',
      subject: 'Support request',
      mailboxId: c.channel === 'chat' ? 1 : 2,
      assignee: { id: c.agent, type: 'user' },
      primaryCustomer: { id: c.customer, type: 'customer' },
      createdAt: iso(c.createdAt),
      ...(c.resolved ? { closedAt: iso(last + 60_000) } : {}),
      tags: [{ id: 1, tag: 'bench' }],
      _embedded: {
        threads: threads.reverse(),
        ...(c.rating === null ? {} : { ratings: [{ id: c.id, rating: c.rating >= 4 ? 'great' : c.rating === 3 ? 'okay' : 'not_good' }] }),
      },
    };
  },
  freshdesk: (c) => {
    const [first, ...rest] = c.messages;
    const last = c.messages.at(-1)!.at;
    return {
      id: c.id,
      subject: 'Support request',
      description: `<div>${first!.body}</div>`,
      description_text: first!.body,
      requester_id: c.customer,
      responder_id: c.agent,
      group_id: c.team,
      source: c.channel === 'chat' ? 7 : 1,
      status: c.resolved ? 4 : 2,
      priority: 1,
      tags: ['bench'],
      created_at: iso(c.createdAt),
      updated_at: iso(last),
      fr_due_by: iso(c.createdAt + 3_600_000),
      ...(c.resolved ? { stats: { resolved_at: iso(last + 60_000) } } : {}),
      conversations: rest.map((m, index) => ({
        id: c.id * 100 + index + 1,
        body: `<div>${m.body}</div>`,
        body_text: m.body,
        incoming: m.role === 'customer',
        private: m.role === 'note',
        user_id: m.role === 'customer' ? c.customer : m.role === 'bot' ? null : m.agent,
        source: m.role === 'note' ? 2 : 0,
        ticket_id: c.id,
        created_at: iso(m.at),
      })),
      ...(c.rating === null ? {} : { satisfaction_ratings: [{ id: c.id, ratings: { default_question: [-103, -102, 100, 102, 103][c.rating - 1] } }] }),
    };
  },
};
