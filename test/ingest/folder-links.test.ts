import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DatabaseHandle } from '../../db/connection.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { CLI, eachTestDatabaseAndFolder, type TemporaryFolder } from '../helpers.js';

let handle: DatabaseHandle;
let folder: TemporaryFolder;
eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));

const CONVERSATION = `${JSON.stringify({
  id: 'c1',
  channel: 'chat',
  created_at: '2024-05-01T10:00:00Z',
  messages: [{ id: 'm1', author_role: 'customer', created_at: '2024-05-01T10:00:00Z', body: 'where is my refund' }],
})}\n`;

/** The old walk followed a loop forever: a limit makes that a failure instead of a hang (30 s: starting the CLI from
 * its sources alone took over 5 s on a loaded 2-core machine). */
const WALK_LIMIT_MS = 30_000;

describe('a folder walked through links', () => {
  test(
    'a directory loop (a link to its parent, a link to itself) finishes, reads the file once and names both links',
    async () => {
      const loop = join(folder.path, 'x', 'loop');
      mkdirSync(loop, { recursive: true });
      writeFileSync(join(loop, 'a.jsonl'), CONVERSATION);
      symlinkSync('../loop', join(loop, 'self'));
      symlinkSync('.', join(loop, 'dot'));

      const summary = await runIngest(handle, { paths: [loop], timezone: 'UTC' });
      expect(summary.status).toBe('succeeded');
      expect(summary.files.map((file) => file.path)).toEqual([join(loop, 'a.jsonl')]);
      expect(summary.records).toEqual({ read: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
      expect(summary.skipped).toEqual([
        { path: join(loop, 'dot'), kind: 'link', reason: `leads to a folder already read as ${loop}, skipped` },
        { path: join(loop, 'self'), kind: 'link', reason: `leads to a folder already read as ${loop}, skipped` },
      ]);
      expect(summary.warnings).toBe(2);
      const warnings = await handle.db.selectFrom('rejects').select(['path', 'kind', 'line']).orderBy('id').execute();
      expect(warnings).toEqual([
        { path: join(loop, 'dot'), kind: 'warning', line: null },
        { path: join(loop, 'self'), kind: 'warning', line: null },
      ]);
    },
    WALK_LIMIT_MS,
  );

  test(
    'with one link back to the folder, the file is read once, not once per level of links',
    async () => {
      const loop = join(folder.path, 'loop');
      mkdirSync(loop);
      writeFileSync(join(loop, 'a.jsonl'), CONVERSATION);
      symlinkSync('../loop', join(loop, 'again'));
      const summary = await runIngest(handle, { paths: [loop], timezone: 'UTC' });
      expect(summary.files).toHaveLength(1);
      expect(summary.records.read).toBe(1);
      expect(summary.skipped.map((entry) => entry.path)).toEqual([join(loop, 'again')]);
    },
    WALK_LIMIT_MS,
  );

  test('a second link to a file already listed and a broken link are skipped and named', async () => {
    writeFileSync(join(folder.path, 'a.jsonl'), CONVERSATION);
    symlinkSync('a.jsonl', join(folder.path, 'b-copy.jsonl'));
    symlinkSync('nowhere.jsonl', join(folder.path, 'c-broken.jsonl'));
    symlinkSync('d-self', join(folder.path, 'd-self'));
    const summary = await runIngest(handle, { paths: [folder.path], timezone: 'UTC' });
    expect(summary.status).toBe('succeeded');
    expect(summary.records.read).toBe(1);
    expect(summary.skipped).toEqual([
      { path: join(folder.path, 'b-copy.jsonl'), kind: 'link', reason: `leads to a file already read as ${join(folder.path, 'a.jsonl')}, skipped` },
      { path: join(folder.path, 'c-broken.jsonl'), kind: 'link', reason: 'link to nothing readable (ENOENT), skipped' },
      { path: join(folder.path, 'd-self'), kind: 'link', reason: 'link to nothing readable (ELOOP), skipped' },
    ]);
  });

  test('a link to a folder outside is followed, and the same file given twice is read once without a remark', async () => {
    const outside = join(folder.path, 'outside');
    const inside = join(folder.path, 'inside');
    mkdirSync(outside);
    mkdirSync(inside);
    writeFileSync(join(outside, 'a.jsonl'), CONVERSATION);
    symlinkSync('../outside', join(inside, 'link'));
    const summary = await runIngest(handle, { paths: [inside, join(outside, 'a.jsonl'), join(outside, 'a.jsonl')], timezone: 'UTC' });
    expect(summary.files.map((file) => file.path)).toEqual([join(inside, 'link', 'a.jsonl')]);
    expect(summary.skipped).toEqual([
      { path: join(outside, 'a.jsonl'), kind: 'link', reason: `leads to a file already read as ${join(inside, 'link', 'a.jsonl')}, skipped` },
    ]);
  });
});

test(
  'supportlens ingest of a folder with a loop exits 0 and lists the skipped links under its summary',
  () => {
    const loop = join(folder.path, 'loop');
    mkdirSync(loop);
    writeFileSync(join(loop, 'a.jsonl'), CONVERSATION);
    symlinkSync('../loop', join(loop, 'self'));
    const result = spawnSync(process.execPath, [...CLI, 'ingest', '--db', join(folder.path, 'l.db'), loop], { encoding: 'utf8', timeout: WALK_LIMIT_MS });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`skipped: ${join(loop, 'self')}: leads to a folder already read as ${loop}, skipped\n`);
  },
  WALK_LIMIT_MS * 2,
);
