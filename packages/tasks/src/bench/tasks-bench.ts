import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImage, encodeImage, pairSource, resizeBilinear, type LoadedImage, type SourceItem } from '@spatial-ssrl/image';
import { renderScene } from '@spatial-ssrl/scenes';
import { generateDataset } from '../dataset/writer.js';
import { generatorVersions } from '../dataset/versions.js';
import { builtinTasks, extraTasks } from '../registry.js';
import { clipBench } from './clip-bench.js';
import { clipTasksBench } from './clip-tasks-bench.js';
import { viewPairTasksBench } from './view-pair-tasks-bench.js';
import { createRng, deriveSeed } from '@spatial-ssrl/spec';
import { isRejection, taskNeeds, type Task } from '../task.js';

interface Input {
  readonly label: string;
  /** Loads (decodes) the input; timed as part of a full sample. */
  readonly load: () => Promise<LoadedImage>;
  /** The encoded RGB bytes or file, for the decode + encode floor; absent for rendered scenes. */
  readonly floorSource?: Uint8Array | string;
  readonly hasDepth: boolean;
}

interface Row {
  task: string;
  input: string;
  full: number;
  generate: number;
  floor: number | null;
  rejected: string;
}

const TARGETS: Record<string, string> = {
  depth: '<= 50 ms on DIODE',
  position: '<= 200 ms on MegaDepth img1',
  shuffle: '<= 2x floor',
  flip: '<= 2x floor',
  crop: '<= 2x floor',
  rotation: '<= 2x floor',
  jigsaw: '<= 2x floor',
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function timeIt(reps: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number> {
  await fn(-1);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return median(times);
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (pnpm-workspace.yaml) above the bench script');
    dir = up;
  }
  return dir;
}

async function referenceInputs(): Promise<Input[]> {
  const shared = process.env.SSRL_SHARED_DIR ? resolve(process.env.SSRL_SHARED_DIR) : resolve(repoRoot(), '..', 'shared');
  const dir = join(shared, 'fixtures', 'reference-images');
  if (!existsSync(dir)) {
    console.log(`> reference images not found at ${dir} (set SSRL_SHARED_DIR): skipping the reference-image rows\n`);
    return [];
  }
  const pairs = pairSource(
    [
      { id: 'img1', rgb: join(dir, 'RGB-D_img1.jpg'), depth: join(dir, 'RGB-D_depth1.h5') },
      { id: 'img2', rgb: join(dir, 'RGB-D_img2.jpg'), depth: join(dir, 'RGB-D_depth2.h5') },
    ],
    'megadepth',
  );
  const diode = pairSource([{ id: 'img3', rgb: join(dir, 'RGB-D_img3.png'), depth: join(dir, 'RGB-D_depth3.npy'), mask: join(dir, 'RGB-D_depth_mask3.npy') }], 'diode');
  const items: SourceItem[] = [...(await pairs.list()), ...(await diode.list())];
  const byId = (id: string) => items.find((i) => i.id === id) as SourceItem;
  const rgbPath = join(dir, 'RGB_img.png');
  const original = await decodeImage(rgbPath);
  const width = 640;
  const small = await encodeImage(resizeBilinear(original, width, Math.round((original.height * width) / original.width)), { format: 'jpeg', quality: 90 });
  return [
    { label: `RGB_img.png ${original.width}x${original.height}`, load: async () => ({ rgb: await decodeImage(rgbPath) }), floorSource: rgbPath, hasDepth: false },
    { label: 'RGB_img as 640-px JPEG', load: async () => ({ rgb: await decodeImage(small) }), floorSource: small, hasDepth: false },
    { label: 'MegaDepth img1 1600x1064', load: () => byId('img1').load(), floorSource: join(dir, 'RGB-D_img1.jpg'), hasDepth: true },
    { label: 'MegaDepth img2 (6.6 % valid)', load: () => byId('img2').load(), floorSource: join(dir, 'RGB-D_img2.jpg'), hasDepth: true },
    { label: 'DIODE img3 1024x768', load: () => byId('img3').load(), floorSource: join(dir, 'RGB-D_img3.png'), hasDepth: true },
  ];
}

function syntheticInputs(): Input[] {
  return [0, 1, 2].map((k) => ({
    label: `synthetic 640x480 #${k}`,
    load: async () => {
      const scene = renderScene({ seed: 1000 + k, width: 640, height: 480 });
      return { rgb: scene.rgb, depth: scene.depth };
    },
    hasDepth: true,
  }));
}

async function benchTask(task: Task<any, any>, input: Input, floor: number | null): Promise<Row> {
  const params = task.params.parse({});
  const loaded = await input.load();
  const source = { dataset: 'bench', id: input.label };
  const reps = task.id === 'position' ? 7 : 15;
  let rejected = 0;
  const seedOf = (i: number) => deriveSeed(7, task.id, input.label, i);
  const gen = await timeIt(reps, (i) => {
    const r = task.generate({ rgb: loaded.rgb, depth: loaded.depth, source }, params, createRng(seedOf(i)));
    if (isRejection(r)) rejected++;
  });
  const full = await timeIt(reps, async (i) => {
    const image = await input.load();
    const r = task.generate({ rgb: image.rgb, depth: image.depth, source }, params, createRng(seedOf(i)));
    if (!isRejection(r)) await Promise.all(r.images.map((img) => encodeImage(img.image, { format: img.format ?? 'png' })));
  });
  return { task: task.id, input: input.label, full, generate: gen, floor, rejected: `${rejected}/${reps + 1}` };
}

async function floorOf(input: Input): Promise<number | null> {
  if (input.floorSource === undefined) return null;
  const src = input.floorSource;
  return timeIt(15, async () => encodeImage(await decodeImage(src), { format: 'png' }));
}

async function mixedThroughput(spec: string, workers: number, count: number): Promise<{ rate: number; samples: number; failed: number }> {
  const out = await mkdtemp(join(tmpdir(), 'ssrl-bench-'));
  try {
    const result = await generateDataset({ sources: [spec], count, seed: 1, out, workers });
    return { rate: result.generated / (result.elapsedMs / 1000), samples: result.manifest.counts?.samples ?? 0, failed: result.manifest.counts?.failed ?? 0 };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const fmt = (ms: number | null) => (ms === null ? '–' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

async function main(): Promise<void> {
  const cores = availableParallelism();
  const versions = generatorVersions();
  console.log('# @spatial-ssrl/tasks benchmark\n');
  console.log(`- machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  console.log(`- versions: Node ${process.version}, sharp ${versions.sharp}, @spatial-ssrl/tasks ${versions['@spatial-ssrl/tasks']}`);
  console.log('- times are medians per sample in ms; "full" = load/decode (or render) + generate + PNG-encode every image,');
  console.log('  "floor" = one sharp decode + one PNG encode of the same source image\n');

  const rows: Row[] = [];
  for (const input of [...(await referenceInputs()), ...syntheticInputs()]) {
    const floor = await floorOf(input);
    for (const task of [...builtinTasks, ...extraTasks]) {
      const needs = taskNeeds(task, task.params.parse({}));
      if (needs.kind !== 'image' || (needs.depth && !input.hasDepth)) continue;
      rows.push(await benchTask(task, input, floor));
    }
  }
  console.log('| task | input | full ms | generate ms | floor ms | full / floor | rejected | target |');
  console.log('|---|---|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.floor ? `${(r.full / r.floor).toFixed(2)}x` : '–';
    console.log(`| ${r.task} | ${r.input} | ${fmt(r.full)} | ${fmt(r.generate)} | ${fmt(r.floor)} | ${ratio} | ${r.rejected} | ${TARGETS[r.task] ?? ''} |`);
  }

  const render = await timeIt(9, (i) => renderScene({ seed: 5000 + i, width: 640, height: 480 }));
  console.log(`\nsynthetic scene render alone (640x480, included in the synthetic "full" times): ${fmt(render)} ms median`);

  await clipBench();
  await clipTasksBench();
  await viewPairTasksBench();

  const count = Number(process.env.SSRL_BENCH_MIXED_COUNT ?? 240);
  console.log(`\n## Mixed generation (all five tasks, equal weights, ${count} samples, PNG to a temp dir)\n`);
  console.log('| source | workers | samples/s | samples | failed |');
  console.log('|---|---:|---:|---:|---:|');
  const pool = 16;
  for (const [spec, label] of [
    [`synthetic:${count}:640x480`, `synthetic:${count}:640x480 (a new scene per sample)`],
    [`synthetic:${pool}:640x480`, `synthetic:${pool}:640x480 (scenes cycled, decoded once per thread)`],
  ]) {
    for (const w of cores > 1 ? [1, cores] : [1]) {
      const m = await mixedThroughput(spec, w, count);
      console.log(`| ${label} | ${w} | ${m.rate.toFixed(1)} | ${m.samples} | ${m.failed} |`);
    }
  }
  const rssCount = Number(process.env.SSRL_BENCH_RSS_COUNT ?? 0);
  if (rssCount > 0) {
    const m = await mixedThroughput(`synthetic:${rssCount}:640x480`, cores, rssCount);
    console.log(`\nstreaming run of ${rssCount} samples with ${cores} workers: ${m.rate.toFixed(1)} samples/s, ${m.samples} samples, ${m.failed} failed`);
  }
  console.log(`\npeak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (whole process, workers included)`);
  console.log('targets: depth <= 50 ms (DIODE), position <= 200 ms (MegaDepth img1), shuffle/flip/crop <= 2x floor, >= 40 mixed samples/s on 2 cores');
}

await main();
