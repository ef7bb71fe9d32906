import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
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
// threads included: on a shared machine it shows what the work costs when the wall time is inflated by others' load.
// Where Debian's python3-sklearn is installed, the same questions (written to a text file, one per line) are then
// grouped by the scikit-learn reference (bench/sklearn-topics-reference.py) in the same run, and the ratio printed.
// Run with `npm run bench:topics-scale`.
const self = fileURLToPath(import.meta.url);
const projectRoot = resolve(self, '../../..');
const outDir = join(projectRoot, 'bench/out');
const referenceScript = join(projectRoot, 'bench/sklearn-topics-reference.py');
const DAY_MS = 86_400_000;

/** One question per line, as the reference reads them: the subject (when there is one), then the body. */
function questionLine(question: { subject: string | null; body: string }): string {
  return `${question.subject ? `${question.subject} ` : ''}${question.body}`.replace(/[\r\n]+/g, ' ');
}

async function writeLines(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((done) => out.once('drain', () => done()));
}

async function seed(path: string, count: number, textsPath: string): Promise<void> {
  rmSync(path, { force: true });
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  const handle = await openDatabase({ path });
  const { db, sqlite } = handle;
  await db.insertInto('ingest_runs').values({ started_at: 0, status: 'succeeded', pid: process.pid, hostname: hostname(), timezone: 'UTC' }).execute();
  const insertConversation = prepareCompiled(
    sqlite,
    db.insertInto('conversations').values({
      id: slot<number>('id'),
      source: slot<'canonical'>('source'),
      external_id: slot('external_id'),
      channel: slot('channel'),
      created_at: slot<number>('created_at'),
      subject: slot('subject'),
      first_run_id: slot<number>('run'),
      last_run_id: slot<number>('run'),
    }),
    ['id', 'source', 'external_id', 'channel', 'created_at', 'subject', 'run'],
  );
  const insertMessage = prepareCompiled(
    sqlite,
    db.insertInto('messages').values({
      conversation_id: slot<number>('conversation_id'),
      external_id: slot('external_id'),
      author_role: slot<'customer'>('author_role'),
      created_at: slot<number>('created_at'),
      body: slot('body'),
      body_length: slot<number>('body_length'),
      first_run_id: slot<number>('run'),
      last_run_id: slot<number>('run'),
    }),
    ['conversation_id', 'external_id', 'author_role', 'created_at', 'body', 'body_length', 'run'],
  );
  const start = Date.UTC(2024, 0, 1);
  const chunk = 50_000;
  const distinct = new Set<string>();
  const texts = createWriteStream(textsPath);
  for (let offset = 0; offset < count; offset += chunk) {
    const questions = generateQuestions(Math.min(chunk, count - offset), 1000 + offset / chunk);
    for (const question of questions) distinct.add(`${question.subject ?? ''}\u0000${question.body}`);
    await writeLines(texts, `${questions.map(questionLine).join('\n')}\n`);
    sqlite.transaction(() => {
      questions.forEach((question, i) => {
        const id = offset + i + 1;
        const created = start + Math.floor((id / count) * 90 * DAY_MS);
        insertConversation.run({
          id,
          source: 'canonical',
          run: 1,
          external_id: `s-${id}`,
          channel: question.channel,
          created_at: created,
          subject: question.subject,
        });
        insertMessage.run({
          run: 1,
          conversation_id: id,
          external_id: 'm1',
          author_role: 'customer',
          created_at: created,
          body: question.body,
          body_length: question.body.length,
        });
        insertMessage.run({
          run: 1,
          conversation_id: id,
          external_id: 'm2',
          author_role: 'agent',
          created_at: created + 300_000,
          body: 'We are looking into it.',
          body_length: 23,
        });
      });
    })();
  }
  await new Promise<void>((done) => texts.end(() => done()));
  await handle.close();
  console.log(
    `seeded ${count.toLocaleString('en-US')} conversations; ${distinct.size.toLocaleString('en-US')} distinct first messages (${((100 * distinct.size) / count).toFixed(1)}%)`,
  );
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

interface ReferenceResult {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  clusters: number;
  readSeconds: number;
  vectorizeSeconds: number;
  clusterSeconds: number;
  writeSeconds: number;
}

/** The Python that has scikit-learn (Debian's python3-sklearn installs it for /usr/bin/python3), if any. */
function findReferencePython(): string | undefined {
  for (const python of [process.env.SKLEARN_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!python) continue;
    const probe = spawnSync(python, ['-c', 'import sklearn'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

/** Wall time from starting the interpreter to the labels written, as `/usr/bin/time` would count it. */
function runReference(python: string, textsPath: string, k: number): ReferenceResult | string {
  const labelsPath = `${textsPath}.labels`;
  const started = performance.now();
  const child = spawnSync(python, [referenceScript, textsPath, String(k), labelsPath], { encoding: 'utf8', maxBuffer: 2 ** 24 });
  const seconds = (performance.now() - started) / 1000;
  rmSync(labelsPath, { force: true });
  if (child.status !== 0) return `scikit-learn reference failed: ${(child.stderr || String(child.error ?? '')).trim().split('\n').pop()}`;
  return { seconds, ...(JSON.parse(child.stdout.trim().split('\n').pop()!) as Omit<ReferenceResult, 'seconds'>) };
}

function row(cells: {
  method: string;
  questions: number;
  topics: number;
  total: number;
  read: number;
  fit: number;
  assign: number;
  write: number;
  cpu: number;
  peakMb: number;
  load: string;
}): string {
  return [
    cells.method.padEnd(12),
    cells.questions.toLocaleString('en-US').padStart(9),
    String(cells.topics).padStart(6),
    cells.total.toFixed(1).padStart(7),
    cells.read.toFixed(1).padStart(6),
    cells.fit.toFixed(1).padStart(5),
    cells.assign.toFixed(1).padStart(8),
    cells.write.toFixed(1).padStart(7),
    cells.cpu.toFixed(1).padStart(5),
    cells.peakMb.toFixed(0).padStart(7),
    cells.load.padStart(11),
  ].join('  ');
}

const [mode, path, countText, textsPath] = process.argv.slice(2);
if (mode === '--seed') await seed(path!, Number(countText), textsPath!);
else if (mode === '--analyse') await analyse(path!);
else {
  const sizes = (process.env.SIZES ?? '200000,1000000').split(',').map(Number);
  mkdirSync(outDir, { recursive: true });
  const { loadavg } = await import('node:os');
  const python = findReferencePython();
  console.log(
    `machine: ${describeMachine()}; load average at start ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(`config: ${JSON.stringify(DEFAULT_TOPICS_CONFIG)}`);
  console.log(
    python
      ? `reference: scikit-learn (${python}): TfidfVectorizer(sublinear_tf, min_df 2) + MiniBatchKMeans(k = the topics supportlens found, batch 4096, n_init 3) on the same questions; "fit" is vectorize + cluster`
      : 'reference: skipped (no Python with scikit-learn; on Debian: apt-get install python3-sklearn)',
  );
  console.log(
    `method        questions  topics  total s  read s  fit s  assign s  write s  CPU s  peak MB  load before  (target: supportlens total s <= scikit-learn's, peak <= 1,024 MB)`,
  );
  for (const size of sizes) {
    const db = join(outDir, `topics-scale-${size}.db`);
    const texts = join(outDir, `topics-scale-${size}.txt`);
    execFileSync(process.execPath, [self, '--seed', db, String(size), texts], { stdio: 'inherit' });
    const loadBefore = loadavg()[0]!.toFixed(2);
    const output = execFileSync(process.execPath, [self, '--analyse', db], { encoding: 'utf8', maxBuffer: 2 ** 24 });
    const result = JSON.parse(output.trim().split('\n').pop()!) as {
      seconds: number;
      cpuSeconds: number;
      maxRssMb: number;
      summary: {
        questions: number;
        topics: number;
        readMs: number;
        fitMs: number;
        assignMs: number;
        writeMs: number;
        cpuMs: { read: number; fit: number; assign: number; write: number };
      };
    };
    const s = result.summary;
    console.log(
      row({
        method: 'supportlens',
        questions: s.questions,
        topics: s.topics,
        total: result.seconds,
        read: s.readMs / 1000,
        fit: s.fitMs / 1000,
        assign: s.assignMs / 1000,
        write: s.writeMs / 1000,
        cpu: result.cpuSeconds,
        peakMb: result.maxRssMb,
        load: loadBefore,
      }),
    );
    const phaseCpu = (['read', 'fit', 'assign', 'write'] as const).map((phase) => `${phase} ${(s.cpuMs[phase] / 1000).toFixed(1)}`).join(', ');
    console.log(
      `supportlens CPU s by phase (worker threads included; fit includes preparing ahead; the redacted questions are stored during fit and assign, write is the topics and assignments): ${phaseCpu}`,
    );
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
    if (python) {
      const referenceLoad = loadavg()[0]!.toFixed(2);
      const reference = runReference(python, texts, Math.max(2, s.topics));
      if (typeof reference === 'string') console.log(reference);
      else {
        console.log(
          row({
            method: 'scikit-learn',
            questions: size,
            topics: reference.clusters,
            total: reference.seconds,
            read: reference.readSeconds,
            fit: reference.vectorizeSeconds + reference.clusterSeconds,
            assign: 0,
            write: reference.writeSeconds,
            cpu: reference.cpuSeconds,
            peakMb: reference.maxRssMb,
            load: referenceLoad,
          }),
        );
        console.log(
          `supportlens / scikit-learn at ${size.toLocaleString('en-US')}: wall ${(result.seconds / reference.seconds).toFixed(2)}x, CPU ${(result.cpuSeconds / reference.cpuSeconds).toFixed(2)}x, peak memory ${(result.maxRssMb / reference.maxRssMb).toFixed(2)}x`,
        );
      }
    }
    rmSync(texts, { force: true });
  }
}
