import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { CLI, ROOT } from '../helpers.js';
import { testDatabaseLocation } from '../support/test-database.js';

const FIXTURE = join(ROOT, 'test/fixtures/response-times/conversations.jsonl');
const HOUR = 3_600_000;
const MINUTE = 60_000;

let dir: string;
let db: string;
let configPath: string;

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'supportlens-rt-cli-'));
  db = await testDatabaseLocation(join(dir, 'test.db'));
  configPath = join(dir, 'supportlens.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      reportingTimeZone: 'UTC',
      businessHours: { email: { timeZone: 'Europe/Berlin', intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }] } },
      targets: { chat: { firstResponse: '5m' }, email: { firstResponse: '24h', basis: 'business' } },
    }),
  );
  expect(cli('ingest', '--db', db, '--quiet', FIXTURE).status).toBe(0);
  const analyze = cli('analyze', '--db', db, '--config', configPath, '--json');
  expect(analyze.stderr).toBe('');
  expect(analyze.status).toBe(0);
  expect(JSON.parse(analyze.stdout)).toMatchObject({
    status: 'succeeded',
    analyses: { responseTimes: { conversations: 4, answered: 3, unanswered: 1, replies: 4 } },
  });
});

describe('supportlens report response-times', () => {
  test('--to 9999-12-31 counts every conversation, as no --to does', () => {
    const total = (...args: string[]) => JSON.parse(cli('report', 'response-times', '--db', db, '--format', 'json', ...args).stdout).total.conversations;
    expect(total()).toBe(4);
    expect(total('--to', '9999-12-31')).toBe(4);
    expect(total('--from', '2026-01-01', '--to', '9999-12-31')).toBe(4);
    expect(total('--from', '9999-12-31', '--to', '9999-12-31')).toBe(0);
  });

  test('JSON by channel: exact figures, business time from the config file found in the working directory', () => {
    const result = cli('report', 'response-times', '--db', db, '--group-by', 'channel', '--format', 'json', '--as-of', '2026-03-03T13:00:00Z');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    const chat = report.groups.find((group: { key: string }) => group.key === 'chat');
    const email = report.groups.find((group: { key: string }) => group.key === 'email');
    expect(chat).toMatchObject({ conversations: 3, answered: 2, unanswered: 1, oldestUnansweredAgeMs: 13 * HOUR + 10 * MINUTE });
    expect(chat.firstResponse).toEqual({ count: 2, mean: 6.5 * MINUTE, median: 6.5 * MINUTE, p90: 9.3 * MINUTE, p95: 9.65 * MINUTE });
    expect(chat.firstResponseTarget).toEqual({ met: 1, breached: 2, pending: 0, share: 1 / 3 });
    // email: 26 h of calendar time, 10 business hours (Mon 09:00-17:00 + Tue 09:00-11:00 Berlin): within 24 h of business time
    expect(email.firstResponse.median).toBe(26 * HOUR);
    expect(email.firstResponseTarget).toEqual({ met: 1, breached: 0, pending: 0, share: 1 });
    expect(email).toMatchObject({ reopened: 1, resolution: { count: 1, median: 28.5 * HOUR } });

    const business = JSON.parse(cli('report', 'response-times', '--db', db, '--channel', 'email', '--business-hours', '--format', 'json').stdout);
    expect(business.total.firstResponse.median).toBe(10 * HOUR);
    expect(business.clock).toBe('business');
  });

  test('table and CSV by day', () => {
    const table = cli('report', 'response-times', '--db', db, '--group-by', 'day', '--as-of', '2026-03-03T13:00:00Z');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^2026-03-02\s+4\s+3\s+1\s+13h 10m/m);
    const csv = cli('report', 'response-times', '--db', db, '--group-by', 'day', '--format', 'csv').stdout.trim().split('\n');
    expect(csv[0]).toMatch(/^day,conversations,answered,unanswered,oldest_unanswered_ms,waiting,reopened,first_response_count,first_response_mean_ms/);
    expect(csv.map((line) => line.split(',')[0])).toEqual(['day', '2026-03-02', 'total']);
  });

  test('--breaches and --heatmap', () => {
    const breaches = JSON.parse(cli('report', 'response-times', '--db', db, '--breaches', '--format', 'json', '--as-of', '2026-03-03T13:00:00Z').stdout);
    expect(breaches.map((b: { externalId: string; status: string }) => [b.externalId, b.status])).toEqual([
      ['chat-3', 'waiting'],
      ['chat-2', 'late'],
    ]);
    const heatmap = cli('report', 'response-times', '--db', db, '--heatmap', '--format', 'csv').stdout.trim().split('\n');
    expect(heatmap).toHaveLength(1 + 7 * 24);
    expect(heatmap).toContain('Mon,9,1,180000');
    expect(heatmap).toContain('Mon,23,1,');
  });

  test.each([
    [['--group-by', 'year'], '--group-by: "year" is not one of day, week, month, channel, agent, team, tag'],
    [['--from', '2026-13-01'], '--from: "2026-13-01" is not a date'],
    [['--to', 'yesterday'], '--to: "yesterday" is not a date'],
    [['--from', '2026-03-05', '--to', '2026-03-01'], '--to: "2026-03-01" is not after --from'],
    [['--format', 'xml'], '--format: "xml" is not one of table, csv, json'],
  ])('usage error %j', (args, message) => {
    const result = cli('report', 'response-times', '--db', db, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test('a bad configuration names its key and exits 2', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ businessHours: { chat: { timeZone: 'UTC', intervals: [{ days: ['mon'], start: '09:00', end: '25:00' }] } } }));
    const result = cli('analyze', '--db', db, '--config', bad);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('businessHours.chat.intervals[0].end: "25:00" is not a time');
  });
});

test('supportlens export conversations: CSV to a file, JSON Lines to stdout', () => {
  const out = join(dir, 'conversations.csv');
  const result = cli('export', 'conversations', '--db', db, '--out', out, '--channel', 'email');
  expect(result.status).toBe(0);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(2);
  const header = lines[0]!.split(',');
  const row = Object.fromEntries(lines[1]!.split(',').map((cell, index) => [header[index], cell]));
  expect(row).toMatchObject({
    conversation_id: 'mail-1',
    channel: 'email',
    first_response_ms: String(26 * HOUR),
    first_response_business_ms: String(10 * HOUR),
    reply_median_ms: String(13.5 * HOUR),
    resolutions: '2',
    reopens: '1',
    unanswered: '0',
    agent: 'carol',
  });
  const jsonl = cli('export', 'conversations', '--db', db, '--format', 'jsonl', '--from', '2026-03-02', '--to', '2026-03-02');
  expect(
    jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).conversation_id),
  ).toEqual(['chat-1', 'chat-2', 'chat-3', 'mail-1']);
});
