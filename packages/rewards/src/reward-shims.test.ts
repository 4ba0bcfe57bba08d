import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rewardShims } from './reward-shims.js';

describe('rewardShims', () => {
  const shims = rewardShims();

  it('lists the four shims with their paths and texts', () => {
    expect(shims.map((s) => s.name)).toEqual(['easyr1', 'verl', 'verl-async', 'trl']);
    expect(shims.map((s) => s.fileName)).toEqual(['easyr1_reward.py', 'verl_reward.py', 'verl_reward_async.py', 'trl_reward.py']);
    for (const shim of shims) {
      expect(existsSync(shim.path)).toBe(true);
      expect(shim.text).toBe(readFileSync(shim.path, 'utf8'));
      expect(shim.functionName).toBe('compute_score');
      expect(shim.text).toMatch(/^(async )?def compute_score\(|^compute_score = /m);
      expect(shim.text).toContain('SSRL_REWARD_URL');
    }
  });

  it('declares what EasyR1 v0.3 reads from the module', () => {
    const easyr1 = shims.find((s) => s.name === 'easyr1')!.text;
    expect(easyr1).toMatch(/^REWARD_TYPE = "batch"$/m);
    expect(easyr1).toMatch(/^REWARD_NAME = "spatial_ssrl"$/m);
    expect(easyr1).toMatch(/^def compute_score\(reward_inputs, format_weight=0\.1, partial_credit=None, task=None\):$/m);
  });

  it('imports only the standard library (aiohttp for the async one)', () => {
    const stdlib = new Set(['asyncio', 'json', 'math', 'os', 'random', 'sys', 'time', 'urllib.error', 'urllib.request']);
    for (const shim of shims) {
      const imports = [...shim.text.matchAll(/^\s*import ([\w.]+)|^from ([\w.]+) import/gm)].map((m) => m[1] ?? m[2]);
      const foreign = imports.filter((name) => !stdlib.has(name));
      expect(foreign).toEqual(shim.name === 'verl-async' ? ['aiohttp'] : []);
    }
  });

  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  it.runIf(python.status === 0)('compile with python3 (when python3 is installed)', () => {
    const check = spawnSync('python3', ['-c', 'import ast, sys\nfor p in sys.argv[1:]: ast.parse(open(p).read(), p)', ...shims.map((s) => s.path)], {
      encoding: 'utf8',
    });
    expect(check.status, check.stderr).toBe(0);
  });
});
