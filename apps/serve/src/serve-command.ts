import { resolve } from 'node:path';
import { answerGraders, type AnswerGraderName } from '@spatial-ssrl/rewards';
import { defaultRegistry, loadTaskPlugin, normalizePluginSpecifier } from '@spatial-ssrl/tasks';
import { defineCommand, type CliArgs } from '@spatial-ssrl/spec/node';
import { z } from 'zod';
import { startHttpServer, type RunningServer } from './http/http-server.js';
import { loadServedModel, type ServedModel } from './model/served-model.js';
import { dataRoutes } from './routes/data-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { pageRoutes } from './routes/page-routes.js';
import { rewardRoutes } from './routes/reward-routes.js';
import { runRoutes } from './routes/run-routes.js';
import { taskRoutes } from './routes/task-routes.js';

const graderNames = Object.keys(answerGraders) as [AnswerGraderName, ...AnswerGraderName[]];
const path = (what: string) => z.string().min(1, `must name ${what}`);

/** The command line of `ssrl-serve serve` (also what `ssrl-serve` without a command runs). */
export const serveCli = defineCommand({
  program: 'ssrl-serve',
  name: 'serve',
  summary: 'model, task, reward and page server (the default command)',
  usage: 'ssrl-serve [serve] [options]',
  description: `A checkpoint behind an OpenAI-compatible API, reward endpoints, the task API and a web page.

Routes: GET / (the page), POST /v1/chat/completions, GET /v1/models (with --checkpoint; 503 without),
GET /v1/tasks, POST /v1/tasks/{id}/sample, GET /v1/data… (--data), GET /v1/runs… (--runs),
POST /get_reward (OpenRLHF), POST /easyr1/reward, POST /verl/compute_score, GET /health.`,
  options: {
    port: { type: 'int', value: 'PORT', min: 0, max: 65_535, default: 8000, description: 'TCP port; 0 picks a free one' },
    host: { type: 'string', value: 'ADDRESS', default: '127.0.0.1', description: 'address to listen on; 0.0.0.0 for every interface' },
    checkpoint: { type: 'string', value: 'DIR', schema: path('a checkpoint'), description: 'checkpoint directory, or training run folder holding checkpoint/, served over /v1/chat/completions' },
    'served-model-name': { type: 'string', value: 'NAME', defaultText: 'the --checkpoint path as given', description: 'the model name clients send' },
    'api-key': { type: 'string', value: 'KEY', defaultText: '$SSRL_API_KEY; none', description: 'key /v1 routes require as "Authorization: Bearer KEY"' },
    'batch-window-ms': { type: 'number', value: 'MS', min: 0, max: 1000, default: 5, description: 'how long a request waits for others to share its sampler batch, ms' },
    'max-batch-rows': { type: 'int', value: 'N', min: 1, max: 4096, default: 64, description: 'most rows (requests × n) in one sampler batch; 1 answers one request at a time' },
    'max-queue': { type: 'int', value: 'N', min: 1, default: 256, description: 'most rows waiting for a batch; more get a 429 with Retry-After' },
    'max-n': { type: 'int', value: 'N', min: 1, max: 4096, default: 16, description: 'largest n of one chat request' },
    'max-images': { type: 'int', value: 'N', min: 1, max: 1024, defaultText: "the model's limit", description: 'most images in one chat request; more is a 413' },
    'max-image-pixels': { type: 'int', value: 'N', min: 1, default: 4096 * 4096, description: 'most pixels of one image, read from its header; more is a 413' },
    'allowed-local-media-path': { type: 'string', value: 'DIR', schema: path('a directory'), defaultText: 'file: URLs refused', description: 'directory file: image URLs may point into' },
    plugin: { type: 'string', value: 'MODULE', repeatable: true, description: 'task plugin module to add to the task API' },
    data: { type: 'string', value: 'DIR', schema: path('a dataset directory'), description: "dataset directory for the page's dataset browser" },
    runs: { type: 'string', value: 'DIR', schema: path('a directory'), description: "folder of training runs and pipeline folders for the page's run viewer" },
    grader: {
      type: 'enum',
      value: 'NAME',
      choices: graderNames,
      default: 'exact',
      description: `accuracy grader of the reward routes: ${graderNames.join(', ')}; only exact is EasyR1's img_score`,
    },
    'partial-credit': {
      type: 'boolean',
      description: "score answers with parts by their task's partial-credit rule unless a request sets partial_credit (default: exact match, EasyR1's img_score)",
    },
    'format-weight': { type: 'number', value: 'W', min: 0, max: 1, default: 0.1, description: 'format weight when a request names none' },
    'max-body-bytes': { type: 'int', value: 'BYTES', min: 1, default: 64 * 1024 * 1024, description: 'largest request body; larger is a 413' },
    'max-batch': { type: 'int', value: 'N', min: 1, default: 4096, description: 'most items in one reward request; more is a 413' },
    'timeout-ms': { type: 'int', value: 'MS', min: 1, default: 60_000, description: 'per-request time limit; later is a 503' },
    'shutdown-grace-ms': { type: 'int', value: 'MS', min: 0, default: 30_000, description: 'on SIGTERM, time in-flight requests get to finish' },
  },
});

/** Parsed `serve` settings. */
export type ServeSettings = CliArgs<typeof serveCli.spec.options>;

/** Parses the flags of `ssrl-serve serve`. */
export function parseServeArgs(argv: readonly string[]): ServeSettings {
  return serveCli.parse(argv);
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
        ...rewardRoutes({
          grader: settings.grader,
          formatWeight: settings['format-weight'],
          maxBatch: settings['max-batch'],
          partialCredit: settings['partial-credit'],
          ruleOf: (task) => (registry.has(task) ? (registry.get(task).partialCredit ?? null) : undefined),
        }),
      ],
      health: () => ({
        service: 'ssrl-serve',
        grader: settings.grader,
        format_weight: settings['format-weight'],
        partial_credit: settings['partial-credit'],
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
