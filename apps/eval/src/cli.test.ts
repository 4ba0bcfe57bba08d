import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOpenAiTestServer, type OpenAiTestServer, type TestChatRequest } from '@spatial-ssrl/bench/testing';
import { createRgb, encodeImage, imageSize } from '@spatial-ssrl/image';
import { generateDataset } from '@spatial-ssrl/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './__fixtures__/run-cli.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const EXCERPT = fileURLToPath(new URL('./__fixtures__/viewspatial-excerpt.json', import.meta.url));

interface ViewSpatialRaw {
  image_path: string[];
  question: string;
  answer: string;
  choices: string;
}
const excerpt = JSON.parse(readFileSync(EXCERPT, 'utf8')) as ViewSpatialRaw[];

const SAMPLES = [
  { id: 's0', task: 'shuffle', variant: '2x2', prompt: '<image>Restore the shuffled patches (s0).', answer: '0-2-3-1', images: ['images/shuffle/0.png'], split: 'test' },
  { id: 's1', task: 'shuffle', variant: '1x3', prompt: '<image>Restore the strips (s1).', answer: '2-0-1', images: ['images/shuffle/1.png'], split: 'test' },
  { id: 'f0', task: 'flip', variant: '2x2', prompt: '<image>Which patch is flipped (f0)?', answer: '3-0', images: ['images/flip/0.png'], split: 'test' },
  { id: 'c0', task: 'crop', variant: 'separate', prompt: 'Missing part of <image1> (c0)? <image2><image3><image4><image5>', answer: 'B', images: [1, 2, 3, 4, 5].map((k) => `images/crop/${k}.png`), split: 'test' },
  { id: 't0', task: 'depth', variant: 'three', prompt: '<image>Order the regions (t0).', answer: '3-1-2', images: ['images/depth/0.png'], split: 'train' },
] as const;

async function png(path: string, w: number, h: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await encodeImage(createRgb(w, h, [w % 256, h % 256, 99])));
}

// The scripted model: right on s0, f0, c0 and on the first half of ViewSpatial; wrong elsewhere.
function answer(req: TestChatRequest, wrongFor: ReadonlySet<string>): string {
  for (const s of SAMPLES) {
    if (req.prompt.includes(`(${s.id})`)) return wrongFor.has(s.id) ? '<think>guess</think> \\boxed{0-1-2}' : `<think>look</think> \\boxed{${s.answer}}`;
  }
  const i = excerpt.findIndex((x) => req.prompt.startsWith(`${x.question}\n${x.choices}`));
  if (i === -1) return 'unknown prompt';
  const letter = excerpt[i]!.answer[0]!;
  return i < 6 && !wrongFor.has('vs') ? `<think>…</think> \\boxed{${letter}}` : `<think>…</think> \\boxed{${letter === 'A' ? 'B' : 'A'}}`;
}

let root: string;
let datasetDir: string;
let viewDir: string;
let good: OpenAiTestServer;
let other: OpenAiTestServer;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the app first (pnpm build)`);
  root = await mkdtemp(join(tmpdir(), 'ssrl-eval-'));
  datasetDir = join(root, 'dataset');
  for (const s of SAMPLES) for (const [k, img] of s.images.entries()) await png(join(datasetDir, img), 20 + k, 16);
  await writeFile(join(datasetDir, 'samples.jsonl'), SAMPLES.map((s, index) => JSON.stringify({ ...s, index, source: { dataset: 'synthetic', id: s.id }, seed: 1, attempt: 0, meta: {} })).join('\n') + '\n');
  await writeFile(join(datasetDir, 'dataset.json'), JSON.stringify({ counts: { total: SAMPLES.length } }));
  viewDir = join(root, 'viewspatial');
  await mkdir(viewDir, { recursive: true });
  await writeFile(join(viewDir, 'ViewSpatial-Bench.json'), readFileSync(EXCERPT));
  for (const p of new Set(excerpt.flatMap((x) => x.image_path))) await png(join(viewDir, p), 64, 48);
  good = await startOpenAiTestServer({ respond: (req) => answer(req, new Set(['s1'])), latencyMs: 5 });
  other = await startOpenAiTestServer({ respond: (req) => answer(req, new Set(['s0', 's1', 'f0', 'c0', 'vs'])) });
});

afterAll(async () => {
  await Promise.all([good?.close(), other?.close()]);
});

const cli = (args: string[]) => runCli(CLI, args);

const runArgs = (server: OpenAiTestServer, model: string, out: string) => [
  'run',
  '--model',
  `openai:${server.baseUrl}#${model}`,
  '--bench',
  'ssrl-tasks,viewspatial',
  '--data',
  `ssrl-tasks=${datasetDir}`,
  '--data',
  `viewspatial=${viewDir}`,
  '--out',
  out,
  '--concurrency',
  '4',
  '--temperature',
  '0.2',
];

describe('ssrl-eval (built CLI) against a local OpenAI-compatible server', () => {
  it('runs held-out tasks and ViewSpatial, writes predictions, scores and a paper-layout report', async () => {
    const out = join(root, 'run-good');
    const r = await cli(runArgs(good, 'scripted-good', out));
    expect(r.stderr).not.toMatch(/ssrl-eval: /);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ssrl-tasks 75.00, viewspatial 50.00');

    const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
    expect(scores.model).toBe('openai:scripted-good');
    expect(scores.sampling).toEqual({ temperature: 0.2, topP: 1, maxTokens: 2048, seed: 0, n: 1 });
    expect(scores.benchmarks['ssrl-tasks'].headline).toBe(75);
    expect(scores.benchmarks['ssrl-tasks'].categories).toEqual({ crop: 100, flip: 100, shuffle: 50 });
    expect(scores.benchmarks['ssrl-tasks'].variants.format.headline).toBe(100);
    expect(scores.benchmarks.viewspatial.headline).toBe(50);

    const preds = (await readFile(join(out, 'predictions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(preds).toHaveLength(4 + 12);
    expect(preds.find((p) => p.id === 'c0')).toMatchObject({ benchmark: 'ssrl-tasks', gold: 'B', extracted: 'B', score: 1, cached: false });

    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toContain('| model | CoT | Sp457 | 3DSR | SpEval | QSp+ | WhatsUp | ViewSp | VSI | Avg | ssrl-tasks |');
    expect(report).toContain('| openai:scripted-good | yes | – | – | – | – | – | 50.00 | – | 50.00* | 75.00 |');
    expect(report).toContain('| Spatial-SSRL-7B | yes | 53.34 |');

    // Requests carried the images: 5 for the crop sample, 1 per other task sample; ViewSpatial resized to 420×280.
    const crop = good.stats.log.find((q) => q.prompt.includes('(c0)'))!;
    expect(crop.images).toBe(5);
    expect(crop.body['temperature']).toBe(0.2);
    const multi = excerpt.findIndex((x) => x.image_path.length > 1);
    expect(good.stats.log.find((q) => q.prompt.startsWith(excerpt[multi]!.question))!.images).toBe(excerpt[multi]!.image_path.length);
  });

  it('resumes from its cache: a second run asks nothing and writes the same scores', async () => {
    const out = join(root, 'run-good');
    const before = good.stats.requests;
    const first = await readFile(join(out, 'scores.json'), 'utf8');
    const r = await cli(runArgs(good, 'scripted-good', out));
    expect(r.code).toBe(0);
    expect(good.stats.requests).toBe(before);
    expect(await readFile(join(out, 'scores.json'), 'utf8')).toBe(first);
    const preds = (await readFile(join(out, 'predictions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(preds.every((p) => p.cached)).toBe(true);
  });

  it('compares two runs side by side', async () => {
    const out2 = join(root, 'run-other');
    expect((await cli(runArgs(other, 'scripted-other', out2))).code).toBe(0);
    const target = join(root, 'compare.md');
    const r = await cli(['compare', join(root, 'run-good'), out2, '--out', target]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${target}, ${join(root, 'compare.svg')}, ${join(root, 'compare.png')}\n`);
    const md = await readFile(target, 'utf8');
    expect(md.startsWith('![Scores per benchmark and category with 95 % intervals](compare.png)\n')).toBe(true);
    const svg = await readFile(join(root, 'compare.svg'), 'utf8');
    for (const label of ['ssrl-tasks', 'viewspatial', 'openai:scripted-good', 'openai:scripted-other', 'shuffle']) expect(svg).toContain(label);
    const size = await imageSize(new Uint8Array(await readFile(join(root, 'compare.png'))));
    expect(size).toMatchObject({ width: 1000, height: 56 + 2 * 266 + 8 });
    expect(md).toContain('| openai:scripted-good | yes |');
    expect(md).toContain('| openai:scripted-other | yes | – | – | – | – | – | 0.00 | – | 0.00* | 0.00 |');
    expect(md).toContain('### ssrl-tasks');
  });

  it('runs one benchmark with a single --data path and --no-cot prompts', async () => {
    const out = join(root, 'run-nocot');
    const r = await cli(['run', '--model', `openai:${good.baseUrl}#plain`, '--bench', 'viewspatial', '--data', viewDir, '--out', out, '--no-cot', '--limit', '3']);
    expect(r.code).toBe(0);
    const prompts = good.stats.log.filter((q) => q.prompt.endsWith('\nReply only to the corresponding option.\nAnswer:'));
    expect(prompts).toHaveLength(3);
    expect(JSON.parse(await readFile(join(out, 'scores.json'), 'utf8')).cot).toBe(false);
  });

  it('reports the chance level of each task of a generated dataset, from the params it recorded', async () => {
    const data = join(root, 'generated');
    await generateDataset({ sources: ['synthetic:6:160x120'], tasks: [{ task: 'flip' }, { task: 'position' }], count: 12, seed: 3, out: data, testFraction: 1, workers: 1 });
    const out = join(root, 'run-generated');
    const r = await cli(['run', '--model', `openai:${good.baseUrl}#m`, '--bench', 'ssrl-tasks', '--data', data, '--out', out]);
    expect(r.code).toBe(0);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toContain('| category | score | chance |');
    expect(report).toMatch(/\| flip \| \d+\.\d\d \| 12\.50 \|/);
    expect(report).toMatch(/\| position \| \d+\.\d\d \| 25\.00 \|/);
  });

  it('explains bad command lines (exit 2) and unusable inputs (exit 1)', async () => {
    const bad = await cli(['run', '--model', 'openai:nohash', '--bench', 'viewspatial', '--data', viewDir, '--out', join(root, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected openai:<base-url>[,<base-url>…]#<model-name>');
    const unknown = await cli(['run', '--model', `openai:${good.baseUrl}#m`, '--bench', 'nope', '--data', viewDir, '--out', join(root, 'x')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown benchmark nope');
    const missing = await cli(['run', '--model', `openai:${good.baseUrl}#m`, '--bench', 'vsi-bench', '--data', join(root, 'none.json'), '--out', join(root, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/none\.json: no such file \[MISSING_FILE\]/);
    const noImages = await cli(['run', '--model', `openai:${good.baseUrl}#m`, '--bench', 'viewspatial', '--data', EXCERPT, '--limit', '2', '--out', join(root, 'no-images')]);
    expect(noImages.code).toBe(0);
    expect(noImages.stderr).toMatch(/2 items failed and count as wrong; first: 0: transient: cannot load images: image not found/);
    const ckpt = await cli(['run', '--model', `checkpoint:${join(root, 'no-ckpt')}`, '--bench', 'viewspatial', '--data', viewDir, '--out', join(root, 'x')]);
    expect(ckpt.code).toBe(1);
    expect(ckpt.stderr).toContain(`cannot load checkpoint ${join(root, 'no-ckpt')}`);
  });
});
