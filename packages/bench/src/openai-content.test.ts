import { createRgb, encodeImage, imageSize } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { buildChatContent, imageDataUrl } from './openai-content.js';

describe('image data URLs', () => {
  it('send the bytes as given, or transcode without resizing', async () => {
    const png = new Uint8Array(await encodeImage(createRgb(640, 480, [1, 2, 3])));
    const url = await imageDataUrl({ mime: 'image/png', data: png });
    expect(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64').equals(Buffer.from(png))).toBe(true);
    const jpegUrl = await imageDataUrl({ mime: 'image/png', data: png }, 'jpeg');
    expect(jpegUrl.startsWith('data:image/jpeg;base64,')).toBe(true);
    expect(await imageSize(Buffer.from(jpegUrl.split(',')[1]!, 'base64'))).toMatchObject({ width: 640, height: 480 });
  });

  it('builds OpenAI content parts', async () => {
    const png = new Uint8Array(await encodeImage(createRgb(2, 2)));
    const parts = await buildChatContent('see <image>', [{ mime: 'image/png', data: png }]);
    expect(parts[0]).toEqual({ type: 'text', text: 'see ' });
    expect(parts[1]!.type).toBe('image_url');
  });
});
