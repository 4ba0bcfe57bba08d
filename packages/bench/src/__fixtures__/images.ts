import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createRgb, encodeImage } from '@spatial-ssrl/image';

/** Writes a small solid-colour image (PNG, or JPEG when the path ends in .jpg/.jpeg) for tests. */
export async function writeTestImage(path: string, width = 8, height = 8, rgb: readonly [number, number, number] = [90, 140, 200]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const jpeg = /\.jpe?g$/i.test(path);
  await writeFile(path, await encodeImage(createRgb(width, height, rgb), jpeg ? { format: 'jpeg', quality: 90 } : { format: 'png' }));
}
