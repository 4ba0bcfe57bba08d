import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageSize } from '@spatial-ssrl/image';
import { IMAGE_PLACEHOLDER, type PolicyImage, type PolicyRequest, type SamplingParams } from '@spatial-ssrl/spec';
import { z } from 'zod';
import { BenchError } from './errors.js';
import { toPolicyImage } from './io/images.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const contentPart = z.object({ type: z.string() }).loose();

const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant'], { error: 'must be one of system, developer, user, assistant' }),
  content: z.union([z.string(), z.array(contentPart), z.null()], { error: 'must be a string or an array of content parts' }),
});

const notSupported = (what: string) => ({ error: `${what} is not supported by this server` });

/**
 * The body of an OpenAI `POST /v1/chat/completions` request as this toolkit serves it: ranges as
 * OpenAI documents them; features a small policy cannot honour (tools, log-probs, penalties,
 * logit bias, JSON modes) are refused rather than silently ignored; unknown fields are ignored.
 */
export const chatCompletionRequest = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1, 'needs at least one message'),
  n: z.number().int().min(1).optional(),
  seed: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer').optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4, 'at most 4 stop sequences')]).nullish(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  logprobs: z.literal(false, notSupported('logprobs')).nullish(),
  top_logprobs: z.null(notSupported('top_logprobs')).optional(),
  frequency_penalty: z.literal(0, notSupported('a non-zero frequency_penalty')).nullish(),
  presence_penalty: z.literal(0, notSupported('a non-zero presence_penalty')).nullish(),
  logit_bias: z.record(z.string(), z.number()).refine((v) => Object.keys(v).length === 0, 'is not supported by this server').nullish(),
  response_format: z.object({ type: z.literal('text', notSupported('a response_format other than text')) }).nullish(),
  tools: z.array(z.unknown()).max(0, 'are not supported by this server').nullish(),
  tool_choice: z.literal('none', notSupported('tool_choice')).nullish(),
  user: z.string().optional(),
});
/** A parsed chat completion request. */
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

/** Why a chat request cannot be served: `invalid` (a 400) or `too-large` (a 413); `param` names the field. */
export class ChatRequestError extends BenchError {
  readonly reason: 'invalid' | 'too-large';
  readonly param: string;
  constructor(reason: 'invalid' | 'too-large', param: string, message: string, options?: { cause?: unknown }) {
    super('POLICY_INPUT', `${param}: ${message}`, options);
    this.name = 'ChatRequestError';
    this.reason = reason;
    this.param = param;
  }
}

/** Limits and defaults of {@link chatRequestToJob}. */
export interface ChatRequestLimits {
  /** Most images in one request (more is `too-large`). */
  readonly maxImages: number;
  /** Most pixels of one image, read from its header before decoding (more is `too-large`). */
  readonly maxImagePixels: number;
  /** Largest `n`. */
  readonly maxN: number;
  /** `max_tokens` when the request gives none. */
  readonly defaultMaxTokens: number;
  /** A directory `file:` image URLs may point into; without it they are refused. */
  readonly localMediaDir?: string;
  /** The seed of a request that names none (OpenAI picks one at random). */
  readonly randomSeed: () => number;
}

/** What a policy needs to answer a chat request. */
export interface ChatJob {
  readonly request: PolicyRequest;
  readonly sampling: SamplingParams;
  readonly stop: readonly string[];
  readonly stream: boolean;
  /** Send a final usage chunk on a stream (`stream_options.include_usage`). */
  readonly includeUsage: boolean;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,=]+=[^;,]*)*)(;base64)?,/i;

/** Reads the bytes of an image URL: a `data:` URL, or a `file:` URL inside `localMediaDir`. */
async function imageBytes(url: string, param: string, localMediaDir: string | undefined): Promise<Uint8Array> {
  const data = DATA_URL.exec(url);
  if (data) {
    const mime = data[1].toLowerCase();
    if (!mime.startsWith('image/')) throw new ChatRequestError('invalid', param, `a data URL of type ${mime || 'text/plain'} is not an image; send data:image/png;base64,… or data:image/jpeg;base64,…`);
    if (!data[3]) throw new ChatRequestError('invalid', param, 'image data URLs must be base64 encoded (data:image/…;base64,…)');
    const payload = url.slice(data[0].length);
    const buf = Buffer.from(payload, 'base64');
    // Node skips characters outside the alphabet: a payload that decodes short holds some.
    const unpadded = payload.endsWith('==') ? payload.length - 2 : payload.endsWith('=') ? payload.length - 1 : payload.length;
    if (buf.length !== Math.floor((unpadded * 3) / 4)) {
      throw new ChatRequestError('invalid', param, 'the data URL payload is not valid base64');
    }
    if (buf.length === 0) throw new ChatRequestError('invalid', param, 'the data URL holds no bytes');
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  if (/^https?:/i.test(url)) throw new ChatRequestError('invalid', param, 'http(s) image URLs are not fetched by this server; send the image as a data URL');
  if (/^file:/i.test(url)) {
    if (!localMediaDir) throw new ChatRequestError('invalid', param, 'file: image URLs are refused unless the server allows a local media directory');
    let path: string;
    try {
      path = await realpath(fileURLToPath(url));
    } catch (cause) {
      throw new ChatRequestError('invalid', param, `cannot read ${url}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause });
    }
    const root = await realpath(localMediaDir);
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
      throw new ChatRequestError('invalid', param, 'the file is outside the directory the server allows');
    }
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  throw new ChatRequestError('invalid', param, `unsupported image URL scheme ${url.slice(0, 16)}…; send a data URL`);
}

async function checkedImage(bytes: Uint8Array, param: string, maxPixels: number): Promise<PolicyImage> {
  let size;
  try {
    size = await imageSize(bytes);
  } catch (cause) {
    throw new ChatRequestError('invalid', param, `not a readable image (${(cause as Error).message})`, { cause });
  }
  if (size.width * size.height > maxPixels) {
    throw new ChatRequestError('too-large', param, `image of ${size.width}×${size.height} (${size.width * size.height} pixels) exceeds the limit of ${maxPixels} pixels`);
  }
  try {
    return await toPolicyImage(bytes);
  } catch (cause) {
    throw new ChatRequestError('invalid', param, `cannot decode the image (${(cause as Error).message})`, { cause });
  }
}

/**
 * Turns a parsed chat request into a policy request and sampling settings. The prompt is the text
 * of every message in order (joined by a newline; the policy has no chat template), with one
 * `<image>` placeholder where each image part stands — the inverse of `buildChatContent`.
 * Images are data URLs (or `file:` URLs inside `localMediaDir`); their count and pixel sizes are
 * checked before any is decoded; formats other than PNG and JPEG are re-encoded to PNG.
 * Sampling follows OpenAI's defaults (temperature 1, top-p 1, n 1); `top_p` 0 keeps only the most
 * likely token; a seed is folded to 32 bits. Throws {@link ChatRequestError}.
 */
export async function chatRequestToJob(body: ChatCompletionRequest, id: string, limits: ChatRequestLimits): Promise<ChatJob> {
  const texts: string[] = [];
  const images: { url: string; param: string }[] = [];
  body.messages.forEach((m, i) => {
    let text = '';
    const parts = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
    parts.forEach((part, k) => {
      const param = `messages[${i}].content[${k}]`;
      const asText = textPart.safeParse(part);
      if (asText.success) {
        if (/<image\d*>/.test(asText.data.text)) {
          throw new ChatRequestError('invalid', typeof m.content === 'string' ? `messages[${i}].content` : `${param}.text`, 'text must not hold image placeholders (<image>); send each image as an image_url part where it belongs');
        }
        text += asText.data.text;
        return;
      }
      const asImage = imagePart.safeParse(part);
      if (asImage.success) {
        if (m.role !== 'user') throw new ChatRequestError('invalid', param, `images are only accepted in user messages, not ${m.role}`);
        images.push({ url: asImage.data.image_url.url, param: `${param}.image_url.url` });
        text += IMAGE_PLACEHOLDER;
        return;
      }
      const type = (part as { type: string }).type;
      throw new ChatRequestError('invalid', `${param}.type`, type === 'text' || type === 'image_url' ? `malformed ${type} part` : `content parts of type ${type} are not supported; use text and image_url`);
    });
    texts.push(text);
  });
  if (images.length > limits.maxImages) {
    throw new ChatRequestError('too-large', 'messages', `${images.length} images exceed the limit of ${limits.maxImages} per request`);
  }
  const n = body.n ?? 1;
  if (n > limits.maxN) throw new ChatRequestError('invalid', 'n', `${n} exceeds the largest n this server allows (${limits.maxN})`);
  const decoded = await Promise.all(images.map(async ({ url, param }) => checkedImage(await imageBytes(url, param, limits.localMediaDir), param, limits.maxImagePixels)));
  const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  return {
    request: { id, prompt: texts.join('\n'), images: decoded },
    sampling: {
      temperature: body.temperature ?? 1,
      topP: body.top_p === 0 ? Number.MIN_VALUE : (body.top_p ?? 1),
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? limits.defaultMaxTokens,
      seed: body.seed === undefined ? limits.randomSeed() >>> 0 : Number(BigInt.asUintN(32, BigInt(body.seed))),
      n,
    },
    stop,
    stream: body.stream ?? false,
    includeUsage: body.stream_options?.include_usage ?? false,
  };
}
