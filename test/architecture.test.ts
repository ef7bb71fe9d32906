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

/** A Kysely query, a raw `sql` template or a prepared statement: SQL, which belongs in db/ or a store/query module. */
const SQL_PATTERN = /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto)\(|\bsql`|\bsql\.raw\(|\.prepare\(|\.exec\(\s*['`]/;

/** cli/ files that still hold SQL, to be moved into db/ query modules (issue 17); the list may only shrink. */
const CLI_FILES_WITH_SQL_TO_MOVE: string[] = [];

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

test('cli/ holds wiring only: no SQL outside db/ and the store and query modules', () => {
  const withSql = sourceFiles(join(ROOT, 'cli'))
    .filter((file) => SQL_PATTERN.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file))
    .sort();
  expect(withSql).toEqual([...CLI_FILES_WITH_SQL_TO_MOVE].sort());
});

test('the SQL check sees a query, a raw sql template and a prepared statement', () => {
  for (const text of ["db.selectFrom('conversations')", 'await sql`begin immediate`.execute(db)', "handle.sqlite.prepare('select 1')"]) {
    expect(SQL_PATTERN.test(text), text).toBe(true);
  }
  expect(SQL_PATTERN.test("import { findLatestConversationCreatedAt } from '../db/conversation-queries.js';")).toBe(false);
});
