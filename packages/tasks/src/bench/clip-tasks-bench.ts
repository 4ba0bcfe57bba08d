import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegTools, videoSource, type ClipItem } from '@spatial-ssrl/image';
import { flythroughSource } from '@spatial-ssrl/scenes';
import { createRng, deriveSeed } from '@spatial-ssrl/spec';
import { loadClipInput } from '../dataset/inputs.js';
import { extraTasks } from '../registry.js';
import { fmt, median, timeSample } from './bench-stats.js';
import { taskNeeds, type ClipInput, type Task } from '../task.js';

const run = promisify(execFile);

/**
 * Times the clip tasks per sample, as the dataset writer runs them: "full" = pick and decode (or
 * render) the sampled frames + generate + PNG-encode every image; "generate" = the task alone on
 * frames already decoded. Inputs: a 10 s 640×480 H.264 test pattern made by ffmpeg (when
 * installed; not for tasks that need cameras or depth) and 320×240 fly-throughs. Prints a Markdown table.
 */
export async function clipTasksBench(): Promise<void> {
  const tasks = extraTasks.filter((t) => taskNeeds(t, t.params.parse({})).kind === 'clip') as Task<unknown, ClipInput>[];
  console.log('\n## Clip tasks (median per sample, default params)\n');
  const inputs: { label: string; item: ClipItem }[] = [];
  let dir: string | undefined;
  try {
    await ffmpegTools();
    dir = await mkdtemp(join(tmpdir(), 'ssrl-clip-tasks-bench-'));
    const path = join(dir, 'pattern.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25:duration=10', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', path]);
    const [item] = await videoSource(path).list();
    inputs.push({ label: 'mp4 640x480, 250 frames', item: item! });
  } catch (error) {
    console.log(`> video rows skipped: ${(error as Error).message}\n`);
  }
  const flys = await flythroughSource({ count: 5, width: 320, height: 240, frames: 16 }).list();
  try {
    console.log('| task | input | full ms | generate ms | frames per sample | rejected |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const task of tasks) {
      const params = task.params.parse({});
      const needs = taskNeeds(task, params);
      if (needs.kind !== 'clip') continue;
      // Tasks that need cameras (or depth) run on fly-throughs only, as the writer would pick them.
      const usable = needs.cameras || needs.depth ? [] : inputs;
      for (const input of [...usable, { label: 'fly-through 320x240, 16 frames', item: flys[0]! }]) {
        const full: number[] = [];
        const gen: number[] = [];
        let rejected = 0;
        const reps = 6;
        for (let i = -1; i < reps; i++) {
          const seed = deriveSeed(7, task.id, input.label, i);
          // Fly-throughs: a new clip per sample, as a dataset would visit them.
          const item = input.item.dataset === 'flythrough' ? flys[(i + 1) % flys.length]! : input.item;
          const times = await timeSample(
            async () => {
              const loaded = await loadClipInput(item, needs, seed, { dataset: item.dataset, id: item.id });
              if ('failure' in loaded) throw new Error(`${input.label}: ${loaded.failure.message}`);
              return loaded.input;
            },
            (clip) => task.generate(clip, params, createRng(seed)),
          );
          if (times.rejected) rejected++;
          if (i >= 0) {
            full.push(times.full);
            gen.push(times.generate);
          }
        }
        console.log(`| ${task.id} | ${input.label} | ${fmt(median(full))} | ${fmt(median(gen))} | ${needs.sampling.frames} | ${rejected}/${reps + 1} |`);
      }
    }
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
