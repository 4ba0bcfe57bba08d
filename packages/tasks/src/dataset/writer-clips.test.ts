import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { videoSource } from '@spatial-ssrl/image';
import { readDatasetManifest, readRejections, readSamples } from '@spatial-ssrl/spec/node';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { memorySource, tinyClipTask, tinyTask } from './__fixtures__/memory-source.js';
import { ffmpegUnavailable, writeAudioOnly, writeTestVideo, writeTruncated } from './__fixtures__/videos.js';
import { snapshot, tempDirs } from './__fixtures__/dataset-files.js';
import { generateDataset, type GenerateDatasetOptions } from './writer.js';

const tempDir = tempDirs('clips');

const flythrough = (out: string, extra: Partial<GenerateDatasetOptions> = {}): GenerateDatasetOptions => ({
  sources: [memorySource(5)],
  clips: ['flythrough:4:48x36:8'],
  tasks: [{ task: tinyClipTask, weight: 2 }, { task: tinyTask }],
  count: 18,
  seed: 5,
  out,
  workers: 1,
  ...extra,
});

describe('generateDataset with clip tasks on fly-throughs', () => {
  it('asks clip sources for frames, image sources for images, and records the clip config', async () => {
    const out = await tempDir();
    const result = await generateDataset(flythrough(out));
    expect(result.manifest.config.clips).toEqual(['flythrough:4:48x36:8']);
    const records = [];
    for await (const r of readSamples(out)) records.push(r);
    const clips = records.filter((r) => r.task === 'tiny-clip');
    const images = records.filter((r) => r.task === 'tiny');
    expect(clips.length).toBeGreaterThan(6);
    expect(images.length).toBeGreaterThan(2);
    for (const r of clips) {
      expect(r.source.dataset).toBe('flythrough');
      expect(r.source.id).toMatch(/^flythrough-\d{6}$/);
      const frames = r.meta.frames as number[];
      expect(frames).toHaveLength(3);
      const gap = frames[1] - frames[0];
      expect(frames[2] - frames[1]).toBe(gap);
      expect(r.answer).toBe(String(gap));
      expect(r.meta.times).toEqual(frames.map((k) => k / 10));
    }
    for (const r of images) expect(r.source.dataset).toBe('mem');
  });

  it('is byte-identical across runs and resumes an interrupted run to the same bytes', async () => {
    const [a, b, cut] = await Promise.all([tempDir(), tempDir(), tempDir()]);
    await generateDataset(flythrough(a));
    await generateDataset(flythrough(b));
    expect(await snapshot(b)).toEqual(await snapshot(a));
    const controller = new AbortController();
    await expect(
      generateDataset(flythrough(cut, { signal: controller.signal, onProgress: (p) => (p.done >= 7 ? controller.abort() : undefined) })),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect((await readDatasetManifest(cut)).status).toBe('running');
    const resumed = await generateDataset(flythrough(cut));
    expect(resumed.resumedFrom).toBeGreaterThan(0);
    expect(await snapshot(cut)).toEqual(await snapshot(a));
  });

  it('refuses to resume with other clip sources and fails at the start without a compatible clip source', async () => {
    const out = await tempDir();
    await generateDataset(flythrough(out, { count: 4 }));
    await expect(generateDataset(flythrough(out, { count: 4, clips: ['flythrough:5:48x36:8'] }))).rejects.toMatchObject({ code: 'config-mismatch', message: /clips/ });
    await expect(generateDataset(flythrough(await tempDir(), { clips: [] }))).rejects.toMatchObject({
      code: 'no-compatible-source',
      message: /"tiny-clip" needs clips but no clip source lists any/,
    });
  });
});

describe('generateDataset with clip tasks on videos made by ffmpeg', () => {
  let unavailable: string | null = null;
  let root = '';
  const need = (ctx: TestContext): void => {
    if (unavailable !== null) {
      console.warn(`skipped: ${unavailable}`);
      ctx.skip(unavailable);
    }
  };

  beforeAll(async () => {
    unavailable = await ffmpegUnavailable();
    if (unavailable !== null) return;
    root = await tempDir();
    const videos = join(root, 'videos');
    await mkdir(videos);
    await writeTestVideo(join(videos, 'good.mp4'), { frames: 30 });
    await writeTestVideo(join(root, 'source.mp4'), { frames: 30 });
    await writeTestVideo(join(videos, 'short.mp4'), { frames: 2 });
    await writeFile(join(videos, 'empty.mp4'), '');
    await writeAudioOnly(join(videos, 'audio.mp4'));
    await writeTruncated(join(root, 'source.mp4'), join(videos, 'cut.mp4'), 0.5);
  }, 120_000);

  it('writes a rejection line for each truncated, empty, audio-only or too-short video and goes on', async (ctx) => {
    need(ctx);
    const out = await tempDir();
    const result = await generateDataset({ sources: [], clips: [`video:${join(root, 'videos')}`], tasks: [{ task: tinyClipTask }], count: 12, seed: 1, out, workers: 1 });
    expect(result.manifest.status).toBe('complete');
    const records = [];
    for await (const r of readSamples(out)) records.push(r);
    expect(records).toHaveLength(12);
    expect(new Set(records.map((r) => r.source.id))).toEqual(new Set(['good.mp4']));
    const bad = new Map<string, string>();
    for await (const r of readRejections(out)) {
      expect(r.kind).toBe('source');
      bad.set(r.source!.id, r.code);
    }
    expect([...bad.keys()].sort()).toEqual(['audio.mp4', 'cut.mp4', 'empty.mp4', 'short.mp4']);
    expect(bad.get('short.mp4')).toBe('clip-too-short');
    expect(bad.get('audio.mp4')).toBe('clip-audio-only');
    for (const code of bad.values()) expect(code).toMatch(/^clip-[a-z-]+$/);
    expect(result.manifest.counts!.rejections.badSources).toBe(4);
  }, 120_000);

  it('names the install command when ffmpeg is missing', async (ctx) => {
    need(ctx);
    const empty = await tempDir();
    const clips = videoSource(join(root, 'videos'), { env: { PATH: empty } });
    await expect(generateDataset({ sources: [], clips: [clips], tasks: [{ task: tinyClipTask }], count: 2, out: await tempDir(), workers: 1 })).rejects.toMatchObject({
      code: 'ffmpeg-missing',
      message: /apt-get install/,
    });
  });
});
