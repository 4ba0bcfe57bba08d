import { createRgb, ImageDecodeError, type DepthMap, type ImageSource, type SourceItem } from '@spatial-ssrl/image';
import { z } from 'zod';
import { defineTask, type ClipInput } from '../../task.js';

/** An in-memory source of `count` small images; every `depthEvery`-th has depth, `broken` ids fail to decode. */
export function memorySource(
  count: number,
  options: { depthEvery?: number; broken?: readonly number[]; emptyDepth?: readonly number[]; name?: string } = {},
): ImageSource & { loads: () => number } {
  let loads = 0;
  const items: SourceItem[] = Array.from({ length: count }, (_, i) => {
    const hasDepth = options.depthEvery !== undefined && i % options.depthEvery === 0;
    return {
      dataset: 'mem',
      id: `img-${String(i).padStart(3, '0')}`,
      hasDepth,
      async load() {
        loads++;
        if (options.broken?.includes(i)) throw new ImageDecodeError('truncated', `img-${i}.jpg`, 'image data is cut short');
        const rgb = createRgb(16, 12);
        for (let p = 0; p < rgb.data.length; p++) rgb.data[p] = (p * 7 + i * 31) & 255;
        if (!hasDepth) return { rgb };
        const empty = options.emptyDepth?.includes(i) === true;
        const depth: DepthMap = {
          width: 16,
          height: 12,
          data: Float32Array.from({ length: 16 * 12 }, (_, p) => 1 + ((p + i) % 16)),
          valid: new Uint8Array(16 * 12).fill(empty ? 0 : 1),
        };
        return { rgb, depth };
      },
    };
  });
  return { name: options.name ?? 'memory', hasDepth: false, list: async () => items, loads: () => loads };
}

/** A small RGB task for writer tests: one 8×6 image, answer 0-3, rejects when its first draw is below `rejectBelow`. */
export const tinyTask = defineTask({
  id: 'tiny',
  description: 'A test task.',
  needs: 'rgb',
  params: z.object({ rejectBelow: z.number().min(0).max(1).default(0) }),
  variants: () => ['a', 'b'],
  imageCount: () => 1,
  answerSpace: () => ['0', '1', '2', '3'],
  generate(input, params, rng) {
    const r = rng.next();
    if (r < params.rejectBelow) return { rejected: true, code: 'unlucky', reason: `draw ${r.toFixed(3)} below ${params.rejectBelow}` };
    const answer = rng.int(0, 3);
    const image = createRgb(8, 6);
    for (let p = 0; p < image.data.length; p++) image.data[p] = input.rgb.data[(p * 5 + answer) % input.rgb.data.length];
    return {
      variant: rng.next() < 0.5 ? 'a' : 'b',
      prompt: '<image>Which quarter? Answer 0-3.',
      answer: String(answer),
      images: [{ name: 'main', image }],
      meta: { draw: r, source: input.source.id },
    };
  },
});

/** A small RGB-D task for writer tests: two images, answer = whether the centre is nearer than the corner. */
export const tinyDepthTask = defineTask({
  id: 'tiny-depth',
  description: 'A test RGB-D task.',
  needs: 'rgbd',
  params: z.object({}),
  variants: () => ['only'],
  imageCount: () => 2,
  answerSpace: () => ['near', 'far'],
  generate(input, _params, rng) {
    const depth = input.depth;
    if (!depth) return { rejected: true, code: 'no-depth', reason: 'needs depth' };
    const centre = depth.data[(depth.height >> 1) * depth.width + (depth.width >> 1)];
    const corner = depth.data[0];
    const a = createRgb(4, 4, [rng.int(0, 255), 0, 0]);
    const b = createRgb(4, 4, [0, rng.int(0, 255), 0]);
    return {
      variant: 'only',
      prompt: 'First <image>, second <image>. Near or far?',
      answer: centre < corner ? 'near' : 'far',
      images: [
        { name: 'first', image: a },
        { name: 'second', image: b },
      ],
      meta: { centre, corner },
    };
  },
});

/** A small clip task for writer tests: three frames 1-2 apart; the answer is the gap, the image the middle frame. */
export const tinyClipTask = defineTask<{ frames: number }, ClipInput>({
  id: 'tiny-clip',
  description: 'A test clip task.',
  needs: (params) => ({ kind: 'clip', sampling: { rule: 'window', frames: params.frames, gap: { min: 1, max: 2 } }, depth: false, cameras: false }),
  params: z.object({ frames: z.number().int().min(2).max(8).default(3) }),
  variants: () => ['only'],
  imageCount: () => 1,
  answerSpace: () => ['1', '2'],
  generate(input, _params, rng) {
    const frame = input.frames[rng.int(0, input.frames.length - 1)];
    return {
      variant: 'only',
      prompt: '<image>How many frames apart were the frames of this clip taken?',
      answer: String(input.gap),
      images: [{ name: 'frame', image: frame.rgb }],
      meta: { frames: input.frames.map((f) => f.index), times: input.frames.map((f) => f.time), shown: frame.index },
    };
  },
});
