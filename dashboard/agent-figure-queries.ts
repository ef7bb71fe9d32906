import type { Kysely } from '#kysely';
import { factsInFilter } from '../db/conversation-filter.js';
import type { Database } from '../db/schema.js';
import type { DashboardRange } from './dashboard-range.js';

/**
 * The run's response-time facts of the conversations that started in the range (and channel), with the
 * conversation's team and satisfaction: what the agent and team figures are computed from.
 *
 * @example
 * const rows = await listAgentFactRows(db, runId, range);
 */
export async function listAgentFactRows(db: Kysely<Database>, runId: number, range: DashboardRange) {
  return db
    .selectFrom('conversation_facts as f')
    .innerJoin('conversations as c', 'c.id', 'f.conversation_id')
    .select([
      'f.channel',
      'f.agent',
      'c.team',
      'c.csat',
      'f.clock_start_at',
      'f.unanswered',
      'f.first_response_ms',
      'f.first_response_business_ms',
      'f.resolution_ms',
      'f.reopen_count',
    ])
    .where('f.run_id', '=', runId)
    .where(factsInFilter(range.filter, 'f'))
    .execute();
}
