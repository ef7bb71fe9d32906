import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../support/test-database.js';
import { buildApp } from '../../dashboard/build-app.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { runAnalysis } from '../../cli/commands/analyze-command.js';
import { exportConversations } from '../../analysis/export/conversation-export.js';
import { conversationColumns } from '../../analysis/export/conversation-columns.js';
import { responseTimeColumns } from '../../analysis/response-times/response-time-columns.js';
import { temporaryFolder } from '../helpers.js';
import { config, seedDashboardDatabase } from './dashboard-db.js';

const NOW = Date.parse('2026-04-01T12:00:00Z');
const RANGE = 'from=2026-03-04&to=2026-03-31';
/** Personal data that must never reach a page, an attribute or the API. */
const SECRETS = ['ann.leak@example.com', '+44 20 7946 0958', '4111 1111 1111 1111', '0x52908400098527886E0F7030069857D2E4169EE7'];

let folder: ReturnType<typeof temporaryFolder>;
let handle: TestDatabase & { location: string };
let app: FastifyInstance;

/** A conversation whose every free-text field holds personal data, with an internal note, a resolution and a reopening. */
function privateConversation(): string {
  return `${JSON.stringify({
    id: 'private-1',
    channel: 'email',
    created_at: '2026-03-20T09:00:00Z',
    status: 'open',
    customer_id: SECRETS[0],
    subject: `Card ${SECRETS[2]} declined, call ${SECRETS[1]}`,
    assignee: 'agent-zoe',
    messages: [
      {
        id: 'p1',
        author_role: 'customer',
        author_id: SECRETS[0],
        created_at: '2026-03-20T09:00:00Z',
        body: `Hi, I am ${SECRETS[0]}\nmy card ${SECRETS[2]} was charged, wallet ${SECRETS[3]}`,
      },
      { id: 'p2', author_role: 'bot', author_id: 'helperbot', created_at: '2026-03-20T09:00:05Z', body: 'We got your message.' },
      {
        id: 'p3',
        author_role: 'agent',
        author_id: 'agent-zoe',
        created_at: '2026-03-20T09:10:00Z',
        body: `Note: customer phone ${SECRETS[1]}`,
        internal: true,
      },
      { id: 'p4', author_role: 'agent', author_id: 'agent-zoe', created_at: '2026-03-21T12:00:00Z', body: 'We refunded the charge.' },
    ],
  })}\n`;
}

beforeAll(async () => {
  folder = temporaryFolder('supportlens-conversations-');
  handle = await seedDashboardDatabase(folder.path);
  const file = join(folder.path, 'private.jsonl');
  writeFileSync(file, privateConversation());
  await runIngest(handle, { paths: [file], timezone: 'UTC' });
  // Team and satisfaction come from the importers that carry them; here they are set as such an import would.
  await handle.db.updateTable('conversations').set({ team: 'vip-desk', csat_rating: '5', csat: 'good' }).where('external_id', '=', 'private-1').execute();
  const analysis = await runAnalysis(handle, config);
  if (analysis.status !== 'succeeded') throw new Error(analysis.error ?? 'analysis failed');
  app = await buildApp({ db: handle.db, responseTimes: config.responseTimes, now: () => NOW });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await handle?.close();
  folder?.cleanup();
});

async function list(
  query: string,
): Promise<{ total: number; rows: { id: number; conversationId: string; firstResponseMs: number | null; startAt: number }[]; next: string | null }> {
  const res = await app.inject(`/api/conversations?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function privateId(): Promise<number> {
  const found = await list(`${RANGE}&conversation=private-1`);
  expect(found.total).toBe(1);
  return found.rows[0]!.id;
}

describe('every number leads to as many conversations', () => {
  test('a day bar and a channel row of the overview', async () => {
    const overview = (await app.inject(`/api/overview?${RANGE}`)).json();
    for (const series of overview.series) {
      expect((await list(`${RANGE}&channel=${series.channel}`)).total).toBe(series.total.conversations);
      expect((await list(`${RANGE}&channel=${series.channel}&unanswered=1`)).total).toBe(series.total.unanswered);
      expect((await list(`${RANGE}&channel=${series.channel}&breached=first_response`)).total).toBe(series.total.firstResponseBreached);
      const busiest = series.days.reduce((a: { conversations: number }, b: { conversations: number }) => (b.conversations > a.conversations ? b : a));
      expect((await list(`from=${busiest.day}&to=${busiest.day}&channel=${series.channel}`)).total).toBe(busiest.conversations);
    }
    expect(overview.total.firstResponseBreached).toBeGreaterThan(0);
  });

  test('heatmap cells', async () => {
    const peak = (await app.inject(`/api/peak-times?${RANGE}`)).json();
    const cells = peak.cells.filter((cell: { conversations: number }) => cell.conversations > 0).slice(0, 5);
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) expect((await list(`${RANGE}&weekday=${cell.weekday}&hour=${cell.hour}`)).total).toBe(cell.conversations);
  });

  test('topics and agents', async () => {
    const topics = (await app.inject(`/api/topics?${RANGE}`)).json();
    for (const topic of topics.topics.slice(0, 4)) expect((await list(`${RANGE}&topic=${topic.topicId}`)).total).toBe(topic.conversations);
    const agents = (await app.inject(`/api/agents?${RANGE}`)).json();
    expect(agents.agents.length).toBeGreaterThan(1);
    for (const agent of agents.agents.slice(0, 4)) {
      expect((await list(`${RANGE}&channel=${agent.channel}&agent=${encodeURIComponent(agent.name)}`)).total).toBe(agent.conversations);
      expect((await list(`${RANGE}&channel=${agent.channel}&agent=${encodeURIComponent(agent.name)}&breached=first_response`)).total).toBe(
        agent.firstResponseBreached,
      );
    }
    const payments = agents.teams.find((team: { name: string }) => team.name === 'vip-desk');
    expect(payments).toMatchObject({ channel: 'email', conversations: 1, reopenRate: 0, rated: 1, satisfactionGood: 1, firstResponseBreached: 1 });
    expect((await list(`${RANGE}&channel=email&team=vip-desk`)).total).toBe(1);
  });
});

describe('GET /api/conversations', () => {
  test('keyset pages cover the list once, in order, for every sort', async () => {
    for (const sort of ['newest', 'oldest', 'slowest', 'fastest']) {
      const seen: number[] = [];
      let query = `${RANGE}&channel=chat&sort=${sort}`;
      let first = await list(query);
      const total = first.total;
      for (;;) {
        seen.push(...first.rows.map((row) => row.id));
        if (first.next === null) break;
        query = `${RANGE}&channel=chat&sort=${sort}&after=${first.next}`;
        first = await list(query);
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    }
    const slowest = await list(`${RANGE}&sort=slowest`);
    const times = slowest.rows.map((row) => row.firstResponseMs ?? -1);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  test('CSV download: the same rows, with a UTF-8 byte-order mark', async () => {
    const res = await app.inject(`/api/conversations.csv?${RANGE}&channel=email`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^conversation_id,source,channel,start_at,/);
    const total = (await list(`${RANGE}&channel=email`)).total;
    expect(lines.filter((line) => /^[^,"]+,(canonical|zendesk|intercom|twitter),/.test(line))).toHaveLength(total);
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
  });

  test('bad filters are a 400 naming the parameter', async () => {
    for (const [query, parameter] of [
      ['weekday=9', 'weekday'],
      ['breached=soon', 'breached'],
      ['topic=a', 'topic'],
      ['agent=%01x', 'agent'],
      ['after=x', 'after'],
    ]) {
      const res = await app.inject(`/api/conversations?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain(`querystring/${parameter}`);
    }
  });
});

describe('GET /api/conversations/:id', () => {
  test('the transcript redacted as the reports redact, roles, the internal note, timeline and facts', async () => {
    const id = await privateId();
    const res = await app.inject(`/api/conversations/${id}`);
    expect(res.statusCode).toBe(200);
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    const body = res.json();
    expect(body.subject).toBe('Card <CARD> declined, call <PHONE>');
    expect(body.messages.map((m: { role: string; internal: boolean; author: string | null }) => [m.role, m.internal, m.author])).toEqual([
      ['customer', false, null],
      ['bot', false, 'helperbot'],
      ['agent', true, 'agent-zoe'],
      ['agent', false, 'agent-zoe'],
    ]);
    expect(body.messages[0].body).toBe('Hi, I am <EMAIL> my card <CARD> was charged, wallet <WALLET>');
    expect(body.messages.map((m: { firstResponse: boolean }) => m.firstResponse)).toEqual([false, false, false, true]);
    expect(body.facts).toMatchObject({ firstResponseMs: 27 * 3_600_000, unanswered: false, agent: 'agent-zoe' });
    expect(body.breaches).toEqual([{ kind: 'first_response', status: 'late', durationMs: 27 * 3_600_000, targetMs: 24 * 3_600_000, basis: 'calendar' }]);
    expect(body).toMatchObject({ team: 'vip-desk', csat: 'good' });
    expect(body.question).not.toBeNull();
  });

  test('its facts equal the export', async () => {
    const id = await privateId();
    const detail = (await app.inject(`/api/conversations/${id}`)).json();
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    await exportConversations(handle, { providers: [conversationColumns, responseTimeColumns], format: 'jsonl', filter: {}, out });
    const exported = chunks
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((row) => row['conversation_id'] === 'private-1')!;
    expect(exported['channel']).toBe(detail.channel);
    expect(exported['first_response_ms']).toBe(detail.facts.firstResponseMs);
    expect(exported['start_at']).toBe(new Date(detail.facts.startAt).toISOString());
    expect(exported['agent']).toBe(detail.facts.agent);
    expect(exported['reply_count']).toBe(detail.facts.replyCount);
  });

  test('the page leaks nothing through its title or attributes; an unknown id is a 404', async () => {
    const id = await privateId();
    const page = await app.inject(`/conversations/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Conversation · supportlens</title>');
    for (const secret of SECRETS) expect(page.body).not.toContain(secret);
    expect((await app.inject('/api/conversations/999999')).statusCode).toBe(404);
    expect((await app.inject('/api/conversations/abc')).statusCode).toBe(400);
  });
});
