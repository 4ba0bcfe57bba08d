import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clipFrameIndices, ffmpegTools, videoSource } from '@spatial-ssrl/image';
import { flythroughSource, renderScene } from '@spatial-ssrl/scenes';

const run = promisify(execFile);

interface ClipRow {
  readonly input: string;
  readonly frames: number;
  readonly perFrame: number;
  readonly anchor: string;
  readonly anchorPerFrame: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function medianMs(reps: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

// A 10 s, 25 fps, 640×480 test pattern with moving content, encoded by ffmpeg itself.
async function makeVideo(dir: string, ext: 'mp4' | 'webm'): Promise<string> {
  const path = join(dir, `pattern.${ext}`);
  const codec = ext === 'mp4' ? ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50'] : ['-c:v', 'libvpx', '-b:v', '1M', '-g', '50'];
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25:duration=10', ...codec, path]);
  return path;
}

/**
 * Times clip sources per frame: video frames sampled from a 10 s clip (seek + decode of the
 * sampled frames only) beside ffmpeg decoding every frame of the same file to nothing, and
 * fly-through frames beside rendering the scene's own view. Prints a Markdown table.
 */
export async function clipBench(): Promise<void> {
  console.log('\n## Clip sources (median per frame)\n');
  console.log(`- load average at start: ${loadavg().map((v) => v.toFixed(1)).join(', ')}; video frames far apart are each a seek in a separate ffmpeg process, near ones (< 2 s) share one pass\n`);
  const rows: ClipRow[] = [];
  let tools: Awaited<ReturnType<typeof ffmpegTools>> | undefined;
  try {
    tools = await ffmpegTools();
  } catch (error) {
    console.log(`> video rows skipped: ${(error as Error).message}\n`);
  }
  if (tools) {
    const dir = await mkdtemp(join(tmpdir(), 'ssrl-clip-bench-'));
    try {
      for (const ext of ['mp4', 'webm'] as const) {
        const path = await makeVideo(dir, ext);
        const [item] = await videoSource(path).list();
        const info = await item!.probe();
        for (const frames of [4, 16]) {
          const { indices } = clipFrameIndices(info.frameCount, { rule: 'uniform', frames }, 0);
          const ms = await medianMs(5, () => item!.frames(indices));
          const whole = await medianMs(3, () => run('ffmpeg', ['-v', 'error', '-threads', '1', '-i', path, '-f', 'null', '-']));
          rows.push({ input: `${ext} 640x480, ${info.frameCount} frames, ${frames} sampled uniformly`, frames, perFrame: ms / frames, anchor: 'ffmpeg -threads 1 decoding every frame to null', anchorPerFrame: whole / info.frameCount });
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const [fly] = await flythroughSource({ count: 1, width: 640, height: 480, frames: 16 }).list();
  const all = Array.from({ length: 16 }, (_, k) => k);
  const flyMs = await medianMs(3, () => fly!.frames(all));
  const render = await medianMs(5, async () => renderScene({ seed: 5000, width: 640, height: 480 }));
  rows.push({ input: 'fly-through 640x480, 16 frames with depth and camera', frames: 16, perFrame: flyMs / 16, anchor: 'renderScene 640x480 (one view)', anchorPerFrame: render });

  console.log('| input | ms per frame | anchor | anchor ms per frame |');
  console.log('|---|---:|---|---:|');
  for (const r of rows) console.log(`| ${r.input} | ${r.perFrame.toFixed(2)} | ${r.anchor} | ${r.anchorPerFrame.toFixed(2)} |`);
  if (tools) console.log(`\nffmpeg: ${tools.version}`);
}
