import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Starts `supportlens serve` (the built CLI) on a free port of 127.0.0.1 over `db` (a SQLite file or a PostgreSQL
 * URL), in its own process; resolves with its URL once it listens. `viewsReady` resolves with the line `serve` prints
 * once the default views of the latest analysis are prepared.
 *
 * @example
 * const server = await serveDashboard('dist/cli/main.js', 'bench/out/dashboard.db');
 * try { await fetch(`${server.url}/api/runs`); } finally { server.child.kill('SIGTERM'); }
 */
export async function serveDashboard(cli: string, db: string): Promise<{ child: ChildProcess; url: string; viewsReady: Promise<string> }> {
  const child = spawn(process.execPath, [cli, 'serve', '--db', db, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SUPPORTLENS_TOKEN: '' },
  });
  let out = '';
  let resolveReady: (line: string) => void = () => undefined;
  // The line `serve` prints once it has prepared the default views of the latest analysis.
  const viewsReady = new Promise<string>((resolve) => (resolveReady = resolve));
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (match) resolveUrl(match[1]!);
      const ready = /supportlens dashboard: (default views [^\n]*)/.exec(out);
      if (ready) resolveReady(ready[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { child, url, viewsReady };
}
