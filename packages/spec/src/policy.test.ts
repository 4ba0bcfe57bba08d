import { describe, expect, it } from 'vitest';
import { SsrlError } from './errors.js';
import { assertPolicy, isFinalPolicyError, POLICY_SPECIFICATION_VERSION, PolicyContractError, policyError, samplingParams, type Policy } from './policy.js';

const policy: Policy = {
  specificationVersion: POLICY_SPECIFICATION_VERSION,
  id: 'echo',
  generate: async (requests, sampling) =>
    requests.map((r) => ({ id: r.id, outputs: Array.from({ length: sampling.n }, () => ({ text: r.prompt, finishReason: 'stop' })) })),
};

describe('assertPolicy', () => {
  it('passes a policy of this specification version through unchanged', async () => {
    expect(assertPolicy(policy)).toBe(policy);
    const out = await assertPolicy(policy).generate([{ id: 'a', prompt: 'hi', images: [] }], { temperature: 0, topP: 1, maxTokens: 4, seed: 0, n: 2 });
    expect(out).toEqual([{ id: 'a', outputs: [{ text: 'hi', finishReason: 'stop' }, { text: 'hi', finishReason: 'stop' }] }]);
  });

  it('fails loudly for a policy written for another version, or none', () => {
    for (const version of ['v2', undefined, 1]) {
      const other = { ...policy, specificationVersion: version };
      expect(() => assertPolicy(other)).toThrow(PolicyContractError);
      expect(() => assertPolicy(other)).toThrow(/policy echo implements specification .* but this version of @spatial-ssrl\/spec speaks v1/);
    }
    try {
      assertPolicy({ ...policy, specificationVersion: 'v2' });
    } catch (err) {
      expect(err).toBeInstanceOf(SsrlError);
      expect((err as PolicyContractError).code).toBe('policy-version');
    }
  });

  it('refuses values that are not policies at all', () => {
    for (const v of [null, 42, {}, { id: 'x' }, { generate() {} }]) {
      expect(() => assertPolicy(v)).toThrow(expect.objectContaining({ code: 'not-a-policy' }));
    }
  });
});

describe('sampling params and completion errors', () => {
  it('validates sampling params at a boundary', () => {
    expect(samplingParams.parse({ temperature: 0.7, topP: 0.9, maxTokens: 32, seed: 3, n: 4 })).toEqual({ temperature: 0.7, topP: 0.9, maxTokens: 32, seed: 3, n: 4 });
    for (const bad of [{ temperature: -1 }, { topP: 0 }, { topP: 1.5 }, { maxTokens: 0 }, { seed: -1 }, { seed: 2 ** 32 }, { n: 0 }, { n: 1.5 }]) {
      expect(samplingParams.safeParse({ temperature: 1, topP: 1, maxTokens: 8, seed: 0, n: 1, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('names the rule a bad sampling value breaks', () => {
    const issue = (bad: Record<string, unknown>) => samplingParams.safeParse({ temperature: 1, topP: 1, maxTokens: 8, seed: 0, n: 1, ...bad }).error?.issues[0];
    expect(issue({ temperature: Number.NaN })).toMatchObject({ path: ['temperature'], message: 'must be ≥ 0' });
    expect(issue({ topP: 0 })).toMatchObject({ path: ['topP'], message: 'must be in (0, 1]' });
    expect(issue({ maxTokens: 2.5 })).toMatchObject({ path: ['maxTokens'], message: 'must be a positive integer' });
    expect(issue({ seed: 2 ** 32 })).toMatchObject({ path: ['seed'], message: 'must be an integer in [0, 2^32 − 1]' });
    expect(issue({ n: undefined })).toMatchObject({ path: ['n'], message: 'must be a positive integer' });
  });

  it('tells transient completion errors from final ones', () => {
    expect(isFinalPolicyError(policyError('final', 'bad image'))).toBe(true);
    expect(isFinalPolicyError(policyError('transient', 'HTTP 503'))).toBe(false);
    expect(isFinalPolicyError('something else')).toBe(true);
  });
});
