/**
 * npm run bench:ingest — generates 1,000,000 messages in about 200,000 conversations as canonical CSV (fixed seed),
 * then times `supportlens ingest` into a new database and the sqlite3 shell's `.import` of the same file, in the
 * same run (alternating, BENCH_REPEAT rounds, medians), and prints rates, their ratio and supportlens's peak
 * resident memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { writeCanonicalCsv } from './canonical-csv.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './machine.js';
import { watchPeakMemory } from './peak-memory.js';
import { medianOf } from '../analysis/response-times/duration-statistics.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'bench/out');
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 1_000_000);
const SEED = 1;
/** Alternating rounds of supportlens and the sqlite3 shell (BENCH_REPEAT). */
const REPEAT = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 5));

async function timeSupportlens(csv: string, extraArgs: string[] = []): Promise<{ seconds: number; peakBytes: number; summary: unknown }> {
  const db = join(outDir, 'ingest-bench.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'ingest', '--db', db, '--json', '--quiet', ...extraArgs, csv], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const peak = watchPeakMemory(child.pid!);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakBytes = peak();
  if (code !== 0) throw new Error(`supportlens ingest exited with ${code}`);
  return { seconds, peakBytes, summary: JSON.parse(stdout) };
}

function timeSqliteShell(csv: string): number | undefined {
  const probe = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const db = join(outDir, 'sqlite3-import.db');
  rmSync(db, { force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync('sqlite3', [db], { input: `.mode csv\n.import '${csv}' messages\n`, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`sqlite3 .import failed: ${result.stderr}`);
  return seconds;
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const csv = join(outDir, `messages-${MESSAGES}-seed${SEED}.csv`);
  if (!existsSync(csv)) {
    process.stdout.write(`generating ${MESSAGES.toLocaleString('en-US')} messages…\n`);
    const conversations = await writeCanonicalCsv(csv, MESSAGES, SEED);
    process.stdout.write(`  ${conversations.toLocaleString('en-US')} conversations, ${(statSync(csv).size / 1e6).toFixed(0)} MB\n`);
  }
  process.stdout.write(`machine: ${describeMachine()}\n`);
  // A shared machine's speed drifts from one second to the next: the two loads alternate, REPEAT times each, and the
  // ratio is taken between their medians (every run is printed).
  const ours: { seconds: number; peakBytes: number; summary: unknown }[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < REPEAT; round++) {
    ours.push(await timeSupportlens(csv));
    const sqliteSeconds = timeSqliteShell(csv);
    if (sqliteSeconds !== undefined) theirs.push(sqliteSeconds);
    process.stdout.write(
      `  round ${round + 1}: supportlens ${ours.at(-1)!.seconds.toFixed(2)} s` +
        (sqliteSeconds === undefined ? '' : `, sqlite3 .import ${sqliteSeconds.toFixed(2)} s`) +
        '\n',
    );
  }
  const oneThread = await timeSupportlens(csv, ['--no-worker']);
  const ourSeconds = medianOf(ours.map((run) => run.seconds))!;
  const peakBytes = Math.max(...ours.map((run) => run.peakBytes));
  const ourRate = MESSAGES / ourSeconds;
  process.stdout.write(
    `supportlens ingest:  ${ourSeconds.toFixed(2)} s  ${Math.round(ourRate).toLocaleString('en-US')} messages/s  peak RSS ${(peakBytes / 2 ** 20).toFixed(0)} MB  (median of ${REPEAT}; parsing in a worker thread, the default)\n`,
  );
  process.stdout.write(
    `  --no-worker:       ${oneThread.seconds.toFixed(2)} s  ${Math.round(MESSAGES / oneThread.seconds).toLocaleString('en-US')} messages/s  peak RSS ${(oneThread.peakBytes / 2 ** 20).toFixed(0)} MB  (one run, one thread)\n`,
  );
  if (theirs.length === 0) {
    process.stdout.write('sqlite3 shell:       skipped (sqlite3 is not installed; apt-get install sqlite3)\n');
  } else {
    const theirSeconds = medianOf(theirs)!;
    const theirRate = MESSAGES / theirSeconds;
    process.stdout.write(
      `sqlite3 .import:     ${theirSeconds.toFixed(2)} s  ${Math.round(theirRate).toLocaleString('en-US')} rows/s  (median of ${theirs.length})\n`,
    );
    process.stdout.write(`ratio supportlens / sqlite3: ${(ourRate / theirRate).toFixed(2)}x (target >= 0.5x)\n`);
  }
  process.stdout.write(`peak memory target < 300 MB: ${peakBytes < 300 * 2 ** 20 ? 'met' : 'MISSED'}\n`);
  const summary = ours[0]!.summary as { records: Record<string, number> };
  process.stdout.write(`records: ${JSON.stringify(summary.records)}\n`);
}

await main();
