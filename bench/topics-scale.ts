import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeTopics } from '../analysis/topics/compute-topics.js';
import { DEFAULT_TOPICS_CONFIG } from '../analysis/topics/topics-config.js';
import { openDatabase } from '../db/connection.js';
import { prepareCompiled, slot } from '../db/compiled-statement.js';
import { describeMachine } from './bench-machine.js';
import { generateQuestions } from './synthetic-questions.js';

// Time and peak memory from stored questions to stored topics, on generated crypto-support questions (English and
// Chinese, fixed seed). Each size is seeded in one child process and analysed in another, so the peak memory
// (maxRSS, which covers the worker threads) is the analysis alone. CPU s is the process's user + system time, worker
// threads included: on a shared machine it shows what the work costs when the wall time is inflated by others' load. Run with `npm run bench:topics-scale`.
const self = fileURLToPath(import.meta.url);
const outDir = resolve(self, '../../../bench/out');
const DAY_MS = 86_400_000;

async function seed(path: string, count: number): Promise<void> {
  rmSync(path, { force: true });
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  const handle = await openDatabase({ path });
  const { db, sqlite } = handle;
  await db.insertInto('ingest_runs').values({ started_at: 0, status: 'succeeded', pid: process.pid, hostname: hostname(), timezone: 'UTC' }).execute();
  const insertConversation = prepareCompiled(
    sqlite,
    db.insertInto('conversations').values({
      id: slot('id') as unknown as number,
      source: slot('source') as unknown as 'canonical',
      external_id: slot('external_id'),
      channel: slot('channel'),
      created_at: slot('created_at') as unknown as number,
      subject: slot('subject'),
      first_run_id: slot('run') as unknown as number,
      last_run_id: slot('run') as unknown as number,
    }),
    ['id', 'source', 'external_id', 'channel', 'created_at', 'subject', 'run'],
  );
  const insertMessage = prepareCompiled(
    sqlite,
    db.insertInto('messages').values({
      conversation_id: slot('conversation_id') as unknown as number,
      external_id: slot('external_id'),
      author_role: slot('author_role') as unknown as 'customer',
      created_at: slot('created_at') as unknown as number,
      body: slot('body'),
      body_length: slot('body_length') as unknown as number,
      first_run_id: slot('run') as unknown as number,
      last_run_id: slot('run') as unknown as number,
    }),
    ['conversation_id', 'external_id', 'author_role', 'created_at', 'body', 'body_length', 'run'],
  );
  const start = Date.UTC(2024, 0, 1);
  const chunk = 50_000;
  const distinct = new Set<string>();
  for (let offset = 0; offset < count; offset += chunk) {
    const questions = generateQuestions(Math.min(chunk, count - offset), 1000 + offset / chunk);
    for (const question of questions) distinct.add(`${question.subject ?? ''}\u0000${question.body}`);
    sqlite.transaction(() => {
      questions.forEach((question, i) => {
        const id = offset + i + 1;
        const created = start + Math.floor((id / count) * 90 * DAY_MS);
        insertConversation.run({ id, source: 'canonical', run: 1, external_id: `s-${id}`, channel: question.channel, created_at: created, subject: question.subject });
        insertMessage.run({ run: 1, conversation_id: id, external_id: 'm1', author_role: 'customer', created_at: created, body: question.body, body_length: question.body.length });
        insertMessage.run({ run: 1, conversation_id: id, external_id: 'm2', author_role: 'agent', created_at: created + 300_000, body: 'We are looking into it.', body_length: 23 });
      });
    })();
  }
  await handle.close();
  console.log(`seeded ${count.toLocaleString('en-US')} conversations; ${distinct.size.toLocaleString('en-US')} distinct first messages (${((100 * distinct.size) / count).toFixed(1)}%)`);
}

async function analyse(path: string): Promise<void> {
  const handle = await openDatabase({ path });
  const run = await handle.db
    .insertInto('analysis_runs')
    .values({ started_at: Date.now(), status: 'running', pid: process.pid, hostname: hostname() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await computeTopics(handle, DEFAULT_TOPICS_CONFIG, { analysisRunId: run.id });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await handle.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, maxRssMb, summary })}\n`);
}

const [mode, path, countText] = process.argv.slice(2);
if (mode === '--seed') await seed(path!, Number(countText));
else if (mode === '--analyse') await analyse(path!);
else {
  const sizes = (process.env.SIZES ?? '200000,1000000').split(',').map(Number);
  mkdirSync(outDir, { recursive: true });
  console.log(`machine: ${describeMachine()}; load average at start ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log(`config: ${JSON.stringify(DEFAULT_TOPICS_CONFIG)}`);
  console.log('questions   topics  total s  read s  fit s  assign s  write s  CPU s  peak MB  load before  (target: 1,000,000 in <= 60 s, <= 3,072 MB)');
  for (const size of sizes) {
    const db = join(outDir, `topics-scale-${size}.db`);
    execFileSync(process.execPath, [self, '--seed', db, String(size)], { stdio: 'inherit' });
    const loadBefore = (await import('node:os')).loadavg()[0]!.toFixed(2);
    const output = execFileSync(process.execPath, [self, '--analyse', db], { encoding: 'utf8', maxBuffer: 2 ** 24 });
    const result = JSON.parse(output.trim().split('\n').pop()!) as {
      seconds: number;
      cpuSeconds: number;
      maxRssMb: number;
      summary: { questions: number; topics: number; readMs: number; fitMs: number; assignMs: number; writeMs: number };
    };
    const s = result.summary;
    console.log(
      [
        s.questions.toLocaleString('en-US').padStart(9),
        String(s.topics).padStart(8),
        result.seconds.toFixed(1).padStart(8),
        (s.readMs / 1000).toFixed(1).padStart(7),
        (s.fitMs / 1000).toFixed(1).padStart(6),
        (s.assignMs / 1000).toFixed(1).padStart(9),
        (s.writeMs / 1000).toFixed(1).padStart(8),
        result.cpuSeconds.toFixed(1).padStart(6),
        result.maxRssMb.toFixed(0).padStart(8),
        loadBefore.padStart(12),
      ].join(' '),
    );
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  }
}
