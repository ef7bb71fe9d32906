import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, temporaryFolder } from '../helpers.js';
import { testDatabaseLocation } from '../support/test-database.js';

// The whole pipeline on generated demo data, and the facts the generator plants (cli/demo/demo-content.ts):
// volatility days with several times the chat volume, trading fees that agents now quote as 0.2% while the FAQ
// says 0.1%, a new token (NOVA) no entry covers, and two entries nobody asks about.
const folder = temporaryFolder();
/** The database: a SQLite file, or on the PostgreSQL pass a PostgreSQL database. */
let db = '';
let spikeDays: string[] = [];
let firstDay = '';
let lastDay = '';
const END_DAY = '2026-12-06';

function supportlens(...args: string[]): string {
  const result = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', cwd: folder.path, maxBuffer: 64 * 1024 * 1024 });
  expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  db = await testDatabaseLocation(join(folder.path, 'demo.db'));
  // A fixed last day: what the generator plants depends on the calendar (weekends), so the test does not move with
  // the day it runs.
  const generated = supportlens('demo-data', '--out', 'demo', '--days', '30', '--seed', '7', '--end', END_DAY);
  spikeDays = /volatility days (.+)$/m.exec(generated)![1]!.split(', ');
  lastDay = END_DAY;
  firstDay = new Date(Date.parse(`${END_DAY}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  supportlens('ingest', '--db', db, '--quiet', join(folder.path, 'demo/inbox'), join(folder.path, 'demo/faq'));
  supportlens('analyze', '--db', db, '--quiet');
}, 180_000);
afterAll(() => folder.cleanup());

test('the volatility days are the busiest and the slowest days', () => {
  const report = JSON.parse(
    supportlens('report', 'response-times', '--db', db, '--group-by', 'day', '--channel', 'chat', '--from', firstDay, '--to', lastDay, '--format', 'json'),
  ) as {
    groups: { key: string; conversations: number; firstResponse: { median: number | null } }[];
  };
  const volumes = report.groups.map((g) => g.conversations).sort((a, b) => a - b);
  const median = volumes[Math.floor(volumes.length / 2)]!;
  expect(spikeDays.length).toBeGreaterThan(0);
  for (const day of spikeDays) {
    const group = report.groups.find((g) => g.key === day);
    expect(group, day).toBeDefined();
    expect(group!.conversations, day).toBeGreaterThanOrEqual(2 * median);
  }
  // ... and the slow days: chat answers take longer than on a typical day.
  const medians = report.groups.map((g) => g.firstResponse.median ?? 0).sort((a, b) => a - b);
  const typical = medians[Math.floor(medians.length / 2)]!;
  for (const day of spikeDays) expect(report.groups.find((g) => g.key === day)!.firstResponse.median!, day).toBeGreaterThan(1.5 * typical);
  const busiest = [...report.groups]
    .sort((a, b) => b.conversations - a.conversations)
    .slice(0, spikeDays.length)
    .map((g) => g.key);
  expect(busiest.sort()).toEqual([...spikeDays].sort());
});

test('FAQ gaps: the outdated fee entry is UPDATE with the new fee as evidence, NOVA is NEW, unused entries are UNUSED', () => {
  const report = JSON.parse(supportlens('report', 'faq-gaps', '--db', db, '--from', firstDay, '--to', lastDay, '--format', 'json')) as {
    findings: { verdict: string; entryId: string | null; title: string; summary: string; keyTerms: string[] }[];
  };
  const updates = report.findings.filter((f) => f.verdict === 'UPDATE' && f.entryId === 'trading-fees');
  expect(updates.length).toBeGreaterThan(0);
  expect(updates.some((f) => /agents say 0\.2%, the entry says 0\.1%/.test(f.summary))).toBe(true);
  const nova = report.findings.filter((f) => f.verdict === 'NEW' && /nova/i.test(`${f.title} ${f.keyTerms.join(' ')}`));
  expect(nova.length).toBeGreaterThan(0);
  const unused = report.findings.filter((f) => f.verdict === 'UNUSED').map((f) => f.entryId);
  expect(unused).toEqual(expect.arrayContaining(['margin-guide', 'api-keys']));
  // Entries customers do ask about are not UNUSED.
  expect(unused).not.toContain('trading-fees');
  expect(unused).not.toContain('kyc-time');
});
