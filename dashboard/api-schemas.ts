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
} as const;
const FIGURES = { type: 'object', properties: FIGURES_PROPERTIES, required: Object.keys(FIGURES_PROPERTIES) } as const;

export const OVERVIEW_RESPONSE = {
  type: 'object',
  properties: {
    range: RANGE,
    channels: { type: 'array', items: string },
    days: { type: 'array', items: string },
    total: FIGURES,
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          channel: string,
          firstResponseTargetMs: nullableNumber,
          resolutionTargetMs: nullableNumber,
          total: FIGURES,
          days: {
            type: 'array',
            items: { type: 'object', properties: { day: string, ...FIGURES_PROPERTIES }, required: ['day', ...Object.keys(FIGURES_PROPERTIES)] },
          },
        },
        required: ['channel', 'firstResponseTargetMs', 'resolutionTargetMs', 'total', 'days'],
      },
    },
  },
  required: ['range', 'channels', 'days', 'total', 'series'],
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
        required: ['topicId', 'label', 'topTerms', 'conversations', 'previousConversations', 'growth', 'medianFirstResponseMs', 'unanswered', 'channels', 'languages', 'examples'],
      },
    },
  },
  required: ['range', 'channels', 'analysisRunId', 'previousFromMs', 'topics'],
} as const;

export const FAQ_GAPS_RESPONSE = {
  type: 'object',
  properties: {
    range: RANGE,
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
          entryId: nullableString,
          title: string,
          keyTerms: { type: 'array', items: string },
          reasons: { type: 'array', items: string },
          summary: string,
          conversations: integer,
          previousConversations: integer,
          growth: nullableNumber,
          coveredShare: nullableNumber,
          medianHandlingMs: nullableNumber,
          nearestEntryId: nullableString,
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
  required: ['range', 'analysisRunId', 'comparedWithReport', 'goneSinceLastReport', 'findings'],
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
        required: ['id', 'startedAt', 'finishedAt', 'status', 'error', 'files', 'recordsRead', 'recordsInserted', 'recordsUpdated', 'recordsUnchanged', 'recordsRejected', 'rejects'],
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
