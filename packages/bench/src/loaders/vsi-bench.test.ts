import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageSize } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { writeTestImage } from '../__fixtures__/images.js';
import type { VsiRaw } from '../__fixtures__/official-rules.js';
import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { sampleFrameIndices } from './video-frames.js';
import { loadVsiBench, vsiPrompt } from './vsi-bench.js';

const excerptPath = fileURLToPath(new URL('../__fixtures__/vsi-bench-excerpt.json', import.meta.url));
const excerpt = JSON.parse(readFileSync(excerptPath, 'utf8')) as VsiRaw[];
const FRAMES_PER_VIDEO = 20;

describe('VSI-Bench loader', () => {
  it('reproduces the Spatial-SSRL prompt, typo and glued options included', () => {
    const mcq = excerpt.find((x) => x.question_type === 'object_rel_direction_easy')!;
    expect(vsiPrompt(mcq.question, [mcq.A, mcq.B, mcq.C, mcq.D], true)).toBe(
      `Watch the given video and anser the following question.\n\n${mcq.question}A. ${mcq.A}B. ${mcq.B}` +
        `\nThe final answer should be the option letter from the given choices.\n${FORMAT_INSTRUCTION}`,
    );
    const num = excerpt.find((x) => x.A === null)!;
    expect(vsiPrompt(num.question, [null, null, null, null], false)).toBe(
      `Watch the given video and anser the following question.\n\n${num.question}\nAnswer directly with a number(integer or decimal).`,
    );
  });

  it('samples frames uniformly from a frames folder (16 per video here)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-vsi-'));
    const stems = new Set(excerpt.map((x) => basename(x.mp4_path, '.mp4')));
    // Frame k is 8+k px wide, so the decoded width tells which frame was picked.
    await Promise.all([...stems].flatMap((s) => Array.from({ length: FRAMES_PER_VIDEO }, (_, k) => writeTestImage(join(dir, s, `${k + 1}.jpg`), 8 + k, 6))));
    const items = await loadVsiBench(excerptPath, { framesDir: dir, frames: 16 });
    expect(items).toHaveLength(40);
    expect(items[0]!.prompt.match(/<image>/g)).toHaveLength(16);
    const frames = await items[0]!.images();
    const widths = await Promise.all(frames.map(async (f) => (await imageSize(f.data)).width - 8));
    expect(widths).toEqual(sampleFrameIndices(FRAMES_PER_VIDEO, 16));
  });

  it('fails at load time with NO_FRAME_SOURCE when a video has neither frames nor a usable video', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-vsi-empty-'));
    await expect(loadVsiBench(excerptPath, { framesDir: dir, frames: 16 })).rejects.toMatchObject({ code: 'NO_FRAME_SOURCE' });
    await expect(loadVsiBench(excerptPath, { frames: 16 })).rejects.toThrow(/no frames folder given.*no videos folder given/);
  });
});

describe('VSI-Bench frames decoded from videos with ffmpeg', () => {
  it('probes the frame count, selects the uniformly sampled frames and reads them back', async () => {
    // Stand-ins for ffprobe/ffmpeg on PATH: the probe reports 40 frames; "ffmpeg" writes one
    // frame file per eq(n\,k) term of the select filter, frame k being 8+k px wide.
    const bin = await mkdtemp(join(tmpdir(), 'bench-ffmpeg-'));
    const template = join(bin, 'templates');
    await Promise.all(Array.from({ length: 40 }, (_, k) => writeTestImage(join(template, `${k}.jpg`), 8 + k, 6)));
    await writeFile(join(bin, 'ffprobe'), '#!/bin/sh\n[ "$1" = "-version" ] && exit 0\necho 40\n', { mode: 0o755 });
    await writeFile(
      join(bin, 'ffmpeg'),
      [
        '#!/bin/sh',
        '[ "$1" = "-version" ] && exit 0',
        'for a in "$@"; do case "$a" in select=*) sel="$a";; esac; out="$a"; done',
        'dir=$(dirname "$out"); i=1',
        `for k in $(echo "$sel" | grep -o 'eq(n\\\\,[0-9]*)' | grep -o '[0-9]*)' | tr -d ')'); do`,
        `  cp "${template}/$k.jpg" "$dir/$(printf 'f%05d.jpg' $i)"; i=$((i+1))`,
        'done',
      ].join('\n') + '\n',
      { mode: 0o755 },
    );
    const videos = await mkdtemp(join(tmpdir(), 'bench-videos-'));
    const first = excerpt[0]!;
    const dataset = basename(dirname(first.mp4_path));
    await mkdir(join(videos, dataset), { recursive: true });
    await writeFile(join(videos, dataset, basename(first.mp4_path)), 'not really a video');
    const path = join(videos, 'one.json');
    await writeFile(path, JSON.stringify([first]));
    const oldPath = process.env['PATH'];
    process.env['PATH'] = `${bin}:${oldPath}`;
    try {
      const [item] = await loadVsiBench(path, { videosDir: videos, frames: 16 });
      const frames = await item!.images();
      const widths = await Promise.all(frames.map(async (f) => (await imageSize(f.data)).width - 8));
      expect(widths).toEqual(sampleFrameIndices(40, 16));
      expect(frames.every((f) => f.mime === 'image/jpeg')).toBe(true);
    } finally {
      process.env['PATH'] = oldPath;
    }
  });
});
