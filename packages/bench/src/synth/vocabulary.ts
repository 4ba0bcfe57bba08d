import type { ObjectKind, ObjectTexture, Vec3 } from '@spatial-ssrl/scenes';

/** Colour names of synthetic-benchmark objects. */
export type SynthColour = 'red' | 'orange' | 'yellow' | 'green' | 'cyan' | 'blue' | 'purple';

/** Shape names of synthetic-benchmark objects. */
export type SynthShape = 'cube' | 'sphere' | 'cylinder' | 'cone' | 'pyramid';

/** Surface patterns (the scene renderer's object materials) of synthetic-benchmark objects. */
export type SynthPattern = 'striped' | 'dotted' | 'checkered' | 'plain';

/** Base sRGB colour (0-255) of each colour name, chosen to stay apart in hue under the scenes' sun and haze. */
export const SYNTH_COLOURS: Readonly<Record<SynthColour, Vec3>> = {
  red: [206, 34, 34],
  orange: [238, 124, 22],
  yellow: [232, 206, 36],
  green: [42, 164, 58],
  cyan: [36, 192, 204],
  blue: [38, 78, 214],
  purple: [156, 48, 170],
};

/** The renderer's object kind of each shape name. */
export const SYNTH_SHAPES: Readonly<Record<SynthShape, ObjectKind>> = {
  cube: 'box',
  sphere: 'sphere',
  cylinder: 'cylinder',
  cone: 'cone',
  pyramid: 'pyramid',
};

/** The renderer's texture of each pattern name (`plain` is a noise texture between two equal colours). */
export const SYNTH_PATTERNS: Readonly<Record<SynthPattern, ObjectTexture>> = {
  striped: 'stripes',
  dotted: 'dots',
  checkered: 'checker',
  plain: 'noise',
};

/** Every colour name, in a fixed order. */
export const COLOUR_NAMES = Object.keys(SYNTH_COLOURS) as readonly SynthColour[];
/** Every shape name, in a fixed order. */
export const SHAPE_NAMES = Object.keys(SYNTH_SHAPES) as readonly SynthShape[];
/** Every pattern name, in a fixed order. */
export const PATTERN_NAMES = Object.keys(SYNTH_PATTERNS) as readonly SynthPattern[];

/** Plural of a shape name: `cubes`, `spheres`, … */
export function plural(shape: SynthShape): string {
  return `${shape}s`;
}
