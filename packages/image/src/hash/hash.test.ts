import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, encodeImage } from '../codec.js';
import { ImageSourceError } from '../errors.js';
import { cropRgb, flipRgb, rotate90 } from '../pixel-ops.js';
import type { RgbImage } from '../raster.js';
import { resizeBilinear } from '../resize.js';
import { hamming64, parseHex64 } from './bits.js';
import { analyseImage, fingerprintFromJson, fingerprintToJson, fingerprintThumbnail } from './fingerprint.js';
import { grayOf } from './gray.js';
import { NearDuplicateIndex } from './near-duplicate-index.js';
import { dctBits, IMAGE_ORIENTATIONS, orientDct, perceptualHash, type ImageOrientation } from './phash.js';
import { excludeNearDuplicates, loadReferenceImages, readReferenceSet, REFERENCE_SET_FILE, referenceIndex, referenceSetText } from './reference-set.js';

const fixture = async (name: string): Promise<RgbImage> => decodeImage(await readFile(fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url))));
// The two real photographs of the fixtures (64 × 48 crops), enlarged 4× so crops of them stay large enough to tell.
const photos = async (): Promise<RgbImage[]> => (await Promise.all(['megadepth-crop.png', 'diode-crop.png'].map(fixture))).map((img) => resizeBilinear(img, 256, 192));
const jpeg = async (img: RgbImage, quality: number): Promise<RgbImage> => decodeImage(await encodeImage(img, { format: 'jpeg', quality }));
const distance = (a: RgbImage, b: RgbImage): number => {
  const x = perceptualHash(grayOf(a));
  const y = perceptualHash(grayOf(b));
  return hamming64(x.lo, x.hi, y.lo, y.hi);
};

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('perceptualHash', () => {
  it('changes few bits under resizing and re-encoding, many between different photographs', async () => {
    const [mega, diode] = await photos();
    expect(distance(mega!, resizeBilinear(mega!, 97, 61))).toBeLessThanOrEqual(6);
    expect(distance(mega!, await jpeg(mega!, 30))).toBeLessThanOrEqual(6);
    expect(distance(diode!, await jpeg(resizeBilinear(diode!, 512, 384), 50))).toBeLessThanOrEqual(6);
    expect(distance(mega!, diode!)).toBeGreaterThan(20);
    expect(perceptualHash(grayOf(mega!)).hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('predicts the hash of a flipped or turned image from the DCT alone', async () => {
    const [mega] = await photos();
    const square = resizeBilinear(mega!, 192, 192);
    const turned: Record<ImageOrientation, RgbImage> = {
      identity: square,
      mirror: flipRgb(square, 'horizontal'),
      'upside-down': flipRgb(square, 'vertical'),
      'rotate-180': rotate90(rotate90(square, 'cw'), 'cw'),
      transpose: flipRgb(rotate90(square, 'cw'), 'horizontal'),
      'rotate-90-cw': rotate90(square, 'cw'),
      'rotate-90-ccw': rotate90(square, 'ccw'),
      transverse: flipRgb(rotate90(square, 'ccw'), 'horizontal'),
    };
    const base = perceptualHash(grayOf(square));
    for (const orientation of IMAGE_ORIENTATIONS) {
      const predicted = dctBits(orientDct(base.dct, orientation));
      const actual = perceptualHash(grayOf(turned[orientation]));
      expect(hamming64(predicted.lo, predicted.hi, actual.lo, actual.hi), orientation).toBeLessThanOrEqual(2);
    }
  });
});

describe('NearDuplicateIndex', () => {
  it('finds resized, re-encoded, turned and cropped copies of a photograph and tells how they relate', async () => {
    const [mega, diode] = await photos();
    const index = new NearDuplicateIndex();
    index.add('mega', analyseImage(mega!).fingerprint);
    index.add('diode', analyseImage(diode!).fingerprint);
    const only = async (img: RgbImage) => index.queryImage(img).map((m) => [m.id, m.kind]);
    expect(await only(resizeBilinear(mega!, 128, 96))).toEqual([['mega', 'copy']]);
    expect(await only(await jpeg(diode!, 35))).toEqual([['diode', 'copy']]);
    expect(await only(rotate90(mega!, 'ccw'))).toEqual([['mega', 'turned-copy']]);
    expect(await only(cropRgb(mega!, { x: 40, y: 30, width: 160, height: 120 }))).toEqual([['mega', 'part-of-reference']]);
    const matches = index.queryImage(cropRgb(mega!, { x: 64, y: 48, width: 128, height: 96 }));
    expect(matches.map((m) => m.id)).toEqual(['mega']);
    // The crop's place in the reference is reported (pixels of the reference).
    const [x, y, w, h] = matches[0]!.check.region;
    expect([x, y, w, h].map((v) => Math.round(v / 8))).toEqual([8, 6, 16, 12]);
    // Flat images say nothing and match nothing.
    expect(index.queryImage(resizeBilinear(cropRgb(mega!, { x: 0, y: 0, width: 2, height: 2 }), 64, 48))).toEqual([]);
  });

  it('refuses references added after the first query', async () => {
    const [mega] = await photos();
    const index = new NearDuplicateIndex();
    index.add('a', analyseImage(mega!).fingerprint);
    index.queryImage(mega!);
    expect(() => index.add('b', analyseImage(mega!).fingerprint)).toThrow(/before the first query/);
  });
});

describe('fingerprints and reference sets', () => {
  it('round-trip through JSON, and a damaged fingerprint says what is wrong', async () => {
    const [mega] = await photos();
    const fp = analyseImage(mega!).fingerprint;
    const json = JSON.parse(JSON.stringify(fingerprintToJson(fp))) as Record<string, unknown>;
    const back = fingerprintFromJson(json);
    expect(back.features).toEqual(fp.features);
    expect([back.hashLo, back.hashHi, back.width, back.height]).toEqual([fp.hashLo, fp.hashHi, fp.width, fp.height]);
    expect(fingerprintThumbnail(back)).toEqual(fingerprintThumbnail(fp));
    expect(parseHex64(String(json['hash']))).toEqual({ lo: fp.hashLo, hi: fp.hashHi });
    expect(() => fingerprintFromJson({ ...json, hash: 'xyz' })).toThrow(/hash must be 16 hex digits/);
    expect(() => fingerprintFromJson({ ...json, codes: 'AAAA' })).toThrow(/points and codes/);
    expect(() => fingerprintFromJson({ ...json, thumb: 'AAAA' })).toThrow(/thumb/);
    expect(() => fingerprintFromJson({ ...json, format: 'other/1' })).toThrow(/format is "other\/1"/);
  });

  it('writes and reads a reference set, rejects a cut-short one, and fingerprints a plain image folder', async () => {
    const [mega, diode] = await photos();
    const dir = await mkdtemp(join(tmpdir(), 'ssrl-refs-'));
    dirs.push(dir);
    const images = [
      { id: 'bench/a', origin: 'item 1', fingerprint: analyseImage(mega!).fingerprint },
      { id: 'bench/b', origin: 'item 2', fingerprint: analyseImage(diode!).fingerprint },
    ];
    const text = referenceSetText('two photographs', images);
    await writeFile(join(dir, REFERENCE_SET_FILE), text);
    const loaded = await loadReferenceImages(dir);
    expect(loaded.description).toBe('two photographs');
    expect(loaded.images.map((r) => [r.id, r.origin])).toEqual([['bench/a', 'item 1'], ['bench/b', 'item 2']]);
    expect(referenceIndex(loaded.images).queryImage(await jpeg(diode!, 60)).map((m) => m.id)).toEqual(['bench/b']);

    const cut = join(dir, 'cut.jsonl');
    await writeFile(cut, text.split('\n').slice(0, 2).join('\n'));
    await expect(readReferenceSet(cut)).rejects.toMatchObject({ code: 'invalid-spec', message: expect.stringMatching(/announces 2 images but 1 follow/) });
    const garbled = join(dir, 'garbled.jsonl');
    await writeFile(garbled, `${text.split('\n')[0]}\n{"id":"x","fingerprint":{"format":"spatial-ssrl-fingerprint/1"}}\n`);
    await expect(readReferenceSet(garbled)).rejects.toThrow(/line 2: .*width must be a positive integer/);

    const folder = await mkdtemp(join(tmpdir(), 'ssrl-refs-folder-'));
    dirs.push(folder);
    await writeFile(join(folder, 'photo.png'), await encodeImage(mega!, { format: 'png' }));
    await writeFile(join(folder, 'broken.jpg'), Buffer.from('not a jpeg'));
    const plain = await loadReferenceImages(folder);
    expect(plain.images.map((r) => r.id)).toEqual(['photo.png']);
    expect(plain.skipped).toEqual([expect.stringMatching(/^broken\.jpg: /)]);
  });

  it('excludeNearDuplicates makes a near-duplicate source item fail to load with code near-duplicate', async () => {
    const [mega, diode] = await photos();
    const index = new NearDuplicateIndex();
    index.add('bench/a', analyseImage(mega!).fingerprint);
    const item = (id: string, rgb: RgbImage) => ({ dataset: 'folder', id, hasDepth: false, load: async () => ({ rgb }) });
    const [copy, other] = excludeNearDuplicates([item('copy.jpg', await jpeg(cropRgb(mega!, { x: 64, y: 48, width: 128, height: 96 }), 70)), item('other.png', diode!)], index);
    const error = await copy!.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageSourceError);
    expect(error).toMatchObject({ code: 'near-duplicate', message: expect.stringMatching(/^folder:copy\.jpg is left out: .*part-of-reference of bench\/a/) });
    expect((await other!.load()).rgb).toBe(diode);
  });
});
