import { cropRgb, flipRgb, type ClipFrame, type DepthMap, type RgbImage } from '@spatial-ssrl/image';
import type { TaskSample } from '../../task.js';
import type { CropMeta } from '../crop/crop.js';
import type { DepthMeta } from '../depth/depth.js';
import type { FlipMeta } from '../flip/flip.js';
import { labelBox, PATCH_BORDER_WIDTH } from '../patch-style.js';
import { positionAnswer } from '../position/position-answers.js';
import type { PositionMeta } from '../position/position.js';
import type { ShuffleMeta } from '../shuffle/shuffle.js';
import { inRect, pixel } from './inputs.js';

const same = (a: readonly number[], b: readonly number[]): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** Reassembles a shuffle sample by its answer and compares every unlabelled interior pixel with the source. */
export function verifyShuffle(sample: TaskSample, source: RgbImage): string[] {
  const meta = sample.meta as unknown as ShuffleMeta;
  const out = sample.images[0].image;
  const { rows, cols, patchWidth: pw, patchHeight: ph } = meta;
  const answer = sample.answer.split('-').map(Number);
  let bad = 0;
  let compared = 0;
  for (let p = 0; p < rows * cols; p++) {
    const slot = answer[p];
    const sx = (slot % cols) * pw;
    const sy = Math.floor(slot / cols) * ph;
    const label = labelBox({ x: sx, y: sy, width: pw, height: ph }, String(slot));
    for (let y = PATCH_BORDER_WIDTH; y < ph - PATCH_BORDER_WIDTH; y++) {
      for (let x = PATCH_BORDER_WIDTH; x < pw - PATCH_BORDER_WIDTH; x++) {
        if (inRect(label, sx + x, sy + y)) continue;
        const expected = slot === meta.maskedSlot ? [255, 255, 255] : pixel(source, (p % cols) * pw + x, Math.floor(p / cols) * ph + y);
        compared++;
        if (!same(pixel(out, sx + x, sy + y), expected)) bad++;
      }
    }
  }
  if (compared < rows * cols) return ['almost no interior pixels to compare'];
  return bad === 0 ? [] : [`${bad} interior pixels differ from the source after reassembly`];
}

/** Un-flips the named patch of a flip sample and compares it (and the other patches) with the source. */
export function verifyFlip(sample: TaskSample, source: RgbImage): string[] {
  const meta = sample.meta as unknown as FlipMeta;
  const [t, d] = sample.answer.split('-').map(Number);
  const problems: string[] = [];
  if (t !== meta.patch || d !== meta.direction) problems.push('answer disagrees with meta');
  const { patchWidth: pw, patchHeight: ph } = meta;
  const out = sample.images[0].image;
  for (let k = 0; k < 4; k++) {
    const rect = { x: (k % 2) * pw, y: Math.floor(k / 2) * ph, width: pw, height: ph };
    const label = labelBox(rect, String(k));
    const shown = cropRgb(out, rect);
    const restored = k === t ? flipRgb(shown, d === 0 ? 'vertical' : 'horizontal') : shown;
    let bad = 0;
    let differs = 0;
    let compared = 0;
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const fx = k === t && d === 1 ? pw - 1 - x : x;
        const fy = k === t && d === 0 ? ph - 1 - y : y;
        const drawn = fx < PATCH_BORDER_WIDTH || fy < PATCH_BORDER_WIDTH || fx >= pw - PATCH_BORDER_WIDTH || fy >= ph - PATCH_BORDER_WIDTH || inRect(label, rect.x + fx, rect.y + fy);
        if (drawn) continue;
        compared++;
        if (!same(pixel(restored, x, y), pixel(source, rect.x + x, rect.y + y))) bad++;
        if (k === t && !same(pixel(shown, x, y), pixel(source, rect.x + x, rect.y + y))) differs++;
      }
    }
    if (compared === 0) problems.push(`patch ${k} has no undecorated pixel`);
    if (bad > 0) problems.push(`patch ${k}: ${bad} pixels differ from the source once restored`);
    if (k === t && differs === 0) problems.push(`the flipped patch ${k} shows no change`);
  }
  return problems;
}

/** Checks that a crop sample's answer option is the raw crop and that the hole is black. */
export function verifyCrop(sample: TaskSample, source: RgbImage): string[] {
  const meta = sample.meta as unknown as CropMeta;
  const raw = cropRgb(source, meta.hole);
  const slot = 'ABCD'.indexOf(sample.answer);
  const problems: string[] = [];
  const masked = meta.composite ? cropRgb(sample.images[0].image, meta.composite.masked) : sample.images[0].image;
  let bad = 0;
  for (let y = 0; y < source.height; y++) {
    for (let x = 0; x < source.width; x++) {
      const expected = inRect(meta.hole, x, y) ? [0, 0, 0] : pixel(source, x, y);
      if (!same(pixel(masked, x, y), expected)) bad++;
    }
  }
  if (bad > 0) problems.push(`${bad} pixels of the masked image are wrong`);
  if (meta.options[slot]?.transform !== 'original') problems.push('the answer option is not the raw crop in meta');
  const option = meta.composite ? cropRgb(sample.images[0].image, meta.composite.options[slot]) : sample.images[1 + slot].image;
  const tile = meta.composite ? meta.composite.options[slot] : { x: 0, y: 0, width: raw.width, height: raw.height };
  const label = labelBox(tile, sample.answer);
  let off = 0;
  for (let y = 0; y < raw.height; y++) {
    for (let x = 0; x < raw.width; x++) {
      const decorated = meta.composite !== null && (x < PATCH_BORDER_WIDTH || y < PATCH_BORDER_WIDTH || x >= raw.width - PATCH_BORDER_WIDTH || y >= raw.height - PATCH_BORDER_WIDTH || inRect(label, tile.x + x, tile.y + y));
      if (!decorated && !same(pixel(option, x, y), pixel(raw, x, y))) off++;
    }
  }
  if (off > 0) problems.push(`${off} pixels of the answer option differ from the raw crop`);
  return problems;
}

/** Checks a depth sample's answer against the source depth at the marker centres. */
export function verifyDepth(sample: TaskSample, depth: DepthMap): string[] {
  const meta = sample.meta as unknown as DepthMeta;
  const problems: string[] = [];
  const order = meta.markers
    .map((m) => ({ label: m.label, d: depth.data[m.y * depth.width + m.x], valid: depth.valid[m.y * depth.width + m.x] }))
    .sort((a, b) => a.d - b.d);
  if (order.some((m) => m.valid === 0)) problems.push('a marker sits on invalid depth');
  if (order.map((m) => m.label).join('-') !== sample.answer) problems.push(`answer ${sample.answer} disagrees with the source depth order`);
  for (const m of meta.markers) {
    const r = meta.markerRadius;
    if (m.x - r < 0 || m.y - r < 0 || m.x + r >= depth.width || m.y + r >= depth.height) problems.push(`marker ${m.label} leaves the image`);
  }
  return problems;
}

/** Checks a position sample's answer against the answer table and its marker depths against the source. */
export function verifyPosition(sample: TaskSample, depth: DepthMap, compoundDx = 150, window = 15): string[] {
  const meta = sample.meta as unknown as PositionMeta;
  const problems: string[] = [];
  const half = (window - 1) / 2;
  for (const m of meta.markers) {
    let raw = -Infinity;
    for (let y = m.y - half; y <= m.y + half; y++) {
      for (let x = m.x - half; x <= m.x + half; x++) {
        if (depth.valid[y * depth.width + x] === 0) problems.push(`marker ${m.label} window holds invalid depth`);
        raw = Math.max(raw, depth.data[y * depth.width + x]);
      }
    }
    if (raw !== m.depth) problems.push(`marker ${m.label} depth ${m.depth} is not the window maximum ${raw}`);
  }
  const camera = meta.markers.find((m) => m.label === meta.cameraLabel)!;
  const target = meta.markers.find((m) => m.label === meta.targetLabel)!;
  const direction = positionAnswer({ kind: meta.pairKind, facing: meta.facing, dx: target.x - camera.x, dd: target.depth - camera.depth, compoundDx });
  if (meta.options['ABCD'.indexOf(sample.answer)] !== direction) problems.push(`answer ${sample.answer} does not name ${direction}`);
  return problems;
}

// Whether pixel (x, y) of a grid sample, mirrored left-right (`width` wide), lies on a patch frame
// or on a label as drawn before the mirror (its box mirrored with it).
function mirroredDecoration(x: number, y: number, width: number, cols: number, rows: number, pw: number, ph: number): boolean {
  const lx = x % pw;
  const ly = y % ph;
  if (lx < PATCH_BORDER_WIDTH || ly < PATCH_BORDER_WIDTH || lx >= pw - PATCH_BORDER_WIDTH || ly >= ph - PATCH_BORDER_WIDTH) return true;
  const ox = width - 1 - x;
  const slot = Math.floor(y / ph) * cols + Math.floor(ox / pw);
  if (slot >= rows * cols) return true;
  return inRect(labelBox({ x: (slot % cols) * pw, y: Math.floor(slot / cols) * ph, width: pw, height: ph }, String(slot)), ox, y);
}

/**
 * Checks `answer` as the answer of a flip sample whose image is mirrored left-right: un-flipping
 * the named patch of the mirrored image must restore the mirrored source everywhere but on frames
 * and labels.
 */
export function verifyMirroredFlip(sample: TaskSample, source: RgbImage, answer: string): string[] {
  const meta = sample.meta as unknown as FlipMeta;
  const { patchWidth: pw, patchHeight: ph } = meta;
  const [t, d] = answer.split('-').map(Number);
  const shown = flipRgb(sample.images[0].image, 'horizontal');
  const src = flipRgb(cropRgb(source, { x: 0, y: 0, width: 2 * pw, height: 2 * ph }), 'horizontal');
  let bad = 0;
  let compared = 0;
  for (let y = 0; y < 2 * ph; y++) {
    for (let x = 0; x < 2 * pw; x++) {
      if (mirroredDecoration(x, y, 2 * pw, 2, 2, pw, ph)) continue;
      const k = Math.floor(y / ph) * 2 + Math.floor(x / pw);
      const lx = x % pw;
      const ly = y % ph;
      const sx = (k % 2) * pw + (k === t && d === 1 ? pw - 1 - lx : lx);
      const sy = Math.floor(k / 2) * ph + (k === t && d === 0 ? ph - 1 - ly : ly);
      compared++;
      if (!same(pixel(shown, x, y), pixel(src, sx, sy))) bad++;
    }
  }
  if (compared === 0) return ['no undecorated pixel'];
  return bad === 0 ? [] : [`${bad} pixels of the mirrored sample disagree with answer ${answer}`];
}

/**
 * Checks `answer` as the answer of a shuffle sample whose image is mirrored left-right: the slot
 * it names for each position of the mirrored source must show that piece (white when masked).
 */
export function verifyMirroredShuffle(sample: TaskSample, source: RgbImage, answer: string): string[] {
  const meta = sample.meta as unknown as ShuffleMeta;
  const { rows, cols, patchWidth: pw, patchHeight: ph } = meta;
  const width = cols * pw;
  const shown = flipRgb(sample.images[0].image, 'horizontal');
  const src = flipRgb(cropRgb(source, { x: 0, y: 0, width, height: rows * ph }), 'horizontal');
  // The masked slot moves to the other end of its row.
  const masked = meta.maskedSlot === null ? null : Math.floor(meta.maskedSlot / cols) * cols + (cols - 1 - (meta.maskedSlot % cols));
  const slots = answer.split('-').map(Number);
  let bad = 0;
  let compared = 0;
  slots.forEach((slot, p) => {
    for (let ly = 0; ly < ph; ly++) {
      for (let lx = 0; lx < pw; lx++) {
        const x = (slot % cols) * pw + lx;
        const y = Math.floor(slot / cols) * ph + ly;
        if (mirroredDecoration(x, y, width, cols, rows, pw, ph)) continue;
        const expected = slot === masked ? [255, 255, 255] : pixel(src, (p % cols) * pw + lx, Math.floor(p / cols) * ph + ly);
        compared++;
        if (!same(pixel(shown, x, y), expected)) bad++;
      }
    }
  });
  if (compared === 0) return ['no undecorated pixel'];
  return bad === 0 ? [] : [`${bad} pixels of the mirrored sample disagree with answer ${answer}`];
}

/** Checks `answer` as the answer of a crop sample whose five images are all mirrored left-right. */
export function verifyMirroredCrop(sample: TaskSample, source: RgbImage, answer: string): string[] {
  const meta = sample.meta as unknown as CropMeta;
  const { hole } = meta;
  const mirroredHole = { ...hole, x: source.width - hole.x - hole.width };
  const raw = cropRgb(flipRgb(source, 'horizontal'), mirroredHole);
  const option = flipRgb(sample.images[1 + 'ABCD'.indexOf(answer)].image, 'horizontal');
  const masked = flipRgb(sample.images[0].image, 'horizontal');
  const problems: string[] = [];
  let hole0 = 0;
  for (let y = 0; y < hole.height; y++) for (let x = 0; x < hole.width; x++) if (!same(pixel(masked, mirroredHole.x + x, mirroredHole.y + y), [0, 0, 0])) hole0++;
  if (hole0 > 0) problems.push(`${hole0} pixels of the mirrored hole are not black`);
  if (option.width !== raw.width || option.height !== raw.height || !raw.data.every((v, i) => option.data[i] === v)) {
    problems.push(`option ${answer} of the mirrored sample is not the crop of the mirrored source`);
  }
  return problems;
}

/**
 * For each shown (labelled) frame, the decoded clip frame whose pixels it shows: the frame with
 * the smallest mean absolute difference outside the drawn frame border and label, which must be
 * (near) zero. Throws when a shown frame matches none.
 */
export function matchShownFrames(shown: readonly RgbImage[], decoded: readonly ClipFrame[]): ClipFrame[] {
  return shown.map((img, k) => {
    const rect = { x: 0, y: 0, width: img.width, height: img.height };
    const label = labelBox(rect, String(k));
    let best: ClipFrame | undefined;
    let bestDiff = Infinity;
    for (const frame of decoded) {
      if (frame.rgb.width !== img.width || frame.rgb.height !== img.height) continue;
      let sum = 0;
      let n = 0;
      for (let y = PATCH_BORDER_WIDTH; y < img.height - PATCH_BORDER_WIDTH; y++) {
        for (let x = PATCH_BORDER_WIDTH; x < img.width - PATCH_BORDER_WIDTH; x++) {
          if (inRect(label, x, y)) continue;
          const i = (y * img.width + x) * 3;
          sum += Math.abs(img.data[i] - frame.rgb.data[i]) + Math.abs(img.data[i + 1] - frame.rgb.data[i + 1]) + Math.abs(img.data[i + 2] - frame.rgb.data[i + 2]);
          n += 3;
        }
      }
      if (sum / n < bestDiff) {
        bestDiff = sum / n;
        best = frame;
      }
    }
    if (!best || bestDiff > 0.5) throw new Error(`shown frame ${k} matches no decoded frame (closest differs by ${bestDiff.toFixed(2)})`);
    return best;
  });
}
