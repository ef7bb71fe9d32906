import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../db/analysis-runs.js';
import type { Database } from '../db/schema.js';
import { summarizeDurations } from '../analysis/response-times/duration-statistics.js';
import type { ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';
import { listAgentFactRows } from './agent-figure-queries.js';
import { breachRules, type ChannelBreachRule } from './conversation-list-filter.js';
import type { DashboardRange } from './dashboard-range.js';

/** What an agent or a team did on one channel in the range. */
export interface AgentFigures {
  /** The agent (assignee, else first responder) or the team; `(none)` when the conversation has none. */
  name: string;
  channel: string;
  conversations: number;
  unanswered: number;
  firstResponseMedianMs: number | null;
  firstResponseP90Ms: number | null;
  /** Met / (met + breached) of the channel's first-response target; null when none was decided or no target. */
  firstResponseWithinTarget: number | null;
  firstResponseBreached: number;
  resolutionMedianMs: number | null;
  /** Conversations reopened at least once / conversations. */
  reopenRate: number | null;
  /** Conversations with a satisfaction rating, and the share rated good among them; null share when none was rated. */
  rated: number;
  satisfactionGood: number | null;
}

export interface AgentsAndTeams {
  agents: AgentFigures[];
  teams: AgentFigures[];
}

export const NO_NAME = '(none)';

class Accumulator {
  conversations = 0;
  unanswered = 0;
  reopened = 0;
  met = 0;
  breached = 0;
  rated = 0;
  good = 0;
  readonly firstResponses: number[] = [];
  readonly resolutions: number[] = [];

  constructor(
    readonly name: string,
    readonly channel: string,
  ) {}

  finish(): AgentFigures {
    const firstResponse = summarizeDurations(this.firstResponses);
    const decided = this.met + this.breached;
    return {
      name: this.name,
      channel: this.channel,
      conversations: this.conversations,
      unanswered: this.unanswered,
      firstResponseMedianMs: firstResponse.median,
      firstResponseP90Ms: firstResponse.p90,
      firstResponseWithinTarget: decided === 0 ? null : this.met / decided,
      firstResponseBreached: this.breached,
      resolutionMedianMs: summarizeDurations(this.resolutions).median,
      reopenRate: this.conversations === 0 ? null : this.reopened / this.conversations,
      rated: this.rated,
      satisfactionGood: this.rated === 0 ? null : this.good / this.rated,
    };
  }
}

/**
 * Per agent and per team, by channel: conversations, first response median and p90 (answered ones), within the
 * first-response target (the overview's definition), resolution median, reopen rate and satisfaction where the
 * source has it. Most conversations first.
 *
 * @example
 * const { agents, teams } = await getAgentsAndTeams(db, range, { config, asOf: Date.now(), channels: ['chat', 'email'] });
 */
export async function getAgentsAndTeams(
  db: Kysely<Database>,
  range: DashboardRange,
  options: { config: ResponseTimeConfig; asOf: number; channels: readonly string[] },
): Promise<AgentsAndTeams> {
  const runId = (await findLatestSucceededAnalysisRunId(db)) ?? -1;
  const rows = await listAgentFactRows(db, runId, range);
  const rules = new Map<string, ChannelBreachRule | undefined>();
  const ruleOf = (channel: string): ChannelBreachRule | undefined => {
    if (!rules.has(channel)) rules.set(channel, breachRules(options.config, [channel], 'first_response', options.asOf)[0]);
    return rules.get(channel);
  };
  const agents = new Map<string, Accumulator>();
  const teams = new Map<string, Accumulator>();
  const accumulatorIn = (map: Map<string, Accumulator>, name: string, channel: string): Accumulator => {
    const key = `${channel}\u0000${name}`;
    let accumulator = map.get(key);
    if (!accumulator) map.set(key, (accumulator = new Accumulator(name, channel)));
    return accumulator;
  };
  for (const row of rows) {
    const rule = ruleOf(row.channel);
    let outcome: 'met' | 'breached' | 'none' = 'none';
    if (rule && row.clock_start_at !== null) {
      if (row.unanswered === 1) outcome = row.clock_start_at < rule.waitingBreachedBefore ? 'breached' : 'none';
      else outcome = ((rule.basis === 'business' ? row.first_response_business_ms : row.first_response_ms) ?? 0) > rule.targetMs ? 'breached' : 'met';
    }
    for (const accumulator of [accumulatorIn(agents, row.agent ?? NO_NAME, row.channel), accumulatorIn(teams, row.team ?? NO_NAME, row.channel)]) {
      accumulator.conversations += 1;
      if (row.unanswered === 1) accumulator.unanswered += 1;
      if (row.first_response_ms !== null) accumulator.firstResponses.push(row.first_response_ms);
      if (row.resolution_ms !== null) accumulator.resolutions.push(row.resolution_ms);
      if (row.reopen_count > 0) accumulator.reopened += 1;
      if (outcome === 'met') accumulator.met += 1;
      if (outcome === 'breached') accumulator.breached += 1;
      if (row.csat !== null) {
        accumulator.rated += 1;
        if (row.csat === 'good') accumulator.good += 1;
      }
    }
  }
  const order = (a: AgentFigures, b: AgentFigures): number =>
    b.conversations - a.conversations || a.channel.localeCompare(b.channel) || a.name.localeCompare(b.name);
  return {
    agents: [...agents.values()].map((accumulator) => accumulator.finish()).sort(order),
    teams: [...teams.values()].map((accumulator) => accumulator.finish()).sort(order),
  };
}
