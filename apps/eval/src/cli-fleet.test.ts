import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOpenAiTestServer, type OpenAiTestServer, type TestChatRequest } from '@spatial-ssrl/bench/testing';
import { createRgb, encodeImage } from '@spatial-ssrl/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './__fixtures__/run-cli.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const EXCERPT = fileURLToPath(new URL('./__fixtures__/viewspatial-excerpt.json', import.meta.url));
const excerpt = JSON.parse(readFileSync(EXCERPT, 'utf8')) as { image_path: string[] }[];

// A scripted model whose answer depends on the prompt alone, in the shapes real models give:
// a boxed letter, a wrong one, a bare letter, an unclosed box, "None", an option text.
function respond(req: TestChatRequest): string {
  let h = 0;
  for (const c of req.prompt) h = (h * 31 + c.codePointAt(0)!) >>> 0;
  const letter = 'ABCD'[h % 4]!;
  return [
    `<think>looking</think> \\boxed{${letter}}`,
    `<think>hmm</think>\\boxed{ ${letter} }`,
    `The answer is ${letter}.`,
    `\\boxed{${letter}`,
    '\\boxed{None}',
    'the red cube',
  ][(h >>> 3) % 6]!;
}

const cli = (args: string[]) => runCli(CLI, args);

let root: string;
let mcqPath: string;
let viewDir: string;
const servers: OpenAiTestServer[] = [];

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the app first (pnpm build)`);
  root = await mkdtemp(join(tmpdir(), 'ssrl-eval-fleet-'));
  const png = Buffer.from(await encodeImage(createRgb(8, 8, [40, 90, 160]))).toString('base64');
  // A VLMEvalKit TSV: 90 questions with 4 options, the first 30 also rotated (index + 1,000,000).
  const rows = ['index\tquestion\tA\tB\tC\tD\tanswer\tcategory\timage'];
  const opts = ['the red cube', 'the blue ball', 'the green cone', 'nothing'];
  for (let i = 0; i < 90; i++) rows.push([i, `Which object is left of object ${i}?`, ...opts, 'ABCD'[i % 4], ['near', 'far', 'mid'][i % 3], png].join('\t'));
  for (let i = 0; i < 30; i++) rows.push([1_000_000 + i, `Which object is left of object ${i}?`, ...[...opts.slice(1), opts[0]], 'ABCD'[(i + 3) % 4], ['near', 'far', 'mid'][i % 3], png].join('\t'));
  mcqPath = join(root, 'SpatialEval.tsv');
  await writeFile(mcqPath, rows.join('\n') + '\n');
  viewDir = join(root, 'viewspatial');
  await mkdir(viewDir, { recursive: true });
  await writeFile(join(viewDir, 'ViewSpatial-Bench.json'), readFileSync(EXCERPT));
  for (const p of new Set(excerpt.flatMap((x) => x.image_path))) {
    await mkdir(dirname(join(viewDir, p)), { recursive: true });
    await writeFile(join(viewDir, p), await encodeImage(createRgb(64, 48, [10, 20, 30])));
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close().catch(() => {})));
});

async function server(dieAfter?: number): Promise<OpenAiTestServer> {
  let self: OpenAiTestServer | undefined;
  self = await startOpenAiTestServer({
    latencyMs: 3,
    respond: (req) => {
      // Dies mid-run: after answering `dieAfter` requests it closes, dropping what is in flight.
      if (dieAfter !== undefined && self && self.stats.answered >= dieAfter) void self.close().catch(() => {});
      return respond(req);
    },
  });
  servers.push(self);
  return self;
}

const common = (out: string) => [
  '--bench',
  'spatialeval,viewspatial',
  '--data',
  `spatialeval=${mcqPath}`,
  '--data',
  `viewspatial=${viewDir}`,
  '--out',
  out,
  '--concurrency',
  '3',
  '--max-retries',
  '2',
];

describe('evaluation at fleet scale (built CLI)', () => {
  it('two shards over two servers, one dying mid-run, merge to the scores of a single unsharded run', async () => {
    const single = await server();
    const whole = join(root, 'single');
    const one = await cli(['run', '--model', `openai:${single.baseUrl}#scripted`, ...common(whole)]);
    expect(one.stderr).not.toMatch(/ssrl-eval: /);
    expect(one.code).toBe(0);

    const dying = await server(25);
    const alive = await server();
    const model = `openai:${dying.baseUrl},${alive.baseUrl}#scripted`;
    const shards = await Promise.all([0, 1].map((k) => cli(['run', '--model', model, '--shard', `${k}/2`, ...common(join(root, `shard-${k}`))])));
    for (const s of shards) {
      expect(s.stderr).not.toMatch(/ssrl-eval: |failed and count as wrong/);
      expect(s.code).toBe(0);
    }
    expect(dying.stats.answered).toBeGreaterThanOrEqual(25);
    expect(dying.stats.answered).toBeLessThan(60);
    expect(alive.stats.answered).toBeGreaterThan(60);
    const manifest = JSON.parse(await readFile(join(root, 'shard-1', 'run.json'), 'utf8'));
    expect(manifest.shard).toEqual({ index: 1, count: 2 });
    expect(manifest.benchmarks).toEqual([
      { name: 'spatialeval', total: 120, items: 60 },
      { name: 'viewspatial', total: 12, items: 6 },
    ]);

    const merged = join(root, 'merged');
    const m = await cli(['merge', join(root, 'shard-1'), join(root, 'shard-0'), '--out', merged]);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const a = JSON.parse(await readFile(join(whole, 'scores.json'), 'utf8'));
    const b = JSON.parse(await readFile(join(merged, 'scores.json'), 'utf8'));
    expect(b).toEqual(a);
    expect(a.benchmarks.spatialeval.notes[0]).toMatch(/scored on their own/);
    // The scripted answers are neither all right nor all wrong.
    expect(a.benchmarks.spatialeval.headline).toBeGreaterThan(5);
    expect(a.benchmarks.spatialeval.headline).toBeLessThan(95);
    const strip = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => {
          const { cached: _c, ...rest } = JSON.parse(l) as Record<string, unknown>;
          return rest;
        });
    expect(strip(await readFile(join(merged, 'predictions.jsonl'), 'utf8'))).toEqual(strip(await readFile(join(whole, 'predictions.jsonl'), 'utf8')));
  });

  it('refuses to merge an incomplete or mixed set of shards, saying what is wrong', async () => {
    const lone = await cli(['merge', join(root, 'shard-0'), '--out', join(root, 'bad')]);
    expect(lone.code).toBe(1);
    expect(lone.stderr).toContain('missing shard 1/2');
    const mixed = await cli(['merge', join(root, 'shard-0'), join(root, 'single'), '--out', join(root, 'bad')]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/is not a shard of the same run/);
  });

  it('resumes a shard from its cache: a second run asks nothing', async () => {
    const again = await server();
    const r = await cli(['run', '--model', `openai:${again.baseUrl}#scripted`, '--shard', '0/2', ...common(join(root, 'shard-0'))]);
    expect(r.code).toBe(0);
    expect(again.stats.requests).toBe(0);
  });
});
