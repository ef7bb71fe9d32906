import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import type { EngineTarget } from '../../db/engine-statements.js';
import { conversationInFilter, type ConversationFilter } from '../../db/conversation-filter.js';
import type { ExportColumnProvider, ExportContext, ExportQuery, ExportRow } from './conversation-export.js';

/** Rows handed over at a time: one PostgreSQL query per page (keyset on the conversation id), one await per page. */
const PAGE_ROWS = 2000;

/**
 * The export's rows, one per conversation in id order, with every provider's joins and selections, in pages so
 * memory stays flat: on SQLite one Kysely-compiled query iterated by better-sqlite3, on PostgreSQL one query per page
 * (`c.id > last id`, `limit`). The filter applies to the conversation's
 * start (`conversationInFilter`, with the facts of that run); every analysis column comes
 * from the latest succeeded analysis run (-1, no run, before the first).
 *
 * @example
 * for await (const page of iterateExportRows(handle, [conversationColumns], {})) console.log(page.length);
 */
export async function* iterateExportRows(
  handle: EngineTarget,
  providers: readonly ExportColumnProvider[],
  filter: ConversationFilter,
): AsyncGenerator<ExportRow[]> {
  const { db, sqlite } = handle;
  const context: ExportContext = { analysisRunId: (await findLatestSucceededAnalysisRunId(db)) ?? -1 };
  let query: ExportQuery = db.selectFrom('conversations as c').select('c.id as id') as unknown as ExportQuery;
  for (const provider of providers) query = provider.extend(query, context);
  query = query.where(conversationInFilter(filter, context.analysisRunId, db));
  query = query.orderBy('c.id');
  if (sqlite !== undefined) {
    const compiled = query.compile();
    let page: ExportRow[] = [];
    for (const row of sqlite.prepare(compiled.sql).iterate(...compiled.parameters) as IterableIterator<ExportRow>) {
      page.push(row);
      if (page.length === PAGE_ROWS) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
    return;
  }
  let after: number | undefined;
  for (;;) {
    const page = (await (after === undefined ? query : query.where('c.id', '>', after)).limit(PAGE_ROWS).execute()) as ExportRow[];
    if (page.length > 0) yield page;
    if (page.length < PAGE_ROWS) return;
    after = page[page.length - 1]!['id'] as number;
  }
}
