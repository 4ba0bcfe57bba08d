import { join, resolve } from 'node:path';
import { rewardShims } from '@spatial-ssrl/rewards';
import { defineCommand, writeFileAtomic } from '@spatial-ssrl/spec/node';


/** The command line of `ssrl-serve shims`. */
export const shimsCli = defineCommand({
  program: 'ssrl-serve',
  name: 'shims',
  summary: 'write the Python reward shims (EasyR1, verl, verl async, TRL)',
  usage: 'ssrl-serve shims --out DIR',
  options: {
    out: { type: 'string', value: 'DIR', required: true, description: 'folder to write the Python shims to (created)' },
    quiet: { type: 'boolean', description: 'print nothing' },
  },
});

/** Writes every shim of `@spatial-ssrl/rewards` into `out` (each atomically: temp file, then rename); returns the paths. */
async function writeShims(out: string): Promise<string[]> {
  const paths: string[] = [];
  for (const shim of rewardShims()) {
    const target = join(out, shim.fileName);
    await writeFileAtomic(target, shim.text);
    paths.push(target);
  }
  return paths;
}

/** Runs `ssrl-serve shims`. */
export async function shimsCommand(argv: readonly string[], cwd: string, print: (line: string) => void): Promise<void> {
  const flags = shimsCli.parse(argv);
  const paths = await writeShims(resolve(cwd, flags.out));
  if (!flags.quiet) for (const path of paths) print(`wrote ${path}`);
}
