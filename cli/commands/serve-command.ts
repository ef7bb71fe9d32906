import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { openDatabase } from '../../db/connection.js';
import { buildApp } from '../../dashboard/build-app.js';
import { isLoopbackHost } from '../../dashboard/security.js';
import { loadConfig, type SupportlensConfig } from '../config.js';
import { dbOption, UsageError } from '../options.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 3000;
/** Shorter tokens are refused: the token is the only thing between the network and the customers' messages. */
export const MIN_TOKEN_LENGTH = 16;

interface ServeOptions {
  db: string;
  config?: string;
  host: string;
  port: string;
  token?: string;
}

/** `supportlens serve`: the dashboard over the database (opened read-only), until interrupted. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve the dashboard: overview, peak times, topics, FAQ gaps, runs')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file (default ./supportlens.config.json if present)')
    .addOption(new Option('--host <address>', 'address to listen on').default(DEFAULT_HOST))
    .addOption(new Option('--port <number>', 'port to listen on (0: any free port)').default(String(DEFAULT_PORT)))
    .addOption(new Option('--token <secret>', `required on a non-loopback --host (at least ${MIN_TOKEN_LENGTH} characters)`).env('SUPPORTLENS_TOKEN'))
    .addHelpText(
      'after',
      `
Listens on 127.0.0.1 by default: only this machine can connect. On any other address every request must carry the
token: open http://HOST:PORT/?token=SECRET once (a cookie keeps it, the URL drops it), or send the header
"x-supportlens-token: SECRET" or "Authorization: Bearer SECRET". Nothing is loaded from other hosts.`,
    )
    .action(async (options: ServeOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${options.port}" is not a port number`);
      const token = options.token === '' ? undefined : options.token;
      if (!isLoopbackHost(options.host)) {
        if (token === undefined) throw new UsageError(`--host ${options.host} is reachable from other machines: give --token (or SUPPORTLENS_TOKEN)`);
        if (token.length < MIN_TOKEN_LENGTH) throw new UsageError(`--token: use at least ${MIN_TOKEN_LENGTH} characters`);
      }
      if (!existsSync(options.db)) throw new UsageError(`--db: no database at ${options.db}; run "supportlens ingest" and "supportlens analyze" (or "supportlens demo") first`);
      await startDashboard({ db: options.db, config: await loadConfig(options.config), host: options.host, port, token });
    });
}

/**
 * Opens the database read-only, serves the dashboard until SIGINT or SIGTERM, and prints its URL.
 *
 * @example
 * await startDashboard({ db: 'supportlens.db', config: await loadConfig(), host: '127.0.0.1', port: 3000 });
 */
export async function startDashboard(options: { db: string; config: SupportlensConfig; host: string; port: number; token?: string | undefined }): Promise<void> {
  const handle = await openDatabase({ path: options.db, readonly: true });
  const app = await buildApp({ db: handle.db, responseTimes: options.config.responseTimes, token: options.token, logger: { level: 'warn' } });
  app.addHook('onClose', async () => handle.close());
  const address = await app.listen({ host: options.host, port: options.port });
  const url = new URL(address);
  process.stdout.write(`supportlens dashboard: ${url.origin}/${options.token !== undefined && !isLoopbackHost(options.host) ? '?token=…' : ''}\n`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
