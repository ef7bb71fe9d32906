import type { ExportColumnProvider, ExportQuery } from '../export/conversation-export.js';

/**
 * Each conversation's topic in the export's analysis run (empty cells before any): LEFT JOINs `topic_assignments` and
 * `topics` of that run.
 *
 * @example
 * await exportConversations(handle, { providers: [conversationColumns, topicColumns], format: 'csv', filter: {}, out });
 */
export const topicColumns: ExportColumnProvider = {
  name: 'topics',
  extend: (query, context) =>
    query
      .leftJoin('topic_assignments as tp_a', (join) => join.onRef('tp_a.conversation_id', '=', 'c.id').on('tp_a.analysis_run_id', '=', context.analysisRunId))
      .leftJoin('topics as tp_t', (join) => join.onRef('tp_t.analysis_run_id', '=', 'tp_a.analysis_run_id').onRef('tp_t.topic_id', '=', 'tp_a.topic_id'))
      .select(['tp_a.topic_id as tp_topic_id', 'tp_t.label as tp_label']) as unknown as ExportQuery,
  columns: [
    { name: 'topic_id', value: (row) => row['tp_topic_id'] as number | null },
    { name: 'topic_label', value: (row) => row['tp_label'] as string | null },
  ],
};
