import { renderScene } from '@spatial-ssrl/scenes';
import type { TaskInput } from '../task.js';

/**
 * A source of rendered RGB-D scenes for conformance runs: input `i` is scene `i mod pool`
 * (rendered once, on first use), `width × height` pixels.
 */
export function syntheticInputs(width: number, height: number, pool = 32): (index: number) => TaskInput {
  const cache = new Map<number, TaskInput>();
  return (index) => {
    const seed = index % pool;
    let input = cache.get(seed);
    if (input === undefined) {
      const scene = renderScene({ seed, width, height });
      input = { rgb: scene.rgb, depth: scene.depth, source: { dataset: 'synthetic', id: `scene-${seed}` } };
      cache.set(seed, input);
    }
    return input;
  };
}
