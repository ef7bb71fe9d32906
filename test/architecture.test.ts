import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from './helpers.js';

const STAGES = ['db', 'ingest', 'analysis', 'dashboard', 'cli', 'bench'] as const;
type Stage = (typeof STAGES)[number];

/**
 * Which of our folders each folder may import: `cli -> {ingest, analysis, dashboard} -> db`; the benchmarks sit
 * beside cli (they drive the stages and reuse the demo generator) and nothing imports them.
 */
const ALLOWED: Record<Stage, Stage[]> = {
  db: ['db'],
  ingest: ['ingest', 'db'],
  analysis: ['analysis', 'db'],
  dashboard: ['dashboard', 'db'],
  cli: ['cli', 'ingest', 'analysis', 'dashboard', 'db'],
  bench: ['bench', 'cli', 'ingest', 'analysis', 'dashboard', 'db'],
};

/**
 * SQL: a Kysely statement, a raw `sql` template (typed or not), a prepared statement, a SQLite pragma or a
 * transaction opened by hand.
 */
const SQL_PATTERN =
  /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto)\(|\bsql(?:<[^>`]*>)?`|\bsql\.raw\(|\.prepare\(|\.exec\(\s*['`]|\.pragma\(|\.transaction\(/;

/**
 * The one rule for where SQL lives: in db/, or in a module whose name says it is one (`*-store.ts` writes and the
 * reads that go with them, `*-queries.ts` reads). The benchmarks (bench/) seed their databases directly and are not
 * shipped, so the rule covers the shipped stages.
 */
const SQL_STAGES = ['ingest', 'analysis', 'dashboard', 'cli'] as const;
const isSqlModule = (path: string): boolean => path.startsWith('db/') || /-(?:store|queries)\.ts$/.test(path);

/**
 * The read-only analysis modules the dashboard may import besides `db`: they are the one place analytics reads
 * live (STYLE.md, Umami), so the dashboard calls their get/list/render functions instead of repeating their SQL
 * (faq-gap-report.ts also holds `saveFaqGapReport`; the dashboard never calls it: it opens the database read-only).
 */
const DASHBOARD_READS_FROM_ANALYSIS = [
  'analysis/conversation-filter.ts',
  'analysis/response-times/response-time-queries.ts',
  'analysis/response-times/response-time-config.ts',
  'analysis/response-times/duration-text.ts',
  'analysis/metric-definitions.ts',
  'analysis/topics/topic-report.ts',
  'analysis/faq/faq-gap-report.ts',
  'analysis/faq/render-gap-report.ts',
  'analysis/alerts/alert-queries.ts',
  // Pure functions the dashboard shares with the reports so that both say the same: statistics, redaction, the
  // business calendar, the CSV cell and the duration format (no SQL, no writes).
  'analysis/response-times/duration-statistics.ts',
  'analysis/response-times/business-calendar.ts',
  'analysis/response-times/duration-text.ts',
  'analysis/text/normalize-text.ts',
  'analysis/text/redact-personal-data.ts',
  'analysis/export/csv-line.ts',
  'analysis/export/conversation-export.ts',
];

function sourceFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('dependencies point one way: cli -> {ingest, analysis, dashboard} -> db (dashboard also -> analysis read modules); stages talk through tables', () => {
  const violations: string[] = [];
  for (const stage of STAGES) {
    for (const file of sourceFiles(join(ROOT, stage))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const targetPath = relative(ROOT, join(file, '..', match[1]!));
        const target = targetPath.split('/')[0] as Stage;
        if (stage === 'dashboard' && DASHBOARD_READS_FROM_ANALYSIS.includes(targetPath.replace(/\.js$/, '.ts'))) continue;
        if ((STAGES as readonly string[]).includes(target) && !ALLOWED[stage].includes(target)) {
          violations.push(`${relative(ROOT, file)} imports ${match[1]}`);
        }
      }
    }
  }
  expect(violations).toEqual([]);
});

test('natural is never imported whole (it drags in database clients and reads .env)', () => {
  const offenders = STAGES.flatMap((stage) => sourceFiles(join(ROOT, stage))).filter((file) =>
    /from\s+'natural'|require\('natural'\)/.test(readFileSync(file, 'utf8')),
  );
  expect(offenders).toEqual([]);
});

test('every relative import ends in .js', () => {
  const offenders = STAGES.flatMap((stage) => sourceFiles(join(ROOT, stage))).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)].filter((m) => !m[1]!.endsWith('.js')).map((m) => `${relative(ROOT, file)}: ${m[1]}`),
  );
  expect(offenders).toEqual([]);
});

test('SQL lives only in db/ and in *-store.ts / *-queries.ts modules (cli/ holds wiring only)', () => {
  const withSql = SQL_STAGES.flatMap((stage) => sourceFiles(join(ROOT, stage)))
    .map((file) => relative(ROOT, file))
    .filter((path) => !isSqlModule(path) && SQL_PATTERN.test(readFileSync(join(ROOT, path), 'utf8')));
  expect(withSql).toEqual([]);
});

test('the SQL module rule: db/ and *-store.ts / *-queries.ts only', () => {
  expect(['db/job-lock.ts', 'ingest/feed-store.ts', 'analysis/topics/topic-report-queries.ts'].every(isSqlModule)).toBe(true);
  expect(['cli/commands/analyze-command.ts', 'analysis/topics/topic-report.ts', 'ingest/store-helpers.ts', 'dashboard/queries.ts'].some(isSqlModule)).toBe(
    false,
  );
});

test('one way to open a transaction: db/transaction.ts (migrations and the connection set-up aside)', () => {
  const opening =
    /\bsql`(?:begin(?: immediate| deferred| exclusive)?|commit|rollback)`|\.transaction\(|\.startTransaction\(|\.(?:exec|prepare)\(\s*['`](?:begin|commit|rollback)\b/i;
  const offenders = SQL_STAGES.concat(['db'] as never[])
    .flatMap((stage) => sourceFiles(join(ROOT, stage)))
    .map((file) => relative(ROOT, file))
    .filter((path) => !['db/transaction.ts', 'db/connection.ts'].includes(path) && !path.startsWith('db/migrations/'))
    .filter((path) => opening.test(readFileSync(join(ROOT, path), 'utf8')));
  expect(offenders).toEqual([]);
});

test('the SQL check sees a query, a raw sql template and a prepared statement', () => {
  for (const text of [
    "db.selectFrom('conversations')",
    'await sql`begin immediate`.execute(db)',
    'sql<number>`f.start_at`',
    "handle.sqlite.prepare('select 1')",
    "sqlite.pragma('foreign_keys = OFF')",
    'db.transaction().execute(work)',
  ]) {
    expect(SQL_PATTERN.test(text), text).toBe(true);
  }
  expect(SQL_PATTERN.test("import { findLatestConversationCreatedAt } from '../db/conversation-queries.js';")).toBe(false);
});
