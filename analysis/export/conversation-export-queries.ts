import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import type { DatabaseHandle } from '../../db/connection.js';
import { conversationInFilter, type ConversationFilter } from '../../db/conversation-filter.js';
import type { ExportColumnProvider, ExportContext, ExportQuery, ExportRow } from './conversation-export.js';

/**
 * The export's rows, one per conversation in id order, with every provider's joins and selections, iterated one at a
 * time (a Kysely-compiled query run by better-sqlite3) so memory stays flat. The filter applies to the conversation's
 * start (`conversationInFilter`, with the facts of that run); every analysis column comes from the latest succeeded analysis run (-1, no run, before the first).
 *
 * @example
 * for (const row of await iterateExportRows(handle, [conversationColumns], {})) console.log(row['id']);
 */
export async function iterateExportRows(
  handle: Pick<DatabaseHandle, 'db' | 'sqlite'>,
  providers: readonly ExportColumnProvider[],
  filter: ConversationFilter,
): Promise<IterableIterator<ExportRow>> {
  const { db, sqlite } = handle;
  const context: ExportContext = { analysisRunId: (await findLatestSucceededAnalysisRunId(db)) ?? -1 };
  let query: ExportQuery = db.selectFrom('conversations as c').select('c.id as id') as unknown as ExportQuery;
  for (const provider of providers) query = provider.extend(query, context);
  query = query.where(conversationInFilter(filter, context.analysisRunId));
  query = query.orderBy('c.id');
  const compiled = query.compile();
  return sqlite.prepare(compiled.sql).iterate(...compiled.parameters) as IterableIterator<ExportRow>;
}
