import { commandDeclarationProblems } from '@spatial-ssrl/spec/node';
import { describe, expect, it } from 'vitest';
import { commands, runCli } from './cli.js';

const sink = () => {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, text: () => text };
};

describe('every ssrl-train command', () => {
  it.each(commands.map((c) => [c.name, c] as const))('%s: its help lists exactly the declared options, and its parser accepts each', async (name, c) => {
    expect(commandDeclarationProblems(c.cli)).toEqual([]);
    const out = sink();
    const err = sink();
    expect(await runCli([name, '--help'], { out: out.stream, err: err.stream, cwd: process.cwd(), env: {} })).toBe(0);
    expect(out.text()).toBe(c.cli.help);
  });

  it('lists every command in the program help', async () => {
    const out = sink();
    await runCli(['--help'], { out: out.stream, err: sink().stream, cwd: process.cwd(), env: {} });
    for (const c of commands) expect(out.text()).toContain(`  ${c.name} `);
  });
});
