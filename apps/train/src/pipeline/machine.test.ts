import { describe, expect, it } from 'vitest';
import { machineInfo } from './machine.js';

describe('machineInfo', () => {
  it('names the version of every package the report lists, the CPU and Node', () => {
    const info = machineInfo();
    expect(Object.keys(info.packages)).toContain('@spatial-ssrl/scenes');
    for (const [name, version] of Object.entries(info.packages)) expect([name, version]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+/)]);
    expect(info.node).toBe(process.version);
    expect(info.cpu.length).toBeGreaterThan(0);
  });
});
