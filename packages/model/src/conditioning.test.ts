import { describe, expect, it } from 'vitest';
import { CONDITION_TOKENS, conditionPrompt } from './conditioning.js';

const SUFFIX =
  ' You FIRST think about the reasoning process as an internal monologue and then provide the final answer. The reasoning process MUST BE enclosed within <think> </think> tags. The final answer MUST BE put in \\boxed{}.';
const SHUFFLE_2X2 =
  "<image>The image has been divided into 4 shuffled patches labeled 0, 1, 2, and 3. Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the patches to restore the original image, where the format is 'TopLeft-TopRight-BottomLeft-BottomRight'.";
const MASKED =
  "<image>The image has been divided into 4 shuffled patches labeled 0, 1, 2, and 3. One of the four patches is masked completely by white pixels. Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the patches to restore the original image, where the format is 'TopLeft-TopRight-BottomLeft-BottomRight'.";
const strips = (n: number, dir: string, f: string): string =>
  `<image>The image has been divided into ${n} shuffled ${dir} strips labeled ${n === 3 ? '0, 1, and 2' : '0, 1, 2, and 3'}. Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the strips to restore the original image, where the format is '${f}'.`;
const FLIP =
  "<image>The image has been divided into 4 labeled 0, 1, 2, and 3. One of the four patches is flipped either horizontally or vertically. Based on visual clues such as continuity, alignment, and context, answer the correct patch that is flipped and the direction the flip, where the format is 'Label-Direction'. The direction can only be 0(flipped vertically) or 1(flipped horizontally).";
const CROP =
  "Which image is the missing part in the first image <image1>? Based on visual clues such as alignment, image content, and positional relationship, select one of the four options <image2><image3><image4><image5> as the final answer. The final answer should be chosen from 'A', 'B', 'C', and 'D'.";
const DEPTH =
  "<image>The original image has three regions marked as 1, 2, and 3. Consider the content, positional relationships, depths of the three regions and other cues, and sort the depths of the three regions from smallest to largest from the camera, where the format of the answer is 'Smallest-Middle-Largest'.";
const position = (camera: string, facing: string, target: string, options: string, far: boolean): string =>
  `<image>I've taken an image and there are two regions marked as 1, and 2 on the image. Assume that there is a camera at position '${camera}' and it's facing ${facing}. According to the camera, where is the region marker '${target}'? ${options}. Consider cues such as depth, orientation, and 3D spatial relationship${far ? ' and ignore the height difference between the two regions' : ''}. The final answer should be chosen from 'A', 'B', 'C', and 'D'.`;

describe('conditionPrompt', () => {
  it('recognises every Spatial-SSRL template, with or without the RL format suffix', () => {
    const cases: [string, string[]][] = [
      [SHUFFLE_2X2, ['task:shuffle', 'layout:2x2']],
      [MASKED, ['task:shuffle', 'layout:2x2-masked']],
      [strips(3, 'horizontal', 'Left-Middle-Right'), ['task:shuffle', 'layout:1x3']],
      [strips(4, 'horizontal', 'Left-Middle1-Middle2-Right'), ['task:shuffle', 'layout:1x4']],
      [strips(3, 'vertical', 'Top-Middle-Bottom'), ['task:shuffle', 'layout:3x1']],
      [strips(4, 'vertical', 'Top-Middle1-Middle2-Bottom'), ['task:shuffle', 'layout:4x1']],
      [FLIP, ['task:flip']],
      [CROP, ['task:crop']],
      [DEPTH, ['task:depth']],
    ];
    for (const [prompt, tokens] of cases) {
      for (const p of [prompt, prompt + SUFFIX]) {
        const c = conditionPrompt(p, { task: 'ignored', variant: 'ignored' });
        expect(c.tokens).toEqual(tokens);
        expect(c.source).toBe('prompt');
        expect(c.ids.map((i) => CONDITION_TOKENS[i])).toEqual(tokens);
      }
    }
    expect(conditionPrompt(CROP, { imageCount: 1 }).tokens).toEqual(['task:crop', 'layout:composite']);
  });

  it('encodes the position prompt: pair, camera, facing, target and the four options in order', () => {
    const near = conditionPrompt(position('2', 'to me', '1', 'A. Back B. Front C. Right D. Left', false) + SUFFIX);
    expect(near.tokens).toEqual([
      'task:position',
      'pair:near',
      'camera:2',
      'facing:me',
      'target:1',
      'option:Back',
      'option:Front',
      'option:Right',
      'option:Left',
    ]);
    const far = conditionPrompt(position('1', 'to away from me', '2', 'A. Left-Front B. Right-Back C. Left-Back D. Right-Front', true));
    expect(far.tokens).toEqual([
      'task:position',
      'pair:far',
      'camera:1',
      'facing:away',
      'target:2',
      'option:Left-Front',
      'option:Right-Back',
      'option:Left-Back',
      'option:Right-Front',
    ]);
    for (const [facing, token] of [
      ['to the left of the image', 'facing:left'],
      ['to the right of the image', 'facing:right'],
    ]) {
      expect(conditionPrompt(position('1', facing, '2', 'A. Left B. Right C. Front D. Back', false)).tokens[3]).toBe(token);
    }
    expect(conditionPrompt(position('7', 'to me', 'x', 'A. Up B. Right C. Front D. Back', false)).tokens.slice(2, 6)).toEqual([
      'camera:other',
      'facing:me',
      'target:other',
      'option:other',
    ]);
  });

  it('falls back to the task and variant hints, then to task:other', () => {
    expect(conditionPrompt('<image>Custom wording.', { task: 'shuffle', variant: 'v4' })).toMatchObject({
      tokens: ['task:shuffle', 'layout:4x1'],
      source: 'hints',
    });
    expect(conditionPrompt('<image>?', { task: 'depth', variant: 'unknown-variant' }).tokens).toEqual(['task:depth']);
    expect(conditionPrompt('<image>?', { task: 'my-task' }).tokens).toEqual(['task:other']);
    expect(conditionPrompt('<image>?')).toMatchObject({ tokens: ['task:other'], source: 'none' });
  });
});
