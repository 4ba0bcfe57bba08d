import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { debianPrograms } from '@spatial-ssrl/dev-env';

const run = promisify(execFile);

/** Installs ffmpeg (Debian's) when missing; the reason when it cannot be installed, else null. */
export async function ffmpegUnavailable(): Promise<string | null> {
  const tools = await debianPrograms([
    { program: 'ffmpeg', pkg: 'ffmpeg' },
    { program: 'ffprobe', pkg: 'ffmpeg' },
  ]);
  return tools.ok ? null : tools.reason;
}

/**
 * Writes an H.264 mp4 of ffmpeg's `testsrc2` pattern (moving shapes and a frame counter, so every
 * frame differs) of `frames` frames at `fps`, `width × height`.
 */
export async function writeTestVideo(path: string, options: { frames: number; fps?: number; width?: number; height?: number }): Promise<void> {
  const { frames, fps = 10, width = 96, height = 72 } = options;
  await run('ffmpeg', [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-frames:v', String(frames), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '8', '-preset', 'ultrafast', path,
  ]);
}

/** Writes an audio-only file (a 1 s sine tone in AAC) at `path`, whatever its extension. */
export async function writeAudioOnly(path: string): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', '-f', 'mp4', path]);
}

/** Copies the first `fraction` of `from`'s bytes to `to`: a file cut short mid-download. */
export async function writeTruncated(from: string, to: string, fraction: number): Promise<void> {
  const bytes = await readFile(from);
  await writeFile(to, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}
