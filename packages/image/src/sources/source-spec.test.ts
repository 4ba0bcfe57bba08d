import { describe, expect, it } from 'vitest';
import { ImageSourceError } from '../errors.js';
import { parseSourceSpec } from './source-spec.js';

function errorOf(fn: () => unknown): ImageSourceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImageSourceError);
    return e as ImageSourceError;
  }
  throw new Error('expected an ImageSourceError');
}

describe('parseSourceSpec', () => {
  it('builds folder, DIODE and MegaDepth sources', () => {
    expect(parseSourceSpec('folder:/data/coco/train2017')).toMatchObject({ name: 'folder:/data/coco/train2017', hasDepth: false });
    expect(parseSourceSpec('diode:/data/diode')).toMatchObject({ name: 'diode:/data/diode', hasDepth: true });
    expect(parseSourceSpec('megadepth:/data/MegaDepth_v1')).toMatchObject({ name: 'megadepth:/data/MegaDepth_v1', hasDepth: true });
  });

  it('keeps everything after the first colon as the directory', () => {
    expect(parseSourceSpec('folder:C:\\data\\coco').name).toBe('folder:C:\\data\\coco');
  });

  it('rejects unknown kinds, listing the known ones', () => {
    const e = errorOf(() => parseSourceSpec('coco:/data'));
    expect(e.code).toBe('unknown-source');
    expect(e.message).toMatch(/unknown image source "coco".*folder:<dir>, diode:<dir>, megadepth:<dir>/);
    expect(errorOf(() => parseSourceSpec('synthetic')).message).toMatch(/@spatial-ssrl\/scenes/);
    expect(errorOf(() => parseSourceSpec('')).code).toBe('unknown-source');
  });

  it('rejects a spec without a directory', () => {
    const e = errorOf(() => parseSourceSpec('folder:'));
    expect(e.code).toBe('invalid-spec');
    expect(e.message).toMatch(/needs a directory/);
  });
});
