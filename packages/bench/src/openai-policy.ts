import { z } from 'zod';
import { abortableSleep } from './abort-fanout.js';
import { BenchError } from './errors.js';
import { buildChatContent, type ChatContentPart, type ImageWireFormat } from './openai-content.js';
import { POLICY_SPECIFICATION_VERSION, type Policy, type PolicyCompletion, type PolicyOutput, type PolicyRequest, type SamplingParams, policyError } from '@spatial-ssrl/spec';
import { EndpointPool } from './endpoint-pool.js';

/** Options of {@link openAiPolicy}. */
export const openAiPolicyOptions = z.object({
  /**
   * Server root including the API prefix, e.g. `http://127.0.0.1:8000/v1`, or several servers of
   * the same model: each request goes to the live one with the fewest requests in flight.
   */
  baseUrl: z.union([z.string().url(), z.array(z.string().url()).min(1)]),
  /** Model name sent in every request. */
  model: z.string().min(1),
  apiKey: z.string().optional(),
  /** HTTP requests in flight at once per server (fan-out requests included); default 8. */
  concurrency: z.number().int().positive().default(8),
  /** Per-request timeout in ms (body included); default 120,000. */
  timeoutMs: z.number().int().positive().default(120_000),
  /** Retries after the first attempt on 429, 5xx, timeouts, network errors and malformed bodies; default 5. */
  maxRetries: z.number().int().nonnegative().default(5),
  /** Whether the server honours `n` > 1 (vLLM, SGLang do; Ollama, LMDeploy do not); default true. */
  supportsN: z.boolean().default(true),
  /** How images are sent; never resized. Default `original`. */
  imageFormat: z.enum(['original', 'png', 'jpeg']).default('original'),
  /** Back-off base in ms: attempt k waits a uniform random time in [0, min(max, base·2^k)]; default 500. */
  retryBaseMs: z.number().nonnegative().default(500),
  /** Back-off ceiling in ms (also caps `Retry-After`); default 30,000. */
  retryMaxDelayMs: z.number().nonnegative().default(30_000),
  /** Pause of a server taken out after a failed connection or a timeout, ms; doubles with each failed probe up to 60,000; default 1,000. */
  endpointCooldownMs: z.number().nonnegative().default(1000),
  /** Identifier for caches and reports; default `openai:<model>` (the same whatever the servers). */
  id: z.string().min(1).optional(),
});
/** Input of {@link openAiPolicy} (defaults applied by the schema). */
export type OpenAiPolicyOptions = z.input<typeof openAiPolicyOptions>;

const chatResponse = z.object({
  choices: z
    .array(
      z.object({
        index: z.number().int().optional(),
        message: z.object({
          content: z.union([z.string(), z.null(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

type Attempt =
  | { kind: 'ok'; outputs: PolicyOutput[] }
  | { kind: 'transient'; message: string; retryAfterMs?: number; endpointDown?: boolean }
  | { kind: 'final'; message: string; status?: number };

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function excerpt(body: string): string {
  const t = body.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

function contentText(content: z.infer<typeof chatResponse>['choices'][number]['message']['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => p.text ?? '').join('');
}

function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (err === signal.reason || (err as Error)?.name === 'AbortError');
}

/**
 * A {@link Policy} backed by an OpenAI-compatible `/chat/completions` server (vLLM, SGLang,
 * LMDeploy, Ollama, hosted APIs). Sampling settings are always sent explicitly; requests run
 * with bounded concurrency and retry with full-jitter exponential back-off (honouring
 * `Retry-After`); an item that still fails gets a per-item `error` — items are never dropped.
 * With `n` > 1 on a server without `n` support, the item fans out into `n` requests with seeds
 * `seed, seed+1, …`.
 */
export function openAiPolicy(options: OpenAiPolicyOptions): Policy {
  const parsed = openAiPolicyOptions.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BenchError('BAD_ARGUMENT', `openAiPolicy: ${issue.path.join('.') || 'options'}: ${issue.message}`);
  }
  const o = parsed.data;
  const urls = (Array.isArray(o.baseUrl) ? o.baseUrl : [o.baseUrl]).map((u) => u.replace(/\/+$/, ''));
  const pool = new EndpointPool(urls, { perEndpoint: o.concurrency, cooldownMs: o.endpointCooldownMs });
  const where = (base: string) => (urls.length > 1 ? ` (${base})` : '');
  let nSupported = o.supportsN;

  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.apiKey) headers['authorization'] = `Bearer ${o.apiKey}`;

  async function attempt(content: ChatContentPart[], sampling: SamplingParams, n: number, seed: number, signal?: AbortSignal): Promise<Attempt> {
    const body = JSON.stringify({
      model: o.model,
      messages: [{ role: 'user', content }],
      temperature: sampling.temperature,
      top_p: sampling.topP,
      max_tokens: sampling.maxTokens,
      seed,
      n,
    });
    const lease = await pool.acquire(signal);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const timeout = AbortSignal.timeout(o.timeoutMs);
      const res = await fetch(`${lease.url}/chat/completions`, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      if (isAbort(err, signal)) {
        lease.release('ok');
        throw err;
      }
      // No connection or no answer in time: take the server out of rotation for a while.
      lease.release('down');
      const name = (err as Error)?.name;
      const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
      const detail = cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
      const msg = name === 'TimeoutError' ? `no response within ${o.timeoutMs} ms` : `network error: ${detail}`;
      return { kind: 'transient', message: msg + where(lease.url), endpointDown: true };
    }
    // A gateway that cannot reach its model server answers 502/503/504: that server is down too.
    const gatewayDown = status === 502 || status === 503 || status === 504;
    lease.release(gatewayDown ? 'down' : 'ok');
    if (status === 429 || status === 408 || status >= 500) {
      const after = retryAfterMs(retryAfter);
      return {
        kind: 'transient',
        message: `HTTP ${status}${where(lease.url)}: ${excerpt(text)}`,
        ...(after !== undefined ? { retryAfterMs: after } : {}),
        ...(gatewayDown ? { endpointDown: true } : {}),
      };
    }
    if (status < 200 || status >= 300) return { kind: 'final', message: `HTTP ${status}: ${excerpt(text)}`, status };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'transient', message: `malformed JSON body: ${excerpt(text)}` };
    }
    const r = chatResponse.safeParse(json);
    if (!r.success) return { kind: 'transient', message: `unexpected response shape (${r.error.issues[0]!.message}): ${excerpt(text)}` };
    const choices = [...r.data.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return { kind: 'ok', outputs: choices.map((c) => ({ text: contentText(c.message.content), finishReason: c.finish_reason ?? 'unknown' })) };
  }

  // A request whose server went down moves to another live server at once, without counting as
  // a retry; the bound keeps a fleet whose servers all keep failing from looping.
  const maxSwitches = 2 * urls.length;
  async function withRetries(content: ChatContentPart[], sampling: SamplingParams, n: number, seed: number, signal?: AbortSignal): Promise<Attempt> {
    let switches = 0;
    for (let k = 0; ; k++) {
      const a = await attempt(content, sampling, n, seed, signal);
      if (a.kind !== 'transient') return a;
      if (a.endpointDown && urls.length > 1 && switches < maxSwitches && pool.live > 0) {
        switches++;
        k--;
        continue;
      }
      if (k >= o.maxRetries) return { kind: 'transient', message: `${a.message} (gave up after ${k + 1 + switches} attempts)` };
      const ceiling = Math.min(o.retryMaxDelayMs, o.retryBaseMs * 2 ** k);
      const wait = a.retryAfterMs !== undefined ? Math.min(a.retryAfterMs, o.retryMaxDelayMs) : Math.random() * ceiling;
      await abortableSleep(wait, signal);
    }
  }

  type Failure = Exclude<Attempt, { kind: 'ok' }>;

  async function fanOut(content: ChatContentPart[], sampling: SamplingParams, from: number, signal?: AbortSignal): Promise<PolicyOutput[] | Failure> {
    const results = await Promise.all(
      Array.from({ length: sampling.n - from }, (_, j) => withRetries(content, sampling, 1, sampling.seed + from + j, signal)),
    );
    const outputs: PolicyOutput[] = [];
    for (const r of results) {
      if (r.kind !== 'ok') return r;
      outputs.push(r.outputs[0]!);
    }
    return outputs;
  }

  async function runItem(req: PolicyRequest, sampling: SamplingParams, signal?: AbortSignal): Promise<PolicyCompletion> {
    let content: ChatContentPart[];
    try {
      content = await buildChatContent(req.prompt, req.images, o.imageFormat);
    } catch (err) {
      return { id: req.id, outputs: [], error: policyError('final', `bad request input: ${(err as Error).message}`) };
    }
    let outputs: PolicyOutput[] = [];
    if (sampling.n > 1 && nSupported) {
      const a = await withRetries(content, sampling, sampling.n, sampling.seed, signal);
      if (a.kind === 'ok') {
        outputs = a.outputs.slice(0, sampling.n);
        // A server that ignores `n` answers once; ask the rest one by one from now on.
        if (outputs.length < sampling.n) nSupported = false;
      } else if (a.kind === 'final' && (a.status === 400 || a.status === 422)) nSupported = false;
      else return { id: req.id, outputs: [], error: policyError(a.kind, a.message) };
    }
    if (outputs.length < sampling.n) {
      const more = await fanOut(content, sampling, outputs.length, signal);
      if (!Array.isArray(more)) return { id: req.id, outputs: [], error: policyError(more.kind, more.message) };
      outputs = [...outputs, ...more];
    }
    return { id: req.id, outputs };
  }

  return {
    specificationVersion: POLICY_SPECIFICATION_VERSION,
    id: o.id ?? `openai:${o.model}`,
    async generate(requests, sampling, opts = {}) {
      if (!Number.isInteger(sampling.n) || sampling.n < 1) throw new BenchError('BAD_ARGUMENT', `sampling.n must be a positive integer, got ${sampling.n}`);
      const { signal, onResult } = opts;
      signal?.throwIfAborted();
      try {
        return await Promise.all(
          requests.map(async (req) => {
            const c = await runItem(req, sampling, signal);
            onResult?.(c);
            return c;
          }),
        );
      } catch (err) {
        // Whatever was interrupted first (a fetch, a back-off sleep), report the caller's reason.
        if (signal?.aborted) throw signal.reason;
        throw err;
      }
    },
  };
}
