import { describe, expect, it } from 'vitest';
import { ImageSourceError } from '../errors.js';
import { parseClipSourceSpec } from './clip-spec.js';
import { parseSourceSpec } from './source-spec.js';

describe('parseClipSourceSpec', () => {
  it('opens video and frame-folder sources, keeping options in the name', () => {
    expect(parseClipSourceSpec('video:/data/clips')).toMatchObject({ kind: 'clip', name: 'video:/data/clips' });
    expect(parseClipSourceSpec('video:/data/clips/a.mp4?max-side=320').name).toBe('video:/data/clips/a.mp4?max-side=320');
    expect(parseClipSourceSpec('frames:/data/scans?fps=15').name).toBe('frames:/data/scans?fps=15');
  });

  it('rejects unknown kinds, options and empty paths with clear messages', () => {
    const err = (spec: string) => {
      try {
        parseClipSourceSpec(spec);
      } catch (e) {
        expect(e).toBeInstanceOf(ImageSourceError);
        return e as ImageSourceError;
      }
      throw new Error('expected an error');
    };
    expect(err('folder:/x')).toMatchObject({ code: 'unknown-source', message: expect.stringMatching(/video:<path>, frames:<path>/) });
    expect(err('flythrough:10').message).toMatch(/@spatial-ssrl\/scenes/);
    expect(err('video:/x?fps=3')).toMatchObject({ code: 'invalid-spec', message: expect.stringMatching(/video sources take max-side=<number>/) });
    expect(err('video:/x?max-side=1.5').message).toMatch(/positive integer/);
    expect(err('frames:?fps=2').message).toMatch(/needs a path/);
  });

  it('points image-source users at the clip parser', () => {
    expect(() => parseSourceSpec('video:/data')).toThrow(/video is a clip source: open it with parseClipSourceSpec/);
  });
});
