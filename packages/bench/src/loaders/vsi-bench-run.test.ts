import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { debianPrograms } from '@spatial-ssrl/dev-env';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTestImage } from '../__fixtures__/images.js';
import { openAiPolicy } from '../openai-policy.js';
import { runBenchmark } from '../runner.js';
import { startOpenAiTestServer, type OpenAiTestServer } from '../testing/openai-test-server.js';
import { vsiBenchmark } from './vsi-bench.js';

const run = promisify(execFile);
const sampling = { temperature: 0, topP: 1, maxTokens: 16, seed: 0, n: 1 };

function annotation(video: string, count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    mp4_path: `videos/scannet/${video}.mp4`,
    question_type: 'object_counting',
    question: `How many chairs are in the room? (${i})`,
    answer: '3',
    A: null,
    B: null,
    C: null,
    D: null,
  }));
}

let warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
let server: OpenAiTestServer | undefined;
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(async () => {
  process.off('warning', onWarning);
  await server?.close();
  server = undefined;
});

async function runAll(items: Awaited<ReturnType<typeof vsiBenchmark.load>>) {
  // Every fourth first attempt fails with 503, so back-off sleeps wait on the run's signal too.
  server = await startOpenAiTestServer({
    latencyMs: 5,
    respond: (req) => `\\boxed{${req.images}}`,
    fault: (req) => (req.attempt === 1 && req.prompt.endsWith('(0)') ? { kind: 'status', status: 503 } : undefined),
  });
  const policy = openAiPolicy({ baseUrl: server.baseUrl, model: 'm', concurrency: 2, retryBaseMs: 1, retryMaxDelayMs: 5 });
  const controller = new AbortController();
  const result = await runBenchmark({ policy, benchmark: vsiBenchmark, items, sampling, signal: controller.signal, batchSize: 8, maxInFlight: 64 });
  // Let Node emit any pending process warning before looking.
  await new Promise((r) => setImmediate(r));
  return { result, log: server.stats.log };
}

describe('VSI-Bench runs with fewer frames than asked', () => {
  it('sends all 3 frames of a 3-frame folder asked for 4, with 3 placeholders, and adds one abort listener to the run signal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-vsi-run-'));
    await Promise.all([0, 1, 2].map((k) => writeTestImage(join(dir, 'frames', 'scene3', `${k}.jpg`), 8 + k, 6)));
    await writeFile(join(dir, 'vsi.json'), JSON.stringify(annotation('scene3', 40)));
    const items = await vsiBenchmark.load(join(dir, 'vsi.json'), { framesDir: join(dir, 'frames'), frames: 4 });
    expect(items[0]!.prompt.match(/<image>/g)).toHaveLength(3);
    const { result, log } = await runAll(items);
    expect(result.predictions.filter((p) => p.error !== undefined)).toEqual([]);
    expect(log.every((r) => r.images === 3)).toBe(true);
    expect(result.predictions.every((p) => p.outputs[0]!.text === '\\boxed{3}')).toBe(true);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('sends all 60 frames of a 60-frame video with the default 128', async (ctx) => {
    const tools = await debianPrograms([
      { program: 'ffmpeg', pkg: 'ffmpeg' },
      { program: 'ffprobe', pkg: 'ffmpeg' },
    ]);
    if (!tools.ok) {
      console.warn(`skipped: ${tools.reason}`);
      ctx.skip(tools.reason);
    }
    const dir = await mkdtemp(join(tmpdir(), 'bench-vsi-video-'));
    await mkdir(join(dir, 'videos', 'scannet'), { recursive: true });
    const video = join(dir, 'videos', 'scannet', 'scene60.mp4');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-frames:v', '60', '-pix_fmt', 'yuv420p', video]);
    await writeFile(join(dir, 'vsi.json'), JSON.stringify(annotation('scene60', 4)));
    const items = await vsiBenchmark.load(join(dir, 'vsi.json'), { videosDir: join(dir, 'videos') });
    expect(items[0]!.prompt.match(/<image>/g)).toHaveLength(60);
    const { result, log } = await runAll(items);
    expect(result.predictions.filter((p) => p.error !== undefined)).toEqual([]);
    expect(log.every((r) => r.images === 60)).toBe(true);
    expect(result.score.headline).toBe(0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
