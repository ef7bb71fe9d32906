import type { ExportColumnProvider, ExportQuery } from './conversation-export.js';
import { isoInstant } from './conversation-export.js';

/**
 * The conversation itself: its id as the source gave it, source, channel, creation time, status, assignee, team, tags,
 * and the satisfaction rating as given (`csat_rating`) and normalised (`csat`: good, neutral, bad).
 *
 * @example
 * await exportConversations(handle, { providers: [conversationColumns], format: 'jsonl', filter: {}, out });
 */
export const conversationColumns: ExportColumnProvider = {
  name: 'conversation',
  extend: (query) =>
    query.select([
      'c.external_id as conversation_external_id',
      'c.source as conversation_source',
      'c.channel as conversation_channel',
      'c.created_at as conversation_created_at',
      'c.status as conversation_status',
      'c.assignee as conversation_assignee',
      'c.tags as conversation_tags',
      'c.team as conversation_team',
      'c.csat_rating as conversation_csat_rating',
      'c.csat as conversation_csat',
    ]) as unknown as ExportQuery,
  columns: [
    { name: 'conversation_id', value: (row) => row['conversation_external_id'] as string },
    { name: 'source', value: (row) => row['conversation_source'] as string },
    { name: 'channel', value: (row) => row['conversation_channel'] as string },
    { name: 'created_at', value: (row) => isoInstant(row['conversation_created_at']) },
    { name: 'status', value: (row) => row['conversation_status'] as string | null },
    { name: 'assignee', value: (row) => row['conversation_assignee'] as string | null },
    { name: 'team', value: (row) => row['conversation_team'] as string | null },
    { name: 'tags', value: (row) => JSON.parse(row['conversation_tags'] as string) as string[] },
    { name: 'csat_rating', value: (row) => row['conversation_csat_rating'] as string | null },
    { name: 'csat', value: (row) => row['conversation_csat'] as string | null },
  ],
};
