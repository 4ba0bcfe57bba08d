import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianPrograms } from '@spatial-ssrl/dev-env';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { clipFrameIndices, sampleClip } from '../clip.js';
import { ClipSourceError } from '../errors.js';
import { ffmpegTools } from '../video/ffmpeg-tools.js';
import { ffmpeg, frameNumber, wrapFfmpeg, writeNumberedVideo } from '../video/__fixtures__/test-videos.js';
import { parseClipSourceSpec } from './clip-spec.js';
import { videoClipItem, videoSource } from './video-source.js';

let root: string;
let unavailable: string | null = null;

const H264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '8', '-bf', '2'];
const VP9 = ['-c:v', 'libvpx-vp9', '-g', '8', '-b:v', '300k', '-deadline', 'realtime'];

function need(ctx: TestContext): void {
  if (unavailable !== null) {
    console.warn(`skipped: ${unavailable}`);
    ctx.skip(unavailable);
  }
}

async function rejection(promise: Promise<unknown>): Promise<ClipSourceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ClipSourceError);
    return error as ClipSourceError;
  }
  throw new Error('expected a ClipSourceError');
}

beforeAll(async () => {
  const tools = await debianPrograms([
    { program: 'ffmpeg', pkg: 'ffmpeg' },
    { program: 'ffprobe', pkg: 'ffmpeg' },
  ]);
  if (!tools.ok) {
    unavailable = tools.reason;
    return;
  }
  root = await mkdtemp(join(tmpdir(), 'ssrl-video-'));
  for (const dir of ['clips', 'long', 'ts', 'rot', 'bad']) await mkdir(join(root, dir), { recursive: true });
  await writeNumberedVideo(join(root, 'clips/a.mp4'), { frames: 40, fps: 10, args: H264 });
  await writeNumberedVideo(join(root, 'clips/b.webm'), { frames: 40, fps: 10, args: VP9 });
}, 120_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('videoSource on videos made by ffmpeg', () => {
  it('lists video files by extension and probes frame count, rate, duration and size', async (ctx) => {
    need(ctx);
    await writeFile(join(root, 'clips/notes.txt'), 'not a video');
    const source = videoSource(join(root, 'clips'));
    expect(source).toMatchObject({ kind: 'clip', hasDepth: false, hasCameras: false, name: `video:${join(root, 'clips')}` });
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual(['a.mp4', 'b.webm']);
    for (const item of items) {
      const info = await item.probe();
      expect(info).toMatchObject({ frameCount: 40, frameRate: 10, width: 64, height: 48 });
      expect(info.duration).toBeCloseTo(4, 6);
      expect(info.frameTime(13)).toBeCloseTo(1.3, 9);
    }
  });

  it.for(['a.mp4', 'b.webm'])('decodes exactly the asked frames of %s, in the asked order, with their times', { timeout: 60_000 }, async (name, ctx) => {
    need(ctx);
    const item = videoClipItem(join(root, 'clips', name), name);
    const asked = [0, 5, 39, 17, 5, 38, 1];
    const frames = await item.frames(asked);
    expect(frames.map((f) => f.index)).toEqual(asked);
    expect(frames.map((f) => frameNumber(f.rgb))).toEqual(asked);
    frames.forEach((f, i) => {
      expect(f.time).toBeCloseTo(asked[i]! / 10, 3);
      expect(f.rgb).toMatchObject({ width: 64, height: 48 });
      expect(f.rgb.data.length).toBe(64 * 48 * 3);
    });
  });

  it('samples uniformly over the clip and in seeded windows, deterministically', async (ctx) => {
    need(ctx);
    const item = videoClipItem(join(root, 'clips/a.mp4'), 'a.mp4');
    const uniform = await sampleClip(item, { rule: 'uniform', frames: 8 }, 0);
    expect(uniform.frames.map((f) => f.index)).toEqual([0, 6, 11, 17, 22, 28, 33, 39]);
    expect(uniform.frames.map((f) => frameNumber(f.rgb))).toEqual([0, 6, 11, 17, 22, 28, 33, 39]);
    const a = await sampleClip(item, { rule: 'window', frames: 4, gap: { min: 2, max: 5 } }, 1234);
    const again = await sampleClip(videoClipItem(join(root, 'clips/a.mp4'), 'a.mp4'), { rule: 'window', frames: 4, gap: { min: 2, max: 5 } }, 1234);
    expect(a.frames.map((f) => f.index)).toEqual(again.frames.map((f) => f.index));
    const digest = (frames: readonly { rgb: { data: Uint8Array } }[]) => {
      const h = createHash('sha256');
      for (const f of frames) h.update(f.rgb.data);
      return h.digest('hex');
    };
    expect(digest(a.frames)).toBe(digest(again.frames));
    const idx = a.frames.map((f) => f.index);
    expect(a.gap).toBeGreaterThanOrEqual(2);
    expect(a.gap).toBeLessThanOrEqual(5);
    expect(idx.slice(1).map((v, i) => v - idx[i]!)).toEqual([a.gap, a.gap, a.gap]);
    expect(a.frames.map((f) => frameNumber(f.rgb))).toEqual(idx);
    const starts = new Set<number>();
    for (let seed = 0; seed < 30; seed++) starts.add(clipFrameIndices(40, { rule: 'window', frames: 4, gap: 3 }, seed).indices[0]!);
    expect(starts.size).toBeGreaterThan(10);
  }, 60_000);

  it('decodes only the needed frames of a long video: one seek per distant frame, never from the start', async (ctx) => {
    need(ctx);
    const long = join(root, 'long/long.mp4');
    // 90 s at 20 fps, a keyframe every 2 s.
    await writeNumberedVideo(long, { frames: 1800, fps: 20, width: 32, height: 24, args: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '40', '-preset', 'ultrafast'] });
    const wrapped = join(root, 'wrapped');
    await wrapFfmpeg(wrapped, process.env.PATH ?? '', null);
    const item = videoClipItem(long, 'long.mp4', { env: { ...process.env, PATH: wrapped } });
    const picks = [1799, 30, 900, 901, 1200];
    const frames = await item.frames(picks);
    expect(frames.map((f) => frameNumber(f.rgb))).toEqual(picks);
    const calls = (await readFile(join(wrapped, 'calls.log'), 'utf8')).trim().split('\n');
    const decodes = calls.filter((c) => c.startsWith('ffmpeg ') && c.includes(' rawvideo '));
    // 30, 900+901 (one pass), 1200 and 1799: four passes, each starting from a seek.
    expect(decodes).toHaveLength(4);
    const seeks = decodes.map((c) => Number(/ -ss (\S+)/.exec(c)?.[1]));
    expect(seeks.every((s) => Number.isFinite(s) && s > 1)).toBe(true);
    expect(seeks.sort((x, y) => x - y).map((s) => Math.round(s))).toEqual([1, 45, 60, 90]);
  }, 120_000);

  it('finds the right frames in an MPEG-TS file that starts late and seeks imprecisely', async (ctx) => {
    need(ctx);
    const ts = join(root, 'ts/late.ts');
    await writeNumberedVideo(ts, { frames: 60, fps: 10, args: [...H264.slice(0, 4), '-g', '12', '-f', 'mpegts'] });
    const item = videoClipItem(ts, 'late.ts');
    const info = await item.probe();
    expect(info.frameCount).toBe(60);
    const picks = [10, 25, 26, 59, 0];
    expect((await item.frames(picks)).map((f) => frameNumber(f.rgb))).toEqual(picks);
  }, 60_000);

  it('applies rotation metadata and scales frames down to max-side', async (ctx) => {
    need(ctx);
    const rotated = join(root, 'rot/rotated.mp4');
    await ffmpeg(['-i', join(root, 'clips/a.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
    const item = videoClipItem(rotated, 'rotated.mp4');
    expect(await item.probe()).toMatchObject({ width: 48, height: 64 });
    const [frame] = await item.frames([7]);
    expect(frame!.rgb).toMatchObject({ width: 48, height: 64 });
    expect(frameNumber(frame!.rgb)).toBe(7);
    const small = (await parseClipSourceSpec(`video:${join(root, 'clips/a.mp4')}?max-side=32`).list())[0]!;
    expect(await small.probe()).toMatchObject({ width: 32, height: 24 });
    const [f] = await small.frames([21]);
    expect(f!.rgb).toMatchObject({ width: 32, height: 24 });
    expect(frameNumber(f!.rgb)).toBe(21);
  }, 60_000);

  it('gives the same bytes for the same frames across sources and processes', async (ctx) => {
    need(ctx);
    const one = await videoClipItem(join(root, 'clips/b.webm'), 'b').frames([3, 30]);
    const two = await videoClipItem(join(root, 'clips/b.webm'), 'b').frames([30, 3]);
    expect(Buffer.from(one[0]!.rgb.data).equals(Buffer.from(two[1]!.rgb.data))).toBe(true);
    expect(Buffer.from(one[1]!.rgb.data).equals(Buffer.from(two[0]!.rgb.data))).toBe(true);
  }, 60_000);
});

describe('videoSource rejections', () => {
  async function cut(name: string, fraction: number, args: readonly string[]): Promise<string> {
    const full = join(root, 'bad', `full-${name}`);
    await writeNumberedVideo(full, { frames: 40, fps: 10, args });
    const bytes = await readFile(full);
    const path = join(root, 'bad', name);
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * fraction)));
    return path;
  }

  it.for([
    ['cut.mp4', H264],
    ['cut-faststart.mp4', [...H264, '-movflags', '+faststart']],
    ['cut.webm', VP9],
    ['cut.mkv', H264],
  ] as const)('rejects a truncated %s as truncated, with a sentence', { timeout: 60_000 }, async ([name, args], ctx) => {
    need(ctx);
    const path = await cut(name, 0.6, args);
    const e = await rejection(videoClipItem(path, name).probe());
    expect(e.code).toBe('truncated');
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/cut short/);
  });

  it('rejects an empty file, an audio-only file, garbage and a missing file', async (ctx) => {
    need(ctx);
    const empty = join(root, 'bad/empty.mp4');
    await writeFile(empty, '');
    expect((await rejection(videoClipItem(empty, 'e').probe())).code).toBe('empty');
    const audio = join(root, 'bad/audio.m4a');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', audio]);
    const a = await rejection(videoClipItem(audio, 'a').probe());
    expect(a.code).toBe('audio-only');
    expect(a.message).toMatch(/audio but no video stream/);
    const mp3 = join(root, 'bad/audio.mp3');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', mp3]);
    expect((await rejection(videoClipItem(mp3, 'm').probe())).code).toBe('audio-only');
    const garbage = join(root, 'bad/garbage.mp4');
    await writeFile(garbage, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 251)));
    expect((await rejection(videoClipItem(garbage, 'g').probe())).code).toBe('corrupt');
    expect((await rejection(videoClipItem(join(root, 'bad/none.mp4'), 'n').probe())).code).toBe('not-found');
  }, 60_000);

  it('rejects a video too short for the sampling rule, and frames outside the clip', async (ctx) => {
    need(ctx);
    const short = join(root, 'bad/short.mp4');
    await writeNumberedVideo(short, { frames: 3, fps: 10, args: H264 });
    const item = videoClipItem(short, 'short.mp4');
    const e = await rejection(sampleClip(item, { rule: 'uniform', frames: 8 }, 0));
    expect(e.code).toBe('too-short');
    expect(e.message).toMatch(/has 3 frames, fewer than the 8 to sample/);
    const w = await rejection(sampleClip(item, { rule: 'window', frames: 3, gap: 2 }, 0));
    expect(w.code).toBe('too-short');
    expect((await rejection(item.frames([3]))).code).toBe('invalid-frame');
  }, 60_000);
});

describe('ffmpeg lookup', () => {
  it('names apt-get install ffmpeg when ffmpeg is not on PATH', async (ctx) => {
    need(ctx);
    const emptyBin = await mkdtemp(join(tmpdir(), 'ssrl-nobin-'));
    const env = { ...process.env, PATH: emptyBin };
    const e = await rejection(videoSource(join(root, 'clips'), { env }).list());
    expect(e.code).toBe('ffmpeg-missing');
    expect(e.message).toContain('apt-get install ffmpeg');
    expect(e.message).toMatch(/ffmpeg and ffprobe: not found on PATH/);
    const item = videoClipItem(join(root, 'clips/a.mp4'), 'a.mp4', { env });
    expect((await rejection(item.probe())).code).toBe('ffmpeg-missing');
    await rm(emptyBin, { recursive: true, force: true });
  });

  it('refuses an ffmpeg older than the minimum release and reports the version it found', async (ctx) => {
    need(ctx);
    const old = join(root, 'old-bin');
    await wrapFfmpeg(old, process.env.PATH ?? '', '3.4.8-0ubuntu0.2');
    const e = await rejection(ffmpegTools({ ...process.env, PATH: old }));
    expect(e.code).toBe('ffmpeg-too-old');
    expect(e.message).toMatch(/3\.4\.8.*need 4\.2 or later/);
    const fine = join(root, 'new-bin');
    await wrapFfmpeg(fine, process.env.PATH ?? '', 'n7.1.1');
    await expect(ffmpegTools({ ...process.env, PATH: fine })).resolves.toMatchObject({ release: [7, 1] });
    expect((await stat(join(fine, 'ffprobe'))).isFile()).toBe(true);
  });
});
