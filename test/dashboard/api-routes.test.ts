import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../support/test-database.js';
import { buildApp } from '../../dashboard/build-app.js';
import { CONTENT_SECURITY_POLICY } from '../../dashboard/security.js';
import { temporaryFolder } from '../helpers.js';
import { config, HOSTILE_BODIES, SEED_END_DAY, seedDashboardDatabase } from './dashboard-db.js';

const NOW = Date.parse('2026-04-01T12:00:00Z');
let folder: ReturnType<typeof temporaryFolder>;
let handle: TestDatabase & { location: string };
let app: FastifyInstance;

beforeAll(async () => {
  folder = temporaryFolder('supportlens-dashboard-');
  handle = await seedDashboardDatabase(folder.path);
  app = await buildApp({ db: handle.db, responseTimes: config.responseTimes, now: () => NOW });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await handle?.close();
  folder?.cleanup();
});

const RANGE = 'from=2026-03-04&to=2026-03-31';

describe('GET /api/overview', () => {
  test('per channel and day: volume, first response and resolution median and p90, share within target', async () => {
    const res = await app.inject(`/api/overview?${RANGE}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.range).toMatchObject({
      from: '2026-03-04',
      to: '2026-03-31',
      channel: null,
      timeZone: 'UTC',
      fromMs: Date.parse('2026-03-04'),
      toMs: Date.parse('2026-04-01'),
    });
    expect(body.days).toHaveLength(28);
    expect(body.channels).toEqual(expect.arrayContaining(['chat', 'email']));
    expect(body.series.map((s: { channel: string }) => s.channel)).toEqual(body.channels);
    for (const series of body.series) {
      expect(series.days).toHaveLength(28);
      expect(series.days.reduce((sum: number, day: { conversations: number }) => sum + day.conversations, 0)).toBe(series.total.conversations);
    }
    expect(body.series.reduce((sum: number, s: { total: { conversations: number } }) => sum + s.total.conversations, 0)).toBe(body.total.conversations);
    const chat = body.series.find((s: { channel: string }) => s.channel === 'chat');
    expect(chat.firstResponseTargetMs).toBe(5 * 60_000);
    expect(chat.total.firstResponseMedianMs).toBeGreaterThan(0);
    expect(chat.total.firstResponseP90Ms).toBeGreaterThanOrEqual(chat.total.firstResponseMedianMs);
    expect(chat.total.firstResponseWithinTarget).toBeGreaterThanOrEqual(0);
    expect(chat.total.firstResponseWithinTarget).toBeLessThanOrEqual(1);
  });

  test('the channel filter narrows the figures; no range means the 30 days up to the latest conversation', async () => {
    const all = (await app.inject(`/api/overview?${RANGE}`)).json();
    const email = (await app.inject(`/api/overview?${RANGE}&channel=email`)).json();
    expect(email.series.map((s: { channel: string }) => s.channel)).toEqual(['email']);
    expect(email.total.conversations).toBe(all.series.find((s: { channel: string }) => s.channel === 'email').total.conversations);
    expect(email.total.conversations).toBeLessThan(all.total.conversations);
    const defaults = (await app.inject('/api/overview')).json();
    expect(defaults.range.to).toBe(SEED_END_DAY);
    expect(defaults.days).toHaveLength(30);
    const empty = (await app.inject('/api/overview?from=&to=&channel=')).json();
    expect(empty.range).toEqual(defaults.range);
  });
});

test('GET /api/peak-times: 7 x 24 cells whose volume adds up to the overview', async () => {
  const res = await app.inject(`/api/peak-times?${RANGE}`);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.cells).toHaveLength(168);
  expect(body.cells[0]).toEqual({ weekday: 1, hour: 0, conversations: expect.any(Number), medianFirstResponseMs: body.cells[0].medianFirstResponseMs });
  const overview = (await app.inject(`/api/overview?${RANGE}`)).json();
  expect(body.cells.reduce((sum: number, cell: { conversations: number }) => sum + cell.conversations, 0)).toBe(overview.total.conversations);
});

test('GET /api/topics: topics with volume, growth and example conversations', async () => {
  const res = await app.inject(`/api/topics?${RANGE}`);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.analysisRunId).toBeGreaterThan(0);
  expect(body.topics.length).toBeGreaterThan(1);
  const topic = body.topics[0];
  expect(topic).toMatchObject({
    topicId: expect.any(Number),
    label: expect.any(String),
    conversations: expect.any(Number),
    previousConversations: expect.any(Number),
  });
  expect(topic.examples.length).toBeGreaterThan(0);
  expect(topic.examples[0]).toEqual({ conversationId: expect.any(String), question: expect.any(String) });
  const chat = (await app.inject(`/api/topics?${RANGE}&channel=chat`)).json();
  const total = (report: { topics: { conversations: number }[] }) => report.topics.reduce((sum, t) => sum + t.conversations, 0);
  expect(total(chat)).toBeLessThan(total(body));
});

test('GET /api/faq-gaps and the downloads: the same findings as JSON, CSV and Markdown', async () => {
  const res = await app.inject(`/api/faq-gaps?${RANGE}`);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.findings.length).toBeGreaterThan(0);
  expect(body.comparedWithReport).toBeNull();
  expect(body.findings.every((f: { status: string }) => f.status === 'new')).toBe(true);
  const json = await app.inject(`/api/faq-gaps/download?${RANGE}&format=json`);
  expect(json.statusCode).toBe(200);
  expect(json.headers['content-type']).toMatch(/^application\/json/);
  expect(json.headers['content-disposition']).toBe('attachment; filename="faq-gaps-2026-03-04-to-2026-03-31.json"');
  expect(JSON.parse(json.body).findings.map((f: { id: string }) => f.id)).toEqual(body.findings.map((f: { id: string }) => f.id));
  const csv = await app.inject(`/api/faq-gaps/download?${RANGE}&format=csv`);
  expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  expect(csv.body.split('\n')[0]).toMatch(/^id,status,verdict,priority,title/);
  const markdown = await app.inject(`/api/faq-gaps/download?${RANGE}&format=markdown`);
  expect(markdown.headers['content-disposition']).toMatch(/\.md"$/);
  expect(markdown.body).toContain(body.findings[0].verdict);
});

test('GET /api/runs: ingest and analysis history and the rejects, raw text as stored', async () => {
  const res = await app.inject('/api/runs');
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.ingestRuns).toHaveLength(1);
  const run = body.ingestRuns[0];
  expect(run.recordsRead).toBe(run.recordsInserted + run.recordsUpdated + run.recordsUnchanged + run.recordsRejected);
  expect(run.recordsRejected).toBeGreaterThan(0);
  expect(body.analysisRuns[0]).toMatchObject({ status: 'succeeded' });
  expect(body.analysisRuns[0].analyses.map((a: { name: string }) => a.name)).toContain('responseTimes');
  expect(body.rejects.some((r: { raw: string }) => r.raw.includes("<script>window.__xss='reject'</script>"))).toBe(true);
  expect((await app.inject(`/api/runs?run=${run.id}`)).json().rejects.length).toBe(body.rejects.length);
  expect((await app.inject('/api/runs?run=999')).json().rejects).toEqual([]);
});

test.each(['live chat', '电话', 'web-chat_2'])('a channel name ingest accepts (%s) is a valid filter', async (channel) => {
  const res = await app.inject(`/api/overview?${RANGE}&channel=${encodeURIComponent(channel)}`);
  expect(res.statusCode).toBe(200);
  expect(res.json().range.channel).toBe(channel);
});

describe('a bad query string is a 400 naming the parameter', () => {
  test.each([
    ['/api/overview?from=yesterday', 'from'],
    ['/api/overview?to=2026-3-1', 'to'],
    ['/api/overview?from=2026-02-31', 'from'],
    ['/api/overview?from=2026-03-10&to=2026-03-01', 'from'],
    ['/api/peak-times?channel=%3Cscript%3E', 'channel'],
    ['/api/peak-times?channel=chat%0Aemail', 'channel'],
    ['/api/topics?to=2026-13-01', 'to'],
    ['/api/faq-gaps?from=0', 'from'],
    ['/api/faq-gaps/download?format=pdf', 'format'],
    ['/api/faq-gaps/download', 'format'],
    ['/api/runs?run=abc', 'run'],
    ['/api/runs?run=0', 'run'],
    ['/?from=x', 'from'],
  ])('%s names %s', async (url, parameter) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(parameter);
    expect(res.json().message).toMatch(/querystring/);
  });
});

describe('long and far ranges', () => {
  test('a range longer than the day series can show is a 400 that says so, not a series cut short', async () => {
    for (const url of ['/api/overview?from=2016-01-01&to=2026-03-31', '/api/overview?from=2026-03-04&to=9999-12-31', '/topics?from=0001-01-01']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().message, url).toMatch(
        /^querystring\/from the range from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} spans [\d,]+ days; the dashboard shows at most 3,700 days at once$/,
      );
    }
    const longest = await app.inject('/api/overview?from=2016-03-02&to=2026-03-31');
    expect(longest.statusCode).toBe(200);
    expect(longest.json().days).toHaveLength(3_682);
    expect(longest.json().days.at(-1)).toBe('2026-03-31');
  });

  test('the last day of year 9999 is a day like any other', async () => {
    const res = await app.inject('/api/overview?from=9999-12-01&to=9999-12-31');
    expect(res.statusCode).toBe(200);
    expect(res.json().days).toHaveLength(31);
    expect(res.json().days.at(-1)).toBe('9999-12-31');
    expect(res.json().total.conversations).toBe(0);
  });
});

describe('pages and headers', () => {
  test.each(['/', '/peak-times', '/topics', '/faq-gaps', '/runs'])('%s: HTML with a CSP that allows no inline script, only our scripts', async (path) => {
    const res = await app.inject(path);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const scripts = [...res.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(4); // Chart.js, format-duration (the CLI's formatter), the chart wrapper, the page's own
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/^ src="\/static\/[a-z.-]+\.js"$/);
      expect(content).toBe('');
    }
    expect(res.body).not.toMatch(/\son[a-z]+=/i);
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  test('the filter is kept in the URL: the form and navigation carry it, values escaped', async () => {
    const res = await app.inject('/?from=2026-03-10&to=2026-03-20&channel=email');
    expect(res.body).toContain('<input type="date" name="from" value="2026-03-10">');
    expect(res.body).toContain('<option value="email" selected>email</option>');
    expect(res.body).toContain('href="/topics?from=2026-03-10&amp;to=2026-03-20&amp;channel=email"');
    expect(res.body).toContain('href="/faq-gaps?from=2026-03-10&amp;to=2026-03-20&amp;channel=email"');
    expect(res.body).toContain('href="/conversations?from=2026-03-10&amp;to=2026-03-20&amp;channel=email"');
    expect(res.body).toContain('href="/runs"');
  });

  test('static files: Chart.js from the installed package and one script per page; nothing else', async () => {
    const chart = await app.inject('/static/chart.umd.min.js');
    expect(chart.statusCode).toBe(200);
    expect(chart.headers['content-type']).toMatch(/^text\/javascript/);
    expect(chart.body.length).toBeGreaterThan(100_000);
    for (const name of [
      'dashboard-charts.js',
      'overview.js',
      'peak-times.js',
      'topics.js',
      'faq-gaps.js',
      'agents.js',
      'conversations.js',
      'conversation.js',
      'runs.js',
      'dashboard.css',
    ]) {
      expect((await app.inject(`/static/${name}`)).statusCode).toBe(200);
    }
    for (const name of ['../package.json', '..%2Fpackage.json', 'nope.js']) {
      const res = await app.inject(`/static/${name}`);
      expect([400, 404]).toContain(res.statusCode);
    }
    expect((await app.inject('/nowhere')).headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  test('the page scripts never use innerHTML, insertAdjacentHTML, document.write or eval', async () => {
    for (const name of [
      'dashboard-charts.js',
      'overview.js',
      'peak-times.js',
      'topics.js',
      'faq-gaps.js',
      'agents.js',
      'conversations.js',
      'conversation.js',
      'runs.js',
    ]) {
      const body = (await app.inject(`/static/${name}`)).body;
      expect(body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    }
  });

  test('hostile bodies come back from the API as plain JSON strings (the page shows them with textContent)', async () => {
    const topics = (await app.inject(`/api/topics?${RANGE}`)).json();
    const runs = (await app.inject('/api/runs')).json();
    const texts = JSON.stringify([topics, runs]);
    expect(texts).toContain('<script>');
    expect(HOSTILE_BODIES.length).toBe(4);
  });
});

describe('token when bound beyond loopback', () => {
  const TOKEN = 'correct-horse-battery-staple';
  let guarded: FastifyInstance;
  beforeAll(async () => {
    guarded = await buildApp({ db: handle.db, responseTimes: config.responseTimes, token: TOKEN, now: () => NOW });
  });
  afterAll(async () => guarded?.close());

  test('without the token every page, API route and static file is a 401', async () => {
    for (const url of ['/', '/runs', '/api/overview', '/api/runs', '/static/overview.js']) {
      const res = await guarded.inject(url);
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toMatch(/token/);
    }
    expect((await guarded.inject({ url: '/api/runs', headers: { 'x-supportlens-token': 'wrong' } })).statusCode).toBe(401);
    expect((await guarded.inject({ url: '/api/runs', headers: { cookie: 'supportlens_token=wrong' } })).statusCode).toBe(401);
  });

  test('the header, a bearer token or the cookie let a request in; ?token= sets the cookie and drops itself from the URL', async () => {
    expect((await guarded.inject({ url: '/api/runs', headers: { 'x-supportlens-token': TOKEN } })).statusCode).toBe(200);
    expect((await guarded.inject({ url: '/api/runs', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    const opened = await guarded.inject(`/topics?from=2026-03-01&token=${TOKEN}`);
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/topics?from=2026-03-01');
    const cookie = String(opened.headers['set-cookie']);
    expect(cookie).toMatch(/^supportlens_token=correct-horse-battery-staple; HttpOnly; SameSite=Strict; Path=\//);
    expect((await guarded.inject({ url: '/topics?from=2026-03-01', headers: { cookie: cookie.split(';')[0]! } })).statusCode).toBe(200);
  });

  test('the redirect that drops ?token= stays on this server, whatever the path', async () => {
    const listening = await buildApp({ db: handle.db, responseTimes: config.responseTimes, token: TOKEN, now: () => NOW });
    try {
      const port = new URL(await listening.listen({ host: '127.0.0.1', port: 0 })).port;
      for (const [path, location] of [
        [`/.//evil.example/x?token=${TOKEN}`, '/evil.example/x'],
        [`//evil.example/x?token=${TOKEN}&a=1`, '/evil.example/x?a=1'],
        [`/%2e//evil.example?token=${TOKEN}`, '/evil.example'],
        [`/./\\evil.example?token=${TOKEN}`, '/evil.example'],
        [`/topics?token=${TOKEN}&from=2026-03-01`, '/topics?from=2026-03-01'],
      ] as const) {
        const answer = await new Promise<{ status: number | undefined; location: string | undefined }>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path }, (res) => {
            res.resume();
            resolve({ status: res.statusCode, location: res.headers.location });
          })
            .on('error', reject)
            .end();
        });
        expect(answer, path).toEqual({ status: 303, location });
      }
    } finally {
      await listening.close();
    }
  });

  test('a token of spaces only is refused', async () => {
    await expect(buildApp({ db: handle.db, responseTimes: config.responseTimes, token: ' '.repeat(16) })).rejects.toThrow('the dashboard token is blank');
  });
});

describe('Host header (DNS rebinding)', () => {
  test('a request naming another host is a 421 before anything is read; loopback names are answered', async () => {
    for (const host of ['evil.example', 'evil.example:3000', '127.0.0.1.evil.example', 'localhost@evil.example', 'localhost/x']) {
      const res = await app.inject({ url: '/api/topics', headers: { host } });
      expect(res.statusCode, host).toBe(421);
      expect(res.json()).toEqual({
        statusCode: 421,
        error: 'Misdirected Request',
        message: 'this dashboard does not answer to that host name; open it by the address it listens on, or start serve with --allowed-host NAME',
      });
    }
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LocalHost']) {
      expect((await app.inject({ url: '/api/runs', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  test('configured names are answered too; a token does not let another host in', async () => {
    const TOKEN = 'correct-horse-battery-staple';
    const named = await buildApp({ db: handle.db, responseTimes: config.responseTimes, hosts: ['Dash.Example.com', '::2'], token: TOKEN, now: () => NOW });
    try {
      const headers = { 'x-supportlens-token': TOKEN };
      expect((await named.inject({ url: '/api/runs', headers: { ...headers, host: 'dash.example.com:8080' } })).statusCode).toBe(200);
      expect((await named.inject({ url: '/api/runs', headers: { ...headers, host: '[::2]' } })).statusCode).toBe(200);
      expect((await named.inject({ url: '/api/runs', headers: { ...headers, host: 'evil.example' } })).statusCode).toBe(421);
      expect((await named.inject({ url: `/?token=${TOKEN}`, headers: { host: 'evil.example' } })).statusCode).toBe(421);
    } finally {
      await named.close();
    }
  });

  test('over a real connection too; any port (an SSH tunnel, a proxy), but only names of this server', async () => {
    const listening = await buildApp({ db: handle.db, responseTimes: config.responseTimes, now: () => NOW });
    try {
      const port = new URL(await listening.listen({ host: '127.0.0.1', port: 0 })).port;
      const status = (host: string) =>
        new Promise<number | undefined>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path: '/api/runs', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode);
          })
            .on('error', reject)
            .end();
        });
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status('localhost:8080')).toBe(200);
      expect(await status(`evil.example:${port}`)).toBe(421);
      expect(await status(`127.0.0.1.nip.io:${port}`)).toBe(421);
    } finally {
      await listening.close();
    }
  });
});

test('an unexpected failure is a generic 500 without internals', async () => {
  const broken = await seedlessClosedDatabase();
  const failing = await buildApp({ db: broken.db, responseTimes: config.responseTimes, now: () => NOW });
  const res = await failing.inject('/api/runs');
  expect(res.statusCode).toBe(500);
  expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'something went wrong; see the server log' });
  expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  await failing.close();
});

async function seedlessClosedDatabase(): Promise<TestDatabase> {
  const { memoryDatabase } = await import('../helpers.js');
  const closed = await memoryDatabase();
  await closed.close();
  return closed;
}

test('a new analysis run changes the answers at once (the cache is keyed on the latest analysis run)', async () => {
  const cachedApp = await buildApp({ db: handle.db, responseTimes: config.responseTimes, now: () => NOW });
  const volume = async () =>
    (await cachedApp.inject(`/api/peak-times?${RANGE}`)).json().cells.reduce((sum: number, cell: { conversations: number }) => sum + cell.conversations, 0);
  const first = await volume();
  // A new run writes its facts (one conversation more) beside the current run's; readers see them once it succeeds.
  const facts = await handle.db.selectFrom('conversation_facts').selectAll().execute();
  const run = await handle.db
    .insertInto('analysis_runs')
    .values({ started_at: NOW, status: 'running', pid: 1, hostname: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const fact of facts)
    await handle.db
      .insertInto('conversation_facts')
      .values({ ...fact, run_id: run.id })
      .execute();
  await handle.db
    .insertInto('conversation_facts')
    .values({ ...facts[0]!, run_id: run.id, conversation_id: 10_000_000, start_at: Date.parse('2026-03-05T10:00:00Z') })
    .execute();
  try {
    expect(await volume()).toBe(first);
    await handle.db.updateTable('analysis_runs').set({ status: 'succeeded', finished_at: NOW }).where('id', '=', run.id).execute();
    expect(await volume()).toBe(first + 1);
  } finally {
    await handle.db.deleteFrom('conversation_facts').where('run_id', '=', run.id).execute();
    await handle.db.deleteFrom('analysis_runs').where('id', '=', run.id).execute();
    await cachedApp.close();
  }
});

test('the cache key is the validated query: unknown parameters, order and empty values do not make a new computation', async () => {
  const cachedApp = await buildApp({ db: handle.db, responseTimes: config.responseTimes, now: () => NOW });
  const volume = async (query: string) =>
    (await cachedApp.inject(`/api/peak-times?${query}`)).json().cells.reduce((sum: number, cell: { conversations: number }) => sum + cell.conversations, 0);
  const first = await volume('from=2026-03-04&to=2026-03-31');
  const fact = await handle.db.selectFrom('conversation_facts').selectAll().limit(1).executeTakeFirstOrThrow();
  await handle.db
    .insertInto('conversation_facts')
    .values({ ...fact, conversation_id: 10_000_001, start_at: Date.parse('2026-03-05T10:00:00Z') })
    .execute();
  try {
    for (const query of [
      'from=2026-03-04&to=2026-03-31&z=1',
      'to=2026-03-31&from=2026-03-04',
      'from=2026-03-04&to=2026-03-31&channel=',
      'z=2&to=2026-03-31&from=2026-03-04&y=',
    ]) {
      expect(await volume(query), query).toBe(first);
    }
    // Another range is another computation, which sees the new fact.
    expect(await volume('from=2026-03-05&to=2026-03-05')).toBeGreaterThan(0);
    const narrower = await volume('from=2026-03-05&to=2026-03-31');
    await handle.db.deleteFrom('conversation_facts').where('conversation_id', '=', 10_000_001).execute();
    expect(await volume('from=2026-03-05&to=2026-03-31&z=1')).toBe(narrower);
  } finally {
    await handle.db.deleteFrom('conversation_facts').where('conversation_id', '=', 10_000_001).execute();
    await cachedApp.close();
  }
});
