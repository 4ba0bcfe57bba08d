import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Builds a PNG by hand: `colorType` 0 gray, 2 RGB, 6 RGBA; `bitDepth` 8 or 16. `pixel(x, y, c)`
 * gives channel `c` (0-255 or 0-65535). `declared` overrides the size written in the header.
 */
export function rawPng(options: {
  width: number;
  height: number;
  colorType: 0 | 2 | 6;
  bitDepth: 8 | 16;
  pixel: (x: number, y: number, c: number) => number;
  declared?: { width: number; height: number };
}): Buffer {
  const { width, height, colorType, bitDepth, pixel } = options;
  const channels = colorType === 0 ? 1 : colorType === 2 ? 3 : 4;
  const bytes = bitDepth / 8;
  const row = 1 + width * channels * bytes;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const at = y * row + 1 + (x * channels + c) * bytes;
        if (bytes === 1) raw[at] = pixel(x, y, c);
        else raw.writeUInt16BE(pixel(x, y, c), at);
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(options.declared?.width ?? width, 0);
  ihdr.writeUInt32BE(options.declared?.height ?? height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
