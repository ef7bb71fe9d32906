import { existsSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Kysely } from '#kysely';
import type { Database } from '../db/schema.js';
import type { ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';
import type { GapReportFormat } from '../analysis/faq/render-gap-report.js';
import {
  AGENTS_RESPONSE,
  CONVERSATION_LIST_QUERYSTRING,
  CONVERSATION_LIST_RESPONSE,
  CONVERSATION_PARAMS,
  CONVERSATION_RESPONSE,
  ANNOTATIONS_RESPONSE,
  DOWNLOAD_QUERYSTRING,
  ERROR_RESPONSE,
  FAQ_GAPS_QUERYSTRING,
  FAQ_GAPS_RESPONSE,
  FILTER_QUERYSTRING,
  OVERVIEW_RESPONSE,
  PEAK_TIMES_RESPONSE,
  RUNS_QUERYSTRING,
  RUNS_RESPONSE,
  TOPICS_RESPONSE,
} from './api-schemas.js';
import { getRuns, readRange, type DashboardContext } from './dashboard-data.js';
import { getAnnotations } from './annotations.js';
import type { DashboardQuery } from './dashboard-range.js';
import type { ConversationListQuery } from './conversation-list-filter.js';
import { getAnalysisVersion, getFaqGapsVersion, getRunsVersion, listChannels } from './dashboard-queries.js';
import { CACHE_ENTRIES, DEFAULT_CACHE_TTL_MS, DEFAULT_STALE_MS, ResponseCache } from './response-cache.js';
import { FORMAT_DURATION_SCRIPT } from './format-duration-script.js';
import { ReportThreads } from './report-threads.js';
import { computeReport, type ReportName, type ReportRequest } from './reports.js';
import { PAGES, renderPage } from './pages.js';
import { addSecurityHeaders, requireKnownHost, requireToken } from './security.js';

export interface DashboardDeps {
  db: Kysely<Database>;
  responseTimes: ResponseTimeConfig;
  /** When set, every request must carry it (required by `serve` on a non-loopback address). */
  token?: string | undefined;
  /** Host names it answers to besides localhost, 127.0.0.1 and [::1]; a request naming any other host gets a 421. */
  hosts?: readonly string[];
  /** "Now" for the ages of waiting conversations and the default range (tests pin it). */
  now?: () => number;
  logger?: FastifyServerOptions['logger'];
  /** How long an analytics answer is reused while the data does not change (default 60 s; 0: never). */
  cacheTtlMs?: number;
  /**
   * The database file `db` reads. When given, the analytics answers are computed in threads that open it read-only,
   * so that no request waits behind another's computation; without it (an in-memory database) in this thread.
   */
  databasePath?: string;
  /** Another script for the report threads (default: dashboard/report-worker beside build-app). */
  reportThreadUrl?: URL;
  /**
   * When given, the default views are prepared after every analysis (and at start), and this is told when they are
   * ready (`serve` prints it).
   */
  onViewsReady?: (figures: { analysis: string; ms: number }) => void;
  /** How often to look for a new analysis to prepare the views of (default 15 s). */
  viewsPollMs?: number;
}

interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** Our page scripts and styles live next to the sources (`dashboard/static`), also when running from `dist/`. */
function staticFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'static'), join(here, '..', '..', 'dashboard', 'static')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'dashboard-charts.js')));
  if (!found) throw new Error(`dashboard static files not found in ${candidates.join(' or ')}`);
  return found;
}

const OWN_STATIC_FILES = ['dashboard.css', 'dashboard-charts.js', ...PAGES.map((page) => `${page.name}.js`)];

function loadStaticFiles(): Map<string, StaticFile> {
  const folder = staticFolder();
  const files = new Map<string, StaticFile>();
  for (const name of OWN_STATIC_FILES) {
    files.set(name, {
      body: readFileSync(join(folder, name)),
      contentType: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
    });
  }
  files.set('format-duration.js', { body: Buffer.from(FORMAT_DURATION_SCRIPT), contentType: 'text/javascript; charset=utf-8' });
  // Chart.js from the installed package: no request leaves the machine.
  const chartMain = createRequire(import.meta.url).resolve('chart.js');
  files.set('chart.umd.min.js', { body: readFileSync(join(dirname(chartMain), 'chart.umd.min.js')), contentType: 'text/javascript; charset=utf-8' });
  return files;
}

/**
 * A route and its query as validated (unknown parameters removed by the schema, empty values meaning "not given"),
 * parameters sorted: `?z=1` or another order would otherwise bypass the cache and start a new computation.
 */
function cacheKey(request: FastifyRequest): string {
  return keyOf(request.routeOptions.url ?? request.url.split('?')[0]!, request.params ?? {}, request.query as Record<string, unknown>);
}

/** An answer's identity: its route, its path parameters (a conversation's id) and its query, in a stable order. */
function keyOf(route: string, params: unknown, query: Record<string, unknown>): string {
  const parameters = Object.keys(query)
    .filter((name) => query[name] !== undefined && query[name] !== '')
    .sort()
    .map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(String(query[name]))}`);
  const path = JSON.stringify(params);
  return `${route}${path === '{}' ? '' : path}?${parameters.join('&')}`;
}

/** A cache and what its keys start with: the versions of the data its answers depend on. */
interface CacheUse {
  cache: ResponseCache;
  version: () => Promise<string>;
}

/** The views a page opens with (its default 30 days, all channels), prepared after each analysis (see `onViewsReady`). */
const WARMED: readonly [route: string, name: ReportName][] = [
  ['/api/overview', 'overview'],
  ['/api/peak-times', 'peak-times'],
  ['/api/topics', 'topics'],
  ['/api/faq-gaps', 'faq-gaps'],
  ['/api/agents', 'agents'],
  ['/api/conversations', 'conversations'],
];
/** How often a warming server looks for a new analysis by default (one small query). */
const WARM_POLL_MS = 15_000;

/**
 * Prepares the views pages open with (WARMED) as soon as an analysis has succeeded, and at start: the morning's first
 * visitor finds them in the cache, not a computation of several seconds at ten million messages. Each view goes in
 * twice, without a range and with its days named (as a page's links carry them), computed once. Looks for a new
 * analysis every `pollMs`; a failure is logged and tried again at the next analysis.
 */
function warmAfterEachAnalysis(
  app: FastifyInstance,
  db: Kysely<Database>,
  useOf: (route: string) => CacheUse,
  report: <T>(name: ReportName, query: ReportRequest['query']) => Promise<T>,
  onViewsReady: (figures: { analysis: string; ms: number }) => void,
  pollMs: number,
): void {
  let warmed = '';
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closing = false;
  const warm = async (): Promise<void> => {
    const version = await getAnalysisVersion(db);
    if (version === warmed || !version.includes(':succeeded:')) return;
    warmed = version;
    const started = Date.now();
    const keep = async <T>(route: string, query: Record<string, unknown>, compute: () => Promise<T>): Promise<T> => {
      const use = useOf(route);
      return use.cache.get(`${await use.version()} ${keyOf(route, {}, query)}`, compute);
    };
    const overview = await keep('/api/overview', {}, () => report<{ range: { from: string; to: string } }>('overview', {}));
    const days = { from: overview.range.from, to: overview.range.to };
    for (const [route, name] of WARMED) {
      if (closing) return;
      const answer = keep(route, {}, () => report(name, {}));
      void keep(route, days, () => answer).catch(() => undefined);
      await answer;
    }
    onViewsReady({ analysis: version.split(':')[0]!, ms: Date.now() - started });
  };
  const tick = (): void => {
    running ??= warm()
      .catch((error: unknown) => app.log.warn({ err: error }, 'preparing the default views failed'))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', async () => {
    tick();
    timer = setInterval(tick, pollMs);
    timer.unref();
  });
  // Closing waits for the view being computed, not for the rest.
  app.addHook('onClose', async () => {
    closing = true;
    clearInterval(timer);
    await running;
  });
}

const RESPONSES = (ok: object) => ({ 200: ok, 400: ERROR_RESPONSE, 500: ERROR_RESPONSE });

/**
 * The dashboard: pages, their JSON API and static files. Returns the instance without listening (`serve` listens,
 * tests use `app.inject`).
 *
 * @example
 * const app = await buildApp({ db, responseTimes: config.responseTimes });
 * await app.listen({ host: '127.0.0.1', port: 3000 });
 */
export async function buildApp(deps: DashboardDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false, ajv: { customOptions: { coerceTypes: true, removeAdditional: true } } });
  const now = deps.now ?? Date.now;
  const context: DashboardContext = {
    db: deps.db,
    responseTimes: deps.responseTimes,
    now,
    listTotals: new ResponseCache(deps.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, CACHE_ENTRIES, now),
  };
  const staticFiles = loadStaticFiles();
  // Three caches. Paging through lists and opening conversations (cheap answers, thousands of distinct URLs) never
  // pushes out the report views (a few, each seconds to compute on a large database). Topics and FAQ gaps do not
  // depend on the clock: they are kept for as long as the analysis, the FAQ entries and the last saved gap report
  // (the FAQ gaps' "new since") stay the same, never computed again behind a visitor.
  const freshness = deps.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  const analysis = () => getAnalysisVersion(deps.db);
  const timed: CacheUse = { cache: new ResponseCache(freshness, CACHE_ENTRIES, context.now, DEFAULT_STALE_MS), version: analysis };
  const paged: CacheUse = { cache: new ResponseCache(freshness, CACHE_ENTRIES, context.now, DEFAULT_STALE_MS), version: analysis };
  const untimed: CacheUse = {
    cache: new ResponseCache(freshness > 0 ? Infinity : 0, CACHE_ENTRIES, context.now),
    version: async () => `${await analysis()} ${await getFaqGapsVersion(deps.db)}`,
  };
  const cachedIn =
    (use: CacheUse) =>
    async <T>(request: FastifyRequest, compute: () => Promise<T>): Promise<T> =>
      use.cache.get(`${await use.version()} ${cacheKey(request)}`, compute);
  const cached = cachedIn(timed);
  const cachedPage = cachedIn(paged);
  const cachedView = cachedIn(untimed);
  const cache = timed.cache;
  const threads =
    deps.databasePath !== undefined
      ? new ReportThreads({
          path: deps.databasePath,
          responseTimes: deps.responseTimes,
          cacheTtlMs: deps.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
          ...(deps.reportThreadUrl ? { url: deps.reportThreadUrl } : {}),
        })
      : undefined;
  const report = <T>(name: ReportName, query: ReportRequest['query']): Promise<T> => {
    const request: ReportRequest = { name, query, now: context.now() };
    return (threads ? threads.run(request) : computeReport(context, request)) as Promise<T>;
  };
  if (deps.onViewsReady) {
    const useOf = (route: string): CacheUse =>
      route === '/api/conversations' ? paged : route === '/api/topics' || route === '/api/faq-gaps' ? untimed : timed;
    warmAfterEachAnalysis(app, deps.db, useOf, report, deps.onViewsReady, deps.viewsPollMs ?? WARM_POLL_MS);
  }
  if (threads) app.addHook('onClose', () => threads.close());

  addSecurityHeaders(app);
  requireKnownHost(app, deps.hosts ?? []);
  if (deps.token !== undefined && deps.token !== '') requireToken(app, deps.token);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const statusCode = error.validation ? 400 : (error.statusCode ?? 500);
    if (statusCode < 500) {
      return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'something went wrong; see the server log' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no page at ${request.url.split('?')[0]}` }));

  app.get<{ Querystring: DashboardQuery }>(
    '/api/overview',
    { schema: { querystring: FILTER_QUERYSTRING, response: RESPONSES(OVERVIEW_RESPONSE) } },
    (request) => cached(request, () => report('overview', request.query)),
  );
  app.get<{ Querystring: DashboardQuery }>(
    '/api/annotations',
    { schema: { querystring: FILTER_QUERYSTRING, response: RESPONSES(ANNOTATIONS_RESPONSE) } },
    (request) => cached(request, () => getAnnotations(context, request.query)),
  );
  app.get<{ Querystring: DashboardQuery }>(
    '/api/peak-times',
    { schema: { querystring: FILTER_QUERYSTRING, response: RESPONSES(PEAK_TIMES_RESPONSE) } },
    (request) => cached(request, () => report('peak-times', request.query)),
  );
  app.get<{ Querystring: DashboardQuery }>('/api/topics', { schema: { querystring: FILTER_QUERYSTRING, response: RESPONSES(TOPICS_RESPONSE) } }, (request) =>
    cachedView(request, () => report('topics', request.query)),
  );
  app.get<{ Querystring: DashboardQuery }>(
    '/api/faq-gaps',
    { schema: { querystring: FAQ_GAPS_QUERYSTRING, response: RESPONSES(FAQ_GAPS_RESPONSE) } },
    (request) => cachedView(request, () => report('faq-gaps', request.query)),
  );
  app.get<{ Querystring: DashboardQuery & { format: GapReportFormat } }>(
    '/api/faq-gaps/download',
    { schema: { querystring: DOWNLOAD_QUERYSTRING, response: RESPONSES({ type: 'string' }) } },
    async (request, reply) => {
      const file = await cachedView(request, () => report<{ body: string; filename: string; contentType: string }>('faq-gaps-download', request.query));
      return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
    },
  );
  app.get<{ Querystring: DashboardQuery }>('/api/agents', { schema: { querystring: FILTER_QUERYSTRING, response: RESPONSES(AGENTS_RESPONSE) } }, (request) =>
    cached(request, () => report('agents', request.query)),
  );
  app.get<{ Querystring: ConversationListQuery }>(
    '/api/conversations',
    { schema: { querystring: CONVERSATION_LIST_QUERYSTRING, response: RESPONSES(CONVERSATION_LIST_RESPONSE) } },
    (request) => cachedPage(request, () => report('conversations', request.query)),
  );
  app.get<{ Querystring: ConversationListQuery }>(
    '/api/conversations.csv',
    { schema: { querystring: CONVERSATION_LIST_QUERYSTRING, response: RESPONSES({ type: 'string' }) } },
    async (request, reply) => {
      const file = await cachedPage(request, () => report<{ body: string; filename: string; contentType: string }>('conversations-csv', request.query));
      return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
    },
  );
  app.get<{ Params: { id: number } }>(
    '/api/conversations/:id',
    { schema: { params: CONVERSATION_PARAMS, response: { ...RESPONSES(CONVERSATION_RESPONSE), 404: ERROR_RESPONSE } } },
    (request) => cachedPage(request, () => report('conversation', { id: request.params.id })),
  );
  app.get<{ Querystring: { run?: number } }>('/api/runs', { schema: { querystring: RUNS_QUERYSTRING, response: RESPONSES(RUNS_RESPONSE) } }, async (request) =>
    cache.get(`runs ${await getRunsVersion(deps.db)} ${cacheKey(request)}`, () => getRuns(context, request.query.run)),
  );

  for (const page of PAGES) {
    const querystring =
      page.name === 'conversation'
        ? { type: 'object', additionalProperties: false, properties: {} }
        : page.filter === 'none'
          ? RUNS_QUERYSTRING
          : page.filter === 'list'
            ? CONVERSATION_LIST_QUERYSTRING
            : page.name === 'faq-gaps'
              ? FAQ_GAPS_QUERYSTRING
              : FILTER_QUERYSTRING;
    app.get<{ Querystring: ConversationListQuery }>(
      page.path,
      { schema: { querystring, ...(page.name === 'conversation' ? { params: CONVERSATION_PARAMS } : {}), response: { 400: ERROR_RESPONSE } } },
      async (request, reply) => {
        const range =
          page.filter === 'none' ? null : await readRange(context, page.filter === 'dates' ? { ...request.query, channel: undefined } : request.query);
        const channels = page.filter === 'dates-and-channel' || page.filter === 'list' ? await listChannels(context.db) : [];
        return reply.type('text/html; charset=utf-8').send(renderPage(page, { range, channels, targets: deps.responseTimes.targets, query: request.query }));
      },
    );
  }

  app.get<{ Params: { name: string } }>(
    '/static/:name',
    { schema: { params: { type: 'object', properties: { name: { type: 'string', enum: [...staticFiles.keys()] } }, required: ['name'] } } },
    (request, reply) => {
      const file = staticFiles.get(request.params.name)!;
      return reply.type(file.contentType).header('cache-control', 'no-cache').send(file.body);
    },
  );
  return app;
}
