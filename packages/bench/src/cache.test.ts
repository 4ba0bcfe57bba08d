import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CacheKey, PredictionCache, promptHash, samplingHash } from './cache.js';
import { policyError } from '@spatial-ssrl/spec';

const key = (item: string): CacheKey => ({
  model: 'm',
  benchmark: 'b',
  item,
  sampling: samplingHash({ temperature: 0, topP: 1, maxTokens: 8, seed: 0, n: 1 }),
  prompt: promptHash(`prompt ${item}`),
});
const ok = (id: string) => ({ id, outputs: [{ text: `answer ${id}`, finishReason: 'stop' }] });

async function tmpPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'bench-cache-')), 'sub', 'cache.jsonl');
}

describe('PredictionCache', () => {
  it('stores finished items and reloads them', async () => {
    const p = await tmpPath();
    const c = await PredictionCache.open(p);
    expect(c.record(key('1'), ok('1'))).toBe(true);
    expect(c.record(key('2'), { id: '2', outputs: [], error: policyError('final', 'HTTP 400') })).toBe(true);
    c.close();
    const again = await PredictionCache.open(p);
    expect(again.size).toBe(2);
    expect(again.get(key('1'))).toEqual({ outputs: [{ text: 'answer 1', finishReason: 'stop' }] });
    expect(again.get(key('2'))!.error).toBe('final: HTTP 400');
    expect(again.get({ ...key('1'), prompt: promptHash('another prompt') })).toBeUndefined();
    again.close();
  });

  it('never stores transient errors, so a re-run asks again', async () => {
    const c = await PredictionCache.open(await tmpPath());
    expect(c.record(key('1'), { id: '1', outputs: [], error: policyError('transient', 'HTTP 503') })).toBe(false);
    expect(c.get(key('1'))).toBeUndefined();
    c.close();
  });

  it('drops a torn last line and keeps appending cleanly after it', async () => {
    const p = await tmpPath();
    const c = await PredictionCache.open(p);
    c.record(key('1'), ok('1'));
    c.record(key('2'), ok('2'));
    c.close();
    const text = await readFile(p, 'utf8');
    await writeFile(p, text + text.split('\n')[0]!.slice(0, 25));
    const d = await PredictionCache.open(p);
    expect(d.size).toBe(2);
    d.record(key('3'), ok('3'));
    d.close();
    const lines = (await readFile(p, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => JSON.parse(l))).toBeTruthy();
    expect((await PredictionCache.open(p)).size).toBe(3);
  });

  it('repairs a complete last line written without its newline', async () => {
    const p = await tmpPath();
    const c = await PredictionCache.open(p);
    c.record(key('1'), ok('1'));
    c.close();
    await writeFile(p, (await readFile(p, 'utf8')).trimEnd());
    const d = await PredictionCache.open(p);
    d.record(key('2'), ok('2'));
    d.close();
    expect((await PredictionCache.open(p)).size).toBe(2);
  });

  it('refuses a corrupt line in the middle, naming it', async () => {
    const p = await tmpPath();
    const c = await PredictionCache.open(p);
    c.record(key('1'), ok('1'));
    c.close();
    await appendFile(p, 'garbage\n' + (await readFile(p, 'utf8')));
    await expect(PredictionCache.open(p)).rejects.toMatchObject({ code: 'CACHE_CORRUPT', message: expect.stringMatching(/line 2/) });
  });

  it('hashes sampling settings stably and distinctly', () => {
    const a = samplingHash({ temperature: 0, topP: 1, maxTokens: 8, seed: 0, n: 1 });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(samplingHash({ n: 1, seed: 0, maxTokens: 8, topP: 1, temperature: 0 })).toBe(a);
    expect(samplingHash({ temperature: 0, topP: 1, maxTokens: 8, seed: 1, n: 1 })).not.toBe(a);
  });
});
