import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { findRuns, readMetricsTolerant, runCurveSvg } from '../data/run-folders.js';
import { runPaths } from '@spatial-ssrl/trainer';
import { HttpError } from '../http/http-error.js';
import { HANDLED, type Route } from '../http/http-server.js';
import { isInside, sendFile } from '../http/static-file.js';

const FILES = ['.md', '.png', '.svg', '.jpg', '.jpeg', '.json', '.jsonl'];
const NO_RUNS = 'no runs are being watched: start the server with --runs DIR (a folder of training runs or pipeline folders)';

/** The run viewer's routes over `--runs DIR`: the runs and reports found, each run's curve (drawn on request, so it follows a run while it trains), its metrics, and report files. */
export function runRoutes(root: string | undefined): Route[] {
  const need = (): string => {
    if (root === undefined) throw new HttpError(404, 'not_found', NO_RUNS, null, 'no_runs');
    return root;
  };
  async function runDir(name: string | null): Promise<string> {
    const base = await realpath(need());
    if (!name) throw new HttpError(400, 'invalid_request_error', 'run: give the run name from GET /v1/runs', 'run', 'missing_run');
    const dir = await realpath(join(base, name)).catch(() => '');
    if (dir !== base && !isInside(base, dir)) throw new HttpError(404, 'not_found', `no run ${name}`, 'run', 'unknown_run');
    return dir;
  }
  return [
    {
      method: 'GET',
      path: '/v1/runs',
      auth: true,
      summary: 'training runs (metrics.jsonl) and pipeline reports (report.md) under --runs',
      handle: async () => ({ object: 'list', ...(await findRuns(need())) }),
    },
    {
      method: 'GET',
      path: '/v1/runs/curve',
      auth: true,
      summary: 'a run\'s curve as SVG, drawn from its metrics now',
      handle: async ({ query, res }) => {
        const name = query.get('run');
        const svg = await runCurveSvg(await runDir(name), name ?? '');
        res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-cache', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'", 'X-Content-Type-Options': 'nosniff' });
        res.end(svg);
        return HANDLED;
      },
    },
    {
      method: 'GET',
      path: '/v1/runs/metrics',
      auth: true,
      summary: 'a run\'s metrics lines (the last `tail` of them)',
      handle: async ({ query }) => {
        const lines = await readMetricsTolerant(runPaths(await runDir(query.get('run'))).metrics);
        const tail = Math.min(Math.max(Number(query.get('tail') ?? 200) || 200, 1), 5000);
        return { object: 'list', total: lines.length, data: lines.slice(-tail) };
      },
    },
    {
      method: 'GET',
      path: '/v1/runs/files/*path',
      auth: true,
      summary: 'a report or figure file under --runs',
      handle: ({ params, res }) => sendFile(res, need(), params.path, FILES),
    },
  ];
}
