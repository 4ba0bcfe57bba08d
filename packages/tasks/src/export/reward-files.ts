import { rewardShims, type RewardShim } from '@spatial-ssrl/rewards';
import type { AuxFile, ExportTarget } from './formats/format.js';

// The shims each target ships, under the file names its config points at.
const FILES: Readonly<Record<ExportTarget, readonly (readonly [RewardShim['name'], string])[]>> = {
  easyr1: [['easyr1', 'reward.py']],
  verl: [
    ['verl', 'verl_reward.py'],
    ['verl-async', 'verl_reward_async.py'],
  ],
  trl: [['trl', 'trl_reward.py']],
  llamafactory: [],
};

/** The reward-server shims (from `@spatial-ssrl/rewards`) an export for `target` ships next to its data. */
export function rewardFiles(target: ExportTarget): AuxFile[] {
  const shims = new Map(rewardShims().map((s) => [s.name, s]));
  return FILES[target].map(([name, path]) => {
    const shim = shims.get(name);
    if (!shim) throw new Error(`@spatial-ssrl/rewards ships no "${name}" reward shim`);
    return { path, text: shim.text };
  });
}
