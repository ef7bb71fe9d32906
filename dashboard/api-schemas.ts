/** JSON schemas of the dashboard routes: what a query string may hold and exactly what a response carries. */

const DAY_OR_EMPTY = '^(\\d{4}-\\d{2}-\\d{2})?$';
/** Channel names as ingest accepts them: letters and digits of any script, spaces, _ . - (`live chat`, `电话`). */
const CHANNEL_OR_EMPTY = '^[\\p{L}\\p{N} _.\\-]{0,64}$';

/** `from`/`to` (inclusive days, YYYY-MM-DD, reporting time zone) and `channel`; empty values mean "not given". */
export const FILTER_PROPERTIES = {
  from: { type: 'string', pattern: DAY_OR_EMPTY, description: 'first day, YYYY-MM-DD' },
  to: { type: 'string', pattern: DAY_OR_EMPTY, description: 'last day (inclusive), YYYY-MM-DD' },
  channel: { type: 'string', pattern: CHANNEL_OR_EMPTY, description: 'one channel name' },
} as const;

export const FILTER_QUERYSTRING = { type: 'object', additionalProperties: false, properties: FILTER_PROPERTIES } as const;

/** The FAQ gaps page: the range, a channel, and the language customers asked in (en, zh, other). */
export const FAQ_GAPS_QUERYSTRING = {
  type: 'object',
  additionalProperties: false,
  properties: { ...FILTER_PROPERTIES, language: { type: 'string', pattern: '^[a-z]{0,16}$' } },
} as const;

const nullableNumber = { type: ['number', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const integer = { type: 'integer' } as const;
const string = { type: 'string' } as const;

export const ERROR_RESPONSE = {
  type: 'object',
  properties: { statusCode: integer, error: string, message: string },
  required: ['statusCode', 'error', 'message'],
} as const;

const RANGE = {
  type: 'object',
  properties: { from: string, to: string, channel: nullableString, timeZone: string, fromMs: integer, toMs: integer },
  required: ['from', 'to', 'channel', 'timeZone', 'fromMs', 'toMs'],
} as const;

const FIGURES_PROPERTIES = {
  conversations: integer,
  answered: integer,
  unanswered: integer,
  firstResponseMedianMs: nullableNumber,
  firstResponseP90Ms: nullableNumber,
  resolutionMedianMs: nullableNumber,
  resolutionP90Ms: nullableNumber,
  firstResponseWithinTarget: nullableNumber,
  resolutionWithinTarget: nullableNumber,
  firstResponseBreached: integer,
} as const;
const FIGURES = { type: 'object', properties: FIGURES_PROPERTIES, required: Object.keys(FIGURES_PROPERTIES) } as const;

export const OVERVIEW_RESPONSE = {
  type: 'object',
  properties: {
    range: RANGE,
    channels: { type: 'array', items: string },
    days: { type: 'array', items: string },
    partialDay: nullableString,
    asOf: integer,
    total: FIGURES,
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          channel: string,
          firstResponseTargetMs: nullableNumber,
          resolutionTargetMs: nullableNumber,
          targetBasis: string,
          businessHours: nullableString,
          total: FIGURES,
          previous: FIGURES,
          days: {
            type: 'array',
            items: { type: 'object', properties: { day: string, ...FIGURES_PROPERTIES }, required: ['day', ...Object.keys(FIGURES_PROPERTIES)] },
          },
        },
        required: ['channel', 'firstResponseTargetMs', 'resolutionTargetMs', 'targetBasis', 'businessHours', 'total', 'previous', 'days'],
      },
    },
  },
  required: ['range', 'channels', 'days', 'partialDay', 'asOf', 'total', 'series'],
} as const;

export const PEAK_TIMES_RESPONSE = {
  type: 'object',
  properties: {
    range: RANGE,
    channels: { type: 'array', items: string },
    cells: {
      type: 'array',
      items: {
        type: 'object',
        properties: { weekday: integer, hour: integer, conversations: integer, medianFirstResponseMs: nullableNumber },
        required: ['weekday', 'hour', 'conversations', 'medianFirstResponseMs'],
      },
    },
  },
  required: ['range', 'channels', 'cells'],
} as const;

export const TOPICS_RESPONSE = {
  type: 'object',
  properties: {
    range: RANGE,
    channels: { type: 'array', items: string },
    analysisRunId: { type: ['integer', 'null'] },
    previousFromMs: integer,
    topics: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          topicId: integer,
          label: string,
          topTerms: { type: 'array', items: string },
          conversations: integer,
          previousConversations: integer,
          growth: nullableNumber,
          medianFirstResponseMs: nullableNumber,
          unanswered: integer,
          channels: {
            type: 'array',
            items: { type: 'object', properties: { channel: string, conversations: integer }, required: ['channel', 'conversations'] },
          },
          languages: {
            type: 'array',
            items: { type: 'object', properties: { language: string, conversations: integer }, required: ['language', 'conversations'] },
          },
          examples: {
            type: 'array',
            items: { type: 'object', properties: { conversationId: string, question: string }, required: ['conversationId', 'question'] },
          },
        },
        required: [
          'topicId',
          'label',
          'topTerms',
          'conversations',
          'previousConversations',
          'growth',
          'medianFirstResponseMs',
          'unanswered',
          'channels',
          'languages',
          'examples',
        ],
      },
    },
  },
  required: ['range', 'channels', 'analysisRunId', 'previousFromMs', 'topics'],
} as const;

export const FAQ_GAPS_RESPONSE = {
  type: 'object',
  properties: {
    range: RANGE,
    language: nullableString,
    analysisRunId: { type: ['integer', 'null'] },
    comparedWithReport: { type: ['integer', 'null'] },
    goneSinceLastReport: {
      type: 'array',
      items: { type: 'object', properties: { id: string, verdict: string, title: string }, required: ['id', 'verdict', 'title'] },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: string,
          status: { type: 'string', enum: ['new', 'unchanged'] },
          verdict: string,
          priority: { type: 'number' },
          topicId: { type: ['integer', 'null'] },
          topicIds: { type: 'array', items: integer },
          languages: { type: 'array', items: string },
          entryId: nullableString,
          title: string,
          keyTerms: { type: 'array', items: string },
          reasons: { type: 'array', items: string },
          summary: string,
          conversations: integer,
          previousConversations: integer,
          growth: nullableNumber,
          coveredShare: nullableNumber,
          meanScore: nullableNumber,
          medianHandlingMs: nullableNumber,
          nearestEntryId: nullableString,
          entryUpdatedAt: { type: ['integer', 'null'] },
          drift: {
            type: 'array',
            items: {
              type: 'object',
              properties: { kind: string, agentsSay: string, replies: integer, entrySays: { type: ['array', 'null'], items: string } },
              required: ['kind', 'agentsSay', 'replies', 'entrySays'],
            },
          },
          examples: {
            type: 'array',
            items: {
              type: 'object',
              properties: { conversationId: string, question: string, score: { type: 'number' } },
              required: ['conversationId', 'question', 'score'],
            },
          },
        },
        required: ['id', 'status', 'verdict', 'priority', 'title', 'summary', 'conversations', 'examples'],
      },
    },
  },
  required: ['range', 'language', 'analysisRunId', 'comparedWithReport', 'goneSinceLastReport', 'findings'],
} as const;

export const DOWNLOAD_QUERYSTRING = {
  type: 'object',
  additionalProperties: false,
  properties: { ...FILTER_PROPERTIES, format: { type: 'string', enum: ['csv', 'json', 'markdown'] } },
  required: ['format'],
} as const;

export const RUNS_QUERYSTRING = {
  type: 'object',
  additionalProperties: false,
  properties: { run: { type: 'integer', minimum: 1, description: 'only the rejects of this ingest run' } },
} as const;

export const RUNS_RESPONSE = {
  type: 'object',
  properties: {
    ingestRuns: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: integer,
          startedAt: integer,
          finishedAt: { type: ['integer', 'null'] },
          status: string,
          error: nullableString,
          files: integer,
          recordsRead: integer,
          recordsInserted: integer,
          recordsUpdated: integer,
          recordsUnchanged: integer,
          recordsRejected: integer,
          rejects: integer,
        },
        required: [
          'id',
          'startedAt',
          'finishedAt',
          'status',
          'error',
          'files',
          'recordsRead',
          'recordsInserted',
          'recordsUpdated',
          'recordsUnchanged',
          'recordsRejected',
          'rejects',
        ],
      },
    },
    analysisRuns: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: integer,
          startedAt: integer,
          finishedAt: { type: ['integer', 'null'] },
          status: string,
          error: nullableString,
          analyses: {
            type: 'array',
            items: { type: 'object', properties: { name: string, durationMs: nullableNumber }, required: ['name', 'durationMs'] },
          },
        },
        required: ['id', 'startedAt', 'finishedAt', 'status', 'error', 'analyses'],
      },
    },
    rejects: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: integer,
          runId: integer,
          path: string,
          line: { type: ['integer', 'null'] },
          kind: string,
          reason: string,
          raw: string,
          rawTruncated: { type: 'boolean' },
          createdAt: integer,
        },
        required: ['id', 'runId', 'path', 'line', 'kind', 'reason', 'raw', 'rawTruncated', 'createdAt'],
      },
    },
  },
  required: ['ingestRuns', 'analysisRuns', 'rejects'],
} as const;

/** Free text of a filter (an agent, a team, an entry id): any printable text, no control characters. */
const NAME_OR_EMPTY = { type: 'string', pattern: '^[^\\p{Cc}]{0,200}$' } as const;

/** The conversation list's filter: the range and channel, then what the number that links to it counted. */
export const CONVERSATION_LIST_PROPERTIES = {
  ...FILTER_PROPERTIES,
  topic: { type: 'string', pattern: '^(\\d{1,9}(,\\d{1,9}){0,99})?$', description: 'topic ids, comma-separated' },
  agent: NAME_OR_EMPTY,
  team: NAME_OR_EMPTY,
  language: { type: 'string', pattern: '^[a-z]{0,16}$' },
  breached: { type: 'string', enum: ['', 'first_response', 'resolution'] },
  unanswered: { type: 'string', enum: ['', '1'] },
  faq_entry: NAME_OR_EMPTY,
  weekday: { type: 'integer', minimum: 1, maximum: 7 },
  hour: { type: 'integer', minimum: 0, maximum: 23 },
  conversation: NAME_OR_EMPTY,
  sort: { type: 'string', enum: ['', 'newest', 'oldest', 'slowest', 'fastest'] },
  after: { type: 'string', pattern: '^(-?\\d{1,16}:\\d{1,16})?$' },
} as const;

export const CONVERSATION_LIST_QUERYSTRING = { type: 'object', additionalProperties: false, properties: CONVERSATION_LIST_PROPERTIES } as const;

const nullableInteger = { type: ['integer', 'null'] } as const;

export const CONVERSATION_LIST_RESPONSE = {
  type: 'object',
  properties: {
    range: RANGE,
    channels: { type: 'array', items: string },
    asOf: integer,
    total: integer,
    next: nullableString,
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: integer,
          conversationId: string,
          source: string,
          channel: string,
          startAt: integer,
          agent: nullableString,
          team: nullableString,
          language: nullableString,
          topicId: nullableInteger,
          topicLabel: nullableString,
          firstResponseMs: nullableNumber,
          unansweredAgeMs: nullableNumber,
          resolutionMs: nullableNumber,
          reopenCount: integer,
          faqEntryId: nullableString,
          faqScore: nullableNumber,
          question: nullableString,
        },
        required: [
          'id',
          'conversationId',
          'source',
          'channel',
          'startAt',
          'agent',
          'team',
          'language',
          'topicId',
          'topicLabel',
          'firstResponseMs',
          'unansweredAgeMs',
          'resolutionMs',
          'reopenCount',
          'faqEntryId',
          'faqScore',
          'question',
        ],
      },
    },
  },
  required: ['range', 'channels', 'asOf', 'total', 'next', 'rows'],
} as const;

export const CONVERSATION_PARAMS = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
  required: ['id'],
} as const;

/** Exactly what a conversation page may show: redacted text only; a field not listed here never leaves the server. */
export const CONVERSATION_RESPONSE = {
  type: 'object',
  properties: {
    id: integer,
    conversationId: string,
    source: string,
    channel: string,
    status: nullableString,
    subject: nullableString,
    createdAt: integer,
    assignee: nullableString,
    team: nullableString,
    csat: nullableString,
    tags: { type: 'array', items: string },
    language: nullableString,
    question: nullableString,
    asOf: integer,
    facts: {
      type: ['object', 'null'],
      properties: {
        startAt: integer,
        firstResponseAt: nullableInteger,
        firstResponseMs: nullableNumber,
        firstResponseBusinessMs: nullableNumber,
        agent: nullableString,
        replyCount: integer,
        replyTimesMs: { type: 'array', items: { type: 'number' } },
        resolutionCount: integer,
        firstResolvedAt: nullableInteger,
        lastResolvedAt: nullableInteger,
        resolutionMs: nullableNumber,
        reopenCount: integer,
        unanswered: { type: 'boolean' },
        unansweredAgeMs: nullableNumber,
      },
    },
    events: { type: 'array', items: { type: 'object', properties: { kind: string, at: integer, actor: nullableString }, required: ['kind', 'at', 'actor'] } },
    breaches: {
      type: 'array',
      items: {
        type: 'object',
        properties: { kind: string, status: string, durationMs: { type: 'number' }, targetMs: { type: 'number' }, basis: string },
        required: ['kind', 'status', 'durationMs', 'targetMs', 'basis'],
      },
    },
    topic: { type: ['object', 'null'], properties: { topicId: integer, label: string } },
    faq: { type: ['object', 'null'], properties: { entryId: string, title: nullableString, score: { type: 'number' }, covered: { type: 'boolean' } } },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: string,
          role: string,
          author: nullableString,
          at: integer,
          internal: { type: 'boolean' },
          body: string,
          truncated: { type: 'boolean' },
          firstResponse: { type: 'boolean' },
        },
        required: ['id', 'role', 'author', 'at', 'internal', 'body', 'truncated', 'firstResponse'],
      },
    },
  },
  required: [
    'id',
    'conversationId',
    'source',
    'channel',
    'status',
    'subject',
    'createdAt',
    'assignee',
    'team',
    'csat',
    'tags',
    'language',
    'question',
    'facts',
    'events',
    'breaches',
    'topic',
    'faq',
    'messages',
    'asOf',
  ],
} as const;

const AGENT_FIGURES = {
  type: 'object',
  properties: {
    name: string,
    channel: string,
    conversations: integer,
    unanswered: integer,
    firstResponseMedianMs: nullableNumber,
    firstResponseP90Ms: nullableNumber,
    firstResponseWithinTarget: nullableNumber,
    firstResponseBreached: integer,
    resolutionMedianMs: nullableNumber,
    reopenRate: nullableNumber,
    rated: integer,
    satisfactionGood: nullableNumber,
  },
  required: [
    'name',
    'channel',
    'conversations',
    'unanswered',
    'firstResponseMedianMs',
    'firstResponseP90Ms',
    'firstResponseWithinTarget',
    'firstResponseBreached',
    'resolutionMedianMs',
    'reopenRate',
    'rated',
    'satisfactionGood',
  ],
} as const;

export const AGENTS_RESPONSE = {
  type: 'object',
  properties: {
    range: RANGE,
    channels: { type: 'array', items: string },
    agents: { type: 'array', items: AGENT_FIGURES },
    teams: { type: 'array', items: AGENT_FIGURES },
  },
  required: ['range', 'channels', 'agents', 'teams'],
} as const;

export const ANNOTATIONS_RESPONSE = {
  type: 'object',
  properties: {
    annotations: {
      type: 'array',
      items: {
        type: 'object',
        properties: { day: string, kind: { type: 'string', enum: ['spike', 'target-drop', 'event'] }, text: string },
        required: ['day', 'kind', 'text'],
      },
    },
  },
  required: ['annotations'],
} as const;
