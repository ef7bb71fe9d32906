import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CLI, temporaryFolder } from '../helpers.js';

const folder = temporaryFolder();
afterAll(() => folder.cleanup());

function demoData(...args: string[]) {
  return spawnSync(process.execPath, [...CLI, 'demo-data', ...args], { encoding: 'utf8', cwd: folder.path });
}

const days = (out: string) =>
  [...new Set(readdirSync(join(folder.path, out, 'inbox')).map((name) => /(\d{4}-\d{2}-\d{2})/.exec(name)?.[1]))].filter(Boolean).sort();

test('--end gives the last day of data: the same seed and end write the same days on any day the command runs', () => {
  const result = demoData('--out', 'fixed', '--days', '3', '--seed', '2', '--end', '2024-02-29');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(days('fixed')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29']);
});

test('without --end the data ends today (UTC)', () => {
  const before = new Date().toISOString().slice(0, 10);
  expect(demoData('--out', 'today', '--days', '2').status).toBe(0);
  const after = new Date().toISOString().slice(0, 10);
  expect([before, after]).toContain(days('today').at(-1));
});

test.each(['2026-02-30', '2026-12-6', 'yesterday'])('--end %s is refused with exit 2, naming the value', (end) => {
  const result = demoData('--out', 'bad', '--days', '2', '--end', end);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(`--end: "${end}" is not a date (YYYY-MM-DD)`);
});
