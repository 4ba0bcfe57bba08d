import { openAiPolicy } from '@spatial-ssrl/bench';
import { loadPolicy } from '@spatial-ssrl/model';
import type { Policy } from '@spatial-ssrl/spec';
import { UsageError } from '@spatial-ssrl/spec/node';

/** A parsed `--model` value. */
export type ModelSpec = { kind: 'openai'; baseUrls: string[]; model: string } | { kind: 'checkpoint'; dir: string };

/** Parses `openai:<base-url>[,<base-url>…]#<model-name>` or `checkpoint:<dir>`. */
export function parseModelSpec(value: string): ModelSpec {
  if (value.startsWith('openai:')) {
    const rest = value.slice('openai:'.length);
    const hash = rest.lastIndexOf('#');
    if (hash <= 0 || hash === rest.length - 1) {
      throw new UsageError(`--model ${value}: expected openai:<base-url>[,<base-url>…]#<model-name>, e.g. openai:http://127.0.0.1:8000/v1#Qwen2.5-VL-7B-Instruct`);
    }
    const baseUrls = rest
      .slice(0, hash)
      .split(',')
      .map((u) => u.trim());
    for (const u of baseUrls) {
      if (!URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol)) throw new UsageError(`--model ${value}: "${u}" is not an http(s) URL`);
    }
    if (new Set(baseUrls).size !== baseUrls.length) throw new UsageError(`--model ${value}: a server URL is listed twice`);
    return { kind: 'openai', baseUrls, model: rest.slice(hash + 1) };
  }
  if (value.startsWith('checkpoint:') && value.length > 'checkpoint:'.length) return { kind: 'checkpoint', dir: value.slice('checkpoint:'.length) };
  throw new UsageError(`--model ${value}: expected openai:<base-url>#<model-name> or checkpoint:<dir>`);
}

/** Options for the remote client. */
export interface ClientOptions {
  readonly apiKey?: string;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly supportsN: boolean;
  readonly imageFormat: 'original' | 'png' | 'jpeg';
}

/** Builds the policy a model spec names: an OpenAI-compatible client, or a local checkpoint loaded with `loadPolicy`. */
export async function createPolicy(spec: ModelSpec, client: ClientOptions): Promise<Policy> {
  if (spec.kind === 'openai') {
    return openAiPolicy({
      baseUrl: spec.baseUrls.length === 1 ? spec.baseUrls[0]! : spec.baseUrls,
      model: spec.model,
      concurrency: client.concurrency,
      timeoutMs: client.timeoutMs,
      maxRetries: client.maxRetries,
      supportsN: client.supportsN,
      imageFormat: client.imageFormat,
      ...(client.apiKey ? { apiKey: client.apiKey } : {}),
    });
  }
  try {
    return await loadPolicy(spec.dir);
  } catch (err) {
    throw new Error(`cannot load checkpoint ${spec.dir}: ${(err as Error).message}`, { cause: err });
  }
}
