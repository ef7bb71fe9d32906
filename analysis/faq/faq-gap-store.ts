import type { Kysely } from '#kysely';
import type { Database } from '../../db/schema.js';
import { type FaqGapComparison, type FaqGapReport, reportScope } from './faq-gap-report.js';
import { inTransaction } from '../../db/transaction.js';

/** Findings per insert statement (5 values each, well under SQLite's bound-parameter limit). */
const INSERT_CHUNK = 500;

/**
 * Compares a report's findings with the last saved report of the same scope (window length; see `reportScope`),
 * then saves this one (in one transaction) so the next
 * report is compared with it.
 *
 * @example
 * const { newSinceLast, goneSinceLast } = await saveFaqGapReport(db, report, Date.now());
 */
export async function saveFaqGapReport(db: Kysely<Database>, report: FaqGapReport, createdAt: number): Promise<FaqGapComparison & { reportId: number }> {
  const scope = reportScope(report);
  return inTransaction(db, async (trx) => {
    const last = await trx.selectFrom('faq_gap_reports').select('id').where('scope', '=', scope).orderBy('id', 'desc').limit(1).executeTakeFirst();
    const previous = last
      ? await trx.selectFrom('faq_gap_findings').select(['finding_id', 'verdict', 'title']).where('report_id', '=', last.id).orderBy('finding_id').execute()
      : [];
    const previousIds = new Set(previous.map((row) => row.finding_id));
    const currentIds = new Set(report.findings.map((finding) => finding.id));
    const saved = await trx
      .insertInto('faq_gap_reports')
      .values({ created_at: createdAt, period_from: report.from, period_to: report.to, analysis_run_id: report.analysisRunId, scope })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let start = 0; start < report.findings.length; start += INSERT_CHUNK) {
      await trx
        .insertInto('faq_gap_findings')
        .values(
          report.findings
            .slice(start, start + INSERT_CHUNK)
            .map((finding) => ({ report_id: saved.id, finding_id: finding.id, verdict: finding.verdict, title: finding.title, priority: finding.priority })),
        )
        .execute();
    }
    return {
      reportId: saved.id,
      previousReportId: last?.id ?? null,
      newSinceLast: report.findings.filter((finding) => !previousIds.has(finding.id)).map((finding) => finding.id),
      goneSinceLast: previous.filter((row) => !currentIds.has(row.finding_id)).map((row) => ({ id: row.finding_id, verdict: row.verdict, title: row.title })),
    };
  });
}
