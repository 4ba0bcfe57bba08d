import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, type TestContext } from 'vitest';
import { ffmpegUnavailable, writeTestVideo } from '../../dataset/__fixtures__/videos.js';

/** Folders a test file made, removed after its tests. */
export function tempDirs(): { track(dir: string): void } {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  return { track: (dir) => void dirs.push(dir) };
}

/**
 * Makes, before the tests of the enclosing `describe`, a 30-frame 10 fps mp4 with ffmpeg (removed
 * after them). `need(ctx)` skips a test, printing why, when ffmpeg is missing; `path()` is the video.
 */
export function useTestVideo(prefix: string): { path(): string; need(ctx: TestContext): void } {
  let unavailable: string | null = null;
  let dir = '';
  beforeAll(async () => {
    unavailable = await ffmpegUnavailable();
    if (unavailable !== null) return;
    dir = await mkdtemp(join(tmpdir(), `ssrl-${prefix}-video-`));
    await writeTestVideo(join(dir, 'clip.mp4'), { frames: 30, fps: 10 });
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    path: () => join(dir, 'clip.mp4'),
    need(ctx) {
      if (unavailable !== null) {
        console.warn(`skipped: ${unavailable}`);
        ctx.skip(unavailable);
      }
    },
  };
}
