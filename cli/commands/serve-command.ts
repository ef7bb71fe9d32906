import { existsSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { Command, Option } from 'commander';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { buildApp } from '../../dashboard/build-app.js';
import { startSchedule } from '../schedule/start-schedule.js';
import { isLoopbackHost } from '../../dashboard/security.js';
import { loadConfig, type SupportlensConfig } from '../config.js';
import { dbOption, EnvironmentError, UsageError } from '../options.js';
import { asOfFromFlag } from '../report-options.js';

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
  schedule?: boolean;
  allowedHost?: string;
  asOf?: string;
}

/** `supportlens serve`: the dashboard over the database (a SQLite file or PostgreSQL, opened read-only), until interrupted. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve the dashboard: overview, peak times, topics, FAQ gaps, runs')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file (default ./supportlens.config.json if present)')
    .addOption(new Option('--host <address>', 'address to listen on').default(DEFAULT_HOST))
    .addOption(new Option('--port <number>', 'port to listen on (0: any free port)').default(String(DEFAULT_PORT)))
    .option(
      '--as-of <instant>',
      "measure ages of unanswered conversations and targets still waiting up to this ISO instant, as the reports' --as-of (a historical import: its export time; default now)",
    )
    .option('--schedule', "also run the nightly job (the configuration's schedule section) in this process")
    .addOption(
      new Option('--allowed-host <names>', "other host names the dashboard is opened by, comma-separated (a proxy's or a DNS name)").env(
        'SUPPORTLENS_ALLOWED_HOSTS',
      ),
    )
    .addOption(new Option('--token <secret>', `required on a non-loopback --host (at least ${MIN_TOKEN_LENGTH} characters)`).env('SUPPORTLENS_TOKEN'))
    .addHelpText(
      'after',
      `
Listens on 127.0.0.1 by default: only this machine can connect. On any other address every request must carry the
token: open http://HOST:PORT/?token=SECRET once (a cookie keeps it, the URL drops it), or send the header
"x-supportlens-token: SECRET" or "Authorization: Bearer SECRET". Nothing is loaded from other hosts.
A request is only answered when its Host names this server: localhost, 127.0.0.1, [::1], the --host address (on
0.0.0.0 or ::, this machine's name and addresses) or an --allowed-host name; others get a 421.`,
    )
    .action(async (options: ServeOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${options.port}" is not a port number`);
      const token = options.token === '' ? undefined : options.token;
      if (token === undefined && !isLoopbackHost(options.host)) {
        throw new UsageError(`--host ${options.host} is reachable from other machines: give --token (or SUPPORTLENS_TOKEN)`);
      }
      if (token !== undefined) {
        // Checked on loopback too: a given token is enforced there as well.
        if (token.length < MIN_TOKEN_LENGTH) throw new UsageError(`--token: use at least ${MIN_TOKEN_LENGTH} characters`);
        if (token.trim().length < MIN_TOKEN_LENGTH) throw new UsageError(`--token: use at least ${MIN_TOKEN_LENGTH} characters other than spaces`);
        if (token.trim() !== token) throw new UsageError('--token: no spaces at the start or end (HTTP drops them from headers)');
      }
      const asOf = options.asOf === undefined ? undefined : asOfFromFlag(options.asOf);
      const config = await loadConfig(options.config);
      let beforeStop: (() => Promise<void>) | undefined;
      if (options.schedule) {
        // The nightly job writes through its own connection; the dashboard keeps reading through a read-only one.
        const writer = await openLocation(parseDatabaseLocation(options.db));
        const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
        const schedule = startSchedule(writer, config, { log });
        log(`schedule "${config.schedule.cron}" in ${config.schedule.timeZone}; next run ${schedule.nextRun()?.toISOString() ?? 'never'}`);
        beforeStop = async () => {
          log('waiting for the current run to finish');
          await schedule.stop();
          await writer.close();
        };
      }
      if (parseDatabaseLocation(options.db).engine === 'sqlite' && !existsSync(options.db))
        throw new UsageError(`--db: no database at ${options.db}; run "supportlens ingest" and "supportlens analyze" (or "supportlens demo") first`);
      const hosts = (options.allowedHost ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      await startDashboard({ db: options.db, config, host: options.host, port, token, hosts, beforeStop, ...(asOf === undefined ? {} : { asOf }) });
    });
}

/** The one line for an address the dashboard cannot listen on; undefined for other errors. */
function listenError(error: unknown, host: string, port: number): EnvironmentError | undefined {
  switch ((error as { code?: unknown }).code) {
    case 'EADDRINUSE':
      return new EnvironmentError(
        `port ${port} on ${host} is in use by another program (another supportlens serve?): stop it, or give another --port (0: any free port)`,
      );
    case 'EACCES':
      return new EnvironmentError(`this user may not listen on port ${port} of ${host}: give a port above 1023 with --port`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new EnvironmentError(`--host ${host} is not an address of this machine: give one of its addresses, or 0.0.0.0 for all`);
    default:
      return undefined;
  }
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** The names a browser may use to reach a server bound to `host`: it, or on a wildcard address this machine's. */
function hostNames(host: string, extra: readonly string[]): string[] {
  if (!WILDCARD_HOSTS.has(host)) return [host, ...extra];
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
  return [host, hostname(), ...addresses, ...extra];
}

/**
 * Opens the database read-only, serves the dashboard until SIGINT or SIGTERM, and prints its URL.
 *
 * @example
 * await startDashboard({ db: 'supportlens.db', config: await loadConfig(), host: '127.0.0.1', port: 3000 });
 */
export async function startDashboard(options: {
  db: string;
  config: SupportlensConfig;
  host: string;
  port: number;
  token?: string | undefined;
  /** Host names to answer to besides the loopback names and those of `host`. */
  hosts?: readonly string[];
  /** Runs on SIGINT/SIGTERM before the server closes (the schedule lets its current job finish). */
  beforeStop?: () => Promise<void>;
  /** The instant ages are measured to (a historical import's export time); default: now, at each request. */
  asOf?: number;
}): Promise<void> {
  const handle = await openLocation(parseDatabaseLocation(options.db), { readonly: true });
  const app = await buildApp({
    db: handle.db,
    databasePath: options.db,
    responseTimes: options.config.responseTimes,
    token: options.token,
    hosts: hostNames(options.host, options.hosts ?? []),
    logger: { level: 'warn' },
    ...(options.asOf === undefined ? {} : { now: () => options.asOf! }),
    onViewsReady: ({ analysis, ms }) =>
      process.stdout.write(`supportlens dashboard: default views of analysis run ${analysis} prepared in ${(ms / 1000).toFixed(1)} s\n`),
  });
  app.addHook('onClose', async () => handle.close());
  let address: string;
  try {
    address = await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw listenError(error, options.host, options.port) ?? error;
  }
  const url = new URL(address);
  process.stdout.write(`supportlens dashboard: ${url.origin}/${options.token !== undefined && !isLoopbackHost(options.host) ? '?token=…' : ''}\n`);
  const stop = (): void => {
    void (options.beforeStop ?? (async () => undefined))()
      .then(() => app.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
