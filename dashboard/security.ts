import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Scripts only from this server (no inline script, no eval), nothing from elsewhere; styles from this server
 * (Chart.js sets canvas sizes through the CSSOM, which `style-src` does not restrict).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const TOKEN_COOKIE = 'supportlens_token';
export const TOKEN_HEADER = 'x-supportlens-token';

/** Security headers on every response, errors and 404s included. */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    return payload;
  });
}

/** Whether a host name or address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** The names a loopback dashboard always answers to. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a `Host` header (lower case, IPv6 in brackets, port dropped); undefined when it is not a bare host. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '' || /[\s/?#@\\]/.test(header)) return undefined;
  try {
    return new URL(`http://${header}`).hostname;
  } catch {
    return undefined;
  }
}

/** A host name as the `Host` header carries it: lower case, an IPv6 address in brackets. */
export function normalizeHostName(name: string): string {
  const bare = name
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return bare.includes(':') ? `[${bare}]` : bare;
}

/**
 * Answers only requests whose `Host` names this server: a page on another site that points its own name at 127.0.0.1
 * (DNS rebinding) could otherwise read the dashboard with the visitor's browser. Any other host gets a 421. The port
 * is not checked: an SSH tunnel (`ssh -L 8080:127.0.0.1:3000`) or a proxy on another port is still this server, and
 * a rebinding page cannot choose its host name.
 */
export function requireKnownHost(app: FastifyInstance, names: readonly string[]): void {
  const allowed = new Set([...LOOPBACK_HOST_NAMES, ...names].map(normalizeHostName));
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const name = hostNameOf(request.headers.host);
    if (name !== undefined && allowed.has(name)) return;
    return reply.code(421).send({
      statusCode: 421,
      error: 'Misdirected Request',
      message: 'this dashboard does not answer to that host name; open it by the address it listens on, or start serve with --allowed-host NAME',
    });
  });
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Every request must carry the token: `Authorization: Bearer <token>`, the `x-supportlens-token` header, or the
 * cookie set when a browser first opens a URL with `?token=<token>` (then redirected to the URL without it, so the
 * token does not stay in the address bar or history).
 */
export function requireToken(app: FastifyInstance, token: string): void {
  if (token.trim() === '') throw new Error('the dashboard token is blank');
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const authorization = request.headers.authorization;
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const header = request.headers[TOKEN_HEADER];
    if (sameToken(bearer, token) || sameToken(typeof header === 'string' ? header : undefined, token)) return;
    if (sameToken(cookieValue(request.headers.cookie, TOKEN_COOKIE), token)) return;
    // Appended to an origin, so that `//other.example/x` stays a path (as a base-relative URL it names a host).
    const url = new URL(`http://localhost${request.url.startsWith('/') ? '' : '/'}${request.url}`);
    if (sameToken(url.searchParams.get('token') ?? undefined, token)) {
      url.searchParams.delete('token');
      reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      // One leading slash: the browser would read `//other.example/x` as another host (an open redirect).
      return reply.redirect(`${url.pathname.replace(/^\/+/, '/')}${url.search}`, 303);
    }
    return reply
      .code(401)
      .send({ statusCode: 401, error: 'Unauthorized', message: `a token is required: open the URL with ?token=... or send the ${TOKEN_HEADER} header` });
  });
}
