/** The conditioning vocabulary: tokens that tell the decoder which question it answers. */
export const CONDITION_TOKENS: readonly string[] = Object.freeze([
  '<pad>',
  'task:shuffle',
  'task:flip',
  'task:crop',
  'task:depth',
  'task:position',
  'task:other',
  'layout:2x2',
  'layout:2x2-masked',
  'layout:1x3',
  'layout:1x4',
  'layout:3x1',
  'layout:4x1',
  'layout:composite',
  'pair:near',
  'pair:far',
  'camera:1',
  'camera:2',
  'camera:other',
  'facing:left',
  'facing:right',
  'facing:me',
  'facing:away',
  'target:1',
  'target:2',
  'target:other',
  'option:Left',
  'option:Right',
  'option:Front',
  'option:Back',
  'option:Left-Front',
  'option:Right-Front',
  'option:Right-Back',
  'option:Left-Back',
  'option:other',
]);

const CONDITION_INDEX: ReadonlyMap<string, number> = new Map(CONDITION_TOKENS.map((t, i) => [t, i]));

/** Number of conditioning tokens (the rows of the conditioning embedding). */
export const CONDITION_VOCAB_SIZE = CONDITION_TOKENS.length;

/** What the prompt is known to ask, beyond its text. */
export interface ConditionHints {
  /** Task id, e.g. `depth` (Spatial-SSRL records carry it). */
  readonly task?: string;
  /** Task variant, e.g. `2x2-masked` or `composite`. */
  readonly variant?: string;
  /** Number of images given with the prompt. */
  readonly imageCount?: number;
}

/** The conditioning of one prompt: token names, their ids, and where they came from. */
export interface Conditioning {
  readonly tokens: readonly string[];
  readonly ids: readonly number[];
  /** `prompt` when a Spatial-SSRL template was recognised, `hints` when task/variant decided, `none` otherwise. */
  readonly source: 'prompt' | 'hints' | 'none';
}

const FACING: Readonly<Record<string, string>> = {
  'to the left of the image': 'facing:left',
  'to the right of the image': 'facing:right',
  'to me': 'facing:me',
  'to away from me': 'facing:away',
};

const VARIANT_LAYOUT: Readonly<Record<string, string>> = {
  '2x2': 'layout:2x2',
  '2x2-masked': 'layout:2x2-masked',
  masked: 'layout:2x2-masked',
  '1x3': 'layout:1x3',
  h3: 'layout:1x3',
  '1x4': 'layout:1x4',
  h4: 'layout:1x4',
  '3x1': 'layout:3x1',
  v3: 'layout:3x1',
  '4x1': 'layout:4x1',
  v4: 'layout:4x1',
  composite: 'layout:composite',
};

const POSITION_RE =
  /camera at position '([^']*)' and it's facing (to the left of the image|to the right of the image|to me|to away from me)\. According to the camera, where is the region marker '([^']*)'\?\s*A\.\s*(\S+)\s+B\.\s*(\S+)\s+C\.\s*(\S+)\s+D\.\s*([^\s.]+)\./;
const STRIPS_RE = /divided into (\d+) shuffled (horizontal|vertical) strips/;

function label(kind: string, value: string): string {
  const name = `${kind}:${value}`;
  return CONDITION_INDEX.has(name) ? name : `${kind}:other`;
}

function fromPrompt(prompt: string, imageCount: number | undefined): string[] | undefined {
  if (prompt.includes('divided into 4 shuffled patches')) {
    return ['task:shuffle', prompt.includes('masked completely by white pixels') ? 'layout:2x2-masked' : 'layout:2x2'];
  }
  const strips = STRIPS_RE.exec(prompt);
  if (strips) {
    const n = strips[1];
    return ['task:shuffle', label('layout', strips[2] === 'horizontal' ? `1x${n}` : `${n}x1`)];
  }
  if (prompt.includes('One of the four patches is flipped')) return ['task:flip'];
  if (prompt.includes('Which image is the missing part in the first image')) {
    return imageCount === 1 ? ['task:crop', 'layout:composite'] : ['task:crop'];
  }
  if (prompt.includes('three regions marked as 1, 2, and 3') && prompt.includes('sort the depths')) return ['task:depth'];
  const pos = POSITION_RE.exec(prompt);
  if (pos) {
    const far = prompt.includes('ignore the height difference');
    return [
      'task:position',
      far ? 'pair:far' : 'pair:near',
      label('camera', pos[1]),
      FACING[pos[2]],
      label('target', pos[3]),
      ...pos.slice(4, 8).map((o) => label('option', o)),
    ];
  }
  return undefined;
}

function fromHints(hints: ConditionHints): string[] | undefined {
  if (hints.task === undefined) return undefined;
  const task = label('task', hints.task);
  const layout = hints.variant === undefined ? undefined : VARIANT_LAYOUT[hints.variant];
  return layout === undefined ? [task] : [task, layout];
}

/**
 * Maps a prompt to conditioning tokens. The five Spatial-SSRL prompt templates are recognised
 * from their fixed wording (the RL format suffix and `<image>` placeholders are ignored):
 * shuffle → `task:shuffle` + its layout (2×2, 2×2 masked, 1×3, 1×4, 3×1, 4×1); flip →
 * `task:flip`; crop → `task:crop` (+ `layout:composite` for a single image); depth →
 * `task:depth`; position → `task:position`, `pair:near|far`, `camera:<label>`,
 * `facing:left|right|me|away`, `target:<label>` and one `option:<word>` per option A-D in order.
 * Otherwise `hints.task`/`hints.variant` decide, and failing that the single token `task:other`.
 */
export function conditionPrompt(prompt: string, hints: ConditionHints = {}): Conditioning {
  let tokens = fromPrompt(prompt, hints.imageCount);
  let source: Conditioning['source'] = 'prompt';
  if (tokens === undefined) {
    tokens = fromHints(hints);
    source = 'hints';
  }
  if (tokens === undefined) {
    tokens = ['task:other'];
    source = 'none';
  }
  return { tokens, ids: tokens.map((t) => CONDITION_INDEX.get(t)!), source };
}
