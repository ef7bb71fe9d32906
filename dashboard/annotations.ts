import { DateTime } from 'luxon';
import { listAlerts, listEvents } from '../analysis/alerts/alert-queries.js';
import { readRange, type DashboardContext } from './dashboard-data.js';
import type { DashboardQuery } from './dashboard-range.js';

/** A mark on the overview's daily charts: a daily spike or within-target drop, or a recorded event. */
export interface ChartAnnotation {
  /** The local day (YYYY-MM-DD) the mark stands on. */
  day: string;
  kind: 'spike' | 'target-drop' | 'event';
  /** What the mark says (shown as text, never as markup). */
  text: string;
}

/**
 * The daily spikes and drops of the filter's channel (of all channels without one) and the events in the range, for
 * the overview's time charts. A spike near an event names it.
 *
 * @example
 * const { annotations } = await getAnnotations(context, { from: '2026-11-01', to: '2026-11-30' });
 */
export async function getAnnotations(context: DashboardContext, query: DashboardQuery): Promise<{ annotations: ChartAnnotation[] }> {
  const range = await readRange(context, query);
  const zone = context.responseTimes.reportingTimeZone;
  const alerts = await listAlerts(context.db, { ...range.filter, granularity: 'day', channels: [range.channel ?? 'all'] });
  const events = await listEvents(context.db, range.filter);
  const annotations: ChartAnnotation[] = alerts.map((alert) => {
    const near = alert.details.events.length > 0 ? `; near "${alert.details.events.map((event) => event.title).join('", "')}"` : '';
    const text =
      alert.kind === 'spike'
        ? `Spike ${alert.scopeLabel}: ${alert.observed} conversations, ${alert.details.ratio === null ? 'usually none' : `${alert.details.ratio.toFixed(1)}x the usual ${Math.round(alert.baseline)}`}${near}`
        : `Within-target drop ${alert.scopeLabel}: ${Math.round(alert.observed * 100)}%, usually ${Math.round(alert.baseline * 100)}%${near}`;
    return { day: alert.periodLabel, kind: alert.kind, text };
  });
  for (const event of events) {
    const day = DateTime.fromMillis(Math.max(event.startsAt, range.filter.from), { zone }).toISODate()!;
    annotations.push({ day, kind: 'event', text: event.title });
  }
  return { annotations: annotations.sort((a, b) => a.day.localeCompare(b.day)) };
}
