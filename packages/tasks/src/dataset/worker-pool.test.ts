import { describe, expect, it } from 'vitest';
import { workerExecArgv } from './worker-pool.js';

describe('workerExecArgv', () => {
  it('drops custom export conditions and keeps other flags', () => {
    expect(
      workerExecArgv(['--conditions', '@spatial-ssrl/source', '--max-old-space-size=512', '-C', 'dev', '--conditions=x', '-Cy', '--enable-source-maps']),
    ).toEqual(['--max-old-space-size=512', '--enable-source-maps']);
  });
});
