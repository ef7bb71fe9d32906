import type { ExportColumnProvider, ExportQuery, ExportRow } from '../export/conversation-export.js';
import { isoInstant } from '../export/conversation-export.js';

const number = (name: string) => (row: ExportRow) => row[name] as number | null;
const instant = (name: string) => (row: ExportRow) => isoInstant(row[name]);

/**
 * The response-time facts of the export's analysis run (empty cells before any): LEFT JOIN `conversation_facts`.
 *
 * @example
 * await exportConversations(handle, { providers: [conversationColumns, responseTimeColumns], format: 'csv', filter: {}, out });
 */
export const responseTimeColumns: ExportColumnProvider = {
  name: 'responseTimes',
  extend: (query, context) =>
    query
      .leftJoin('conversation_facts as rt', (join) => join.onRef('rt.conversation_id', '=', 'c.id').on('rt.run_id', '=', context.analysisRunId))
      .select([
        'rt.start_at as rt_start_at',
        'rt.initiated_by as rt_initiated_by',
        'rt.first_response_at as rt_first_response_at',
        'rt.first_response_ms as rt_first_response_ms',
        'rt.first_response_business_ms as rt_first_response_business_ms',
        'rt.agent as rt_agent',
        'rt.reply_count as rt_reply_count',
        'rt.reply_median_ms as rt_reply_median_ms',
        'rt.reply_business_median_ms as rt_reply_business_median_ms',
        'rt.resolution_count as rt_resolution_count',
        'rt.first_resolved_at as rt_first_resolved_at',
        'rt.last_resolved_at as rt_last_resolved_at',
        'rt.resolution_ms as rt_resolution_ms',
        'rt.resolution_business_ms as rt_resolution_business_ms',
        'rt.reopen_count as rt_reopen_count',
        'rt.unanswered as rt_unanswered',
        'rt.awaiting_reply_since_at as rt_awaiting_reply_since_at',
      ]) as unknown as ExportQuery,
  columns: [
    { name: 'start_at', value: instant('rt_start_at') },
    { name: 'initiated_by', value: (row) => row['rt_initiated_by'] as string | null },
    { name: 'first_response_at', value: instant('rt_first_response_at') },
    { name: 'first_response_ms', value: number('rt_first_response_ms') },
    { name: 'first_response_business_ms', value: number('rt_first_response_business_ms') },
    { name: 'agent', value: (row) => row['rt_agent'] as string | null },
    { name: 'reply_count', value: number('rt_reply_count') },
    { name: 'reply_median_ms', value: number('rt_reply_median_ms') },
    { name: 'reply_business_median_ms', value: number('rt_reply_business_median_ms') },
    { name: 'resolutions', value: number('rt_resolution_count') },
    { name: 'first_resolved_at', value: instant('rt_first_resolved_at') },
    { name: 'last_resolved_at', value: instant('rt_last_resolved_at') },
    { name: 'resolution_ms', value: number('rt_resolution_ms') },
    { name: 'resolution_business_ms', value: number('rt_resolution_business_ms') },
    { name: 'reopens', value: number('rt_reopen_count') },
    { name: 'unanswered', value: (row) => (row['rt_unanswered'] === null || row['rt_unanswered'] === undefined ? null : row['rt_unanswered'] === 1) },
    { name: 'awaiting_reply_since', value: instant('rt_awaiting_reply_since_at') },
  ],
};
