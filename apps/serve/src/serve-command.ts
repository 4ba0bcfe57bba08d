import { answerGraders, type AnswerGraderName } from '@spatial-ssrl/rewards';
import { z } from 'zod';
import { startHttpServer, type RunningServer } from './http/http-server.js';
import { flagHelp, intFlag, numberFlag, parseFlags } from './options.js';
import { rewardRoutes } from './routes/reward-routes.js';

const graderNames = Object.keys(answerGraders) as [AnswerGraderName, ...AnswerGraderName[]];

/** The flags of `ssrl-serve serve`. */
export const serveFlags = {
  port: { type: 'string', schema: intFlag(0, 65_535).default(8000), help: 'TCP port; 0 picks a free one (8000)' },
  host: { type: 'string', schema: z.string().min(1).default('127.0.0.1'), help: 'address to listen on; 0.0.0.0 for every interface (127.0.0.1)' },
  grader: {
    type: 'string',
    schema: z.enum(graderNames, { error: `must be one of ${graderNames.join(', ')}` }).default('exact'),
    help: `accuracy grader: ${graderNames.join(', ')}; only exact is EasyR1's img_score (exact)`,
  },
  'format-weight': { type: 'string', schema: numberFlag(0, 1).default(0.1), help: 'format weight when a request names none (0.1)' },
  'max-body-bytes': { type: 'string', schema: intFlag(1).default(64 * 1024 * 1024), help: 'largest request body; larger is a 413 (67108864)' },
  'max-batch': { type: 'string', schema: intFlag(1).default(4096), help: 'most items in one request; more is a 413 (4096)' },
  'timeout-ms': { type: 'string', schema: intFlag(1).default(60_000), help: 'per-request time limit; later is a 503 (60000)' },
  'shutdown-grace-ms': { type: 'string', schema: intFlag(0).default(30_000), help: 'on SIGTERM, time in-flight requests get to finish (30000)' },
  help: { type: 'boolean', schema: z.boolean().default(false), help: 'print this help' },
} as const;

/** Help text of `ssrl-serve serve`. */
export const SERVE_HELP = `ssrl-serve [serve] [options] — reward server for EasyR1, verl, OpenRLHF and TRL

Routes: POST /get_reward (OpenRLHF), POST /easyr1/reward, POST /verl/compute_score, GET /health.

${flagHelp(serveFlags)}`;

/** Parsed `serve` settings. */
export type ServeSettings = ReturnType<typeof parseServeArgs>;

/** Parses the flags of `ssrl-serve serve`. */
export function parseServeArgs(argv: readonly string[]) {
  return parseFlags(argv, serveFlags);
}

/** Starts the reward server with `settings`; resolves once it listens. */
export function serveRewards(settings: ServeSettings, log: (line: string) => void): Promise<RunningServer> {
  return startHttpServer({
    host: settings.host,
    port: settings.port,
    limits: { maxBodyBytes: settings['max-body-bytes'], timeoutMs: settings['timeout-ms'], shutdownGraceMs: settings['shutdown-grace-ms'] },
    routes: rewardRoutes({ grader: settings.grader, formatWeight: settings['format-weight'], maxBatch: settings['max-batch'] }),
    health: () => ({
      service: 'ssrl-serve',
      grader: settings.grader,
      format_weight: settings['format-weight'],
      limits: { max_body_bytes: settings['max-body-bytes'], max_batch: settings['max-batch'], timeout_ms: settings['timeout-ms'] },
    }),
    log,
  });
}
