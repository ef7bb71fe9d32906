import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, pg_ctl start listening only on a
// Unix socket in that folder, stopped and deleted afterwards. PostgreSQL refuses to run as root, so as root the
// cluster belongs to Debian's `postgres` user (the `postgresql` package creates it) and its programs run through
// runuser. Used by the vitest global setup (test/support/postgres-setup.ts) and by `.ci/run`.

export interface ThrowawayCluster {
  /** A connection string for the cluster's `supportlens` database, e.g. `postgres://supportlens@localhost:41234/supportlens?host=%2Ftmp%2Fx`. */
  url: string;
  /** The folder holding the cluster's data and socket. */
  folder: string;
  stop(): void;
}

const DEBIAN_BINARIES = '/usr/lib/postgresql';

/** The folder of initdb and pg_ctl: from PATH, else the newest of Debian's versioned folders; undefined if none. */
export function findPostgresBinaries(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const onPath = which.status === 0 ? which.stdout.trim() : '';
  if (onPath !== '') return dirname(realpathSync(onPath));
  if (!existsSync(DEBIAN_BINARIES)) return undefined;
  const versions = readdirSync(DEBIAN_BINARIES)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(DEBIAN_BINARIES, name, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : join(DEBIAN_BINARIES, versions[0]!, 'bin');
}

function runAs(user: string | undefined, program: string, args: string[]): void {
  const [command, commandArgs] = user === undefined ? [program, args] : ['runuser', ['-u', user, '--', program, ...args]];
  execFileSync(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

function userIds(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Starts a cluster; throws with PostgreSQL's own message when it cannot. */
export function startThrowawayCluster(binaries: string): ThrowawayCluster {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? 'postgres' : undefined;
  const folder = mkdtempSync(join(tmpdir(), 'supportlens-pg-'));
  const data = join(folder, 'data');
  if (owner !== undefined) {
    const { uid, gid } = userIds(owner);
    chownSync(folder, uid, gid);
  }
  chmodSync(folder, 0o700);
  const port = String(40_000 + (process.pid % 20_000));
  try {
    runAs(owner, join(binaries, 'initdb'), ['-D', data, '-U', 'supportlens', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // A test cluster: no durability waits, no TCP listener (the socket is in the folder).
    appendFileSync(
      join(data, 'postgresql.conf'),
      ['', 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', "listen_addresses = ''", `unix_socket_directories = '${folder}'`, ''].join(
        '\n',
      ),
    );
    runAs(owner, join(binaries, 'pg_ctl'), ['-D', data, '-l', join(folder, 'server.log'), '-o', `-p ${port}`, '-w', 'start']);
    runAs(owner, join(binaries, 'createdb'), ['-h', folder, '-p', port, '-U', 'supportlens', 'supportlens']);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`could not start a throwaway PostgreSQL cluster: ${stderr.trim() || (error as Error).message}`);
  }
  const url = `postgres://supportlens@localhost:${port}/supportlens?host=${encodeURIComponent(folder)}`;
  return {
    url,
    folder,
    stop(): void {
      try {
        runAs(owner, join(binaries, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
