import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
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
  const result = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', cwd: folder.path, env: { ...process.env, SUPPORTLENS_TOKEN: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The status of GET /api/runs sent to `url` with another `Host` header (fetch does not let one set it). */
function statusWithHost(url: string, host: string): Promise<number | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path: '/api/runs', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    })
      .on('error', reject)
      .end();
  });
}

test('serve refuses a non-loopback address without a long enough token, and a missing database', () => {
  supportlens('ingest', '--db', db, join(FIXTURES, 'hostile', '11-crlf.jsonl'));
  const open = supportlens('serve', '--db', db, '--host', '0.0.0.0', '--port', '0');
  expect(open.code).toBe(2);
  expect(open.stderr).toMatch(/--host 0\.0\.0\.0 is reachable from other machines: give --token \(or SUPPORTLENS_TOKEN\)/);
  const short = supportlens('serve', '--db', db, '--host', '0.0.0.0', '--port', '0', '--token', 'short');
  expect(short.code).toBe(2);
  expect(short.stderr).toMatch(/--token: use at least 16 characters/);
  for (const host of ['0.0.0.0', '127.0.0.1']) {
    const blank = supportlens('serve', '--db', db, '--host', host, '--port', '0', '--token', ' '.repeat(16));
    expect(blank.code).toBe(2);
    expect(blank.stderr).toBe('supportlens: --token: use at least 16 characters other than spaces\n');
  }
  const padded = supportlens('serve', '--db', db, '--host', '0.0.0.0', '--port', '0', '--token', ' correct-horse-battery-staple');
  expect(padded.code).toBe(2);
  expect(padded.stderr).toBe('supportlens: --token: no spaces at the start or end (HTTP drops them from headers)\n');
  const missing = supportlens('serve', '--db', join(folder.path, 'none.db'), '--port', '0');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/--db: no database at/);
  expect(supportlens('serve', '--port', 'x').stderr).toMatch(/--port: "x" is not a port number/);
  expect(supportlens('serve', '--db', db, '--port', '0', '--as-of', 'yesterday').stderr).toMatch(/--as-of: "yesterday" is not an ISO 8601 date-time/);
});

test('serve prints its URL on 127.0.0.1 and answers until stopped', async () => {
  supportlens('ingest', '--db', db, join(FIXTURES, 'hostile', '11-crlf.jsonl'));
  supportlens('analyze', '--db', db, '--quiet');
  const child = spawn(
    process.execPath,
    [...CLI, 'serve', '--db', db, '--port', '0', '--allowed-host', 'dash.example, other.example', '--as-of', '2030-01-01T00:00:00Z'],
    {
      cwd: folder.path,
      env: { ...process.env, SUPPORTLENS_TOKEN: '' },
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /supportlens dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    const runs = await fetch(`${url}/api/runs`);
    expect(runs.status).toBe(200);
    expect(((await runs.json()) as { ingestRuns: unknown[] }).ingestRuns).toHaveLength(1);
    // Ages are measured to the given as-of time, not to the clock of the request.
    const overview = (await (await fetch(`${url}/api/overview`)).json()) as { asOf: number };
    expect(overview.asOf).toBe(Date.parse('2030-01-01T00:00:00Z'));
    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const port = new URL(url).port;
    expect(await statusWithHost(url, `evil.example:${port}`)).toBe(421);
    expect(await statusWithHost(url, `dash.example:${port}`)).toBe(200);
    expect(await statusWithHost(url, `localhost:${port}`)).toBe(200);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

test('serve --schedule runs the nightly job in the same process; the dashboard sees its runs; SIGTERM lets it finish', async () => {
  const { mkdirSync, copyFileSync, writeFileSync } = await import('node:fs');
  mkdirSync(join(folder.path, 'inbox'));
  copyFileSync(join(FIXTURES, 'hostile', '11-crlf.jsonl'), join(folder.path, 'inbox', 'day.jsonl'));
  // Old enough that the inbox scan does not wait for it to settle.
  const { utimesSync } = await import('node:fs');
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(folder.path, 'inbox', 'day.jsonl'), past, past);
  writeFileSync(join(folder.path, 'config.json'), JSON.stringify({ schedule: { cron: '*/2 * * * * *', inbox: 'inbox' } }));
  const child = spawn(process.execPath, [...CLI, 'serve', '--db', db, '--port', '0', '--schedule', '--config', 'config.json'], {
    cwd: folder.path,
    env: { ...process.env, SUPPORTLENS_TOKEN: '' },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /supportlens dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    let ingestRuns: unknown[] = [];
    for (let attempt = 0; attempt < 60 && ingestRuns.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      ingestRuns = ((await (await fetch(`${url}/api/runs`)).json()) as { ingestRuns: unknown[] }).ingestRuns;
    }
    expect(ingestRuns.length).toBeGreaterThan(0);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}, 60_000);
