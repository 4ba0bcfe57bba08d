import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { renderLayout, renderScene, sceneSeed } from '@spatial-ssrl/scenes';
import { composeScene } from '../synth/compose.js';
import { writeSynthBenchmark } from '../synth/dataset.js';
import { SYNTH_DEFAULTS, SynthGenerator } from '../synth/generate.js';

// Synthetic benchmark generation: 2,000 items of each benchmark written as a dataset directory
// (scenes composed, rendered, measured, questions asked, PNGs encoded), against the anchor of
// rendering the same number of scenes alone, in the same run. Target: each under a minute.
const COUNT = Number(process.env['COUNT'] ?? 2000);

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? await treeBytes(p) : (await stat(p)).size;
  }
  return total;
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`node ${process.version} (${process.platform} ${process.arch}); ${COUNT} items per benchmark at ${SYNTH_DEFAULTS.width}×${SYNTH_DEFAULTS.height}, seed ${SYNTH_DEFAULTS.seed}`);
  const require = createRequire(import.meta.url);
  const version = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  console.log(`versions: ${['@spatial-ssrl/bench', '@spatial-ssrl/spec', '@spatial-ssrl/scenes', '@spatial-ssrl/image'].map((n) => `${n} ${version(n)}`).join(', ')}`);
  const root = await mkdtemp(join(os.tmpdir(), 'synth-bench-'));
  try {
    for (const bench of ['synth-spatial', 'synth-general'] as const) {
      const out = join(root, bench);
      const c0 = cpuSeconds();
      const t0 = performance.now();
      const result = await writeSynthBenchmark({ bench, count: COUNT, out });
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds() - c0;
      const mb = (await treeBytes(out)) / 2 ** 20;
      console.log(
        `${bench}: ${result.items} items in ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU (${(result.items / wall).toFixed(1)} items/s); ` +
          `${result.scenes} scenes, ${result.rendered} rendered; ${mb.toFixed(0)} MiB on disk; ${wall < 60 ? 'under' : 'OVER'} the one-minute target`,
      );
      // The anchor: the same scenes rendered alone, with no questions, measurements or files.
      const g = new SynthGenerator({ ...SYNTH_DEFAULTS, bench, count: COUNT });
      const seeds = Array.from({ length: result.rendered }, (_, i) => g.sceneOf(i).seed);
      const a0 = performance.now();
      for (const seed of seeds) renderLayout(composeScene(seed, SYNTH_DEFAULTS.width / SYNTH_DEFAULTS.height).meta, { width: SYNTH_DEFAULTS.width, height: SYNTH_DEFAULTS.height });
      const renderOnly = (performance.now() - a0) / 1000;
      const r0 = performance.now();
      for (let i = 0; i < seeds.length; i++) renderScene({ seed: sceneSeed(0, i), width: SYNTH_DEFAULTS.width, height: SYNTH_DEFAULTS.height });
      const plain = (performance.now() - r0) / 1000;
      console.log(
        `  anchor: composing and rendering ${seeds.length} benchmark scenes alone ${renderOnly.toFixed(1)} s (${((100 * renderOnly) / wall).toFixed(0)} % of the run); ` +
          `${seeds.length} default renderScene scenes at the same size ${plain.toFixed(1)} s`,
      );
    }
    console.log(`peak resident memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
