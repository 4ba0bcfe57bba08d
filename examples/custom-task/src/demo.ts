import { createRgb, drawText, fillRect, type ImageSource, type RgbImage } from '@spatial-ssrl/image';
import { generateDataset } from '@spatial-ssrl/tasks';
import { createRng } from '@spatial-ssrl/spec';
import { readSamples } from '@spatial-ssrl/spec/node';
import { uprightTask } from './index.js';

// A few drawn outdoor scenes with a clear "up": sky on top, ground below, a house and a caption.
function drawScene(seed: number): RgbImage {
  const rng = createRng(seed);
  const w = 192;
  const h = 144;
  const img = createRgb(w, h, [110 + rng.int(0, 40), 170 + rng.int(0, 40), 235]);
  const ground = 90 + rng.int(0, 20);
  fillRect(img, { x: 0, y: ground, width: w, height: h - ground }, [60, 130 + rng.int(0, 40), 50]);
  const hx = rng.int(20, 110);
  fillRect(img, { x: hx, y: ground - 40, width: 56, height: 40 }, [200, 170, 120]);
  for (let i = 0; i < 14; i++) fillRect(img, { x: hx - 4 + i * 2, y: ground - 41 - i * 2, width: 64 - i * 4, height: 2 }, [150, 40, 30]);
  fillRect(img, { x: hx + 22, y: ground - 20, width: 12, height: 20 }, [90, 60, 40]);
  fillRect(img, { x: w - 40, y: 12, width: 22, height: 22 }, [250, 220, 60]);
  drawText(img, `HOME ${seed}`, 8, h - 24, { height: 18, color: [255, 255, 255], outline: 1 });
  return img;
}

const demoSource: ImageSource = {
  name: 'drawn-scenes',
  hasDepth: false,
  list: async () =>
    Array.from({ length: 6 }, (_, i) => ({
      dataset: 'drawn',
      id: `scene-${i}`,
      hasDepth: false,
      load: async () => ({ rgb: drawScene(i) }),
    })),
};

const out = process.argv[2] ?? 'runs/upright-demo';
const result = await generateDataset({
  sources: [demoSource],
  tasks: [{ task: uprightTask, params: { layout: 'mixed' } }],
  count: 12,
  seed: 7,
  out,
  workers: 1,
  testFraction: 0.25,
});
console.log(`${result.manifest.counts?.samples} upright samples in ${result.out}`);
for await (const sample of readSamples(out)) {
  console.log(`  ${sample.id}  ${sample.variant.padEnd(6)}  answer ${sample.answer.padStart(3)}  ${sample.split.padEnd(5)}  ${sample.images[0]}`);
}
console.log(`answers: ${JSON.stringify(result.manifest.counts?.byAnswer.upright)}`);
console.log('Generate at scale with the CLI: ssrl-train generate --plugin ./dist/index.js --tasks upright --count 1000 --out runs/upright');
