import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat request as the test server saw it. */
export interface TestChatRequest {
  /** The parsed JSON body. */
  readonly body: Record<string, unknown>;
  /** All text parts of the user message, joined. */
  readonly prompt: string;
  /** Number of image parts. */
  readonly images: number;
  /** Byte length of each image part's data URL payload (base64 decoded). */
  readonly imageBytes: readonly number[];
  readonly n: number;
  readonly seed: number;
  readonly temperature: number;
  /** 1-based count of requests with this prompt so far, this one included. */
  readonly attempt: number;
}

/** A fault the server can inject instead of answering. */
export type TestFault =
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'hang' };

/** Options of {@link startOpenAiTestServer}. */
export interface OpenAiTestServerOptions {
  /** Answer text for sample `k` of a request; default echoes `answer:<prompt>#<seed+k>`. */
  readonly respond?: (req: TestChatRequest, sample: number) => string;
  /** Delay before answering, ms (default 0). */
  readonly latencyMs?: number;
  /** Fault to inject for a request, or `undefined` to answer normally. */
  readonly fault?: (req: TestChatRequest) => TestFault | undefined;
  /** `ignore`: answer `n` > 1 with one choice (Ollama-like); `reject`: HTTP 400; default `honour`. */
  readonly nMode?: 'honour' | 'ignore' | 'reject';
}

/** Counters kept by the test server. */
export interface OpenAiTestServerStats {
  /** Chat requests received. */
  requests: number;
  /** Requests answered with HTTP 200. */
  answered: number;
  /** Requests being handled right now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
  /** Requests per prompt text. */
  readonly byPrompt: Map<string, number>;
  /** Every request seen, in arrival order. */
  readonly log: TestChatRequest[];
}

/** A running test server: `baseUrl` ends in `/v1`. */
export interface OpenAiTestServer {
  readonly baseUrl: string;
  readonly stats: OpenAiTestServerStats;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseChat(body: Record<string, unknown>, attempts: Map<string, number>): TestChatRequest {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as { content?: unknown }[]) : [];
  const content = messages.at(-1)?.content;
  const parts = Array.isArray(content) ? (content as Record<string, unknown>[]) : [{ type: 'text', text: String(content ?? '') }];
  let prompt = '';
  const imageBytes: number[] = [];
  for (const p of parts) {
    if (p['type'] === 'text') prompt += String(p['text'] ?? '');
    else if (p['type'] === 'image_url') {
      const url = String((p['image_url'] as { url?: unknown } | undefined)?.url ?? '');
      imageBytes.push(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').length);
    }
  }
  const attempt = (attempts.get(prompt) ?? 0) + 1;
  attempts.set(prompt, attempt);
  return {
    body,
    prompt,
    images: imageBytes.length,
    imageBytes,
    n: typeof body['n'] === 'number' ? body['n'] : 1,
    seed: typeof body['seed'] === 'number' ? body['seed'] : 0,
    temperature: typeof body['temperature'] === 'number' ? body['temperature'] : Number.NaN,
    attempt,
  };
}

/**
 * Starts an OpenAI-compatible `/v1/chat/completions` server on 127.0.0.1 (ephemeral port) that
 * answers from a script, with configurable latency and injected faults (HTTP errors, 429 with
 * `Retry-After`, malformed JSON, hangs). For testing clients over real HTTP.
 */
export async function startOpenAiTestServer(options: OpenAiTestServerOptions = {}): Promise<OpenAiTestServer> {
  const stats: OpenAiTestServerStats = { requests: 0, answered: 0, inFlight: 0, maxInFlight: 0, byPrompt: new Map(), log: [] };
  const attempts = new Map<string, number>();
  const respond = options.respond ?? ((req, k) => `answer:${req.prompt}#${req.seed + k}`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let hung = false;
    try {
      const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      const chat = parseChat(body, attempts);
      stats.log.push(chat);
      stats.byPrompt.set(chat.prompt, (stats.byPrompt.get(chat.prompt) ?? 0) + 1);
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const fault = options.fault?.(chat);
      if (fault?.kind === 'hang') {
        hung = true;
        res.on('close', () => stats.inFlight--);
        return;
      }
      if (fault?.kind === 'status') {
        res.writeHead(fault.status, { 'content-type': 'application/json' }).end(fault.body ?? JSON.stringify({ error: { message: `injected ${fault.status}` } }));
        return;
      }
      if (fault?.kind === 'rate-limit') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) }).end(JSON.stringify({ error: { message: 'slow down' } }));
        return;
      }
      if (fault?.kind === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [{"message": {"content": "trunc');
        return;
      }
      const mode = options.nMode ?? 'honour';
      if (chat.n > 1 && mode === 'reject') {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: "'n' > 1 is not supported" } }));
        return;
      }
      const count = chat.n > 1 && mode === 'ignore' ? 1 : chat.n;
      const choices = Array.from({ length: count }, (_, k) => ({
        index: k,
        message: { role: 'assistant', content: respond(chat, k) },
        finish_reason: 'stop',
      }));
      stats.answered++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `chatcmpl-${stats.requests}`, object: 'chat.completion', choices }));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(err) } }));
    } finally {
      if (!hung) stats.inFlight--;
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    stats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
