import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentLoad, inputsHash, readStageRecord, STAGE_FILE, writeStageRecord, type StageRecord } from './stage-record.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ssrl-stage-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inputsHash', () => {
  it('ignores key order and sees every value', () => {
    expect(inputsHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(inputsHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(inputsHash({ a: 1, b: { c: [1, 2] } })).not.toBe(inputsHash({ a: 1, b: { c: [2, 1] } }));
    expect(inputsHash({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('stage records', () => {
  it('round-trips and reads a missing or damaged record as not started', async () => {
    const record: StageRecord = {
      stage: 'sft',
      status: 'complete',
      inputs: 'abc',
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:05:00.000Z',
      wallSec: 300,
      loadStart: [1, 2, 3],
      loadEnd: [2, 2, 3],
      result: { step: 10 },
      priorSec: 0,
    };
    await writeStageRecord(dir, record);
    expect(await readStageRecord(dir)).toEqual(record);
    expect(await readStageRecord(join(dir, 'missing'))).toBeUndefined();
    await writeFile(join(dir, STAGE_FILE), '{"stage": "sft", "status": "done"}');
    expect(await readStageRecord(dir)).toBeUndefined();
    await writeFile(join(dir, STAGE_FILE), 'not json');
    expect(await readStageRecord(dir)).toBeUndefined();
  });

  it('reads three load averages', () => {
    const load = currentLoad();
    expect(load).toHaveLength(3);
    for (const l of load) expect(l).toBeGreaterThanOrEqual(0);
  });
});
