import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { findDelivery, listDeliveries } from '../../../db/deliveries.js';
import { parseConfig, type SupportlensConfig } from '../../../cli/config.js';
import { runDeliveries, type RunDeliveriesOptions } from '../../../cli/deliveries/run-deliveries.js';
import { runTick } from '../../../cli/schedule/run-tick.js';
import { CLI, insertSucceededAnalysisRun, temporaryFolder, type TemporaryFolder } from '../../helpers.js';
import { type TestDatabase, testDatabaseAt } from '../../support/test-database.js';

/** "Now" of every run here (a Sunday): the day digest is 2026-12-05's, the last complete week 2026-W48 (23-29 November). */
const NOW = Date.parse('2026-12-06T02:00:00Z');
const WEBHOOK_SECRET_PATH = '/services/T000/B000/s3cr3t-token';

let folder: TemporaryFolder;
let handle: TestDatabase & { location: string };
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  folder = temporaryFolder();
  handle = await testDatabaseAt(join(folder.path, 'test.db'));
  const runId = await insertSucceededAnalysisRun(handle);
  const details = {
    ratio: 4,
    historyWeeks: 8,
    topics: [{ topicId: 3, label: 'withdrawal stuck', count: 60, baseline: 5 }],
    firstResponse: { medianMs: 900_000, baselineMedianMs: 180_000 },
    withinTarget: { share: 0.2, baselineShare: 0.9, judged: 150 },
    events: [],
  };
  await handle.db
    .insertInto('alerts')
    .values({
      analysis_run_id: runId,
      alert_id: 'spike:day:channel:chat:2026-12-05',
      kind: 'spike',
      granularity: 'day',
      scope: 'channel',
      scope_key: 'chat',
      scope_label: 'chat',
      period_start: Date.parse('2026-12-05T00:00:00Z'),
      period_end: Date.parse('2026-12-06T00:00:00Z'),
      period_label: '2026-12-05',
      observed: 160,
      baseline: 40,
      score: 19,
      details: JSON.stringify(details),
    })
    .execute();
});

afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
  await handle.close();
  folder.cleanup();
});

function configWith(destinations: unknown[], extra: Record<string, unknown> = {}): SupportlensConfig {
  return parseConfig({ deliveries: { destinations, retries: 1, retryDelay: '1ms', timeout: '2s', ...extra } }, 'test');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** An HTTP receiver answering each request with the next status of `statuses` (the last one repeats); `delayMs` holds the answer. */
async function webhookReceiver(statuses: number[] = [200], delayMs = 0): Promise<{ url: string; bodies: unknown[]; port: number }> {
  const bodies: unknown[] = [];
  let index = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push({ path: request.url, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const status = statuses[Math.min(index++, statuses.length - 1)]!;
      const timer = setTimeout(() => response.writeHead(status).end(status === 200 ? 'ok' : 'error'), delayMs);
      response.on('close', () => clearTimeout(timer));
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}${WEBHOOK_SECRET_PATH}`, bodies, port };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The CLI in a child process; asynchronous, so that this process's receivers keep answering meanwhile. */
function runCliAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.resume();
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

function run(config: SupportlensConfig, env: Record<string, string>, options: Partial<RunDeliveriesOptions> = {}) {
  const log: string[] = [];
  return runDeliveries(handle, config, { now: NOW, environment: env, log: (line) => log.push(line), ...options }).then((outcomes) => ({ outcomes, log }));
}

describe('email over SMTP, received and parsed by a real SMTP server', () => {
  test('the day digest and the alert arrive once, authenticated; a rerun sends nothing', async () => {
    const mails: ParsedMail[] = [];
    const logins: string[] = [];
    const server = new SMTPServer({
      hideSTARTTLS: true,
      authOptional: false,
      onAuth(auth, _session, callback) {
        logins.push(`${auth.username}:${auth.password}`);
        if (auth.password === 'smtp-pass-1') callback(null, { user: auth.username });
        else callback(new Error('bad login'));
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          mails.push(mail);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.server.address() as AddressInfo).port;
    const config = configWith(
      [
        {
          name: 'team-mail',
          type: 'email',
          host: '127.0.0.1',
          port,
          user: 'bot',
          passwordEnv: 'TEST_SMTP_PASSWORD',
          from: 'supportlens@example.com',
          to: ['lead@example.com'],
          digests: ['day'],
          alerts: true,
        },
      ],
      { dashboardUrl: 'http://127.0.0.1:4319' },
    );
    const first = await run(config, { TEST_SMTP_PASSWORD: 'smtp-pass-1' });
    expect(first.outcomes.map((outcome) => [outcome.kind, outcome.period, outcome.status])).toEqual([
      ['digest-day', '2026-12-05', 'sent'],
      ['alert', 'spike:day:channel:chat:2026-12-05', 'sent'],
    ]);
    expect(logins).toEqual(['bot:smtp-pass-1', 'bot:smtp-pass-1']);
    expect(mails.map((mail) => mail.subject)).toEqual(['Support digest: day 2026-12-05', 'Support alert: spike chat 2026-12-05']);
    expect(mails[0]!.to).toMatchObject({ text: 'lead@example.com' });
    expect(mails[0]!.text).toContain('RESPONSE TIMES');
    expect(mails[0]!.text).toContain('http://127.0.0.1:4319/?from=2026-12-05&to=2026-12-05');
    expect(mails[1]!.text).toContain('160 conversations, 4.0x the usual 40');
    expect(mails[1]!.text).toContain('withdrawal stuck (60, usually 5)');
    expect(mails[0]!.messageId).toBe('<digest-day.2026-12-05.team-mail@supportlens>');

    const again = await run(config, { TEST_SMTP_PASSWORD: 'smtp-pass-1' });
    expect(again.outcomes.map((outcome) => outcome.status)).toEqual(['skipped', 'skipped']);
    expect(mails).toHaveLength(2);
  });

  test('a refused login fails the delivery without the password in the error, the log or the table', async () => {
    const server = new SMTPServer({
      hideSTARTTLS: true,
      onAuth: (_auth, _session, callback) => callback(new Error('Invalid username or password')),
      onData: (stream, _s, callback) => stream.resume().on('end', () => callback()),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.server.address() as AddressInfo).port;
    const config = configWith([
      { name: 'm', type: 'email', host: '127.0.0.1', port, user: 'bot', passwordEnv: 'P', from: 'a@example.com', to: 'b@example.com', digests: ['day'] },
    ]);
    const { outcomes, log } = await run(config, { P: 'hunter2-secret' });
    expect(outcomes).toMatchObject([{ status: 'failed', attempts: 2 }]);
    expect(outcomes[0]!.error).toMatch(/EAUTH/);
    const row = await findDelivery(handle.db, { destination: 'm', kind: 'digest-day', period: '2026-12-05' });
    expect(row?.status).toBe('failed');
    expect(JSON.stringify([outcomes, log, row])).not.toContain('hunter2-secret');
  });

  test('an SMTP server that is not there: failed, retried in the run and by the next run', async () => {
    const port = await closedPort();
    const config = configWith([{ name: 'm', type: 'email', host: '127.0.0.1', port, from: 'a@example.com', to: 'b@example.com', digests: ['day'] }]);
    const { outcomes } = await run(config, {});
    expect(outcomes).toMatchObject([{ status: 'failed', attempts: 2 }]);
    expect(outcomes[0]!.error).toMatch(/ECONNECTION|ECONNREFUSED/);
    expect((await run(config, {})).outcomes).toMatchObject([{ status: 'failed', attempts: 2 }]);
    expect((await findDelivery(handle.db, { destination: 'm', kind: 'digest-day', period: '2026-12-05' }))?.attempts).toBe(4);
  });
});

describe('Slack-compatible webhook, received by a local HTTP server', () => {
  test('the digest and the alert are JSON bodies with text (customer words cannot become Slack links or mentions); the URL (a secret) is read from a file', async () => {
    const row = await handle.db.selectFrom('alerts').select('details').executeTakeFirstOrThrow();
    await handle.db
      .updateTable('alerts')
      .set({ details: row.details.replace('withdrawal stuck', 'withdrawal <!channel> & <http://x|stuck>') })
      .execute();
    const receiver = await webhookReceiver();
    const secretFile = join(folder.path, 'webhook-url');
    writeFileSync(secretFile, `${receiver.url}\n`);
    const config = configWith([{ name: 'slack', type: 'webhook', urlFile: secretFile, digests: ['day', 'week'], alerts: true }]);
    const { outcomes } = await run(config, {});
    expect(outcomes.map((outcome) => [outcome.kind, outcome.period, outcome.status])).toEqual([
      ['digest-day', '2026-12-05', 'sent'],
      ['digest-week', '2026-W48', 'sent'],
      ['alert', 'spike:day:channel:chat:2026-12-05', 'sent'],
    ]);
    const texts = receiver.bodies.map((body) => (body as { json: { text: string } }).json.text);
    expect(texts[0]).toMatch(/^\*Support digest: day 2026-12-05\*\n/);
    expect(texts[1]).toMatch(/^\*Support digest: week 2026-W48\*\n/);
    expect(texts[2]).toContain('spike chat 2026-12-05: 160 conversations');
    expect(texts[2]).toContain('withdrawal &lt;!channel&gt; &amp; &lt;http://x|stuck&gt; (60, usually 5)');
    expect(receiver.bodies.every((body) => (body as { path: string }).path === WEBHOOK_SECRET_PATH)).toBe(true);
  });

  test('refused connection: failed and retried; the next run delivers it once the receiver is up; the URL is never logged', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}${WEBHOOK_SECRET_PATH}`;
    const config = configWith([{ name: 'slack', type: 'webhook', urlEnv: 'HOOK', digests: ['day'] }]);
    const first = await run(config, { HOOK: url });
    expect(first.outcomes).toMatchObject([{ status: 'failed', attempts: 2, error: 'cannot reach the webhook (ECONNREFUSED)' }]);
    const rows = await listDeliveries(handle.db);
    expect(JSON.stringify([first, rows])).not.toContain('s3cr3t-token');
    const receiver = await webhookReceiver();
    const second = await run(config, { HOOK: receiver.url });
    expect(second.outcomes).toMatchObject([{ status: 'sent', attempts: 1 }]);
    expect(receiver.bodies).toHaveLength(1);
  });

  test('HTTP 500 is not accepted: retried in the same run, sent on the second attempt', async () => {
    const receiver = await webhookReceiver([500, 200]);
    const config = configWith([{ name: 'slack', type: 'webhook', urlEnv: 'HOOK', digests: ['day'] }]);
    const { outcomes, log } = await run(config, { HOOK: receiver.url });
    expect(outcomes).toMatchObject([{ status: 'sent', attempts: 2 }]);
    expect(log[0]).toBe('delivery slack digest-day 2026-12-05: failed (the webhook answered HTTP 500)');
    expect(receiver.bodies).toHaveLength(2);
    expect(await findDelivery(handle.db, { destination: 'slack', kind: 'digest-day', period: '2026-12-05' })).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('a server slower than the timeout: unknown (the message was handed over), never sent again', async () => {
    const receiver = await webhookReceiver([200], 5_000);
    const config = configWith([{ name: 'slack', type: 'webhook', urlEnv: 'HOOK', digests: ['day'] }], { timeout: '300ms' });
    const { outcomes } = await run(config, { HOOK: receiver.url });
    expect(outcomes).toMatchObject([{ status: 'unknown', attempts: 1, error: 'the webhook did not answer within 300 ms after the message was sent' }]);
    expect((await run(config, { HOOK: receiver.url })).outcomes).toMatchObject([{ status: 'skipped', attempts: 0 }]);
    expect(receiver.bodies).toHaveLength(1);
  });

  test('a missing secret fails the delivery with the variable named', async () => {
    const config = configWith([{ name: 'slack', type: 'webhook', urlEnv: 'NOT_SET_HOOK', digests: ['day'] }], { retries: 0 });
    expect((await run(config, {})).outcomes).toMatchObject([{ status: 'failed', error: 'the environment variable NOT_SET_HOOK is not set' }]);
  });
});

test('the process killed between sending and recording: the message arrived once, and the rerun does not send it again', async () => {
  const receiver = await webhookReceiver();
  const configPath = join(folder.path, 'config.json');
  writeFileSync(configPath, JSON.stringify({ deliveries: { destinations: [{ name: 'slack', type: 'webhook', urlEnv: 'HOOK', digests: ['day'] }] } }));
  const args = [...CLI, 'digest', '--db', handle.location, '--config', configPath, '--as-of', '2026-12-05'];
  const killed = await runCliAsync(args, { HOOK: receiver.url, SUPPORTLENS_TEST_KILL_AFTER_SEND: '1' });
  expect(killed.signal).toBe('SIGKILL');
  expect(receiver.bodies).toHaveLength(1);
  const key = { destination: 'slack', kind: 'digest-day', period: '2026-12-05' } as const;
  expect((await findDelivery(handle.db, key))?.status).toBe('sending');
  const rerun = await runCliAsync(args, { HOOK: receiver.url });
  expect(rerun.status).toBe(0);
  expect(rerun.stderr).toContain('slack digest-day 2026-12-05: already delivered (or in doubt), not sent again');
  expect(receiver.bodies).toHaveLength(1);
  expect((await findDelivery(handle.db, key))?.status).toBe('unknown');
});

test('a failed delivery never fails the nightly run; it is recorded in the run history', async () => {
  const inbox = join(folder.path, 'inbox');
  mkdirSync(inbox);
  const config = parseConfig(
    {
      schedule: { inbox, retries: 0 },
      deliveries: { retries: 0, destinations: [{ name: 'slack', type: 'webhook', urlEnv: 'SUPPORTLENS_TEST_HOOK_UNSET', digests: ['day'] }] },
    },
    'test',
  );
  const result = await runTick(handle, config, { trigger: 'manual' });
  expect(result.status).toBe('succeeded');
  expect(result.attempts[0]!.deliveries).toMatchObject([{ destination: 'slack', status: 'failed' }]);
  const row = await handle.db.selectFrom('job_runs').select(['status', 'summary']).executeTakeFirstOrThrow();
  expect(row.status).toBe('succeeded');
  expect(JSON.parse(row.summary!).deliveries).toMatchObject([{ destination: 'slack', kind: 'digest-day', status: 'failed' }]);
});
