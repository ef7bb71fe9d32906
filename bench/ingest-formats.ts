/**
 * npm run bench:ingest-formats — generates an export of SIZE messages (default 1,000,000; fixed seed) in each of the
 * helpdesk formats read as streamed JSON documents (Chatwoot, Help Scout, Freshdesk, in their list APIs' shapes) and
 * the canonical CSV of `bench:ingest`, ingests each into a new database and prints messages per second and peak
 * resident memory side by side. `SIZE=20000 npm run bench:ingest-formats` for a quick run. BENCH_ENGINE=postgres
 * ingests each file into a new database of a throwaway PostgreSQL cluster (Debian's postgresql, default durability)
 * instead, and prints both engines side by side (the helpdesk formats are written there record by record).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCanonicalCsv } from './canonical-csv.js';
import { writeHelpdeskExport, type HelpdeskExportFormat } from './helpdesk-exports.js';
import { describeMachine } from './machine.js';
import { watchPeakMemory } from './peak-memory.js';
import { findPostgresBinaries, startThrowawayCluster, type ThrowawayCluster } from '../db/throwaway-postgres.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'bench/out');
const MESSAGES = Number(process.env['SIZE'] ?? 1_000_000);
const SEED = 1;
const ENGINE = process.env['BENCH_ENGINE'] ?? 'sqlite';

interface Row {
  format: string;
  bytes: number;
  conversations: number;
  seconds: number;
  peakBytes: number;
  messages: number;
  rejected: number;
}

/** A new, empty, migrated database: a SQLite file, or a database of the cluster (migrated before the clock starts). */
let databases = 0;
function newDatabase(cluster: ThrowawayCluster | undefined): string {
  if (!cluster) {
    const db = join(outDir, 'ingest-formats-bench.db');
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(db + suffix, { force: true });
    return db;
  }
  databases += 1;
  const name = `formats_${databases}`;
  const created = spawnSync(join(findPostgresBinaries()!, 'psql'), [cluster.url, '-q', '-c', `create database ${name}`], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(created.stderr);
  const url = new URL(cluster.url);
  url.pathname = `/${name}`;
  const migrated = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'rejects', '--db', url.toString()], { encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(migrated.stderr);
  return url.toString();
}

async function ingest(
  path: string,
  cluster: ThrowawayCluster | undefined,
): Promise<{ seconds: number; peakBytes: number; summary: { format?: string; records: Record<string, number>; messages: Record<string, number> } }> {
  const db = newDatabase(cluster);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'ingest', '--db', db, '--json', '--quiet', path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const peak = watchPeakMemory(child.pid!);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakBytes = peak();
  if (code !== 0) throw new Error(`supportlens ingest ${path} exited with ${code}: ${stdout.slice(0, 500)}`);
  return { seconds, peakBytes, summary: JSON.parse(stdout) };
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  process.stdout.write(`machine: ${describeMachine()}\n`);
  const files: { format: string; path: string; conversations: number | null }[] = [];
  const csv = join(outDir, `messages-${MESSAGES}-seed${SEED}.csv`);
  let csvConversations: number | null = null;
  if (!existsSync(csv)) csvConversations = await writeCanonicalCsv(csv, MESSAGES, SEED);
  files.push({ format: 'canonical CSV (bench:ingest)', path: csv, conversations: csvConversations });
  for (const format of ['chatwoot', 'helpscout', 'freshdesk'] as const satisfies readonly HelpdeskExportFormat[]) {
    const path = join(outDir, `${format}-${MESSAGES}-seed${SEED}.json`);
    process.stdout.write(`generating ${format}, ${MESSAGES.toLocaleString('en-US')} messages…\n`);
    const conversations = await writeHelpdeskExport(format, path, MESSAGES, SEED);
    files.push({ format: `${format} JSON document`, path, conversations });
  }
  let cluster: ThrowawayCluster | undefined;
  if (ENGINE === 'postgres') {
    const binaries = findPostgresBinaries();
    if (!binaries) throw new Error("BENCH_ENGINE=postgres: PostgreSQL's programs are not installed (on Debian: apt-get install postgresql)");
    cluster = startThrowawayCluster(binaries, { durable: true });
    process.stdout.write('engine: PostgreSQL (throwaway cluster, default durability), each file into a new database\n');
  }
  const rows: Row[] = [];
  try {
    for (const file of files) {
      const run = await ingest(file.path, cluster);
      const { records, messages } = run.summary;
      rows.push({
        format: file.format,
        bytes: statSync(file.path).size,
        conversations: file.conversations ?? records['read'] ?? 0,
        seconds: run.seconds,
        peakBytes: run.peakBytes,
        messages: (messages['inserted'] ?? 0) + (messages['updated'] ?? 0) + (messages['unchanged'] ?? 0),
        rejected: (records['rejected'] ?? 0) + (messages['rejected'] ?? 0),
      });
      const row = rows.at(-1)!;
      process.stdout.write(
        `  ${row.format}: ${row.seconds.toFixed(2)} s, ${Math.round(row.messages / row.seconds).toLocaleString('en-US')} messages/s, peak RSS ${(row.peakBytes / 2 ** 20).toFixed(0)} MB\n`,
      );
    }
  } finally {
    cluster?.stop();
  }
  process.stdout.write(`\n| format | file | messages stored | time | messages/s | peak RSS |\n|---|---|---|---|---|---|\n`);
  for (const row of rows) {
    process.stdout.write(
      `| ${row.format} | ${(row.bytes / 1e6).toFixed(0)} MB | ${row.messages.toLocaleString('en-US')}${row.rejected > 0 ? ` (${row.rejected} rejected)` : ''} | ${row.seconds.toFixed(1)} s | ${Math.round(row.messages / row.seconds).toLocaleString('en-US')} | ${(row.peakBytes / 2 ** 20).toFixed(0)} MB |\n`,
    );
  }
}

await main();
