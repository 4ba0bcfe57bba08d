import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One Python file that lets a Python trainer call the reward server. */
export interface RewardShim {
  /** Which trainer interface it implements. */
  readonly name: 'easyr1' | 'verl' | 'verl-async' | 'trl';
  /** File name inside the package's `python/` folder, e.g. `easyr1_reward.py`. */
  readonly fileName: string;
  /** The function a trainer config points at; every shim exposes `compute_score`. */
  readonly functionName: 'compute_score';
  /** Absolute path of the file in the installed package. */
  readonly path: string;
  /** The file's text (UTF-8), ready to be written next to an export. */
  readonly text: string;
}

const SHIMS: readonly Pick<RewardShim, 'name' | 'fileName'>[] = [
  { name: 'easyr1', fileName: 'easyr1_reward.py' },
  { name: 'verl', fileName: 'verl_reward.py' },
  { name: 'verl-async', fileName: 'verl_reward_async.py' },
  { name: 'trl', fileName: 'trl_reward.py' },
];

/**
 * The Python reward shims shipped in the package's `python/` folder: EasyR1 (`REWARD_TYPE =
 * "batch"`), verl (sync and async `compute_score`) and TRL (a reward function). Each one POSTs to
 * the reward server at `SSRL_REWARD_URL` (default `http://127.0.0.1:8000`) with the Python
 * standard library (aiohttp for the async one), retries with back-off and raises when the server
 * cannot be reached. Reads the files on each call; throws when the package is incomplete.
 */
export function rewardShims(): RewardShim[] {
  return SHIMS.map(({ name, fileName }) => {
    const path = fileURLToPath(new URL(`../python/${fileName}`, import.meta.url));
    return { name, fileName, functionName: 'compute_score', path, text: readFileSync(path, 'utf8') };
  });
}
