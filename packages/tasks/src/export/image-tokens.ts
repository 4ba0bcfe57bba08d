/** Vision-language model families whose image-token budget the exporter checks. */
export type ModelFamily = 'qwen2.5-vl' | 'qwen3-vl';

/** The model families known to {@link imageTokenSettings}, in help order. */
export const MODEL_FAMILIES: readonly ModelFamily[] = ['qwen2.5-vl', 'qwen3-vl'];

/** How a family's image processor turns an image into tokens. */
export interface ImageTokenSettings {
  /** Side of one vision patch, px (14 for Qwen2.5-VL, 16 for Qwen3-VL). */
  readonly patchSize: number;
  /** Patches merged per side into one language token (2 for both families). */
  readonly mergeSize: number;
  /** Smallest pixel count an image is scaled up to (width × height). */
  readonly minPixels: number;
  /** Largest pixel count an image is scaled down to (width × height). */
  readonly maxPixels: number;
}

// The processors' shipped defaults: Qwen2.5-VL min_pixels 56·56, max_pixels 28·28·16384;
// Qwen3-VL size.shortest_edge 256·256 and size.longest_edge 4096·4096 (pixel counts too).
const FAMILY_DEFAULTS: Readonly<Record<ModelFamily, ImageTokenSettings>> = {
  'qwen2.5-vl': { patchSize: 14, mergeSize: 2, minPixels: 56 * 56, maxPixels: 28 * 28 * 16384 },
  'qwen3-vl': { patchSize: 16, mergeSize: 2, minPixels: 256 * 256, maxPixels: 4096 * 4096 },
};

/** A family's processor defaults, with `minPixels` / `maxPixels` replaced when given. */
export function imageTokenSettings(family: ModelFamily, overrides: { minPixels?: number; maxPixels?: number } = {}): ImageTokenSettings {
  const base = FAMILY_DEFAULTS[family];
  if (!base) throw new RangeError(`unknown model family "${String(family)}"; known: ${MODEL_FAMILIES.join(', ')}`);
  const settings = { ...base, ...definedOnly(overrides) };
  const factor = settings.patchSize * settings.mergeSize;
  if (!(Number.isInteger(settings.minPixels) && settings.minPixels > 0)) throw new RangeError(`minPixels must be a positive integer, got ${settings.minPixels}`);
  if (!(Number.isInteger(settings.maxPixels) && settings.maxPixels >= factor * factor)) {
    throw new RangeError(`maxPixels must be an integer >= ${factor * factor} (one ${factor}×${factor} token), got ${settings.maxPixels}`);
  }
  if (settings.minPixels > settings.maxPixels) throw new RangeError(`minPixels ${settings.minPixels} is above maxPixels ${settings.maxPixels}`);
  return settings;
}

function definedOnly(o: { minPixels?: number; maxPixels?: number }): { minPixels?: number; maxPixels?: number } {
  const out: { minPixels?: number; maxPixels?: number } = {};
  if (o.minPixels !== undefined) out.minPixels = o.minPixels;
  if (o.maxPixels !== undefined) out.maxPixels = o.maxPixels;
  return out;
}

// Python's round(): halves go to the even neighbour.
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The size (px) an image of `width × height` is resized to before patching: both sides
 * multiples of `patchSize · mergeSize`, the area within `[minPixels, maxPixels]`, the aspect
 * ratio kept as closely as possible (Qwen's `smart_resize`). Throws a `RangeError` for an aspect
 * ratio above 200, which the processors refuse.
 */
export function smartResize(width: number, height: number, settings: ImageTokenSettings): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new RangeError(`image size must be positive, got ${width}×${height}`);
  if (Math.max(width, height) / Math.min(width, height) > 200) {
    throw new RangeError(`aspect ratio of ${width}×${height} is above 200, which the image processor refuses`);
  }
  const factor = settings.patchSize * settings.mergeSize;
  let h = Math.max(factor, roundHalfEven(height / factor) * factor);
  let w = Math.max(factor, roundHalfEven(width / factor) * factor);
  if (h * w > settings.maxPixels) {
    const beta = Math.sqrt((height * width) / settings.maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < settings.minPixels) {
    const beta = Math.sqrt(settings.minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return { width: w, height: h };
}

/** Placeholder tokens (`<|image_pad|>`) one image of `width × height` px becomes in the prompt. */
export function imagePadTokens(width: number, height: number, settings: ImageTokenSettings): number {
  const r = smartResize(width, height, settings);
  const factor = settings.patchSize * settings.mergeSize;
  return (r.width / factor) * (r.height / factor);
}

/** Prompt tokens of one image: its pad tokens plus the vision start and end markers. */
export function imagePromptTokens(width: number, height: number, settings: ImageTokenSettings): number {
  return imagePadTokens(width, height, settings) + 2;
}
