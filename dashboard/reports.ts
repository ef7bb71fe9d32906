import type { GapReportFormat } from '../analysis/faq/render-gap-report.js';
import {
  getAgents,
  getConversation,
  getConversationList,
  getFaqGaps,
  getOverview,
  getPeakTimes,
  getTopics,
  renderConversationCsv,
  renderFaqGapsDownload,
  type DashboardContext,
} from './dashboard-data.js';
import type { ConversationListQuery } from './conversation-list-filter.js';
import type { DashboardQuery } from './dashboard-range.js';

/** The analytics answers of the dashboard, by name: what a report thread is asked to compute. */
export type ReportName =
  | 'overview'
  | 'peak-times'
  | 'topics'
  | 'faq-gaps'
  | 'faq-gaps-download'
  | 'conversations'
  | 'conversations-csv'
  | 'conversation'
  | 'agents';

export interface ReportRequest {
  name: ReportName;
  query: DashboardQuery & ConversationListQuery & { format?: GapReportFormat; id?: number };
  /** "Now" of the asking request, so that a thread computes what the main thread would. */
  now: number;
}

export type ReportReply = { ok: true; value: unknown } | { ok: false; message: string; statusCode: number | undefined };

/** Computes one report in this thread. */
export function computeReport(context: DashboardContext, request: ReportRequest): Promise<unknown> {
  const { query } = request;
  switch (request.name) {
    case 'overview':
      return getOverview(context, query);
    case 'peak-times':
      return getPeakTimes(context, query);
    case 'topics':
      return getTopics(context, query);
    case 'faq-gaps':
      return getFaqGaps(context, query);
    case 'faq-gaps-download':
      return renderFaqGapsDownload(context, query, query.format ?? 'markdown');
    case 'conversations':
      return getConversationList(context, query);
    case 'conversations-csv':
      return renderConversationCsv(context, query);
    case 'conversation':
      return getConversation(context, query.id ?? 0);
    case 'agents':
      return getAgents(context, query);
  }
}
