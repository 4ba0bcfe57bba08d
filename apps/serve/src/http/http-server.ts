import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from './http-error.js';
import { readJsonBody } from './json-body.js';

/** What a route handler gets: the parsed JSON body (for `body: 'json'` routes) and an abort signal. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly body: unknown;
  /** Aborted when the per-request timeout fires or the client goes away. */
  readonly signal: AbortSignal;
}

/** Returned by a handler that wrote the response itself (a stream, a page). */
export const HANDLED: unique symbol = Symbol('handled');

/** One route: method, exact path, whether it reads a JSON body, and the handler whose value is sent as JSON 200. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: 'json' | 'none';
  /** One line for `GET /health` and the README. */
  readonly summary: string;
  handle(ctx: RouteContext): unknown;
}

/** Limits every request obeys. */
export interface HttpLimits {
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
  /** Where unexpected errors are reported (one line each). */
  readonly log?: (line: string) => void;
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
    if (reply.status === 503) headers['Retry-After'] = '1';
    send(res, reply.status, reply.toJSON(), headers);
  }

  function send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    // While shutting down, every answer closes its connection, also for requests that came in before.
    sendJson(res, status, value, closing ? { ...headers, Connection: 'close' } : headers);
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const route = table.get(`${req.method} ${path}`);
    if (!route) {
      const allowed = [...table.values()].filter((r) => r.path === path).map((r) => r.method);
      if (allowed.length > 0) {
        fail(req, res, new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use ${allowed.join(' or ')}`, null, 'method_not_allowed'));
      } else {
        fail(req, res, new HttpError(404, 'not_found', `no route ${req.method} ${path}; routes: ${[...table.keys()].join(', ')}`, null, 'not_found'));
      }
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const error = new HttpError(503, 'timeout', `request took longer than ${limits.timeoutMs} ms (--timeout-ms)`, null, 'timeout');
      controller.abort(error);
      fail(req, res, error);
    }, limits.timeoutMs);
    const onClose = () => {
      if (!res.writableEnded) controller.abort(new HttpError(499, 'invalid_request_error', 'client closed the connection'));
    };
    res.once('close', onClose);
    try {
      const body = route.body === 'json' ? await readJsonBody(req, limits.maxBodyBytes, controller.signal) : undefined;
      const value = await route.handle({ req, res, body, signal: controller.signal });
      if (value !== HANDLED) send(res, 200, value);
    } catch (error) {
      fail(req, res, error);
    } finally {
      clearTimeout(timer);
      res.off('close', onClose);
    }
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
