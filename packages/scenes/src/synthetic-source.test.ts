import { describe, expect, it } from 'vitest';
import { SceneError } from './errors.js';
import { sceneSeed } from './random.js';
import { renderScene } from './scene-render.js';
import { DEFAULT_SYNTHETIC_COUNT, MAX_SYNTHETIC_COUNT, parseSyntheticSpec, syntheticSource } from './synthetic-source.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SceneError);
    return (error as SceneError).code;
  }
  return undefined;
}

describe('syntheticSource', () => {
  it('lists zero-padded ids in order, with depth, under the dataset name', async () => {
    const source = syntheticSource({ count: 12, width: 32, height: 24 });
    expect(source.hasDepth).toBe(true);
    expect(source.name).toBe('synthetic:12:32x24');
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual(Array.from({ length: 12 }, (_, i) => `scene-${String(i).padStart(6, '0')}`));
    for (const item of items) {
      expect(item.dataset).toBe('synthetic');
      expect(item.hasDepth).toBe(true);
    }
    expect(await source.list()).toBe(items);
    const custom = await syntheticSource({ count: 1, dataset: 'toy', seed: 5, width: 8, height: 8 }).list();
    expect(custom[0].dataset).toBe('toy');
  });

  it('loads the scene of seed sceneSeed(seed, index), deterministically', async () => {
    const source = syntheticSource({ count: 3, seed: 77, width: 48, height: 36 });
    const items = await source.list();
    const loaded = await items[2].load();
    const expected = renderScene({ seed: sceneSeed(77, 2), width: 48, height: 36 });
    expect(Buffer.from(loaded.rgb.data).equals(Buffer.from(expected.rgb.data))).toBe(true);
    expect(loaded.depth).toBeDefined();
    expect(Buffer.from(loaded.depth!.data.buffer).equals(Buffer.from(expected.depth.data.buffer))).toBe(true);
    expect(loaded.depth!.width).toBe(48);
    const again = await (await syntheticSource({ count: 3, seed: 77, width: 48, height: 36 }).list())[2].load();
    expect(Buffer.from(again.rgb.data).equals(Buffer.from(loaded.rgb.data))).toBe(true);
    const other = await items[1].load();
    expect(Buffer.from(other.rgb.data).equals(Buffer.from(loaded.rgb.data))).toBe(false);
  });

  it('names itself with a spec that parses back to the same options', () => {
    const source = syntheticSource({ count: 40, seed: -3, width: 100, height: 50 });
    expect(source.name).toBe('synthetic:40:100x50:seed=-3');
    expect(parseSyntheticSpec(source.name)).toEqual({ count: 40, width: 100, height: 50, seed: -3 });
  });

  it('rejects bad options with specific codes', () => {
    expect(codeOf(() => syntheticSource({ count: -1 }))).toBe('invalid-option');
    expect(codeOf(() => syntheticSource({ count: 1.5 }))).toBe('invalid-option');
    expect(codeOf(() => syntheticSource({ count: MAX_SYNTHETIC_COUNT + 1 }))).toBe('invalid-option');
    expect(codeOf(() => syntheticSource({ count: 1, seed: 0.5 }))).toBe('invalid-seed');
    expect(codeOf(() => syntheticSource({ count: 1, width: 0 }))).toBe('invalid-option');
    expect(codeOf(() => syntheticSource({ count: 1, dataset: '' }))).toBe('invalid-option');
    expect(codeOf(() => syntheticSource({ count: 1, quality: 'best' as never }))).toBe('invalid-option');
  });

  it('allows an empty source', async () => {
    expect(await syntheticSource({ count: 0 }).list()).toEqual([]);
  });
});

describe('parseSyntheticSpec', () => {
  it('parses the documented forms', () => {
    expect(parseSyntheticSpec('synthetic')).toEqual({ count: DEFAULT_SYNTHETIC_COUNT });
    expect(parseSyntheticSpec('synthetic:250')).toEqual({ count: 250 });
    expect(parseSyntheticSpec('synthetic:250:320x240')).toEqual({ count: 250, width: 320, height: 240 });
    expect(parseSyntheticSpec('synthetic:5:seed=9')).toEqual({ count: 5, seed: 9 });
    expect(parseSyntheticSpec('synthetic:seed=9')).toEqual({ count: DEFAULT_SYNTHETIC_COUNT, seed: 9 });
    expect(parseSyntheticSpec(' synthetic:7 ')).toEqual({ count: 7 });
  });

  it('rejects anything else with invalid-spec', () => {
    for (const bad of [
      '',
      'synth',
      'synthetic:',
      'synthetic:abc',
      'synthetic:-5',
      'synthetic:10:320',
      'synthetic:10:320x',
      'synthetic:10:0x10',
      'synthetic:10:9000x10',
      'synthetic:2000000',
      'synthetic:10:10x10:seed=1.5',
      'synthetic:10:seed=99999999999999999999',
      'folder:/data',
    ]) {
      expect(codeOf(() => parseSyntheticSpec(bad)), bad).toBe('invalid-spec');
    }
    expect(codeOf(() => parseSyntheticSpec(42 as never))).toBe('invalid-spec');
  });
});
