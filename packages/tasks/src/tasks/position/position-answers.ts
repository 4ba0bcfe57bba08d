/** Where the imagined camera faces, as worded in the prompt. */
export type Facing = 'left' | 'right' | 'me' | 'away';

/** How the pair was found: `near` (similar depth, side by side) or `far` (depth apart). */
export type PairKind = 'near' | 'far';

/** Every facing in prompt-table column order. */
export const FACINGS: readonly Facing[] = ['left', 'right', 'me', 'away'];

/** The prompt wording of each facing (`it's facing {…}`), verbatim from the reference. */
export const FACING_PHRASES: Readonly<Record<Facing, string>> = {
  left: 'to the left of the image',
  right: 'to the right of the image',
  me: 'to me',
  away: 'to away from me',
};

/** The four single-direction options. */
export const SINGLE_DIRECTIONS: readonly string[] = ['Left', 'Right', 'Front', 'Back'];

/** The four compound options, used for far pairs more than `compoundDx` pixels apart. */
export const COMPOUND_DIRECTIONS: readonly string[] = ['Left-Front', 'Right-Front', 'Right-Back', 'Left-Back'];

/**
 * The answer table of the relative-position task, per facing. Keys: `near` by the sign of
 * Δx; `farSameX` by the sign of Δd; `farDiffX` by the signs of (Δx, Δd). `+` means `≥ 0`.
 * Δx = x_target − x_camera (pixels), Δd = depth_target − depth_camera.
 */
export const POSITION_ANSWERS: Readonly<
  Record<
    Facing,
    {
      readonly near: Readonly<Record<'+' | '-', string>>;
      readonly farSameX: Readonly<Record<'+' | '-', string>>;
      readonly farDiffX: Readonly<Record<'++' | '+-' | '-+' | '--', string>>;
    }
  >
> = {
  left: {
    near: { '+': 'Back', '-': 'Front' },
    farSameX: { '+': 'Right', '-': 'Left' },
    farDiffX: { '++': 'Right-Back', '+-': 'Left-Back', '-+': 'Right-Front', '--': 'Left-Front' },
  },
  right: {
    near: { '+': 'Front', '-': 'Back' },
    farSameX: { '+': 'Left', '-': 'Right' },
    farDiffX: { '++': 'Left-Front', '+-': 'Right-Front', '-+': 'Left-Back', '--': 'Right-Back' },
  },
  me: {
    near: { '+': 'Left', '-': 'Right' },
    farSameX: { '+': 'Back', '-': 'Front' },
    farDiffX: { '++': 'Left-Back', '+-': 'Left-Front', '-+': 'Right-Back', '--': 'Right-Front' },
  },
  away: {
    near: { '+': 'Right', '-': 'Left' },
    farSameX: { '+': 'Front', '-': 'Back' },
    farDiffX: { '++': 'Right-Front', '+-': 'Right-Back', '-+': 'Left-Front', '--': 'Left-Back' },
  },
};

/** The geometry of one question: pair kind, facing and the target's offsets from the camera. */
export interface PositionCase {
  readonly kind: PairKind;
  readonly facing: Facing;
  /** x_target − x_camera, pixels. */
  readonly dx: number;
  /** depth_target − depth_camera, in the source depth unit. */
  readonly dd: number;
  /** |Δx| above which a far pair gets compound options (pixels; the reference uses 150). */
  readonly compoundDx: number;
}

/** Whether a case is answered with compound (`Left-Front` …) rather than single directions. */
export function usesCompound(c: PositionCase): boolean {
  return c.kind === 'far' && Math.abs(c.dx) > c.compoundDx;
}

/** Looks up the direction answer for a case in {@link POSITION_ANSWERS}. */
export function positionAnswer(c: PositionCase): string {
  const row = POSITION_ANSWERS[c.facing];
  const sx = c.dx >= 0 ? '+' : '-';
  const sd = c.dd >= 0 ? '+' : '-';
  if (c.kind === 'near') return row.near[sx];
  if (!usesCompound(c)) return row.farSameX[sd];
  return row.farDiffX[`${sx}${sd}`];
}
