import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Starts `supportlens serve` (the built CLI) on a free port of 127.0.0.1 over `db` (a SQLite file or a PostgreSQL
 * URL), in its own process; resolves with its URL once it listens.
 *
 * @example
 * const server = await serveDashboard('dist/cli/main.js', 'bench/out/dashboard.db');
 * try { await fetch(`${server.url}/api/runs`); } finally { server.child.kill('SIGTERM'); }
 */
export async function serveDashboard(cli: string, db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--db', db, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SUPPORTLENS_TOKEN: '' },
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (match) resolveUrl(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { child, url };
}
