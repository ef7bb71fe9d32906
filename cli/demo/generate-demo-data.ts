import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { mulberry32 } from '../../analysis/topics/seeded-random.js';
import { AGENTS, DEMO_FAQ, DEMO_TOPICS, type DemoQuestionGroup, type DemoTopic } from './demo-content.js';

export interface DemoDataOptions {
  outDir: string;
  days: number;
  seed: number;
  /** The last day of data (UTC midnight); default: today. */
  endDate?: Date;
}

export interface DemoDataSummary {
  files: string[];
  conversations: number;
  messages: number;
  /** Days with market volatility: 3-5x chat volume and slower answers. */
  spikeDays: string[];
  /**
   * The volatility days spike detection is judged on: those after the warm-up (a day in the first three weeks has no
   * baseline yet), each with the topics planted to grow most in it. The truth of spike detection.
   */
  volatility: DemoVolatilityDay[];
  /** What each conversation asks, by conversation id: the ground truth of the FAQ-gap report. */
  truth: Map<string, DemoQuestionTruth>;
}

/** A planted volatility day after the warm-up. */
export interface DemoVolatilityDay {
  day: string;
  /** How many times the usual chat volume (before the extra questions about the growing topics). */
  volume: number;
  /** The demo topic keys whose questions grow most on the day. */
  grewTopics: string[];
}

/**
 * Volatility days judged from this day on, so that each has three weeks of the same weekday before it: the least
 * history spike detection judges a day on (alerts.minHistoryWeeks).
 */
export const VOLATILITY_WARMUP_DAYS = 21;
/** When the market moves, customers ask about stuck withdrawals, disputed trades and slow support more than usual. */
export const VOLATILITY_TOPICS: readonly string[] = ['withdrawal-missing', 'disputed-trade', 'slow-support'];
/** Extra chats about those topics on a judged volatility day, as a share of the day's chats. */
const VOLATILITY_EXTRA_SHARE = 0.4;

/** The answer to one demo conversation's question as the generator planted it. */
export interface DemoQuestionTruth {
  createdAt: number;
  language: 'en' | 'zh';
  /** The FAQ entry that answers it (in any language); null when none does. */
  answeredBy: string | null;
  missingArticle: string | null;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Agents work 08:00-22:00 in the exchange's zone (UTC+8), seven days a week; fewer at weekends. */
const SHIFT_START_UTC = 0;
const SHIFT_END_UTC = 14;

/**
 * Realistic logs of a cryptocurrency exchange's support: chat and social as JSON Lines, email as messages CSV, and
 * an FAQ folder of Markdown entries. The same seed gives the same files.
 */
export function generateDemoData(options: DemoDataOptions): DemoDataSummary {
  const random = seeded(options.seed);
  const end = options.endDate ?? new Date();
  const endDay = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate());
  const firstDay = endDay - (options.days - 1) * 24 * HOUR;
  const spikeCount = Math.max(1, Math.round(options.days / 25));
  const spikeDays = new Set<number>();
  while (spikeDays.size < Math.min(spikeCount, options.days)) spikeDays.add(Math.floor(random() * options.days));

  const inbox = join(options.outDir, 'inbox');
  const faqDir = join(options.outDir, 'faq');
  mkdirSync(inbox, { recursive: true });
  mkdirSync(faqDir, { recursive: true });
  // The extra questions of volatility days come from a stream of their own: every other conversation is the same as
  // in demos made before volatility days were judged (the FAQ-gap figures measured on them still hold).
  const volatilityRandom = seeded((options.seed ^ 0x5eed1e55) >>> 0);
  const volatility: DemoVolatilityDay[] = [];
  const files: string[] = [];
  let conversations = 0;
  let messages = 0;
  const truth = new Map<string, DemoQuestionTruth>();
  const plant = (record: DemoConversation, group: DemoQuestionGroup): void => {
    truth.set(record.id, {
      createdAt: Date.parse(record.created_at),
      language: record.language === 'zh' ? 'zh' : 'en',
      answeredBy: group.answeredBy,
      missingArticle: group.missingArticle ?? null,
    });
  };

  for (let day = 0; day < options.days; day++) {
    const dayStart = firstDay + day * 24 * HOUR;
    const date = new Date(dayStart).toISOString().slice(0, 10);
    const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
    const spike = spikeDays.has(day) ? 3 + random() * 2 : 1;
    const daysLeft = options.days - day;
    const topics = DEMO_TOPICS.filter((t) => t.onlyLastDays === undefined || daysLeft <= t.onlyLastDays);
    const lines: string[] = [];
    const emailRows: Record<string, string>[] = [];

    const chats = Math.round((weekend ? 28 : 40) * spike * (0.8 + random() * 0.4));
    const emails = Math.round((weekend ? 8 : 16) * (spike > 1 ? 1.5 : 1) * (0.8 + random() * 0.4));
    const social = Math.round(3 * spike);
    for (let i = 0; i < chats + social; i++) {
      const channel = i < chats ? 'chat' : 'social';
      const id = `${channel}-${date}-${i + 1}`;
      const { record, group } = buildConversation(random, { id, channel, dayStart, topics, spike, weekend });
      plant(record, group);
      lines.push(JSON.stringify(record));
      conversations += 1;
      messages += record.messages.length;
    }
    if (spike > 1 && day >= VOLATILITY_WARMUP_DAYS) {
      volatility.push({ day: date, volume: Math.round(spike * 100) / 100, grewTopics: [...VOLATILITY_TOPICS] });
      const grown = topics.filter((t) => VOLATILITY_TOPICS.includes(t.key));
      for (let i = 0; i < Math.round(chats * VOLATILITY_EXTRA_SHARE); i++) {
        const { record, group } = buildConversation(volatilityRandom, {
          id: `chat-${date}-v${i + 1}`,
          channel: 'chat',
          dayStart,
          topics: grown,
          spike,
          weekend,
        });
        plant(record, group);
        lines.push(JSON.stringify(record));
        conversations += 1;
        messages += record.messages.length;
      }
    }
    for (let i = 0; i < emails; i++) {
      const id = `email-${date}-${i + 1}`;
      const { record, group } = buildConversation(random, { id, channel: 'email', dayStart, topics, spike, weekend });
      plant(record, group);
      conversations += 1;
      for (const message of record.messages) {
        messages += 1;
        emailRows.push({
          conversation_id: record.id,
          message_id: message.id,
          channel: 'email',
          author_role: message.author_role,
          author_id: message.author_id ?? '',
          created_at: message.created_at,
          body: message.body,
          internal: message.internal ? 'true' : '',
          subject: record.subject ?? '',
          language: record.language,
          tags: record.tags.join(';'),
          status: record.status,
          resolved_at: record.resolved_at ?? '',
        });
      }
    }
    const chatFile = join(inbox, `chats-${date}.jsonl`);
    writeFileSync(chatFile, `${lines.join('\n')}\n`);
    const emailFile = join(inbox, `email-${date}.csv`);
    writeFileSync(emailFile, `${Papa.unparse(emailRows, { newline: '\r\n' })}\r\n`);
    files.push(chatFile, emailFile);
  }

  for (const entry of DEMO_FAQ) {
    const path = join(faqDir, `${entry.id}.md`);
    writeFileSync(
      path,
      `---\nid: ${entry.id}\ntitle: ${JSON.stringify(entry.title)}\nupdated_at: ${entry.updatedAt}\ntags: [${entry.tags.join(', ')}]\nlanguage: ${entry.language}\n---\n${entry.body}\n`,
    );
    files.push(path);
  }
  return {
    files,
    conversations,
    messages,
    spikeDays: [...spikeDays].sort((a, b) => a - b).map((d) => new Date(firstDay + d * 24 * HOUR).toISOString().slice(0, 10)),
    volatility,
    truth,
  };
}

interface DemoMessage {
  id: string;
  author_role: 'customer' | 'agent' | 'bot' | 'system';
  author_id?: string;
  created_at: string;
  body: string;
  internal?: boolean;
}

interface DemoConversation {
  id: string;
  channel: string;
  created_at: string;
  status: string;
  resolved_at?: string;
  customer_id: string;
  assignee?: string;
  /** The team the agent works in; and, for about a third of the resolved conversations, the customer's rating. */
  team?: string;
  csat?: 'good' | 'neutral' | 'bad';
  subject?: string;
  language: string;
  tags: string[];
  events: { type: string; created_at: string }[];
  messages: DemoMessage[];
}

function buildConversation(
  random: () => number,
  context: { id: string; channel: string; dayStart: number; topics: DemoTopic[]; spike: number; weekend: boolean },
): { record: DemoConversation; group: DemoQuestionGroup } {
  const topic = weightedPick(random, context.topics);
  const group = pick(random, topic.groups);
  const chinese = random() < 0.35;
  // Incoming volume peaks in the exchange's daytime (UTC+8) and in US evening hours.
  const hour = random() < 0.7 ? 1 + random() * 13 : random() * 24;
  const start = context.dayStart + (Math.floor(hour * HOUR + random() * HOUR) % (24 * HOUR));
  const customer = `cust-${Math.floor(random() * 5000)}`;
  const agent = pick(random, AGENTS);
  const question = fill(random, pick(random, chinese ? group.zh : group.en));
  const answer = pick(random, chinese && group.answersZh.length > 0 ? group.answersZh : group.answersEn);
  const messages: DemoMessage[] = [];
  let clock = start;
  const at = () => new Date(clock).toISOString();
  messages.push({ id: 'm1', author_role: 'customer', author_id: customer, created_at: at(), body: question });

  const isEmail = context.channel === 'email';
  if (!isEmail && context.channel === 'chat') {
    clock += 2_000;
    messages.push({
      id: 'm2',
      author_role: 'bot',
      author_id: 'assistant',
      created_at: at(),
      body: chinese ? '您好，我是智能助手，正在为您转接人工客服。' : "Hi! I'm the assistant, connecting you to an agent.",
    });
  }
  const hourUtc = new Date(clock).getUTCHours();
  const inShift = hourUtc >= SHIFT_START_UTC && hourUtc < SHIFT_END_UTC;
  const unanswered = random() < 0.03;
  if (!unanswered) {
    let wait: number;
    if (isEmail) wait = (inShift ? 1 + random() * 6 : 8 + random() * 14) * HOUR;
    else if (context.channel === 'social') wait = (10 + random() * 80) * MINUTE;
    else wait = (inShift ? 0.5 + random() * 4 : 6 + random() * 40) * MINUTE;
    wait *= context.spike > 1 ? context.spike * (0.8 + random() * 0.6) : 1;
    if (context.weekend) wait *= 1.3;
    clock += Math.round(wait);
    if (isEmail && random() < 0.3) {
      messages.push({
        id: `m${messages.length + 1}`,
        author_role: 'agent',
        author_id: agent,
        created_at: at(),
        body: `Checked the ledger, escalating to finance (${topic.key}).`,
        internal: true,
      });
      clock += Math.round(random() * 20 * MINUTE);
    }
    messages.push({ id: `m${messages.length + 1}`, author_role: 'agent', author_id: agent, created_at: at(), body: answer });
    if (random() < 0.4) {
      clock += Math.round((isEmail ? 2 * HOUR : 2 * MINUTE) * (0.5 + random()));
      messages.push({
        id: `m${messages.length + 1}`,
        author_role: 'customer',
        author_id: customer,
        created_at: at(),
        body: chinese ? '好的，谢谢！' : 'Thanks, that helped.',
      });
    }
  }
  const events: { type: string; created_at: string }[] = [];
  let status = unanswered ? 'open' : 'solved';
  let resolvedAt: string | undefined;
  if (!unanswered) {
    clock += Math.round(random() * 30 * MINUTE);
    resolvedAt = at();
    events.push({ type: 'resolved', created_at: resolvedAt });
    if (random() < 0.06) {
      clock += Math.round((1 + random() * 20) * HOUR);
      messages.push({
        id: `m${messages.length + 1}`,
        author_role: 'customer',
        author_id: customer,
        created_at: at(),
        body: chinese ? '问题还是没有解决' : 'It happened again, please reopen.',
      });
      events.push({ type: 'reopened', created_at: at() });
      clock += Math.round((0.5 + random() * 3) * HOUR);
      messages.push({ id: `m${messages.length + 1}`, author_role: 'agent', author_id: agent, created_at: at(), body: answer });
      clock += Math.round(random() * HOUR);
      resolvedAt = at();
      events.push({ type: 'resolved', created_at: resolvedAt });
      status = 'solved';
    }
  }
  const record: DemoConversation = {
    id: context.id,
    channel: context.channel,
    created_at: new Date(start).toISOString(),
    status,
    ...(resolvedAt ? { resolved_at: resolvedAt } : {}),
    customer_id: customer,
    ...(unanswered ? {} : { assignee: agent, team: teamOf(agent) }),
    ...demoRating(context.id, resolvedAt, messages, events),
    ...(isEmail ? { subject: question.slice(0, 60) } : {}),
    language: chinese ? 'zh' : 'en',
    tags: [topic.key],
    events,
    messages,
  };
  return { record, group };
}

/** Each demo agent's team: two agents per team. */
function teamOf(agent: string): string {
  return DEMO_TEAMS[AGENTS.indexOf(agent) % DEMO_TEAMS.length]!;
}
const DEMO_TEAMS = ['payments', 'accounts', 'trading'];

/**
 * A satisfaction rating for about a third of the resolved conversations, chosen from the id (so the seeded random
 * sequence, and with it every other figure of the demo, stays as it was): a reopened conversation is rated bad, a
 * slow first answer (over an hour on chat, a day on email) neutral, the rest good.
 */
function demoRating(id: string, resolvedAt: string | undefined, messages: DemoMessage[], events: { type: string }[]): { csat?: 'good' | 'neutral' | 'bad' } {
  if (resolvedAt === undefined) return {};
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  if (hash % 3 !== 0) return {};
  if (events.some((event) => event.type === 'reopened')) return { csat: 'bad' };
  const asked = Date.parse(messages[0]!.created_at);
  const answer = messages.find((message) => message.author_role === 'agent' && message.internal !== true);
  const waited = answer ? Date.parse(answer.created_at) - asked : Infinity;
  return { csat: waited > (id.startsWith('email') ? 24 : 1) * HOUR ? 'neutral' : 'good' };
}

function fill(random: () => number, template: string): string {
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
  // A P2WPKH-shaped address: bech32's 32-letter alphabet (no b, i, o or 1 after the separator), 42 characters.
  const bech32 = (n: number) => Array.from({ length: n }, () => BECH32[Math.floor(random() * 32)]).join('');
  const payload = Buffer.from([0x41, ...Array.from({ length: 20 }, () => Math.floor(random() * 256))]);
  return template
    .replace('{tx}', hex(64))
    .replace('{btc}', `bc1q${bech32(38)}`)
    .replace('{trx}', base58check(payload));
}

function weightedPick(random: () => number, topics: DemoTopic[]): DemoTopic {
  const total = topics.reduce((sum, t) => sum + t.weight, 0);
  let r = random() * total;
  for (const topic of topics) {
    r -= topic.weight;
    if (r <= 0) return topic;
  }
  return topics[topics.length - 1]!;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function seeded(seed: number): () => number {
  return mulberry32(seed >>> 0 || 1);
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A TRON-style address: base58 of the payload and the first four bytes of its double SHA-256, as real ones are. */
function base58check(payload: Buffer): string {
  const sha = (data: Buffer) => createHash('sha256').update(data).digest();
  const bytes = Buffer.concat([payload, sha(sha(payload)).subarray(0, 4)]);
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = BASE58[Number(value % 58n)]! + text;
    value /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    text = `1${text}`;
  }
  return text;
}
