import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { listInputFiles } from '../../ingest/list-input-files.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { CLI, eachTestDatabaseAndFolder, makeReadableAgain, makeUnreadable, type TemporaryFolder } from '../helpers.js';

let handle: TestDatabase;
let folder: TemporaryFolder;
eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));

const CONVERSATION = `${JSON.stringify({
  id: 'c1',
  channel: 'chat',
  created_at: '2024-05-01T10:00:00Z',
  messages: [{ id: 'm1', author_role: 'customer', created_at: '2024-05-01T10:00:00Z', body: 'where is my refund' }],
})}\n`;

/** The error Node gives for a folder the process may not list. */
function permissionDenied(syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EACCES: permission denied, ${syscall} '${path}'`), { code: 'EACCES', errno: -13, syscall, path });
}

describe('listInputFiles: a folder the system refuses (the error injected, so that it happens as root too)', () => {
  test('is named with the error and the walk goes on', async () => {
    mkdirSync(join(folder.path, 'a-locked'));
    writeFileSync(join(folder.path, 'a-locked', 'hidden.jsonl'), CONVERSATION);
    writeFileSync(join(folder.path, 'b.jsonl'), CONVERSATION);
    const locked = join(folder.path, 'a-locked');
    const { readdir } = await import('node:fs/promises');
    const listing = await listInputFiles([folder.path], {
      fs: { readdir: async (path) => (path === locked ? Promise.reject(permissionDenied('scandir', path)) : readdir(path)) },
    });
    expect(listing.files.map((file) => file.path)).toEqual([join(folder.path, 'b.jsonl')]);
    expect(listing.skipped).toEqual([{ path: locked, kind: 'unreadable', reason: `cannot read folder: EACCES: permission denied, scandir '${locked}'` }]);
  });

  test('a path it may not even look at is named too', async () => {
    writeFileSync(join(folder.path, 'a.jsonl'), CONVERSATION);
    writeFileSync(join(folder.path, 'b.jsonl'), CONVERSATION);
    const { stat } = await import('node:fs/promises');
    const refused = join(folder.path, 'a.jsonl');
    const listing = await listInputFiles([folder.path], {
      fs: { stat: async (path) => (path === refused ? Promise.reject(permissionDenied('stat', path)) : stat(path)) },
    });
    expect(listing.files.map((file) => file.path)).toEqual([join(folder.path, 'b.jsonl')]);
    expect(listing.skipped).toEqual([{ path: refused, kind: 'unreadable', reason: `cannot read: EACCES: permission denied, stat '${refused}'` }]);
  });
});

describe('ingest of a folder with an unreadable file and subfolder (real EACCES: mode 000, or for root a kernel path)', () => {
  const prepare = (): { locked: string; lockedFile: string } | undefined => {
    writeFileSync(join(folder.path, 'good.jsonl'), CONVERSATION);
    const locked = join(folder.path, 'locked');
    const lockedFile = join(folder.path, 'locked.jsonl');
    if (!makeUnreadable(locked, 'folder') || !makeUnreadable(lockedFile, 'file')) return undefined;
    return { locked, lockedFile };
  };

  test('the rest loads, both are named with the system error, the run is partial', async () => {
    const paths = prepare();
    expect(paths, 'no way to make a path unreadable here').toBeDefined();
    const { locked, lockedFile } = paths!;
    try {
      const summary = await runIngest(handle, { paths: [folder.path], timezone: 'UTC' });
      expect(summary.status).toBe('partial');
      expect(summary.records.inserted).toBe(1);
      expect(summary.files.map((file) => [file.path, file.status])).toEqual([
        [locked, 'failed'],
        [join(folder.path, 'good.jsonl'), 'loaded'],
        [lockedFile, 'failed'],
      ]);
      expect(summary.files[0]!.error).toMatch(/^cannot read folder: EACCES: permission denied, scandir '.+'$/);
      expect(summary.files[2]!.error).toMatch(/^cannot read file: EACCES: permission denied, open '.+'$/);
      const rows = await handle.db.selectFrom('ingest_files').select(['path', 'status']).orderBy('id').execute();
      expect(rows).toEqual([
        { path: locked, status: 'failed' },
        { path: join(folder.path, 'good.jsonl'), status: 'loaded' },
        { path: lockedFile, status: 'failed' },
      ]);
    } finally {
      makeReadableAgain(locked);
    }
  });

  test('supportlens ingest exits 1 and names them, without a stack trace', () => {
    const paths = prepare();
    expect(paths, 'no way to make a path unreadable here').toBeDefined();
    try {
      const result = spawnSync(process.execPath, [...CLI, 'ingest', '--db', join(folder.path, '.test.db'), folder.path], { encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`error: ${paths!.locked}: cannot read folder: EACCES: permission denied, scandir`);
      expect(result.stdout).toContain(`error: ${paths!.lockedFile}: cannot read file: EACCES: permission denied, open`);
      expect(result.stdout).toMatch(/run 1 partial in/);
    } finally {
      makeReadableAgain(paths!.locked);
    }
  });
});
