import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, encodeImage, imageSize, sharpVersion } from './codec.js';
import { ImageDecodeError } from './errors.js';
import { meanAbsDiff, rgbEquals } from './pixel-ops.js';
import { createRgb, type RgbImage } from './raster.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ssrl-codec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A smooth colour ramp that survives JPEG well.
function ramp(w: number, h: number): RgbImage {
  const img = createRgb(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) img.data.set([(x * 255) / (w - 1), (y * 255) / (h - 1), 128], (y * w + x) * 3);
  }
  return img;
}

function rawInput(img: RgbImage, channels: 1 | 2 | 3 | 4 = 3) {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels } });
}

function px(img: RgbImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 3;
  return Array.from(img.data.subarray(i, i + 3));
}

async function expectCode(p: Promise<unknown>, code: string, text?: RegExp): Promise<ImageDecodeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageDecodeError);
  const e = err as ImageDecodeError;
  expect(e.code).toBe(code);
  if (text) expect(e.message).toMatch(text);
  return e;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function pngChunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  let crc = 0xffffffff;
  for (const b of Buffer.concat([head.subarray(4), body])) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 0);
  return Buffer.concat([head, body, tail]);
}

// A valid PNG header announcing 20000×20000 RGB with a tiny body: a decompression bomb's shape.
function bombPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20000, 0);
  ihdr.writeUInt32BE(20000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const idat = Uint8Array.from([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

describe('sharpVersion', () => {
  it('names the sharp release this package encodes and decodes with', () => {
    expect(sharpVersion()).toBe((sharp as unknown as { versions: { sharp: string } }).versions.sharp);
    expect(sharpVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('encodeImage / decodeImage round trip', () => {
  it('round-trips PNG losslessly and encodes deterministically without metadata', async () => {
    const img = ramp(37, 23);
    img.data[5] = 1;
    const a = await encodeImage(img);
    const b = await encodeImage(img);
    expect(a.equals(b)).toBe(true);
    expect(a.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(a.includes(Buffer.from('eXIf'))).toBe(false);
    expect(a.includes(Buffer.from('tEXt'))).toBe(false);
    expect(a.includes(Buffer.from('iCCP'))).toBe(false);
    const back = await decodeImage(a);
    expect(rgbEquals(back, img)).toBe(true);
    expect(back.data).not.toBeInstanceOf(Buffer);
  });

  it('round-trips JPEG closely and deterministically', async () => {
    const img = ramp(64, 48);
    const a = await encodeImage(img, { format: 'jpeg', quality: 95 });
    expect((await encodeImage(img, { format: 'jpeg', quality: 95 })).equals(a)).toBe(true);
    expect([a[0], a[1]]).toEqual([0xff, 0xd8]);
    expect(a.includes(Buffer.from('Exif'))).toBe(false);
    const back = await decodeImage(a);
    expect([back.width, back.height]).toEqual([64, 48]);
    expect(meanAbsDiff(back, img)).toBeLessThan(2);
  });

  it('honours PNG compression options and validates options', async () => {
    const img = ramp(64, 48);
    const small = await encodeImage(img, { compressionLevel: 9, adaptiveFiltering: true });
    expect(rgbEquals(await decodeImage(small), img)).toBe(true);
    await expect(encodeImage(img, { format: 'jpeg', quality: 0 })).rejects.toThrow(/quality/);
    await expect(encodeImage(img, { compressionLevel: 10 })).rejects.toThrow(/compressionLevel/);
    await expect(encodeImage(img, { format: 'gif' as 'png' })).rejects.toThrow(/'png' or 'jpeg'/);
  });

  it('decodes from a file path and a Uint8Array view with an offset', async () => {
    const img = ramp(9, 7);
    const png = await encodeImage(img);
    const path = join(dir, 'ramp.png');
    await writeFile(path, png);
    expect(rgbEquals(await decodeImage(path), img)).toBe(true);
    const padded = new Uint8Array(png.length + 10);
    padded.set(png, 5);
    expect(rgbEquals(await decodeImage(padded.subarray(5, 5 + png.length)), img)).toBe(true);
  });
});

describe('decodeImage conversions', () => {
  it('accepts a 1×1 image', async () => {
    const one = await rawInput({ width: 1, height: 1, data: Uint8Array.from([1, 2, 3]) }).png().toBuffer();
    const out = await decodeImage(one);
    expect([out.width, out.height, ...out.data]).toEqual([1, 1, 1, 2, 3]);
    await expectCode(decodeImage(one, { minSide: 2 }), 'too-small', /1×1/);
  });

  it('expands single-channel grayscale to equal R, G, B', async () => {
    const g = { width: 4, height: 1, data: Uint8Array.from([0, 60, 200, 255]) };
    const png = await rawInput(g, 1).toColourspace('b-w').png().toBuffer();
    expect((await sharp(png).metadata()).channels).toBe(1);
    const out = await decodeImage(png);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 60, 60, 60, 200, 200, 200, 255, 255, 255]);
  });

  it('composites alpha over white', async () => {
    const rgba = { width: 3, height: 1, data: Uint8Array.from([0, 0, 0, 0, 10, 20, 30, 255, 0, 0, 0, 128]) };
    const out = await decodeImage(await rawInput(rgba, 4).png().toBuffer());
    expect(px(out, 0, 0)).toEqual([255, 255, 255]);
    expect(px(out, 1, 0)).toEqual([10, 20, 30]);
    for (const v of px(out, 2, 0)) expect(Math.abs(v - 127)).toBeLessThanOrEqual(1);
    const grayAlpha = { width: 2, height: 1, data: Uint8Array.from([50, 0, 50, 255]) };
    const ga = await rawInput(grayAlpha, 2).toColourspace('b-w').png().toBuffer();
    expect((await sharp(ga).metadata()).channels).toBe(2);
    expect(Array.from((await decodeImage(ga)).data)).toEqual([255, 255, 255, 50, 50, 50]);
  });

  it('converts 16-bit PNG to 8 bit', async () => {
    const img = ramp(16, 8);
    const png16 = await rawInput(img).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    expect(rgbEquals(await decodeImage(png16), img)).toBe(true);
  });

  it('expands palette PNG', async () => {
    const img = createRgb(4, 4, [200, 30, 40]);
    img.data.set([0, 0, 255, 0, 0, 255], 0);
    const pal = await rawInput(img).png({ palette: true, colours: 4, dither: 0 }).toBuffer();
    expect((await sharp(pal).metadata()).isPalette).toBe(true);
    const out = await decodeImage(pal);
    expect(px(out, 0, 0)).toEqual([0, 0, 255]);
    expect(px(out, 3, 3)).toEqual([200, 30, 40]);
  });

  it('converts CMYK JPEG to sRGB', async () => {
    // Colours go sRGB → CMYK → sRGB through the printing profile, so saturated ones shift a little.
    const cases: [number, number, number][] = [
      [255, 255, 255],
      [0, 0, 0],
      [128, 128, 128],
      [200, 60, 40],
    ];
    const decoded: number[][] = [];
    for (const c of cases) {
      const cmyk = await rawInput(createRgb(16, 16, c)).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
      expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
      const out = await decodeImage(cmyk);
      expect([out.width, out.height]).toEqual([16, 16]);
      decoded.push(px(out, 8, 8));
    }
    expect(decoded[0]).toEqual([255, 255, 255]);
    for (const v of decoded[1]) expect(v).toBeLessThan(30);
    for (const v of decoded[2]) expect(Math.abs(v - 128)).toBeLessThan(20);
    expect(decoded[3][0]).toBeGreaterThan(180);
    expect(decoded[3][1]).toBeLessThan(80);
    expect(decoded[3][2]).toBeLessThan(80);
  });

  it('applies EXIF orientation like OpenCV imread', async () => {
    // Left half red, right half blue; orientation 6 displays the image turned 90° clockwise.
    const img = createRgb(32, 16, [255, 0, 0]);
    for (let y = 0; y < 16; y++) for (let x = 16; x < 32; x++) img.data.set([0, 0, 255], (y * 32 + x) * 3);
    const jpg = await rawInput(img).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpg).metadata()).orientation).toBe(6);
    const out = await decodeImage(jpg);
    expect([out.width, out.height]).toEqual([16, 32]);
    expect(px(out, 8, 4)[0]).toBeGreaterThan(200);
    expect(px(out, 8, 28)[2]).toBeGreaterThan(200);
    expect(await imageSize(jpg)).toEqual({ width: 16, height: 32, format: 'jpeg' });
  });
});

describe('decodeImage errors', () => {
  it('reports empty inputs', async () => {
    const path = join(dir, 'empty.jpg');
    await writeFile(path, new Uint8Array(0));
    await expectCode(decodeImage(path), 'empty', /empty\.jpg: file is empty/);
    await expectCode(decodeImage(new Uint8Array(0)), 'empty', /<buffer>/);
  });

  it('reports missing files, folders and non-images', async () => {
    await expectCode(decodeImage(join(dir, 'nope.png')), 'not-found', /nope\.png/);
    const sub = join(dir, 'a-folder.png');
    await mkdir(sub, { recursive: true });
    await expectCode(decodeImage(sub), 'unsupported', /directory/);
    const text = join(dir, 'notes.jpg');
    await writeFile(text, 'this is not an image at all');
    await expectCode(decodeImage(text), 'unsupported', /notes\.jpg/);
  });

  it('refuses truncated PNG and JPEG files', async () => {
    const img = ramp(64, 48);
    const png = await encodeImage(img);
    const jpg = await encodeImage(img, { format: 'jpeg' });
    const cutPng = join(dir, 'cut.png');
    await writeFile(cutPng, png.subarray(0, Math.floor(png.length / 2)));
    await expectCode(decodeImage(cutPng), 'truncated', /cut\.png/);
    await expectCode(decodeImage(png.subarray(0, png.length - 20)), 'truncated');
    await expectCode(decodeImage(png.subarray(0, 30)), 'truncated');
    const cutJpg = join(dir, 'cut.jpg');
    await writeFile(cutJpg, jpg.subarray(0, Math.floor(jpg.length / 2)));
    await expectCode(decodeImage(cutJpg), 'truncated', /cut\.jpg/);
    await expectCode(decodeImage(jpg.subarray(0, jpg.length - 100)), 'truncated');
  });

  it('refuses a decompression bomb from its header, without allocating it', async () => {
    const bomb = bombPng();
    expect(await imageSize(bomb)).toEqual({ width: 20000, height: 20000, format: 'png' });
    const rss = process.memoryUsage().rss;
    await expectCode(decodeImage(bomb), 'too-large', /100000000 pixels/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(300 * 1024 * 1024);
  });

  it('applies a custom pixel budget', async () => {
    const png = await encodeImage(ramp(20, 10));
    await expectCode(decodeImage(png, { maxPixels: 199 }), 'too-large');
    expect((await decodeImage(png, { maxPixels: 200 })).width).toBe(20);
    await expect(decodeImage(png, { maxPixels: 0 })).rejects.toThrow(RangeError);
  });
});

describe('imageSize', () => {
  it('reads the size from the header', async () => {
    const png = await encodeImage(ramp(21, 13));
    expect(await imageSize(png)).toEqual({ width: 21, height: 13, format: 'png' });
    const path = join(dir, 'size.png');
    await writeFile(path, png);
    expect(await imageSize(path)).toEqual({ width: 21, height: 13, format: 'png' });
  });

  it('reports bad inputs with decode error codes', async () => {
    await expectCode(imageSize(join(dir, 'missing.png')), 'not-found');
    await expectCode(imageSize(new Uint8Array(0)), 'empty');
    await expectCode(imageSize(Buffer.from('plain text, no image')), 'unsupported');
  });
});
