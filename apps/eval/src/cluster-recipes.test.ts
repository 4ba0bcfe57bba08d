import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startOpenAiTestServer, type OpenAiTestServer } from '@spatial-ssrl/bench/testing';
import { createRgb, encodeImage } from '@spatial-ssrl/image';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RECIPES = fileURLToPath(new URL('../../../examples/eval-cluster/', import.meta.url));
const EXCERPT = fileURLToPath(new URL('./__fixtures__/viewspatial-excerpt.json', import.meta.url));

const servers: OpenAiTestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('cluster recipes', () => {
  it('slurm-eval.sh: two array tasks then the merge step give the scores of a single run', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the app first (pnpm build)`);
    const root = await mkdtemp(join(tmpdir(), 'ssrl-slurm-'));
    const viewDir = join(root, 'viewspatial');
    await mkdir(viewDir, { recursive: true });
    await writeFile(join(viewDir, 'ViewSpatial-Bench.json'), readFileSync(EXCERPT));
    const excerpt = JSON.parse(readFileSync(EXCERPT, 'utf8')) as { image_path: string[]; answer: string }[];
    for (const p of new Set(excerpt.flatMap((x) => x.image_path))) {
      await mkdir(dirname(join(viewDir, p)), { recursive: true });
      await writeFile(join(viewDir, p), await encodeImage(createRgb(32, 24, [1, 2, 3])));
    }
    const respond = (req: { prompt: string }) => `\\boxed{${'ABCD'[req.prompt.length % 4]}}`;
    for (let i = 0; i < 3; i++) servers.push(await startOpenAiTestServer({ respond, latencyMs: 2 }));
    const [a, b, single] = servers as [OpenAiTestServer, OpenAiTestServer, OpenAiTestServer];
    const env = {
      ...process.env,
      OPENAI_API_KEY: '',
      ENDPOINTS: `${a.baseUrl},${b.baseUrl}`,
      MODEL: 'scripted',
      RUN: join(root, 'runs'),
      SSRL_EVAL: `${process.execPath} ${CLI}`,
      BENCH: 'viewspatial',
      DATA_ARGS: `--data ${viewDir}`,
      SLURM_ARRAY_TASK_COUNT: '2',
    };
    const script = join(RECIPES, 'slurm-eval.sh');
    await Promise.all(['0', '1'].map((k) => run('bash', [script], { env: { ...env, SLURM_ARRAY_TASK_ID: k } })));
    const merged = await run('bash', [script, 'merge'], { env });
    expect(merged.stdout).toContain(`wrote ${join(root, 'runs', 'all')}/predictions.jsonl`);
    await run(process.execPath, [CLI, 'run', '--model', `openai:${single.baseUrl}#scripted`, '--bench', 'viewspatial', '--data', viewDir, '--out', join(root, 'single')], {
      env: { ...process.env, OPENAI_API_KEY: '' },
    });
    const scores = async (dir: string) => JSON.parse(await readFile(join(dir, 'scores.json'), 'utf8'));
    expect(await scores(join(root, 'runs', 'all'))).toEqual(await scores(join(root, 'single')));
    expect(a.stats.answered).toBeGreaterThan(0);
    expect(b.stats.answered).toBeGreaterThan(0);
  });

  it('k8s-eval-job.yaml: an Indexed Job whose shard count matches its completions', async () => {
    const job = await readFile(join(RECIPES, 'k8s-eval-job.yaml'), 'utf8');
    expect(job).toMatch(/completionMode: Indexed/);
    const completions = /completions: (\d+)/.exec(job)![1];
    expect(/parallelism: (\d+)/.exec(job)![1]).toBe(completions);
    expect(/name: SHARDS\n\s+value: "(\d+)"/.exec(job)![1]).toBe(completions);
    expect(job).toContain('--shard "$JOB_COMPLETION_INDEX/$SHARDS"');
    const merge = await readFile(join(RECIPES, 'k8s-eval-merge-job.yaml'), 'utf8');
    expect(merge).toContain('merge /runs/qwen7b/shard-* --out /runs/qwen7b/all');
  });
});
