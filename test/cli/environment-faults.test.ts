import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CLI, FIXTURES, ROOT, seededRandom, temporaryFolder } from '../helpers.js';

// Root writes whatever the file modes say: as root, the commands that must not write run as "nobody" instead.
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65_534;
const OTHER_USER: SpawnOptions = AS_ROOT ? { uid: NOBODY, gid: NOBODY } : {};
const FIXTURE = join(FIXTURES, 'hostile', '11-crlf.jsonl');

let folder: ReturnType<typeof temporaryFolder>;
let db: string;
beforeEach(() => {
  folder = temporaryFolder();
  // The other user must reach the folder; it may write nothing in it.
  chmodSync(folder.path, 0o755);
  db = join(folder.path, 'test.db');
});
afterEach(() => {
  chmodSync(folder.path, 0o755);
  folder.cleanup();
});

function supportlens(args: string[], options: SpawnOptions = {}) {
  const result = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
    cwd: folder.path,
    env: { ...process.env, SUPPORTLENS_TOKEN: '' },
    ...options,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A file or folder this test's other user may not write. */
function readOnlyForOtherUser(path: string, mode: number): void {
  chmodSync(path, AS_ROOT ? mode | 0o200 : mode & ~0o222);
}

/** `serve` until it prints its URL (resolves the URL) or exits (resolves the exit code and stderr). */
function serve(args: string[], options: SpawnOptions = {}): Promise<{ url?: string; code?: number | null; stderr: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], { cwd: folder.path, env: { ...process.env, SUPPORTLENS_TOKEN: '' }, ...options });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /supportlens dashboard: (http:\/\/[^/\s]+)\//.exec(stdout);
      if (match) resolve({ url: match[1]!, stderr, stop });
    });
    child.once('exit', (code) => resolve({ code, stderr, stop }));
  });
}

const ONE_LINE = /^supportlens: [^\n]+\n$/;

describe('a database this process cannot use: one line that says what to do, exit 74', () => {
  test('a read-only database file', () => {
    expect(supportlens(['ingest', '--db', db, '--quiet', FIXTURE]).code).toBe(0);
    readOnlyForOtherUser(db, 0o444);
    const result = supportlens(['ingest', '--db', db, FIXTURE], OTHER_USER);
    expect(result.stderr).toBe(
      `supportlens: the database ${db} cannot be written (the file is read-only for this user): make the file and its folder writable for this user, or give another --db\n`,
    );
    expect(result.code).toBe(74);
  });

  test('a database in a read-only folder', () => {
    expect(supportlens(['ingest', '--db', db, '--quiet', FIXTURE]).code).toBe(0);
    if (AS_ROOT) chownSync(db, NOBODY, NOBODY);
    readOnlyForOtherUser(folder.path, 0o555);
    for (const args of [
      ['analyze', '--db', db],
      ['ingest', '--db', join(folder.path, 'new.db'), FIXTURE],
    ]) {
      const result = supportlens(args, OTHER_USER);
      expect(result.stderr).toMatch(ONE_LINE);
      expect(result.stderr).toMatch(
        /cannot be written \(its folder .* is read-only for this user\): make the file and its folder writable for this user, or give another --db\n$/,
      );
      expect(result.code).toBe(74);
    }
  });

  test('a database in a folder that does not exist', () => {
    const result = supportlens(['ingest', '--db', join(folder.path, 'missing', 'x.db'), FIXTURE]);
    expect(result.stderr).toBe(
      `supportlens: cannot create the database ${join(folder.path, 'missing', 'x.db')}: the folder ${join(folder.path, 'missing')} does not exist\n`,
    );
    expect(result.code).toBe(74);
  });

  test('a file of random bytes', () => {
    const random = seededRandom(19);
    writeFileSync(db, Buffer.from(Array.from({ length: 65_536 }, () => Math.floor(random() * 256))));
    for (const args of [
      ['ingest', '--db', db, FIXTURE],
      ['report', 'response-times', '--db', db],
      ['export', 'conversations', '--db', db],
    ]) {
      const result = supportlens(args);
      expect(result.stderr, args[0]).toBe(
        `supportlens: the database ${db} is damaged or not a supportlens database (file is not a database): restore it from a backup or give another --db\n`,
      );
      expect(result.code, args[0]).toBe(74);
    }
    const served = supportlens(['serve', '--db', db, '--port', '0']);
    expect(served.stderr).toMatch(/is damaged or not a supportlens database/);
    expect(served.code).toBe(74);
  });

  test('a database made by a newer supportlens', async () => {
    expect(supportlens(['ingest', '--db', db, '--quiet', FIXTURE]).code).toBe(0);
    const sqlite = new BetterSqlite3(db);
    sqlite.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('0999_from_the_future', new Date().toISOString());
    sqlite.close();
    const message = `supportlens: the database ${db} was made by a newer supportlens (migration 0999_from_the_future is unknown to this version): upgrade supportlens, or give another --db\n`;
    for (const args of [
      ['ingest', '--db', db, FIXTURE],
      ['analyze', '--db', db],
    ]) {
      const result = supportlens(args);
      expect(result.stderr, args[0]).toBe(message);
      expect(result.code, args[0]).toBe(74);
    }
    const served = await serve(['--db', db, '--port', '0']);
    await served.stop();
    expect(served.stderr).toBe(message);
    expect(served.code).toBe(74);
  });

  test('serve over a database a killed writer left with a hot journal: rolled back when it may write, one line when not', async () => {
    expect(supportlens(['ingest', '--db', db, '--quiet', FIXTURE]).code).toBe(0);
    const killed = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import Database from ${JSON.stringify(join(ROOT, 'node_modules/better-sqlite3/lib/index.js'))};
         const db = new Database(${JSON.stringify(db)});
         db.pragma('journal_mode = DELETE');
         db.pragma('cache_size = 2');
         db.exec('begin; delete from messages; create table filler (x); insert into filler select randomblob(4000) from (with recursive n(i) as (select 1 union all select i + 1 from n where i < 500) select i from n);');
         process.kill(process.pid, 'SIGKILL');`,
      ],
      { encoding: 'utf8' },
    );
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(`${db}-journal`)).toBe(true);

    readOnlyForOtherUser(db, 0o444);
    const refused = await serve(['--db', db, '--port', '0'], OTHER_USER);
    await refused.stop();
    expect(refused.stderr).toBe(
      `supportlens: the database ${db} holds an unfinished write of a process that ended, which this user cannot roll back: run any supportlens command that writes (such as "supportlens analyze") as a user who may write the file and its folder\n`,
    );
    expect(refused.code).toBe(74);

    chmodSync(db, 0o644);
    const served = await serve(['--db', db, '--port', '0']);
    try {
      expect(served.url).toBeDefined();
      const runs = (await (await fetch(`${served.url}/api/runs`)).json()) as { ingestRuns: { recordsInserted: number }[] };
      expect(runs.ingestRuns).toHaveLength(1);
      expect(existsSync(`${db}-journal`)).toBe(false);
    } finally {
      await served.stop();
    }
    const sqlite = new BetterSqlite3(db, { readonly: true });
    expect(sqlite.prepare(`select count(*) from sqlite_master where name = 'filler'`).pluck().get()).toBe(0);
    expect(sqlite.prepare('select count(*) from messages').pluck().get()).toBeGreaterThan(0);
    sqlite.close();
  });
});

describe('other faults of the environment', () => {
  test('serve on a port in use', async () => {
    expect(supportlens(['ingest', '--db', db, '--quiet', FIXTURE]).code).toBe(0);
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const result = supportlens(['serve', '--db', db, '--port', String(port)]);
      expect(result.stderr).toBe(
        `supportlens: port ${port} on 127.0.0.1 is in use by another program (another supportlens serve?): stop it, or give another --port (0: any free port)\n`,
      );
      expect(result.code).toBe(74);
    } finally {
      other.close();
    }
  });

  test('export --out into a folder that does not exist', () => {
    expect(supportlens(['ingest', '--db', db, '--quiet', FIXTURE]).code).toBe(0);
    const result = supportlens(['export', 'conversations', '--db', db, '--out', join(folder.path, 'missing', 'out.csv')]);
    expect(result.stderr).toBe(`supportlens: --out: the folder ${join(folder.path, 'missing')} does not exist: create it first, or give another path\n`);
    expect(result.code).toBe(74);
  });
});
