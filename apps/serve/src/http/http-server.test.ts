import { request, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.js';
import { connectOutcome } from '../testing/serve-process.js';
import { startHttpServer, type Route } from './http-server.js';

const limits = { maxBodyBytes: 1024, timeoutMs: 60_000, shutdownGraceMs: 30_000 };

function send(url: string, method: string, body?: string): Promise<{ status: number; json: any; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined, res }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const echo: Route = { method: 'POST', path: '/echo', body: 'json', summary: 'echo', handle: ({ body }) => ({ got: body }) };

describe('startHttpServer', () => {
  it('routes JSON, answers /health, and gives 404 and 405 as JSON errors', async () => {
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [echo], limits, health: () => ({ service: 'test' }) });
    try {
      expect((await send(`${server.url}/echo?x=1`, 'POST', '{"a":[1]}')).json).toEqual({ got: { a: [1] } });
      const health = await send(`${server.url}/health`, 'GET');
      expect(health.json).toMatchObject({ status: 'ok', in_flight: 0, routes: ['GET /health', 'POST /echo'], service: 'test' });
      const missing = await send(`${server.url}/nope`, 'POST', '{}');
      expect(missing.status).toBe(404);
      expect(missing.json.error.message).toMatch(/no route POST \/nope; routes: GET \/health, POST \/echo/);
      const wrong = await send(`${server.url}/echo`, 'GET');
      expect(wrong.status).toBe(405);
      expect(wrong.json.error.message).toBe('GET is not allowed on /echo; use POST');
    } finally {
      await server.close();
    }
  });

  it('refuses a route declared twice', async () => {
    await expect(startHttpServer({ host: '127.0.0.1', port: 0, routes: [echo, echo], limits })).rejects.toThrow(/declared twice/);
  });

  it('answers a handler that outlives --timeout-ms with a 503 and aborts its signal', async () => {
    let aborted: unknown;
    const stuck: Route = {
      method: 'POST',
      path: '/stuck',
      body: 'none',
      summary: 'never finishes on its own',
      handle: ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            reject(signal.reason);
          }),
        ),
    };
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [stuck], limits: { ...limits, timeoutMs: 200 } });
    try {
      const reply = await send(`${server.url}/stuck`, 'POST');
      expect(reply.status).toBe(503);
      expect(reply.res.headers['retry-after']).toBe('1');
      expect(reply.json.error).toMatchObject({ type: 'timeout', message: 'request took longer than 200 ms (--timeout-ms)' });
      expect(aborted).toBeInstanceOf(HttpError);
    } finally {
      await server.close();
    }
  });

  it('parses a body that starts with a byte-order mark and hands the query to the handler', async () => {
    const both: Route = { method: 'POST', path: '/both', body: 'json', summary: 'echo', handle: ({ body, query }) => ({ body, x: query.getAll('x') }) };
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [both], limits });
    try {
      const reply = await send(`${server.url}/both?x=1&x=%C3%A9`, 'POST', '\ufeff{"a":"é"}');
      expect(reply.json).toEqual({ body: { a: 'é' }, x: ['1', 'é'] });
    } finally {
      await server.close();
    }
  });

  it('aborts the signal of a handler whose client went away, also when read after that', async () => {
    const reasons: unknown[] = [];
    let arrived!: () => void;
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    const late: Route = {
      method: 'POST',
      path: '/late',
      body: 'json',
      summary: 'reads its signal only after the client left',
      handle: async (ctx) => {
        arrived();
        await new Promise((r) => setTimeout(r, 150));
        reasons.push(ctx.signal.aborted ? ctx.signal.reason : 'not aborted');
        return { late: true };
      },
    };
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [late], limits });
    try {
      const req = request(`${server.url}/late`, { method: 'POST' });
      req.on('error', () => {});
      req.end('{}');
      await inHandler;
      req.destroy();
      await until(() => reasons.length === 1);
      expect(reasons[0]).toBeInstanceOf(HttpError);
      expect((reasons[0] as HttpError).message).toBe('client closed the connection');
      expect(server.inFlight()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('gives each request its own full time limit, however the requests before it fare', async () => {
    const stuck: Route = { method: 'POST', path: '/stuck', body: 'json', summary: 'never finishes', handle: () => new Promise(() => {}) };
    const quickRoute: Route = { method: 'POST', path: '/quick', body: 'json', summary: 'answers at once', handle: () => ({ ok: true }) };
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [stuck, quickRoute], limits: { ...limits, timeoutMs: 300 } });
    try {
      const first = send(`${server.url}/stuck`, 'POST', '{}');
      await new Promise((r) => setTimeout(r, 150));
      expect((await send(`${server.url}/quick`, 'POST', '{}')).json).toEqual({ ok: true });
      const sent = performance.now();
      const second = send(`${server.url}/stuck`, 'POST', '{}');
      expect((await first).status).toBe(503);
      const reply = await second;
      expect(reply.status).toBe(503);
      // Expired by its own deadline, not swept out with the first request.
      expect(performance.now() - sent).toBeGreaterThanOrEqual(290);
      expect(server.inFlight()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('reports unexpected errors as a 500 and logs them', async () => {
    const lines: string[] = [];
    const broken: Route = { method: 'GET', path: '/broken', summary: 'throws', handle: () => { throw new TypeError('boom'); } };
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [broken], limits, log: (l) => lines.push(l) });
    try {
      const reply = await send(`${server.url}/broken`, 'GET');
      expect(reply.status).toBe(500);
      expect(reply.json.error).toMatchObject({ type: 'server_error', message: 'internal error: boom' });
      expect(lines.join('\n')).toMatch(/GET \/broken: TypeError: boom/);
    } finally {
      await server.close();
    }
  });

  it('closes gracefully: new connections are refused while an in-flight request finishes', async () => {
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [echo], limits });
    const body = '{"slow": "upload"}';
    let resolveReply!: (value: { status: number; json: any; connection: unknown }) => void;
    const reply = new Promise<{ status: number; json: any; connection: unknown }>((resolve) => (resolveReply = resolve));
    // A client that has sent its headers and half its body is in flight.
    const req = request(`${server.url}/echo`, { method: 'POST', headers: { 'Content-Length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolveReply({ status: res.statusCode!, json: JSON.parse(text), connection: res.headers.connection }));
    });
    req.flushHeaders();
    req.write(body.slice(0, 8));
    await until(() => server.inFlight() === 1);
    const closed = server.close();
    expect(await connectOutcome(server.port)).toBe('ECONNREFUSED');
    req.end(body.slice(8));
    expect(await reply).toEqual({ status: 200, json: { got: { slow: 'upload' } }, connection: 'close' });
    await closed;
  });
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}
