import { commandDeclarationProblems } from '@spatial-ssrl/spec/node';
import { describe, expect, it } from 'vitest';
import { commands } from './commands.js';

describe('every ssrl-serve command', () => {
  it.each(commands.map((c) => [c.name, c] as const))('%s: its help lists exactly the declared options, and its parser accepts each', (_, c) => {
    expect(commandDeclarationProblems(c)).toEqual([]);
  });
});
