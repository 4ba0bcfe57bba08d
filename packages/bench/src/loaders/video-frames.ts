import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BenchError } from '../errors.js';
import { readImageFile } from '../io/images.js';
import type { PolicyImage } from '@spatial-ssrl/spec';

const run = promisify(execFile);

// numpy rounds halves to even; frame indices must match `np.linspace(...).round()`.
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Indices of `count` frames spread uniformly over `total` frames, as the Spatial-SSRL VSI
 * script picks them (`np.linspace(0, total-1, count).round()`); every frame when `total ≤ count`.
 */
export function sampleFrameIndices(total: number, count: number): number[] {
  if (!Number.isInteger(total) || total < 0 || !Number.isInteger(count) || count < 1) {
    throw new BenchError('BAD_ARGUMENT', `frame sampling needs integer total ≥ 0 and count ≥ 1, got ${total} and ${count}`);
  }
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  const step = (total - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? total - 1 : roundHalfEven(i * step)));
}

function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Image files of a frame folder in natural order (`2.jpg` before `10.jpg`). */
export async function listFrames(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /\.(jpe?g|png)$/i.test(n));
  return names.sort(naturalCompare).map((n) => join(dir, n));
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}
async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isFile() ?? false;
}

/** The frames folder of a video: `<framesDir>/<dataset>/<stem>` or `<framesDir>/<stem>`, if one exists. */
export async function findFrameFolder(framesDir: string, dataset: string, stem: string): Promise<string | null> {
  for (const c of [join(framesDir, dataset, stem), join(framesDir, stem)]) if (await isDir(c)) return c;
  return null;
}

/** The video file: `<videosDir>/<dataset>/<stem>.mp4` or `<videosDir>/<stem>.mp4`, if one exists. */
export async function findVideo(videosDir: string, dataset: string, stem: string): Promise<string | null> {
  for (const c of [join(videosDir, dataset, `${stem}.mp4`), join(videosDir, `${stem}.mp4`)]) if (await isFile(c)) return c;
  return null;
}

/** Whether `ffmpeg` and `ffprobe` can be run from PATH. */
export async function ffmpegAvailable(): Promise<boolean> {
  try {
    await run('ffmpeg', ['-version']);
    await run('ffprobe', ['-version']);
    return true;
  } catch {
    return false;
  }
}

/** Number of frame files in a frames folder; `NO_FRAME_SOURCE` when it holds none. */
export async function folderFrameCount(dir: string): Promise<number> {
  const n = (await listFrames(dir)).length;
  if (n === 0) throw new BenchError('NO_FRAME_SOURCE', `frames folder ${dir} holds no .jpg/.png frames`);
  return n;
}

/** Loads `count` uniformly sampled frames from a folder of extracted frames (every frame when it holds no more). */
export async function framesFromFolder(dir: string, count: number): Promise<PolicyImage[]> {
  const files = await listFrames(dir);
  if (files.length === 0) throw new BenchError('NO_FRAME_SOURCE', `frames folder ${dir} holds no .jpg/.png frames`);
  return Promise.all(sampleFrameIndices(files.length, count).map((i) => readImageFile(files[i]!)));
}

/** Number of frames of a video's first video stream, counted by ffprobe; `NO_FRAME_SOURCE` when it finds none. */
export async function videoFrameCount(video: string): Promise<number> {
  let stdout: string;
  try {
    ({ stdout } = await run('ffprobe', [
      '-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', video,
    ]));
  } catch (err) {
    throw new BenchError('NO_FRAME_SOURCE', `ffprobe cannot read ${video}: ${String((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`, { cause: err });
  }
  const total = Number.parseInt(stdout.trim(), 10);
  if (!Number.isFinite(total) || total <= 0) throw new BenchError('NO_FRAME_SOURCE', `ffprobe found no video frames in ${video}`);
  return total;
}

/**
 * Decodes `count` uniformly sampled frames of a video with ffmpeg, as JPEG (every frame when the
 * video has no more); `total` is the frame count when already known from {@link videoFrameCount}.
 */
export async function framesFromVideo(video: string, count: number, total?: number): Promise<PolicyImage[]> {
  const picks = sampleFrameIndices(total ?? (await videoFrameCount(video)), count);
  const dir = await mkdtemp(join(tmpdir(), 'ssrl-frames-'));
  try {
    const select = picks.map((i) => `eq(n\\,${i})`).join('+');
    await run('ffmpeg', ['-v', 'error', '-i', video, '-vf', `select=${select}`, '-vsync', '0', '-q:v', '2', join(dir, 'f%05d.jpg')]);
    const files = await listFrames(dir);
    if (files.length !== picks.length) {
      throw new BenchError('NO_FRAME_SOURCE', `ffmpeg wrote ${files.length} of ${picks.length} frames for ${video}`);
    }
    return await Promise.all(files.map(readImageFile));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
