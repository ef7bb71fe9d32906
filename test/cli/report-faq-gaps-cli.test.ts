import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI } from '../helpers.js';
import { generateQuestions } from '../../bench/synthetic-questions.js';
import { testDatabaseLocation } from '../support/test-database.js';

const run = promisify(execFile);
const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 4, 1);

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { maxBuffer: 32 * 2 ** 20 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** Two weeks of questions, more in the second; agents now quote a 0.2% fee that the FAQ entry gives as 0.1%. */
function conversations(): string {
  const lines: string[] = [];
  for (let day = 0; day < 14; day++) {
    generateQuestions(day < 7 ? 30 : 40, 100 + day).forEach((question, i) => {
      const created = START + day * DAY_MS + i * 1_200_000;
      const reply = question.intent === 'trading_fees' ? 'The spot fee is now 0.2% for makers and takers.' : 'We are checking.';
      lines.push(
        JSON.stringify({
          id: `c-${day}-${i}`,
          channel: question.channel,
          created_at: new Date(created).toISOString(),
          subject: question.subject,
          messages: [
            { id: 'm1', author_role: 'customer', author_id: `u${i}`, created_at: new Date(created).toISOString(), body: question.body },
            { id: 'm2', author_role: 'agent', author_id: 'a1', created_at: new Date(created + 300_000).toISOString(), body: reply },
          ],
        }),
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

const FAQ: Record<string, string> = {
  'trading-fees.md':
    '---\nid: trading-fees\ntitle: What are the trading fees for spot and futures?\nupdated_at: 2024-01-10T00:00:00Z\n---\nThe spot trading fee is 0.1% for makers and takers.\n',
  'reset-2fa.md':
    '---\nid: reset-2fa\ntitle: How do I reset Google Authenticator (2FA) after losing my phone?\nupdated_at: 2024-01-10T00:00:00Z\n---\nChoose **Reset 2FA** on the log-in page.\n',
  'lottery.md': '---\nid: lottery\ntitle: How do I join the summer lottery?\nupdated_at: 2023-06-01T00:00:00Z\n---\nThe lottery has ended.\n',
};

interface JsonGapReport {
  analysisRunId: number;
  comparedWithReport: number | null;
  newSinceLastReport: string[];
  goneSinceLastReport: unknown[];
  findings: {
    id: string;
    verdict: string;
    entryId: string | null;
    reasons: string[];
    status: string;
    evidence: { drift: { agentsSay: string; entrySays?: string[] }[] };
  }[];
}

describe('supportlens analyze + report faq-gaps (built CLI)', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'supportlens-faq-'));
    db = await testDatabaseLocation(join(dir, 'test.db'));
    writeFileSync(join(dir, 'conversations.jsonl'), conversations());
    mkdirSync(join(dir, 'faq'));
    for (const [name, text] of Object.entries(FAQ)) writeFileSync(join(dir, 'faq', name), text);
    expect((await cli('ingest', '--db', db, '--quiet', join(dir, 'conversations.jsonl'), join(dir, 'faq'))).code).toBe(0);
    const analyzed = await cli('analyze', '--db', db);
    expect(analyzed.stderr).toBe('');
    expect(analyzed.stdout).toMatch(/faq\s+questions\s+490\n/);
    expect(analyzed.stdout).toMatch(/faq\s+entries\s+3\n/);
    expect(analyzed.stdout).toMatch(/analysis run 1 succeeded/);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('json: NEW, UPDATE with the contradicted fee, UNUSED; a second report finds nothing new or gone', async () => {
    const first = await cli('report', 'faq-gaps', '--db', db, '--from', '2024-05-08', '--to', '2024-05-14', '--format', 'json');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as JsonGapReport;
    expect(report.comparedWithReport).toBeNull();
    const verdicts = new Set(report.findings.map((finding) => finding.verdict));
    // The synthetic questions are asked in Chinese too, and the FAQ is English only: those are to be translated.
    expect(verdicts).toEqual(new Set(['NEW', 'TRANSLATE', 'UPDATE', 'UNUSED']));
    const translations = report.findings.filter((finding) => finding.verdict === 'TRANSLATE') as unknown as { entryId: string; languages: string[] }[];
    expect(translations.every((finding) => FAQ[`${finding.entryId}.md`] !== undefined && finding.languages.join() === 'zh')).toBe(true);
    const fees = report.findings.find((finding) => finding.entryId === 'trading-fees');
    expect(fees?.reasons).toContain('answer-drift');
    expect(fees!.evidence.drift).toContainEqual(expect.objectContaining({ agentsSay: '0.2%', entrySays: ['0.1%'] }));
    expect(report.findings.find((finding) => finding.verdict === 'UNUSED')?.entryId).toBe('lottery');
    expect(report.findings.every((finding) => finding.status === 'new')).toBe(true);

    const out = join(dir, 'gaps.csv');
    const second = await cli('report', 'faq-gaps', '--db', db, '--from', '2024-05-08', '--to', '2024-05-14', '--format', 'csv', '--out', out);
    expect(second).toMatchObject({ code: 0, stdout: '' });
    expect(second.stderr).toMatch(/0 new, 0 gone since the last report/);
    const rows = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(rows[0]).toMatch(/^id,status,verdict,priority,title,/);
    expect(rows.filter((row) => /^(new|translate|update|unused)-[0-9a-f]{12},unchanged,/.test(row)).length).toBe(report.findings.length);
  });

  test('the conversation export gains the best-matching FAQ entry, its score and whether it is covered', async () => {
    const { stdout, code } = await cli('export', 'conversations', '--db', db, '--format', 'jsonl');
    expect(code).toBe(0);
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { faq_entry: string | null; faq_score: number | null; faq_covered: number | null });
    expect(rows).toHaveLength(490);
    for (const row of rows) {
      expect(row.faq_score).toEqual(expect.any(Number));
      expect([0, 1]).toContain(row.faq_covered);
      if (row.faq_covered === 1) expect(row.faq_entry).toEqual(expect.any(String));
    }
    expect(rows.some((row) => row.faq_covered === 1)).toBe(true);
    expect(rows.some((row) => row.faq_covered === 0)).toBe(true);
  });

  test('markdown by default; a bad date is a usage error', async () => {
    const markdown = await cli('report', 'faq-gaps', '--db', db, '--from', '2024-05-08', '--to', '2024-05-14');
    expect(markdown.stdout).toMatch(/^# FAQ gaps, 2024-05-08 to 2024-05-14/);
    expect(markdown.stdout).toContain('## UPDATE: What are the trading fees for spot and futures?');
    const bad = await cli('report', 'faq-gaps', '--db', db, '--from', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from: "yesterday" is not a date (YYYY-MM-DD) or an ISO 8601 date-time');
  });
});
