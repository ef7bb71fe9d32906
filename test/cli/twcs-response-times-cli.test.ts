import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TWCS_FIXTURE_FIRST_RESPONSES, TWCS_FIXTURE_FIRST_RESPONSES_BY_BRAND, TWCS_FIXTURE_UNANSWERED } from '../fixtures/twcs/expected-first-responses.js';
import { CLI, FIXTURES } from '../helpers.js';
import { testDatabaseLocation } from '../support/test-database.js';

// Runs the built CLI (npm test builds before vitest): the Twitter corpus import, then issue 3's report, checked
// against first response times worked out by hand from the fixture's timestamps.
const THREADS = join(FIXTURES, 'twcs', 'threads-out-of-order.csv');
let dir: string;
let db: string;

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'supportlens-twcs-cli-'));
  db = await testDatabaseLocation(join(dir, 'test.db'));
  expect(cli('ingest', '--db', db, '--quiet', THREADS).status).toBe(0);
  const analyze = cli('analyze', '--db', db, '--json');
  expect(analyze.status).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test("report response-times --group-by agent gives each brand's first response times as worked out by hand", () => {
  const result = cli('report', 'response-times', '--db', db, '--group-by', 'agent', '--format', 'json', '--as-of', '2017-10-08T00:00:00Z');
  expect(result.status).toBe(0);
  const report = JSON.parse(result.stdout) as {
    groups: { key: string; answered: number; unanswered: number; firstResponse: { count: number; mean: number; median: number } }[];
  };
  for (const [brand, times] of Object.entries(TWCS_FIXTURE_FIRST_RESPONSES_BY_BRAND)) {
    const group = report.groups.find((g) => g.key === brand);
    const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
    const middle = Math.floor(times.length / 2);
    const median = times.length % 2 === 1 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
    expect(group, brand).toMatchObject({ answered: times.length, unanswered: 0, firstResponse: { count: times.length, mean, median } });
  }
  // The unanswered thread has no brand reply, hence no assignee: it is reported under "(none)", with its age.
  const none = report.groups.find((g) => g.key === '(none)');
  expect(none).toMatchObject({
    unanswered: TWCS_FIXTURE_UNANSWERED.length,
    oldestUnansweredAgeMs: Date.parse('2017-10-08T00:00:00Z') - Date.parse(TWCS_FIXTURE_UNANSWERED[0].customerTweetAt),
  });
});

test('export conversations gives each thread the first response time worked out by hand', () => {
  const result = cli('export', 'conversations', '--db', db, '--format', 'jsonl');
  expect(result.status).toBe(0);
  const rows = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { conversation_id: string; agent: string | null; first_response_ms: number | null; first_response_at: string | null });
  for (const expected of TWCS_FIXTURE_FIRST_RESPONSES) {
    const row = rows.find((r) => r.conversation_id === expected.conversation);
    expect(row, expected.conversation).toMatchObject({ agent: expected.brand, first_response_ms: expected.firstResponseMs });
    expect(Date.parse(row!.first_response_at!)).toBe(Date.parse(expected.brandReplyAt));
  }
});
