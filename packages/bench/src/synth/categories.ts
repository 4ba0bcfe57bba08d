import { colour } from './general/colour.js';
import { count } from './general/count.js';
import { material } from './general/material.js';
import { presence } from './general/presence.js';
import { shape } from './general/shape.js';
import type { SynthCategory } from './question.js';
import { aboveBelow } from './spatial/above-below.js';
import { closerFarther } from './spatial/closer-farther.js';
import { countRelation } from './spatial/count-relation.js';
import { frontBehind } from './spatial/front-behind.js';
import { largerSmaller } from './spatial/larger-smaller.js';
import { leftRight } from './spatial/left-right.js';
import { nearest } from './spatial/nearest.js';
import { viewpoint } from './spatial/viewpoint.js';

/** Names of the synthetic benchmarks. */
export type SynthBenchName = 'synth-spatial' | 'synth-general';

/** A synthetic benchmark: its title and question categories. */
export interface SynthBenchDefinition {
  readonly name: SynthBenchName;
  readonly title: string;
  readonly categories: readonly SynthCategory[];
}

/** The synthetic benchmarks and their categories, one registration line per category. */
export const SYNTH_BENCHES: Readonly<Record<SynthBenchName, SynthBenchDefinition>> = {
  'synth-spatial': {
    name: 'synth-spatial',
    title: 'Synthetic spatial VQA (scene-graph ground truth)',
    categories: [leftRight, frontBehind, closerFarther, aboveBelow, largerSmaller, nearest, viewpoint, countRelation],
  },
  'synth-general': {
    name: 'synth-general',
    title: 'Synthetic general VQA (scene-graph ground truth)',
    categories: [colour, shape, material, presence, count],
  },
};
