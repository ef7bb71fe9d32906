import type { ColumnType, Generated, Insertable, Selectable, Updateable } from '#kysely';

/**
 * The contract between stages. Times are UTC epoch milliseconds (`*_at`), durations are `*_ms`,
 * booleans are 0/1 integers, lists are JSON arrays stored as text.
 */
export interface Database {
  conversations: ConversationsTable;
  messages: MessagesTable;
  conversation_events: ConversationEventsTable;
  faq_entries: FaqEntriesTable;
  faq_entry_versions: FaqEntryVersionsTable;
  ingest_runs: IngestRunsTable;
  ingest_files: IngestFilesTable;
  rejects: RejectsTable;
  analysis_runs: AnalysisRunsTable;
  conversation_facts: ConversationFactsTable;
  response_time_daily: ResponseTimeDailyTable;
  conversation_questions: ConversationQuestionsTable;
  topics: TopicsTable;
  topic_assignments: TopicAssignmentsTable;
  faq_matches: FaqMatchesTable;
  faq_gap_reports: FaqGapReportsTable;
  faq_gap_findings: FaqGapFindingsTable;
  job_runs: JobRunsTable;
  job_locks: JobLocksTable;
  alerts: AlertsTable;
  events: EventsTable;
  deliveries: DeliveriesTable;
  pending_items: PendingItemsTable;
  source_users: SourceUsersTable;
  feed_versions: FeedVersionsTable;
}

/** Where a conversation came from; ids are unique per source. */
export type ConversationSource = 'canonical' | 'zendesk' | 'intercom' | 'twitter' | 'chatwoot' | 'helpscout' | 'freshdesk';
/** A satisfaction rating normalised across sources. */
export type CsatLevel = 'good' | 'neutral' | 'bad';
export const CSAT_LEVELS: readonly CsatLevel[] = ['good', 'neutral', 'bad'];
export type AuthorRole = 'customer' | 'agent' | 'bot' | 'system';
export const AUTHOR_ROLES: readonly AuthorRole[] = ['customer', 'agent', 'bot', 'system'];
export type ConversationEventKind = 'resolved' | 'reopened' | 'assigned';
export const CONVERSATION_EVENT_KINDS: readonly ConversationEventKind[] = ['resolved', 'reopened', 'assigned'];

export interface ConversationsTable {
  id: Generated<number>;
  source: ConversationSource;
  external_id: string;
  channel: string;
  created_at: number;
  /** 1 when the source gave no creation time and `created_at` is the earliest message seen. */
  created_at_derived: ColumnType<number, number | undefined, number>;
  status: string | null;
  resolved_at: number | null;
  customer_id: string | null;
  assignee: string | null;
  subject: string | null;
  language: string | null;
  /** JSON array of strings. */
  tags: ColumnType<string, string | undefined, string>;
  /** The team or group the conversation was routed to, as the source names it. */
  team: ColumnType<string | null, string | null | undefined, string | null>;
  /** The satisfaction rating as the source gave it, and normalised. */
  csat_rating: ColumnType<string | null, string | null | undefined, string | null>;
  csat: ColumnType<CsatLevel | null, CsatLevel | null | undefined, CsatLevel | null>;
  first_run_id: number;
  last_run_id: number;
}

/** Keyed by (conversation_id, external_id), WITHOUT ROWID: a conversation's messages are stored together. */
export interface MessagesTable {
  conversation_id: number;
  external_id: string;
  author_role: AuthorRole;
  author_id: string | null;
  created_at: number;
  body: string;
  /** Length in characters of the body as the source gave it, before any truncation. */
  body_length: number;
  body_truncated: ColumnType<number, number | undefined, number>;
  internal: ColumnType<number, number | undefined, number>;
  first_run_id: number;
  last_run_id: number;
}

export interface ConversationEventsTable {
  id: Generated<number>;
  conversation_id: number;
  kind: ConversationEventKind;
  created_at: number;
  actor_id: string | null;
}

export interface FaqEntriesTable {
  id: Generated<number>;
  external_id: string;
  current_version: number;
  first_run_id: number;
  last_run_id: number;
}

export interface FaqEntryVersionsTable {
  id: Generated<number>;
  entry_id: number;
  version: number;
  title: string;
  /** Optional canonical question wording, when the source has one beside the title. */
  question: string | null;
  body: string;
  tags: ColumnType<string, string | undefined, string>;
  language: string | null;
  /** When the source says the entry was last changed; the ingest time when it does not say. */
  updated_at: number;
  content_hash: string;
  source_path: string;
  run_id: number;
}

export type IngestRunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';

export interface IngestRunsTable {
  id: Generated<number>;
  started_at: number;
  finished_at: number | null;
  status: IngestRunStatus;
  pid: number;
  hostname: string;
  timezone: string;
  /** JSON of the run's totals, written when it ends. */
  summary: string | null;
  error: string | null;
}

export type IngestFileStatus = 'loaded' | 'empty' | 'failed';

export interface IngestFilesTable {
  id: Generated<number>;
  run_id: number;
  path: string;
  size_bytes: number;
  sha256: string | null;
  format: string | null;
  status: IngestFileStatus;
  error: string | null;
  records_read: number;
  records_inserted: number;
  records_updated: number;
  records_unchanged: number;
  records_rejected: number;
  messages_read: number;
  messages_inserted: number;
  messages_updated: number;
  messages_unchanged: number;
  messages_rejected: number;
  warnings: number;
  started_at: number;
  finished_at: number;
}

/**
 * `record`: the whole input record was rejected. `message`: one message of an otherwise loaded record was rejected.
 * `warning`: the data was kept but something about it was altered or suspicious (truncated, out of order, duplicate).
 */
export type RejectKind = 'record' | 'message' | 'warning';

export interface RejectsTable {
  id: Generated<number>;
  run_id: number;
  path: string;
  line: number | null;
  kind: RejectKind;
  reason: string;
  raw: string;
  raw_truncated: ColumnType<number, number | undefined, number>;
  created_at: number;
}

export type ConversationRow = Selectable<ConversationsTable>;
export type NewConversation = Insertable<ConversationsTable>;
export type ConversationUpdate = Updateable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type ConversationEventRow = Selectable<ConversationEventsTable>;
export type FaqEntryRow = Selectable<FaqEntriesTable>;
export type FaqEntryVersionRow = Selectable<FaqEntryVersionsTable>;
export type IngestRunRow = Selectable<IngestRunsTable>;
export type NewIngestRun = Insertable<IngestRunsTable>;
export type IngestFileRow = Selectable<IngestFilesTable>;
export type NewIngestFile = Insertable<IngestFilesTable>;
export type RejectRow = Selectable<RejectsTable>;
export type NewReject = Insertable<RejectsTable>;

export type AnalysisRunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

/** One `supportlens analyze`: every analysis that exists, recomputed from the stored conversations. */
export interface AnalysisRunsTable {
  id: Generated<number>;
  started_at: number;
  finished_at: number | null;
  status: AnalysisRunStatus;
  pid: number;
  hostname: string;
  /** JSON: per analysis, its counts and duration. */
  summary: string | null;
  error: string | null;
}
export type AnalysisRunRow = Selectable<AnalysisRunsTable>;

/** Who wrote first in public: the customer, or an agent (an outbound conversation). */
export type ConversationInitiator = 'customer' | 'agent';

/**
 * Response-time facts, one row per conversation and analysis run, recomputed from the raw messages by every run
 * (so a change of business hours applies to history). Durations are calendar `*_ms` and business `*_business_ms`.
 */
export interface ConversationFactsTable {
  /** The analysis run that computed them; readers use the latest succeeded run's. */
  run_id: number;
  conversation_id: number;
  channel: string;
  /** The first customer message, or the conversation's `created_at` if earlier. */
  start_at: number;
  initiated_by: ConversationInitiator;
  first_customer_message_at: number | null;
  /** Where the first-response clock starts: `start_at`, or the first customer message of an outbound conversation. */
  clock_start_at: number | null;
  first_response_at: number | null;
  first_response_ms: number | null;
  first_response_business_ms: number | null;
  first_responder_id: string | null;
  /** The assignee, else the author of the first response. */
  agent: string | null;
  /** JSON array of strings, copied from the conversation. */
  tags: ColumnType<string, string | undefined, string>;
  reply_count: number;
  /** JSON array of every reply time, in conversation order. */
  reply_times_ms: ColumnType<string, string | undefined, string>;
  reply_business_times_ms: ColumnType<string, string | undefined, string>;
  reply_median_ms: number | null;
  reply_business_median_ms: number | null;
  resolution_count: number;
  first_resolved_at: number | null;
  last_resolved_at: number | null;
  first_resolution_ms: number | null;
  first_resolution_business_ms: number | null;
  /** Start to last resolution; null while the conversation is open (never resolved, or reopened since). */
  resolution_ms: number | null;
  resolution_business_ms: number | null;
  is_resolved: number;
  reopen_count: number;
  /** 1 when no agent has answered yet. */
  unanswered: number;
  /** The customer message that has waited longest for an agent reply, while one is waiting. */
  awaiting_reply_since_at: number | null;
}
export type ConversationFactsRow = Selectable<ConversationFactsTable>;
export type NewConversationFacts = Insertable<ConversationFactsTable>;

/**
 * Response-time facts pre-aggregated per local day of the reporting time zone and channel, written with
 * `conversation_facts`. Durations are packed float64 (little-endian) values, one per conversation (reply times: one
 * per reply), so exact percentiles over any set of days are a concatenation away.
 */
export interface ResponseTimeDailyTable {
  /** The analysis run that wrote them; readers use the latest succeeded run's. */
  run_id: number;
  time_zone: string;
  /** YYYY-MM-DD in `time_zone`. */
  day: string;
  channel: string;
  conversations: number;
  answered: number;
  unanswered: number;
  waiting: number;
  reopened: number;
  first_response_ms: Uint8Array;
  first_response_business_ms: Uint8Array;
  reply_ms: Uint8Array;
  reply_business_ms: Uint8Array;
  resolution_ms: Uint8Array;
  resolution_business_ms: Uint8Array;
  /** Clock start of every unanswered conversation. */
  unanswered_since_at: Uint8Array;
  /** Start of every conversation that is not resolved. */
  open_since_at: Uint8Array;
}
export type ResponseTimeDailyRow = Selectable<ResponseTimeDailyTable>;
/** The question of a conversation (its customer's first message), redacted: the only customer text analyses show. */
export interface ConversationQuestionsTable {
  /** The analysis run that wrote it; readers use the latest succeeded run's. */
  analysis_run_id: number;
  conversation_id: number;
  question: string;
  /** 'en', 'zh' or 'other'. */
  language: string;
}
export type ConversationQuestionRow = Selectable<ConversationQuestionsTable>;

/** The topics one analysis run found. `topic_id` is stable across runs; `id` is the row. */
export interface TopicsTable {
  id: Generated<number>;
  analysis_run_id: number;
  topic_id: number;
  label: string;
  /** JSON array of strings, most distinctive first. */
  top_terms: string;
  /** JSON object term -> weight, used to give the next run's matching topic the same id. */
  signature: string;
  /** Conversations assigned in this run. */
  size: number;
  representative_conversation_id: number | null;
  representative_question: string | null;
}
export type TopicRow = Selectable<TopicsTable>;

/** Each conversation's topic in one analysis run, with its cosine to the topic's centroid. */
export interface TopicAssignmentsTable {
  analysis_run_id: number;
  conversation_id: number;
  topic_id: number;
  similarity: number;
}
export type TopicAssignmentRow = Selectable<TopicAssignmentsTable>;

/** Each conversation's best-matching FAQ entry (its current version) in one analysis run. */
export interface FaqMatchesTable {
  analysis_run_id: number;
  conversation_id: number;
  /** `faq_entries.id`; null when there were no entries or nothing in the question matched any. */
  entry_id: number | null;
  entry_version: number | null;
  /** The fused match score, 0..1. */
  score: number;
  /** 1 when `score` reached the run's covered threshold (configured, or calibrated to the FAQ and its traffic). */
  covered: number;
  /** 1 when the entry is in another language than the question: no entry in the question's language covers it. */
  cross_language: Generated<number>;
}
export type FaqMatchRow = Selectable<FaqMatchesTable>;

/** One FAQ gap report that was made (exported), so the next one can be compared with it. */
export interface FaqGapReportsTable {
  id: Generated<number>;
  created_at: number;
  period_from: number;
  period_to: number;
  analysis_run_id: number | null;
  /** JSON: the window length and filters of the report; a report is compared only with one of the same scope. */
  scope: string | null;
}

/** The findings of one report, by their stable ids. */
export interface FaqGapFindingsTable {
  report_id: number;
  finding_id: string;
  /** 'NEW', 'UPDATE' or 'UNUSED'. */
  verdict: string;
  title: string;
  priority: number;
}

export type JobTrigger = 'schedule' | 'manual';
/** `skipped`: another process held the lock; `partial`: some files could not be read, the rest was loaded and analysed. */
export type JobRunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'skipped' | 'interrupted';

/** One attempt of a job (the nightly inbox -> ingest -> analyze); a retried failure is a second row, `attempt` 2. */
export interface JobRunsTable {
  id: Generated<number>;
  /** The job's name, also its lock's name ("nightly"). */
  job: string;
  trigger: JobTrigger;
  attempt: number;
  started_at: number;
  finished_at: number | null;
  status: JobRunStatus;
  pid: number;
  hostname: string;
  inbox: string | null;
  /** JSON array of `{ path, sha256, sizeBytes }`: the new files this attempt ingested. */
  files: ColumnType<string, string | undefined, string>;
  files_count: ColumnType<number, number | undefined, number>;
  /** Files left for the next tick because they were still being written. */
  files_waiting: ColumnType<number, number | undefined, number>;
  records_read: ColumnType<number, number | undefined, number>;
  records_inserted: ColumnType<number, number | undefined, number>;
  records_updated: ColumnType<number, number | undefined, number>;
  records_rejected: ColumnType<number, number | undefined, number>;
  ingest_run_id: number | null;
  analysis_run_id: number | null;
  /** JSON: the ingest and analysis summaries' totals. */
  summary: string | null;
  error: string | null;
}
export type JobRunRow = Selectable<JobRunsTable>;
export type NewJobRun = Insertable<JobRunsTable>;

/** The lock that keeps two runs of a job apart, across processes and hosts sharing the database. */
export interface JobLocksTable {
  name: string;
  /** Random per acquisition: only its holder can refresh or release it. */
  token: string;
  holder_pid: number;
  holder_hostname: string;
  acquired_at: number;
  heartbeat_at: number;
}
export type JobLockRow = Selectable<JobLocksTable>;

/** `spike`: volume far above its hour-of-week (or day-of-week) baseline; `target-drop`: within-target share far below it. */
export type AlertKind = 'spike' | 'target-drop';
export type AlertGranularity = 'hour' | 'day';
/** `channel`: one channel's conversations (`all`: every channel's); `topic`: one topic's, across channels. */
export type AlertScope = 'channel' | 'topic';

/** What one analysis run found unusual; `alert_id` is stable across runs (kind, granularity, scope, key, period). */
export interface AlertsTable {
  analysis_run_id: number;
  alert_id: string;
  kind: AlertKind;
  granularity: AlertGranularity;
  scope: AlertScope;
  /** The channel name, or the stable topic id as text. */
  scope_key: string;
  scope_label: string;
  period_start: number;
  period_end: number;
  /** `YYYY-MM-DD` or `YYYY-MM-DD HH:00` in the reporting time zone. */
  period_label: string;
  /** Conversations (spike) or within-target share 0..1 (target-drop) in the period. */
  observed: number;
  /** The median of the same hour (or weekday) of the previous weeks. */
  baseline: number;
  /** How far from the baseline, in robust standard deviations. */
  score: number;
  /** JSON: `AlertDetails` (ratio, topics that grew, first response and within-target change, events nearby). */
  details: string;
}
export type AlertRow = Selectable<AlertsTable>;
export type NewAlert = Insertable<AlertsTable>;

/** Something that happened, as the team recorded it in the events file or folder. */
export interface EventsTable {
  /** The event's own id, or a hash of its time and title. */
  id: string;
  starts_at: number;
  ends_at: number | null;
  title: string;
  /** JSON array of strings. */
  tags: ColumnType<string, string | undefined, string>;
  source_path: string;
  line: number;
}
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;

export type DeliveryKind = 'digest-day' | 'digest-week' | 'alert';
/**
 * `sending`: claimed, the send may or may not have happened (a crash here is never resent: at most once);
 * `sent`; `failed`: the send surely did not happen, tried again next time.
 */
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'unknown';

/** One delivery to one destination; (destination, kind, period) is its key, so it exists once. */
export interface DeliveriesTable {
  destination: string;
  kind: DeliveryKind;
  /** `2026-12-05`, `2026-W49`, or the alert's id. */
  period: string;
  status: DeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  claim_token: string | null;
  claimed_at: number;
  finished_at: number | null;
  job_run_id: number | null;
  pid: number;
  error: string | null;
}
export type DeliveryRow = Selectable<DeliveriesTable>;
/** What a pending helpdesk item waits for: its ticket or conversation, or its author's role. */
export type PendingWait = 'conversation' | 'author';

/** A helpdesk item (a comment, a part, an audit's events) kept until what it needs arrives. */
export interface PendingItemsTable {
  id: Generated<number>;
  source: ConversationSource;
  conversation_external_id: string;
  /** `message:<id>` or `event:<kind>:<time>`: one row per item of a conversation. */
  item_key: string;
  waits_for: PendingWait;
  author_id: string | null;
  /** The item as JSON, in the stored shape. */
  payload: string;
  path: string;
  line: number | null;
  first_run_id: number;
  last_run_id: number;
}

/** A helpdesk's user (Zendesk user, Intercom admin or contact) and the role its messages have. */
export interface SourceUsersTable {
  source: ConversationSource;
  external_id: string;
  role: AuthorRole;
  first_run_id: number;
  last_run_id: number;
}

export type PendingItemRow = Selectable<PendingItemsTable>;

/** The time of the latest version of a conversation's fields applied from a helpdesk record. */
export interface FeedVersionsTable {
  source: ConversationSource;
  external_id: string;
  updated_at: number;
}
