import type { ExportColumnProvider, ExportQuery } from '../export/conversation-export.js';

/**
 * Each conversation's best-matching FAQ entry in the export's analysis run, its score and whether it counts as
 * covered (empty cells before any run): LEFT JOINs `faq_matches` and `faq_entries`.
 *
 * @example
 * await exportConversations(handle, { providers: [conversationColumns, faqMatchColumns], format: 'csv', filter: {}, out });
 */
export const faqMatchColumns: ExportColumnProvider = {
  name: 'faq',
  extend: (query, context) =>
    query
      .leftJoin('faq_matches as fq_m', (join) => join.onRef('fq_m.conversation_id', '=', 'c.id').on('fq_m.analysis_run_id', '=', context.analysisRunId))
      .leftJoin('faq_entries as fq_e', 'fq_e.id', 'fq_m.entry_id')
      .select(['fq_e.external_id as fq_entry', 'fq_m.score as fq_score', 'fq_m.covered as fq_covered']) as unknown as ExportQuery,
  columns: [
    { name: 'faq_entry', value: (row) => row['fq_entry'] as string | null },
    {
      name: 'faq_score',
      value: (row) => (row['fq_score'] === null || row['fq_score'] === undefined ? null : Math.round((row['fq_score'] as number) * 1000) / 1000),
    },
    { name: 'faq_covered', value: (row) => row['fq_covered'] as number | null },
  ],
};
