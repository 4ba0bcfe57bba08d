import { resolve } from 'node:path';
import { answerGraders, type AnswerGraderName } from '@spatial-ssrl/rewards';
import { defaultRegistry, loadTaskPlugin, normalizePluginSpecifier } from '@spatial-ssrl/tasks';
import { z } from 'zod';
import { startHttpServer, type RunningServer } from './http/http-server.js';
import { loadServedModel, type ServedModel } from './model/served-model.js';
import { flagHelp, intFlag, numberFlag, parseFlags } from './options.js';
import { dataRoutes } from './routes/data-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { pageRoutes } from './routes/page-routes.js';
import { rewardRoutes } from './routes/reward-routes.js';
import { runRoutes } from './routes/run-routes.js';
import { taskRoutes } from './routes/task-routes.js';

const graderNames = Object.keys(answerGraders) as [AnswerGraderName, ...AnswerGraderName[]];
const path = (what: string) => z.string().min(1, `must name ${what}`).optional();

/** The flags of `ssrl-serve serve`. */
const serveFlags = {
  port: { type: 'string', schema: intFlag(0, 65_535).default(8000), help: 'TCP port; 0 picks a free one (8000)' },
  host: { type: 'string', schema: z.string().min(1).default('127.0.0.1'), help: 'address to listen on; 0.0.0.0 for every interface (127.0.0.1)' },
  checkpoint: { type: 'string', schema: path('a checkpoint'), help: 'checkpoint directory, or training run folder holding checkpoint/, served over /v1/chat/completions' },
  'served-model-name': { type: 'string', schema: z.string().min(1).optional(), help: 'the model name clients send (default: the --checkpoint path as given)' },
  'api-key': { type: 'string', schema: z.string().min(1).optional(), help: 'key /v1 routes require as "Authorization: Bearer KEY" (default: $SSRL_API_KEY; none)' },
  'batch-window-ms': { type: 'string', schema: numberFlag(0, 1000).default(5), help: 'how long a request waits for others to share its sampler batch, ms (5)' },
  'max-batch-rows': { type: 'string', schema: intFlag(1, 4096).default(64), help: 'most rows (requests × n) in one sampler batch; 1 answers one request at a time (64)' },
  'max-queue': { type: 'string', schema: intFlag(1).default(256), help: 'most rows waiting for a batch; more get a 429 with Retry-After (256)' },
  'max-n': { type: 'string', schema: intFlag(1, 4096).default(16), help: 'largest n of one chat request (16)' },
  'max-images': { type: 'string', schema: intFlag(1, 1024).optional(), help: 'most images in one chat request; more is a 413 (the model\'s limit)' },
  'max-image-pixels': { type: 'string', schema: intFlag(1).default(4096 * 4096), help: 'most pixels of one image, read from its header; more is a 413 (16777216)' },
  'allowed-local-media-path': { type: 'string', schema: path('a directory'), help: 'directory file: image URLs may point into (default: file: URLs refused)' },
  plugin: { type: 'string', multiple: true, schema: z.array(z.string().min(1)).default([]), help: 'task plugin module to add to the task API (repeatable)' },
  data: { type: 'string', schema: path('a dataset directory'), help: 'dataset directory for the page\'s dataset browser' },
  runs: { type: 'string', schema: path('a directory'), help: 'folder of training runs and pipeline folders for the page\'s run viewer' },
  grader: {
    type: 'string',
    schema: z.enum(graderNames, { error: `must be one of ${graderNames.join(', ')}` }).default('exact'),
    help: `accuracy grader of the reward routes: ${graderNames.join(', ')}; only exact is EasyR1's img_score (exact)`,
  },
  'format-weight': { type: 'string', schema: numberFlag(0, 1).default(0.1), help: 'format weight when a request names none (0.1)' },
  'max-body-bytes': { type: 'string', schema: intFlag(1).default(64 * 1024 * 1024), help: 'largest request body; larger is a 413 (67108864)' },
  'max-batch': { type: 'string', schema: intFlag(1).default(4096), help: 'most items in one reward request; more is a 413 (4096)' },
  'timeout-ms': { type: 'string', schema: intFlag(1).default(60_000), help: 'per-request time limit; later is a 503 (60000)' },
  'shutdown-grace-ms': { type: 'string', schema: intFlag(0).default(30_000), help: 'on SIGTERM, time in-flight requests get to finish (30000)' },
  help: { type: 'boolean', schema: z.boolean().default(false), help: 'print this help' },
} as const;

/** Help text of `ssrl-serve serve`. */
export const SERVE_HELP = `ssrl-serve [serve] [options] — a checkpoint behind an OpenAI-compatible API, reward endpoints, the task API and a web page

Routes: GET / (the page), POST /v1/chat/completions, GET /v1/models (with --checkpoint; 503 without),
GET /v1/tasks, POST /v1/tasks/{id}/sample, GET /v1/data… (--data), GET /v1/runs… (--runs),
POST /get_reward (OpenRLHF), POST /easyr1/reward, POST /verl/compute_score, GET /health.

${flagHelp(serveFlags)}`;

/** Parsed `serve` settings. */
export type ServeSettings = ReturnType<typeof parseServeArgs>;

/** Parses the flags of `ssrl-serve serve`. */
export function parseServeArgs(argv: readonly string[]) {
  return parseFlags(argv, serveFlags);
}

/** A running `ssrl-serve`: the HTTP server and, with `--checkpoint`, the served model. */
export interface Serving extends RunningServer {
  readonly model?: ServedModel;
}

/**
 * Starts the server with `settings` (paths resolved against `cwd`): loads the checkpoint and the
 * task plugins first, then listens. `close()` stops accepting connections, answers the requests
 * in flight, then frees the model.
 */
export async function startServe(settings: ServeSettings, log: (line: string) => void, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<Serving> {
  const at = (p: string | undefined) => (p === undefined ? undefined : resolve(cwd, p));
  const registry = defaultRegistry();
  for (const plugin of settings.plugin) await loadTaskPlugin(registry, normalizePluginSpecifier(plugin, cwd));
  const model = settings.checkpoint
    ? await loadServedModel(at(settings.checkpoint)!, {
        name: settings['served-model-name'] ?? settings.checkpoint,
        windowMs: settings['batch-window-ms'],
        maxBatchRows: settings['max-batch-rows'],
        maxQueueRows: settings['max-queue'],
        maxImagePixels: settings['max-image-pixels'],
      })
    : undefined;
  const apiKey = settings['api-key'] ?? (env.SSRL_API_KEY || undefined);
  const maxImages = settings['max-images'] ?? model?.config.maxImages ?? 5;
  try {
    const server = await startHttpServer({
      host: settings.host,
      port: settings.port,
      apiKey,
      limits: { maxBodyBytes: settings['max-body-bytes'], timeoutMs: settings['timeout-ms'], shutdownGraceMs: settings['shutdown-grace-ms'] },
      routes: [
        ...pageRoutes(),
        ...modelRoutes({ model, maxImages, maxImagePixels: settings['max-image-pixels'], maxN: settings['max-n'], localMediaDir: at(settings['allowed-local-media-path']) }),
        ...taskRoutes({ registry, maxImagePixels: settings['max-image-pixels'] }),
        ...dataRoutes(at(settings.data)),
        ...runRoutes(at(settings.runs)),
        ...rewardRoutes({ grader: settings.grader, formatWeight: settings['format-weight'], maxBatch: settings['max-batch'] }),
      ],
      health: () => ({
        service: 'ssrl-serve',
        grader: settings.grader,
        format_weight: settings['format-weight'],
        auth: apiKey !== undefined,
        model: model
          ? {
              name: model.name,
              fingerprint: model.fingerprint,
              max_tokens: model.config.maxAnswerTokens,
              batching: { window_ms: settings['batch-window-ms'], max_batch_rows: settings['max-batch-rows'], max_queue_rows: settings['max-queue'] },
              load: model.scheduler.stats(),
            }
          : null,
        tasks: registry.list().map((t) => t.id),
        data: settings.data !== undefined,
        runs: settings.runs !== undefined,
        limits: {
          max_body_bytes: settings['max-body-bytes'],
          max_batch: settings['max-batch'],
          max_images: maxImages,
          max_image_pixels: settings['max-image-pixels'],
          max_n: settings['max-n'],
          timeout_ms: settings['timeout-ms'],
        },
      }),
      log,
    });
    return {
      ...server,
      model,
      async close() {
        await server.close();
        await model?.close();
      },
    };
  } catch (error) {
    await model?.close();
    throw error;
  }
}
