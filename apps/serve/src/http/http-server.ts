import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { HttpError } from './http-error.js';
import { collectBody, parseJsonBody, type BodyCancel } from './json-body.js';

/** What a route handler gets: the body (parsed JSON for `body: 'json'`, bytes for `body: 'raw'`), path parameters, the query and an abort signal. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly body: unknown;
  /** Values of the `:name` segments of the route's path. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Aborted when the per-request timeout fires or the client goes away. */
  readonly signal: AbortSignal;
}

/** Returned by a handler that wrote the response itself (a stream, a page). */
export const HANDLED: unique symbol = Symbol('handled');

/**
 * One route: method, path (exact, or with `:name` segments and a final `*name` rest segment),
 * what body it reads, and the handler whose value is sent as JSON 200.
 */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** `json` parses the body as JSON; `raw` hands over its bytes; default none. */
  readonly body?: 'json' | 'raw' | 'none';
  /** Content types the body may have (checked before reading it; others get a 415). Default: any. */
  readonly accepts?: readonly string[];
  /** Whether the server's API key (when one is set) must be presented as `Authorization: Bearer KEY`. */
  readonly auth?: boolean;
  /** One line for `GET /health` and the README. */
  readonly summary: string;
  handle(ctx: RouteContext): unknown;
}

/** Limits every request obeys. */
interface HttpLimits {
  /** Largest request body in bytes; larger ones get a 413. */
  readonly maxBodyBytes: number;
  /** Time in ms from the request's arrival to its response; later ones get a 503 `timeout`. */
  readonly timeoutMs: number;
  /** On shutdown, time in ms in-flight requests get to finish before their connections are cut. */
  readonly shutdownGraceMs: number;
}

/** A listening server. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Requests received and not yet answered. */
  inFlight(): number;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace time), then resolves. */
  close(): Promise<void>;
}

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly host: string;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  readonly routes: readonly Route[];
  readonly limits: HttpLimits;
  /** Extra fields of the `GET /health` reply. */
  readonly health?: () => Record<string, unknown>;
  /** The key routes with `auth` require; none when unset. */
  readonly apiKey?: string;
  /** Where unexpected errors are reported (one line each). */
  readonly log?: (line: string) => void;
}

/**
 * Items that each expire `timeoutMs` after they were added, unless deleted first. Items added
 * later expire later, so the queue is an insertion-ordered set watched by a single timer armed
 * for its oldest item.
 */
class DeadlineQueue<T> {
  readonly #items = new Map<T, number>();
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly expire: (item: T) => void,
  ) {}

  add(item: T): void {
    this.#items.set(item, performance.now() + this.timeoutMs);
    // Unreferenced: an armed timer alone does not keep the process alive; open connections do.
    this.#timer ??= setTimeout(() => this.#sweep(), this.timeoutMs).unref();
  }

  delete(item: T): void {
    this.#items.delete(item);
  }

  #sweep(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (const [item, deadline] of this.#items) {
      if (deadline > now) {
        this.#timer = setTimeout(() => this.#sweep(), Math.ceil(deadline - now)).unref();
        return;
      }
      this.#items.delete(item);
      this.expire(item);
    }
  }
}

/**
 * The context of one request. The abort signal and the parsed query are made only when a
 * handler reads them: most requests need neither, and an `AbortController` per request is a
 * measurable part of a small request's cost.
 */
class RequestContext implements RouteContext, BodyCancel {
  body: unknown = undefined;
  onCancel: ((reason: unknown) => void) | undefined = undefined;
  #controller: AbortController | undefined = undefined;
  #query: URLSearchParams | undefined = undefined;
  #reason: unknown = undefined;
  #aborted = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly params: Readonly<Record<string, string>>,
    private readonly search: string,
  ) {}

  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams(this.search));
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the request's work once (the first reason wins): the body read and the handler's signal. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.onCancel?.(reason);
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded) return;
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Starts a `node:http` server with JSON routes, a body-size limit, a per-request timeout, OpenAI-style
 * JSON errors, `GET /health`, and graceful shutdown: {@link RunningServer.close} refuses new
 * connections at once and answers in-flight requests before closing theirs.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { limits } = options;
  const log = options.log ?? (() => {});
  const started = Date.now();
  let inFlight = 0;
  let closing = false;
  const table = new Map<string, Route>();
  const patterns: { route: Route; match: (path: string) => Record<string, string> | null }[] = [];
  const healthRoute: Route = {
    method: 'GET',
    path: '/health',
    summary: 'liveness, settings and load',
    handle: () => ({
      status: closing ? 'shutting-down' : 'ok',
      uptime_s: Math.round((Date.now() - started) / 1000),
      in_flight: inFlight - 1,
      routes: [...table.values()].map((r) => `${r.method} ${r.path}`),
      ...options.health?.(),
    }),
  };
  for (const route of [healthRoute, ...options.routes]) {
    const key = `${route.method} ${route.path}`;
    if (table.has(key)) throw new Error(`route ${key} is declared twice`);
    table.set(key, route);
    if (/[:*]/.test(route.path)) patterns.push({ route, match: pathMatcher(route.path) });
  }

  function lookup(method: string | undefined, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } {
    const exact = table.get(`${method} ${path}`);
    if (exact && !/[:*]/.test(exact.path)) return { route: exact, params: {} };
    const allowed: string[] = [];
    for (const p of patterns) {
      const params = p.match(path);
      if (!params) continue;
      if (p.route.method === method) return { route: p.route, params };
      allowed.push(p.route.method);
    }
    for (const r of table.values()) if (r.path === path && !/[:*]/.test(r.path)) allowed.push(r.method);
    return { allowed };
  }

  const server: Server = createServer({ requestTimeout: limits.timeoutMs, headersTimeout: Math.min(60_000, limits.timeoutMs) });
  server.keepAliveTimeout = 30_000;

  function fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    const http = error instanceof HttpError ? error : null;
    if (!http) log(`ssrl-serve: ${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}`);
    const reply = http ?? new HttpError(500, 'server_error', `internal error: ${(error as Error)?.message ?? String(error)}`);
    const headers: Record<string, string> = {};
    // An unread body cannot be skipped on a kept-alive connection: close it after the answer.
    if (!req.complete) {
      headers.Connection = 'close';
      req.resume();
    }
    if (reply.status === 503 || reply.status === 429) headers['Retry-After'] = String(reply.retryAfterSeconds ?? 1);
    send(res, reply.status, reply.toJSON(), headers);
  }

  function send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    // While shutting down, every answer closes its connection, also for requests that came in before.
    sendJson(res, status, value, closing ? { ...headers, Connection: 'close' } : headers);
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight++;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const found = lookup(req.method, path);
    if ('allowed' in found) {
      res.once('close', onClosed);
      const { allowed } = found;
      if (allowed.length > 0) {
        fail(req, res, new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use ${allowed.join(' or ')}`, null, 'method_not_allowed'));
      } else {
        fail(req, res, new HttpError(404, 'not_found', `no route ${req.method} ${path}; routes: ${[...table.keys()].join(', ')}`, null, 'not_found'));
      }
      return;
    }
    const { route, params } = found;
    const ctx = new RequestContext(req, res, params, q === -1 ? '' : url.slice(q + 1));
    // One listener per request: it counts the request out and, when the client goes away before
    // the answer, aborts the handler.
    res.once('close', () => {
      onClosed();
      if (!res.writableEnded) ctx.abort(new HttpError(499, 'invalid_request_error', 'client closed the connection'));
    });
    if (route.auth && options.apiKey !== undefined && !authorised(req, options.apiKey)) {
      fail(req, res, new HttpError(401, 'authentication_error', 'missing or wrong API key: send the key the server was started with (--api-key) as "Authorization: Bearer KEY"', null, 'invalid_api_key'));
      return;
    }
    if (route.accepts && !route.accepts.includes(mediaType(req))) {
      const got = req.headers['content-type'] ? `Content-Type ${req.headers['content-type']}` : 'no Content-Type';
      fail(req, res, new HttpError(415, 'unsupported_media_type', `${req.method} ${path} takes ${route.accepts.join(' or ')}, got ${got}`, 'Content-Type', 'unsupported_media_type'));
      return;
    }
    deadlines.add(ctx);
    try {
      if (route.body === 'json') ctx.body = parseJsonBody(await collectBody(req, limits.maxBodyBytes, ctx));
      else if (route.body === 'raw') ctx.body = await collectBody(req, limits.maxBodyBytes, ctx);
      let value = route.handle(ctx);
      if (value instanceof Promise) value = await value;
      if (value !== HANDLED) send(res, 200, value);
    } catch (error) {
      fail(req, res, error);
    } finally {
      deadlines.delete(ctx);
    }
  }

  // Every request has the same time limit, so requests expire in the order they arrived: one
  // timer armed for the oldest is enough, where a timer per request would cost each request a
  // timer insertion and removal.
  const deadlines = new DeadlineQueue<RequestContext>(limits.timeoutMs, (ctx) => {
    const error = new HttpError(503, 'timeout', `request took longer than ${limits.timeoutMs} ms (--timeout-ms)`, null, 'timeout');
    ctx.abort(error);
    fail(ctx.req, ctx.res, error);
  });

  function onClosed(): void {
    inFlight--;
    if (closing) setImmediate(() => server.closeIdleConnections());
  }

  server.on('request', (req, res) => void dispatch(req, res));
  server.on('clientError', (error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy(error);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    inFlight: () => inFlight,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), limits.shutdownGraceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

/** `text/html` for `Content-Type: text/html; charset=utf-8`; empty when absent. */
function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

// The key comes as `Authorization: Bearer KEY`, or (for images the web page shows) as cookie `ssrl_api_key`.
function authorised(req: IncomingMessage, key: string): boolean {
  const header = req.headers.authorization ?? '';
  const cookie = /(?:^|;\s*)ssrl_api_key=([^;]*)/.exec(req.headers.cookie ?? '');
  let fromCookie = '';
  try {
    fromCookie = cookie ? decodeURIComponent(cookie[1]) : '';
  } catch {
    fromCookie = '';
  }
  const want = Buffer.from(key);
  const same = (text: string): boolean => {
    const given = Buffer.from(text);
    return given.length === want.length && timingSafeEqual(given, want);
  };
  return same(header.startsWith('Bearer ') ? header.slice(7).trim() : '') || same(fromCookie);
}

// `/v1/tasks/:id/sample` matches `/v1/tasks/flip/sample` with { id: 'flip' }; a last segment
// `*rest` takes the rest of the path (at least one segment).
function pathMatcher(pattern: string): (path: string) => Record<string, string> | null {
  const parts = pattern.split('/');
  return (path) => {
    const segments = path.split('/');
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part.startsWith('*')) {
        const rest = segments.slice(i);
        if (rest.length === 0 || rest.some((s) => s === '')) return null;
        try {
          params[part.slice(1)] = rest.map(decodeURIComponent).join('/');
        } catch {
          return null;
        }
        return params;
      }
      const segment = segments[i];
      if (segment === undefined) return null;
      if (part.startsWith(':')) {
        if (segment === '') return null;
        try {
          params[part.slice(1)] = decodeURIComponent(segment);
        } catch {
          return null;
        }
      } else if (part !== segment) return null;
    }
    return segments.length === parts.length ? params : null;
  };
}
