import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, seededRandom, temporaryFolder } from '../helpers.js';
import { writeMessagesCsv } from './generate-csv.js';

// `npm run fault` runs more cases (FAULT_CASES) from another seed (FAULT_SEED); the suite runs a few, always the same.
const CASES = Number(process.env['FAULT_CASES'] ?? 3);
const SEED = Number(process.env['FAULT_SEED'] ?? 19);

const folder = temporaryFolder('supportlens-ingest-fault-');
afterAll(() => folder.cleanup());

/** Three files, as an inbox holds them: a large CSV (parsed in the worker thread), JSON Lines parsed in place, FAQ entries. */
let files: string[];
/** Records of each file, from a clean run. */
let fileRecords: number[];
/** What the database holds after a clean run of the first k files, for k = 0..3. */
let prefixes: Snapshot[];

interface Snapshot {
  conversations: number;
  messages: number;
  faqVersions: number;
  digest: string;
}

function writeConversationsJsonl(path: string, count: number): string {
  const fd = openSync(path, 'w');
  try {
    const base = Date.UTC(2024, 5, 1);
    for (let i = 0; i < count; i++) {
      const at = base + i * 60_000;
      const messages = [0, 1, 2].map((m) => ({
        id: `m${m}`,
        author_role: m === 1 ? 'agent' : 'customer',
        author_id: `u${i % 97}`,
        created_at: new Date(at + m * 120_000).toISOString(),
        body: `Question ${i} about deposit ${m}`,
      }));
      writeSync(fd, `${JSON.stringify({ id: `j${i}`, channel: 'email', created_at: new Date(at).toISOString(), tags: ['deposit'], messages })}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

function writeFaqCsv(path: string, count: number): string {
  const rows = Array.from({ length: count }, (_, i) => `faq-${i},How do I do thing ${i}?,Do it like this: step ${i}.,2024-03-01`);
  writeFileSync(path, `id,title,body,updated_at\n${rows.join('\n')}\n`);
  return path;
}

/** The rows ingest writes, without the ids and run numbers that differ between a run killed and resumed and a clean one. */
function snapshot(path: string): Snapshot {
  // Read-write: a hot journal left by the killed process is rolled back on open, as any later command does.
  const db = new Database(path);
  try {
    const hash = createHash('sha256');
    const feed = (sql: string): number => {
      let rows = 0;
      for (const row of db.prepare(sql).raw().iterate()) {
        hash.update(JSON.stringify(row));
        rows += 1;
      }
      return rows;
    };
    return {
      conversations: feed(
        'select source, external_id, channel, created_at, created_at_derived, status, resolved_at, customer_id, assignee, subject, language, tags from conversations order by source, external_id',
      ),
      messages: feed(
        'select c.source, c.external_id, m.external_id, m.author_role, m.author_id, m.created_at, m.body, m.body_length, m.body_truncated, m.internal from messages m join conversations c on c.id = m.conversation_id order by c.source, c.external_id, m.external_id',
      ),
      faqVersions: feed(
        'select e.external_id, e.current_version, v.version, v.title, v.question, v.body, v.tags, v.language, v.updated_at, v.content_hash from faq_entries e join faq_entry_versions v on v.entry_id = e.id order by e.external_id, v.version',
      ),
      digest:
        hash.digest('hex').slice(0, 16) + String(feed('select kind, created_at, actor_id from conversation_events order by conversation_id, created_at, kind')),
    };
  } finally {
    db.close();
  }
}

function ingest(
  db: string,
  paths: string[],
): {
  status: number | null;
  summary: {
    status: string;
    records: { read: number; inserted: number; unchanged: number; updated: number; rejected: number };
    files: { records: { read: number } }[];
  };
} {
  const result = spawnSync(process.execPath, [...CLI, 'ingest', '--db', db, '--json', ...paths], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { status: result.status, summary: JSON.parse(result.stdout) as ReturnType<typeof ingest>['summary'] };
}

beforeAll(() => {
  files = [
    writeMessagesCsv(join(folder.path, 'a-messages.csv'), 50_000),
    writeConversationsJsonl(join(folder.path, 'b-conversations.jsonl'), 5_000),
    writeFaqCsv(join(folder.path, 'c-faq.csv'), 300),
  ];
  prefixes = [];
  const empty = join(folder.path, 'empty.jsonl');
  writeFileSync(empty, '');
  for (let k = 0; k <= files.length; k++) {
    const db = join(folder.path, `clean-${k}.db`);
    // k = 0: a database that holds nothing yet (an empty file's run).
    const run = ingest(db, k === 0 ? [empty] : files.slice(0, k));
    expect(run.status).toBe(0);
    if (k === files.length) fileRecords = run.summary.files.map((file) => file.records.read);
    prefixes.push(snapshot(db));
  }
  // The snapshots tell the prefixes apart: a half-loaded file could not pass for a whole one or for none.
  expect(new Set(prefixes.map((prefix) => JSON.stringify(prefix))).size).toBe(prefixes.length);
  expect(fileRecords).toEqual([50_000, 5_000, 300]);
  expect(prefixes[3]).toMatchObject({ conversations: 10_000 + 5_000, messages: 50_000 + 15_000, faqVersions: 300 });
}, 600_000);

const random = seededRandom(SEED);
const points = Array.from({ length: CASES }, () => {
  // Most kills inside the two large files, some in the small one; a few milliseconds after the point is seen.
  const file = random() < 0.45 ? 0 : random() < 0.8 ? 1 : 2;
  return { file, share: random(), delayMs: Math.floor(random() * 20) };
});
const landed: Record<string, number> = {};
afterAll(() => process.stdout.write(`ingest fault (seed ${SEED}): ${CASES} cases; killed ${JSON.stringify(landed)}\n`));

test.each(points.map((point, index) => [index + 1, point.file, point.share, point] as const))(
  'case %i: ingest killed (SIGKILL) in file %i at %f of its records: only whole files were kept, and a rerun gives exactly a clean run',
  async (index, _file, _share, point) => {
    const db = join(folder.path, `fault-${index}.db`);
    const child = spawn(process.execPath, [...CLI, 'ingest', '--db', db, '--quiet', ...files], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SUPPORTLENS_TEST_PROGRESS: '1' },
    });
    const target = Math.floor(point.share * fileRecords[point.file]!);
    let seen = '';
    let timer: NodeJS.Timeout | undefined;
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const match = /^progress (\d+) (\d+)$/.exec(line);
      if (!match || timer) return;
      const [fileIndex, records] = [Number(match[1]), Number(match[2])];
      if (fileIndex > point.file || (fileIndex === point.file && records >= target)) {
        seen = `file ${fileIndex} record ${records}`;
        timer = setTimeout(() => child.kill('SIGKILL'), point.delayMs);
      }
    });
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);

    // Whatever the point, the database holds the files committed before it, whole, and nothing of the one being read.
    const killed = new Database(db);
    const committed = killed.prepare("select path from ingest_files where status = 'loaded' order by id").pluck().all() as string[];
    killed.close();
    expect(committed).toEqual(files.slice(0, committed.length));
    expect(snapshot(db), `killed at ${seen}`).toEqual(prefixes[committed.length]);
    const where =
      signal === 'SIGKILL' ? (committed.length === files.length ? 'after the last commit' : `inside file ${committed.length}`) : 'never (it finished)';
    landed[where] = (landed[where] ?? 0) + 1;
    if (signal !== 'SIGKILL') expect(code).toBe(0);

    // The rerun keeps what was committed (unchanged), loads the rest, and the result is a clean run's.
    const rerun = ingest(db, files);
    expect(rerun.status).toBe(0);
    const kept = fileRecords.slice(0, committed.length).reduce((sum, n) => sum + n, 0);
    const total = fileRecords.reduce((sum, n) => sum + n, 0);
    expect(rerun.summary.records).toEqual({ read: total, inserted: total - kept, updated: 0, unchanged: kept, rejected: 0 });
    expect(snapshot(db)).toEqual(prefixes[files.length]);
    const after = new Database(db);
    const runs = after.prepare('select status from ingest_runs order by id').pluck().all();
    after.close();
    // The killed run is not left "running": the next run marks it. A kill after the last file's commit may also land
    // after the run was marked succeeded (the process was closing the database): then it rightly stays succeeded.
    if (signal !== 'SIGKILL') expect(runs).toEqual(['succeeded', 'succeeded']);
    else if (committed.length < files.length) expect(runs).toEqual(['interrupted', 'succeeded']);
    else
      expect([
        ['interrupted', 'succeeded'],
        ['succeeded', 'succeeded'],
      ]).toContainEqual(runs);
  },
  300_000,
);
