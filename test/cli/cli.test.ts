import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CLI, FIXTURES, temporaryFolder } from '../helpers.js';
import { testDatabaseLocation } from '../support/test-database.js';

let folder: ReturnType<typeof temporaryFolder>;
let db: string;
beforeEach(async () => {
  folder = temporaryFolder();
  db = await testDatabaseLocation(join(folder.path, 'test.db'));
});
afterEach(() => folder.cleanup());

function supportlens(...args: string[]) {
  const result = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', cwd: folder.path });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const good = () => join(FIXTURES, 'hostile', '11-crlf.jsonl');

describe('--help on every command', () => {
  test.each([[[]], [['ingest']], [['rejects']]])('supportlens %j --help', (command) => {
    const result = supportlens(...command, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: supportlens/);
    expect(result.stdout).toMatch(/--db <file\|url>|Commands:/);
  });
});

describe('ingest exit codes', () => {
  test('0 when every file was read; the summary adds up; no progress when not on a terminal', () => {
    const result = supportlens('ingest', '--db', db, good());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/total\s+2\s+2\s+0\s+0\s+0/);
    expect(result.stderr).toBe('');
  });

  test('2 when a path is missing, naming it, and nothing is ingested', () => {
    const result = supportlens('ingest', '--db', db, good(), 'no-such-folder');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no-such-folder: no such file or folder/);
    const runs = supportlens('rejects', '--db', db);
    expect(runs.stdout).toBe('no rejects\n');
  });

  test('2 for an unknown time zone', () => {
    const result = supportlens('ingest', '--db', db, '--timezone', 'Mars/Base', good());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown time zone "Mars\/Base"/);
  });

  test('2 for an unknown option', () => {
    const result = supportlens('ingest', '--db', db, '--frobnicate', good());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  test('1 when some files could not be read, naming them', () => {
    const result = supportlens('ingest', '--db', db, good(), join(FIXTURES, 'hostile', '07-binary.bin'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/07-binary\.bin: not a format supportlens reads: binary file/);
  });

  test('3 when nothing could be read', () => {
    const result = supportlens('ingest', '--db', db, join(FIXTURES, 'hostile', '07-binary.bin'));
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/run 1 failed in/);
  });

  test('0 for an empty file, which the summary names as a warning (not "succeeded" with exit 3)', () => {
    const empty = join(FIXTURES, 'hostile', '05-empty.jsonl');
    const result = supportlens('ingest', '--db', db, empty);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`warning: ${empty}: the file is empty: nothing to read\n`);
    expect(result.stdout).toMatch(/run 1 succeeded in [\d.]+ s; see: supportlens rejects --run 1\n$/);
  });

  test('--json prints the summary for scripts', () => {
    const result = supportlens('ingest', '--db', db, '--json', good(), join(FIXTURES, 'hostile', '01-broken-json-lines.jsonl'));
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { runId: number; records: Record<string, number>; files: unknown[]; peakRssBytes: number };
    expect(summary.runId).toBe(1);
    expect(summary.files).toHaveLength(2);
    // The second file repeats the first file's two conversations: recognised as unchanged.
    expect(summary.records).toEqual({ read: 8, inserted: 2, updated: 0, unchanged: 2, rejected: 4 });
    expect(summary.peakRssBytes).toBeGreaterThan(0);
  });

  test('--no-worker parses in the main thread with the same result', async () => {
    const csv = join(FIXTURES, 'hostile', '12-multiline-bodies.csv');
    const withWorker = JSON.parse(supportlens('ingest', '--db', await testDatabaseLocation(join(folder.path, 'a.db')), '--json', csv).stdout) as {
      records: unknown;
    };
    const inPlace = supportlens('ingest', '--db', await testDatabaseLocation(join(folder.path, 'b.db')), '--json', '--no-worker', csv);
    expect(inPlace.code).toBe(0);
    expect((JSON.parse(inPlace.stdout) as { records: unknown }).records).toEqual(withWorker.records);
  });

  test('--quiet prints nothing', () => {
    const result = supportlens('ingest', '--db', db, '--quiet', good());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });
});

describe('rejects', () => {
  test('lists file, line, reason and raw text, per run and per kind', () => {
    const broken = join(folder.path, 'broken.jsonl');
    writeFileSync(broken, '{"id": 1\n');
    supportlens('ingest', '--db', db, '--quiet', join(FIXTURES, 'hostile', '01-broken-json-lines.jsonl'));
    supportlens('ingest', '--db', db, '--quiet', broken);
    const all = supportlens('rejects', '--db', db, '--json');
    expect(all.code).toBe(0);
    const rows = all.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { run_id: number; line: number; reason: string; raw: string; path: string });
    expect(rows).toHaveLength(5);
    const second = supportlens('rejects', '--db', db, '--run', '2', '--json');
    const secondRows = second.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { run_id: number; line: number; raw: string; path: string });
    expect(secondRows).toEqual([expect.objectContaining({ run_id: 2, line: 1, raw: '{"id": 1', path: broken })]);
    const table = supportlens('rejects', '--db', db, '--run', '1');
    expect(table.stdout).toMatch(/record\s+.*01-broken-json-lines\.jsonl\s+2\s+broken JSON/);
  });

  test('a bad --run is a usage error', () => {
    const result = supportlens('rejects', '--db', db, '--run', 'yesterday');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--run must be a run number/);
  });
});
