/** The layouts of the shuffle task: a 2×2 grid (plain or with one masked patch) or 3-4 strips. */
export type ShuffleVariant = '2x2' | '2x2-masked' | 'h3' | 'h4' | 'v3' | 'v4';

/** Grid shape and prompt wording of one layout. */
export interface ShuffleLayout {
  readonly rows: number;
  readonly cols: number;
  readonly masked: boolean;
}

/** Every shuffle variant in a fixed order. */
export const SHUFFLE_VARIANTS: readonly ShuffleVariant[] = ['2x2', '2x2-masked', 'h3', 'h4', 'v3', 'v4'];

/** Grid of each variant: horizontal strips lie in one row, vertical strips in one column. */
export const SHUFFLE_LAYOUTS: Readonly<Record<ShuffleVariant, ShuffleLayout>> = {
  '2x2': { rows: 2, cols: 2, masked: false },
  '2x2-masked': { rows: 2, cols: 2, masked: true },
  h3: { rows: 1, cols: 3, masked: false },
  h4: { rows: 1, cols: 4, masked: false },
  v3: { rows: 3, cols: 1, masked: false },
  v4: { rows: 4, cols: 1, masked: false },
};

/**
 * Variant weights of the Spatial-SSRL-81k shuffle data: 2×2 plain 4,000, 2×2 masked 4,028,
 * horizontal strips 4,991 and vertical strips 3,009, the strips split evenly between 3 and 4
 * pieces (the released counts do not give that split).
 */
export const SSRL81K_SHUFFLE_MIX: Readonly<Record<ShuffleVariant, number>> = {
  '2x2': 4000,
  '2x2-masked': 4028,
  h3: 2495.5,
  h4: 2495.5,
  v3: 1504.5,
  v4: 1504.5,
};

const FORMATS: Readonly<Record<string, string>> = {
  h3: 'Left-Middle-Right',
  h4: 'Left-Middle1-Middle2-Right',
  v3: 'Top-Middle-Bottom',
  v4: 'Top-Middle1-Middle2-Bottom',
};

/** The reference prompt of a variant, verbatim (without the image placeholder). */
export function shufflePromptText(variant: ShuffleVariant): string {
  const layout = SHUFFLE_LAYOUTS[variant];
  const tail = 'Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the';
  if (layout.rows === 2 && layout.cols === 2) {
    return (
      'The image has been divided into 4 shuffled patches labeled 0, 1, 2, and 3. ' +
      (layout.masked ? 'One of the four patches is masked completely by white pixels. ' : '') +
      `${tail} patches to restore the original image, where the format is 'TopLeft-TopRight-BottomLeft-BottomRight'.`
    );
  }
  const pieces = layout.rows * layout.cols;
  const direction = layout.rows === 1 ? 'horizontal' : 'vertical';
  const labels = pieces === 3 ? '0, 1, and 2' : '0, 1, 2, and 3';
  return (
    `The image has been divided into ${pieces} shuffled ${direction} strips labeled ${labels}. ` +
    `${tail} strips to restore the original image, where the format is '${FORMATS[variant]}'.`
  );
}
