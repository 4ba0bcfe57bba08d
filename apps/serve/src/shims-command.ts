import { join, resolve } from 'node:path';
import { rewardShims } from '@spatial-ssrl/rewards';
import { writeFileAtomic } from '@spatial-ssrl/spec/node';
import { z } from 'zod';
import { flagHelp, parseFlags, UsageError } from './options.js';

/** The flags of `ssrl-serve shims`. */
const shimsFlags = {
  out: { type: 'string', schema: z.string().min(1, 'must not be empty').optional(), help: 'folder to write the Python shims to (created)' },
  quiet: { type: 'boolean', schema: z.boolean().default(false), help: 'print nothing' },
  help: { type: 'boolean', schema: z.boolean().default(false), help: 'print this help' },
} as const;

/** Help text of `ssrl-serve shims`. */
export const SHIMS_HELP = `ssrl-serve shims --out DIR — write the Python reward shims (EasyR1, verl, verl async, TRL)

${flagHelp(shimsFlags)}`;

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
  const flags = parseFlags(argv, shimsFlags);
  if (flags.help) {
    print(SHIMS_HELP);
    return;
  }
  if (!flags.out) throw new UsageError('--out is required');
  const paths = await writeShims(resolve(cwd, flags.out));
  if (!flags.quiet) for (const path of paths) print(`wrote ${path}`);
}
