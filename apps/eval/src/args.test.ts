import { describe, expect, it } from 'vitest';
import { parseCompareArgs, parseMergeArgs, parseRunArgs } from './args.js';
import { UsageError } from '@spatial-ssrl/spec/node';

const base = ['--model', 'openai:http://127.0.0.1:8000/v1#Qwen2.5-VL-7B', '--out', 'runs/x'];

describe('parseRunArgs', () => {
  it('reads the model spec, per-benchmark data and sampling defaults', () => {
    const a = parseRunArgs([...base, '--bench', 'viewspatial,vsi-bench', '--data', 'viewspatial=/d/vs', '--data', 'vsi-bench=/d/vsi.json', '--frames', '16', '--n', '4'], {});
    expect(a.model).toEqual({ kind: 'openai', baseUrls: ['http://127.0.0.1:8000/v1'], model: 'Qwen2.5-VL-7B' });
    expect([...a.data]).toEqual([
      ['viewspatial', '/d/vs'],
      ['vsi-bench', '/d/vsi.json'],
    ]);
    expect(a.sampling).toEqual({ temperature: 0, topP: 1, maxTokens: 2048, seed: 0, n: 4 });
    expect(a.load).toEqual({ frames: 16, resize: true });
    expect(a.cot).toBe(true);
    expect(a.client).toEqual({ concurrency: 8, timeoutMs: 120_000, maxRetries: 5, supportsN: true, imageFormat: 'original' });
  });

  it('accepts one bare --data path for one benchmark, flags and the API key from the environment', () => {
    const a = parseRunArgs(['--model', 'checkpoint:ckpt/a', '--out', 'o', '--bench', 'whatsup', '--data', '/w', '--no-cot', '--no-n', '--whatsup-subset', 'B'], { OPENAI_API_KEY: 'sk' });
    expect(a.model).toEqual({ kind: 'checkpoint', dir: 'ckpt/a' });
    expect(a.data.get('whatsup')).toBe('/w');
    expect(a.cot).toBe(false);
    expect(a.client).toMatchObject({ apiKey: 'sk', supportsN: false });
    expect(a.load.subset).toBe('B');
  });

  it('rejects what it cannot use, saying why', () => {
    const bad = (args: string[], msg: RegExp) => expect(() => parseRunArgs(args, {})).toThrow(msg);
    bad(['--bench', 'viewspatial', '--data', 'x', '--out', 'o'], /--model: is required/);
    bad([...base, '--bench', 'viewspatial,whatsup', '--data', '/x'], /one --data <name>=<path> per benchmark/);
    bad([...base, '--bench', 'viewspatial,whatsup', '--data', 'viewspatial=/x'], /no --data for whatsup/);
    bad([...base, '--bench', 'viewspatial', '--data', 'whatsup=/x'], /whatsup is not in --bench/);
    bad([...base, '--bench', 'viewspatial', '--data', '/x', '--top-p', '0'], /--top-p: must be in \(0, 1\]/);
    bad([...base, '--bench', 'viewspatial', '--data', '/x', '--n', 'two'], /--n: must be a whole number/);
    bad([...base, '--bench', 'viewspatial', '--data', '/x', '--colour'], /unknown option --colour/);
    expect(() => parseRunArgs([...base, '--bench', 'viewspatial', '--data', '/x', '--limit', '0'], {})).toThrow(UsageError);
    bad([...base, '--bench', 'viewspatial', '--data', '/x', '--shard', '4/4'], /--shard: 4\/4: K must be in 0…N−1/);
    bad([...base, '--bench', 'viewspatial', '--data', '/x', '--shard', 'first'], /--shard: must look like K\/N/);
    bad(['--model', 'openai:http://a:1/v1,ftp://b/v1#m', '--out', 'o', '--bench', 'viewspatial', '--data', '/x'], /"ftp:\/\/b\/v1" is not an http\(s\) URL/);
  });

  it('reads several server URLs and a shard', () => {
    const a = parseRunArgs(['--model', 'openai:http://10.0.0.1:8000/v1,http://10.0.0.2:8000/v1#Qwen', '--out', 'o', '--bench', 'viewspatial', '--data', '/x', '--shard', '2/8'], {});
    expect(a.model).toEqual({ kind: 'openai', baseUrls: ['http://10.0.0.1:8000/v1', 'http://10.0.0.2:8000/v1'], model: 'Qwen' });
    expect(a.shard).toEqual({ index: 2, count: 8 });
  });
});

describe('parseMergeArgs', () => {
  it('takes shard folders and a required output folder', () => {
    expect(parseMergeArgs(['s0', 's1', '--out', 'all'])).toEqual({ runs: ['s0', 's1'], out: 'all' });
    expect(() => parseMergeArgs(['s0'])).toThrow(/--out/);
    expect(() => parseMergeArgs(['--out', 'x'])).toThrow(/<runs>: is required/);
  });
});

describe('parseCompareArgs', () => {
  it('takes run folders and an optional output file', () => {
    expect(parseCompareArgs(['a', 'b', '--out', 'c.md'])).toEqual({ runs: ['a', 'b'], out: 'c.md' });
    expect(() => parseCompareArgs([])).toThrow(/<runs>: is required/);
  });
});
