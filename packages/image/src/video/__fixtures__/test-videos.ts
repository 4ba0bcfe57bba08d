import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RgbImage } from '../../raster.js';

const run = promisify(execFile);

/**
 * Test videos made with the ffmpeg on PATH at test time. Frame `k` is a flat colour whose red
 * level is `16 + 5·(k mod 45)` (green its complement) and blue level `16 + 5·⌊k / 45⌋`, so a
 * decoded frame names its own index (up to 2,024) even after lossy coding: {@link frameNumber}
 * reads it back.
 */
export const LEVEL_BASE = 16;
export const LEVEL_STEP = 5;

/** The raw RGB bytes of `count` numbered frames of `width × height`. */
export function numberedFrames(count: number, width: number, height: number): Buffer {
  const frame = width * height * 3;
  const out = Buffer.alloc(frame * count);
  for (let k = 0; k < count; k++) {
    const r = LEVEL_BASE + LEVEL_STEP * (k % 45);
    const b = LEVEL_BASE + LEVEL_STEP * Math.floor(k / 45);
    for (let i = 0; i < width * height; i++) {
      out[k * frame + i * 3] = r;
      out[k * frame + i * 3 + 1] = 255 - r;
      out[k * frame + i * 3 + 2] = b;
    }
  }
  return out;
}

/** The frame number a decoded numbered frame shows. */
export function frameNumber(rgb: RgbImage): number {
  let r = 0;
  let b = 0;
  for (let i = 0; i < rgb.data.length; i += 3) {
    r += rgb.data[i]!;
    b += rgb.data[i + 2]!;
  }
  const n = rgb.data.length / 3;
  // Adding 0 turns the -0 a slightly dark frame 0 rounds to into 0.
  return Math.round((r / n - LEVEL_BASE) / LEVEL_STEP) + 45 * Math.round((b / n - LEVEL_BASE) / LEVEL_STEP) + 0;
}

/** Encodes numbered frames to `path` with extra ffmpeg output arguments (codec, GOP, …). */
export async function writeNumberedVideo(
  path: string,
  options: { frames: number; fps: number; width?: number; height?: number; args: readonly string[] },
): Promise<void> {
  const width = options.width ?? 64;
  const height = options.height ?? 48;
  const input = numberedFrames(options.frames, width, height);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ffmpeg', [
      '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(options.fps), '-i', 'pipe:0',
      ...options.args, path,
    ], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg failed (${code}): ${err}`))));
    child.stdin.end(input);
  });
}

/** Runs ffmpeg with arguments (for audio-only files and remuxes). */
export async function ffmpeg(args: readonly string[]): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', ...args]);
}

/**
 * Puts a fake `ffmpeg` (and `ffprobe`) script in `dir` that prints `version` for `-version` and
 * otherwise hands its arguments to the real program found on `realPath`, logging each call's
 * arguments to `dir/calls.log` (one JSON array per line).
 */
export async function wrapFfmpeg(dir: string, realPath: string, version: string | null): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const program of ['ffmpeg', 'ffprobe']) {
    const script = [
      '#!/bin/sh',
      version !== null && program === 'ffmpeg'
        ? `for a in "$@"; do if [ "$a" = "-version" ]; then echo "ffmpeg version ${version} Copyright (c) the FFmpeg developers"; exit 0; fi; done`
        : '',
      `printf '%s\\n' "${program} $*" >> "${join(dir, 'calls.log')}"`,
      `PATH="${realPath}" exec ${program} "$@"`,
    ].join('\n');
    await writeFile(join(dir, program), `${script}\n`);
    await chmod(join(dir, program), 0o755);
  }
}
