/**
 * npm run bench:ingest — generates 1,000,000 messages in about 200,000 conversations as canonical CSV (fixed seed),
 * then times `supportlens ingest` into a new database and the sqlite3 shell's `.import` of the same file, in the
 * same run (alternating, BENCH_REPEAT rounds, medians), and prints rates, their ratio and supportlens's peak
 * resident memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './machine.js';
import { watchPeakMemory } from './peak-memory.js';
import { createRandom, pick } from './random.js';
import { medianOf } from '../analysis/response-times/duration-statistics.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'bench/out');
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 1_000_000);
const SEED = 1;
/** Alternating rounds of supportlens and the sqlite3 shell (BENCH_REPEAT). */
const REPEAT = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 5));

const CUSTOMER_LINES = [
  'My USDT withdrawal on TRC20 has not arrived after 3 hours',
  'How do I verify my identity? The KYC page keeps failing',
  'I lost my phone and cannot pass two-factor authentication',
  'Why was I charged a 0.1% fee on this trade?',
  'Deposit of 0.5 BTC not credited, tx confirmed on chain',
  '我的提币还没有到账，已经过了两个小时',
  '请问身份认证需要多长时间？',
  'The price moved and my stop loss did not trigger, please explain',
  'Hello? Is anyone there? I have been waiting for 20 minutes',
  'Can I withdraw ERC20 tokens to a BEP20 address?',
];
const AGENT_LINES = [
  'Thanks for reaching out, let me check that for you.',
  'The withdrawal fee for USDT on TRC20 is 1 USDT and it usually arrives within 10 minutes.',
  'Your verification is under review; it normally takes up to 24 hours.',
  'Please reset 2FA through the security page; we will need a selfie with your ID.',
  '您好，我们正在核实您的提币记录，请稍候。',
  'The trading fee for your tier is 0.1% maker and 0.1% taker.',
];

async function generate(path: string): Promise<number> {
  const random = createRandom(SEED);
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('conversation_id,message_id,channel,author_role,author_id,created_at,body\n');
  let written = 0;
  let conversation = 0;
  let time = Date.UTC(2024, 0, 1);
  while (written < MESSAGES) {
    conversation += 1;
    const channel = random() < 0.6 ? 'chat' : random() < 0.8 ? 'email' : 'social';
    const count = Math.min(MESSAGES - written, 1 + Math.floor(random() * 9));
    time += Math.floor(random() * 120_000);
    let at = time;
    for (let i = 0; i < count; i++) {
      const role = i === 0 || random() < 0.45 ? 'customer' : random() < 0.9 ? 'agent' : 'bot';
      const body = role === 'customer' ? pick(random, CUSTOMER_LINES) : pick(random, AGENT_LINES);
      const quoted = body.includes(',') || body.includes('"') ? `"${body.replace(/"/g, '""')}"` : body;
      at += Math.floor(random() * (channel === 'chat' ? 300_000 : 7_200_000));
      await write(
        `C${conversation},M${conversation}-${i + 1},${channel},${role},${role === 'customer' ? `U${conversation % 50_000}` : `A${Math.floor(random() * 40)}`},${new Date(at).toISOString()},${quoted}\n`,
      );
      written += 1;
    }
  }
  out.end();
  await once(out, 'finish');
  return conversation;
}

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
    const conversations = await generate(csv);
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
  process.stdout.write(`supportlens ingest:  ${ourSeconds.toFixed(2)} s  ${Math.round(ourRate).toLocaleString('en-US')} messages/s  peak RSS ${(peakBytes / 2 ** 20).toFixed(0)} MB  (median of ${REPEAT}; parsing in a worker thread, the default)\n`);
  process.stdout.write(`  --no-worker:       ${oneThread.seconds.toFixed(2)} s  ${Math.round(MESSAGES / oneThread.seconds).toLocaleString('en-US')} messages/s  peak RSS ${(oneThread.peakBytes / 2 ** 20).toFixed(0)} MB  (one run, one thread)\n`);
  if (theirs.length === 0) {
    process.stdout.write('sqlite3 shell:       skipped (sqlite3 is not installed; apt-get install sqlite3)\n');
  } else {
    const theirSeconds = medianOf(theirs)!;
    const theirRate = MESSAGES / theirSeconds;
    process.stdout.write(`sqlite3 .import:     ${theirSeconds.toFixed(2)} s  ${Math.round(theirRate).toLocaleString('en-US')} rows/s  (median of ${theirs.length})\n`);
    process.stdout.write(`ratio supportlens / sqlite3: ${(ourRate / theirRate).toFixed(2)}x (target >= 0.5x)\n`);
  }
  process.stdout.write(`peak memory target < 300 MB: ${peakBytes < 300 * 2 ** 20 ? 'met' : 'MISSED'}\n`);
  const summary = ours[0]!.summary as { records: Record<string, number> };
  process.stdout.write(`records: ${JSON.stringify(summary.records)}\n`);
}


await main();
