import { randomInt, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  chatCompletion,
  chatCompletionChunk,
  chatCompletionRequest,
  ChatRequestError,
  chatRequestToJob,
  chatUsage,
  type ChatCompletionMeta,
  type ChatJob,
} from '@spatial-ssrl/bench';
import { ModelError, QueueFullError, type GenerationResult } from '@spatial-ssrl/model';
import { HttpError, invalidBody } from '../http/http-error.js';
import { HANDLED, type Route, type RouteContext } from '../http/http-server.js';
import type { ServedModel } from '../model/served-model.js';

/** Limits of the model routes. */
export interface ModelRouteSettings {
  /** The served checkpoint; without one the routes answer 503. */
  readonly model?: ServedModel;
  /** Most images in one request (more is a 413). */
  readonly maxImages: number;
  /** Most pixels of one image (more is a 413). */
  readonly maxImagePixels: number;
  /** Largest `n`. */
  readonly maxN: number;
  /** A directory `file:` image URLs may point into. */
  readonly localMediaDir?: string;
}

const NO_MODEL =
  'no model is loaded: this server was started without a checkpoint. Start it with one, e.g. `pnpm ssrl-serve --checkpoint runs/demo/sft` (a checkpoint directory or a training run folder holding checkpoint/)';

function requireModel(settings: ModelRouteSettings): ServedModel {
  if (!settings.model) throw new HttpError(503, 'service_unavailable', NO_MODEL, null, 'model_not_loaded', 60);
  return settings.model;
}

function modelCard(model: ServedModel) {
  return {
    id: model.name,
    object: 'model',
    created: model.created,
    owned_by: 'spatial-ssrl',
    max_model_len: model.config.maxAnswerTokens,
  };
}

/** Maps scheduler and request errors to OpenAI-style HTTP errors. */
function httpErrorOf(error: unknown): unknown {
  if (error instanceof ChatRequestError) {
    return new HttpError(error.reason === 'too-large' ? 413 : 400, error.reason === 'too-large' ? 'payload_too_large' : 'invalid_request_error', error.message, error.param, error.reason === 'too-large' ? 'too_large' : 'invalid_value');
  }
  if (error instanceof QueueFullError) {
    return new HttpError(429, 'rate_limit_exceeded', `${error.message} (--max-queue)`, null, 'queue_full', Math.ceil(error.retryAfterMs / 1000));
  }
  if (error instanceof ModelError && error.code === 'shut-down') return new HttpError(503, 'shutting_down', 'the server is shutting down', null, 'shutting_down', 5);
  if (error instanceof ModelError && (error.code === 'bad-input' || error.code === 'context-overflow')) {
    return new HttpError(400, 'invalid_request_error', error.message, 'messages', error.code);
  }
  return error;
}

/** Writes a chat completion as server-sent events while it is generated: role, content deltas, finish reasons, optional usage, `[DONE]`. */
class ChatStream {
  private started = false;
  private readonly opened = new Set<number>();

  constructor(
    private readonly res: ServerResponse,
    private readonly meta: ChatCompletionMeta,
    private readonly job: ChatJob,
  ) {}

  private event(value: unknown): void {
    this.res.write(`data: ${JSON.stringify(value)}\n\n`);
  }

  private chunk(choice: Parameters<typeof chatCompletionChunk>[1]): void {
    this.event(chatCompletionChunk(this.meta, choice, this.job.includeUsage ? null : undefined));
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
  }

  private open(index: number): void {
    this.start();
    if (this.opened.has(index)) return;
    this.opened.add(index);
    this.chunk({ index, delta: { role: 'assistant', content: '' } });
  }

  text(index: number, delta: string): void {
    this.open(index);
    this.chunk({ index, delta: { content: delta } });
  }

  finish(result: GenerationResult): void {
    result.samples.forEach((s, index) => {
      this.open(index);
      this.chunk({ index, delta: {}, finishReason: s.finishReason });
    });
    if (this.job.includeUsage) this.event(chatCompletionChunk(this.meta, null, chatUsage(result.promptTokens, result.samples)));
    this.res.end('data: [DONE]\n\n');
  }

  /** Whether the reply has begun (an error must then travel as an event, not as a status). */
  get begun(): boolean {
    return this.started;
  }

  fail(error: HttpError): void {
    this.event(error.toJSON());
    this.res.end('data: [DONE]\n\n');
  }
}

async function chat(settings: ModelRouteSettings, { body, res, signal }: RouteContext): Promise<unknown> {
  const model = requireModel(settings);
  const parsed = chatCompletionRequest.safeParse(body);
  if (!parsed.success) throw invalidBody(parsed.error, body);
  if (parsed.data.model !== model.name) {
    throw new HttpError(404, 'invalid_request_error', `the model \`${parsed.data.model}\` does not exist; this server serves \`${model.name}\` (GET /v1/models)`, 'model', 'model_not_found');
  }
  const meta: ChatCompletionMeta = { id: `chatcmpl-${randomUUID().replaceAll('-', '')}`, created: Math.floor(Date.now() / 1000), model: model.name, systemFingerprint: model.fingerprint };
  let job: ChatJob;
  try {
    job = await chatRequestToJob(parsed.data, meta.id, {
      maxImages: settings.maxImages,
      maxImagePixels: settings.maxImagePixels,
      maxN: settings.maxN,
      defaultMaxTokens: model.config.maxAnswerTokens,
      localMediaDir: settings.localMediaDir,
      randomSeed: () => randomInt(0, 2 ** 32),
    });
  } catch (error) {
    throw httpErrorOf(error);
  }
  const stream = job.stream ? new ChatStream(res, meta, job) : undefined;
  let result: GenerationResult;
  try {
    result = await model.scheduler.submit({ request: job.request, sampling: job.sampling, stop: job.stop, signal, onText: stream ? (i, d) => stream.text(i, d) : undefined });
  } catch (error) {
    const http = httpErrorOf(signal.aborted ? signal.reason : error);
    if (stream?.begun) {
      stream.fail(http instanceof HttpError ? http : new HttpError(500, 'server_error', `internal error: ${(http as Error)?.message ?? String(http)}`));
      return HANDLED;
    }
    throw http;
  }
  if (!stream) return chatCompletion(meta, result.samples, result.promptTokens);
  stream.finish(result);
  return HANDLED;
}

/** `POST /v1/chat/completions` and `GET /v1/models` (OpenAI's shapes), answered by the served checkpoint. */
export function modelRoutes(settings: ModelRouteSettings): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/chat/completions',
      body: 'json',
      accepts: ['application/json'],
      auth: true,
      summary: 'OpenAI chat completions from the checkpoint (n, seed, stop, streaming)',
      handle: (ctx) => chat(settings, ctx),
    },
    {
      method: 'GET',
      path: '/v1/models',
      auth: true,
      summary: 'the served model, in OpenAI\'s list shape',
      handle: () => ({ object: 'list', data: [modelCard(requireModel(settings))] }),
    },
    {
      method: 'GET',
      path: '/v1/models/*id',
      auth: true,
      summary: 'one model by name',
      handle: ({ params }) => {
        const model = requireModel(settings);
        if (params.id !== model.name) throw new HttpError(404, 'invalid_request_error', `the model \`${params.id}\` does not exist; this server serves \`${model.name}\``, 'model', 'model_not_found');
        return modelCard(model);
      },
    },
  ];
}
