import sharp from 'sharp';
import {
  analyseImage,
  cropRgb,
  decodeImage,
  encodeImage,
  flipRgb,
  NearDuplicateIndex,
  resizeBilinear,
  rotate90,
  type AnalysedImage,
  type RgbImage,
} from '@spatial-ssrl/image';
import { renderScene } from '@spatial-ssrl/scenes';

/**
 * The contamination guard measured end to end on the library: N distinct synthetic scenes are
 * the "benchmark"; 50 of them are planted in the "training data" as resized, re-encoded, flipped,
 * turned and cropped copies. "Distinct" means rendered from different scene seeds: each seed draws
 * its own layout, objects, textures, lighting and camera, so no two share a pixel region, even
 * though they share the renderer's style (sky, hills, ground, similar objects). The 50 planted
 * ones are 320 × 240, the others 192 × 144 (mixed sizes, as benchmarks have).
 */

const W = 320;
const H = 240;
const PLANTED = 50;

const jpeg = async (img: RgbImage, quality: number): Promise<RgbImage> => decodeImage(await encodeImage(img, { format: 'jpeg', quality }));
const webp = async (img: RgbImage, quality: number): Promise<RgbImage> =>
  decodeImage(await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).webp({ quality }).toBuffer());

const side = Math.floor(Math.min(W, H) / 2);
/** Copies as a scraper, a re-upload or a pretext task would make them; `k` varies crop positions. */
const PLANTS: Readonly<Record<string, (img: RgbImage, k: number) => Promise<RgbImage>>> = {
  'resized to half': async (img) => resizeBilinear(img, W / 2, H / 2),
  'resized to 1.6×': async (img) => resizeBilinear(img, Math.round(W * 1.6), Math.round(H * 1.6)),
  'resized, aspect changed': async (img) => resizeBilinear(img, Math.round(W * 0.66), Math.round(H * 0.58)),
  'JPEG quality 40': (img) => jpeg(img, 40),
  'WebP quality 50': (img) => webp(img, 50),
  'square crop of half the short side (crop task)': async (img, k) => cropRgb(img, { x: (k * 97) % (W - side + 1), y: (k * 53) % (H - side + 1), width: side, height: side }),
  'quadrant (2×2 shuffle patch)': async (img, k) => cropRgb(img, { x: (k % 2) * (W / 2), y: (Math.floor(k / 2) % 2) * (H / 2), width: W / 2, height: H / 2 }),
  'third-width strip (1×3 patch)': async (img, k) => cropRgb(img, { x: (k % 3) * Math.floor(W / 3), y: 0, width: Math.floor(W / 3), height: H }),
  'centre 80 %': async (img) => cropRgb(img, { x: W / 10, y: H / 10, width: W * 0.8, height: H * 0.8 }),
  'crop, resized 0.8×, JPEG 75': async (img, k) =>
    jpeg(resizeBilinear(cropRgb(img, { x: (k * 131) % (W - side + 1), y: (k * 71) % (H - side + 1), width: side, height: side }), Math.round(side * 0.8), Math.round(side * 0.8)), 75),
  'mirrored (flip task)': async (img) => flipRgb(img, 'horizontal'),
  'turned 90°': async (img) => rotate90(img, 'cw'),
};

/** What one trial found: false positives (each described), and recall per kind of copy. */
export interface NearDuplicateTrial {
  readonly distinct: number;
  readonly falsePositives: readonly string[];
  readonly recall: Readonly<Record<string, number>>;
  readonly found: number;
  readonly planted: number;
}

/** Indexes `distinct` scenes (≥ 50), queries each against the others, then queries every planted copy. */
export async function nearDuplicateTrial(distinct: number): Promise<NearDuplicateTrial> {
  const images: RgbImage[] = [];
  const analysed: AnalysedImage[] = [];
  const index = new NearDuplicateIndex();
  for (let i = 0; i < distinct; i++) {
    const rgb = i < PLANTED ? renderScene({ seed: 700_000 + i, width: W, height: H }).rgb : renderScene({ seed: 700_000 + i, width: 192, height: 144 }).rgb;
    const a = analyseImage(rgb);
    if (i < PLANTED) images.push(rgb);
    analysed.push(a);
    index.add(`scene-${i}`, a.fingerprint);
  }

  // Every distinct image against all the others: pairwise, nothing may match.
  const falsePositives: string[] = [];
  analysed.forEach((a, i) => {
    for (const m of index.query(a, { filter: (r) => r !== i })) falsePositives.push(`scene-${i} ~ ${m.id} (${m.kind}, detail ${m.check.detailCorrelation.toFixed(2)})`);
  });
  console.log(`pairwise among ${distinct} distinct images: ${falsePositives.length} false positives`);

  const recall: Record<string, number> = {};
  let found = 0;
  let planted = 0;
  for (const [name, plant] of Object.entries(PLANTS)) {
    let hits = 0;
    for (let k = 0; k < PLANTED; k++) {
      const matches = index.query(analyseImage(await plant(images[k]!, k)));
      if (matches.some((m) => m.reference === k)) hits++;
      for (const m of matches) if (m.reference !== k) falsePositives.push(`${name} of scene-${k} ~ ${m.id} (${m.kind})`);
    }
    recall[name] = hits / PLANTED;
    found += hits;
    planted += PLANTED;
  }
  console.log(
    `recall ${(found / planted).toFixed(3)} over ${planted} planted copies; false positives ${falsePositives.length} among ${distinct} distinct images\n` +
      Object.entries(recall)
        .map(([name, r]) => `  ${name}: ${r.toFixed(2)}`)
        .join('\n'),
  );
  return { distinct, falsePositives, recall, found, planted };
}
