import { compareRuns } from '@spatial-ssrl/bench';
import { writeFileAtomic } from './files.js';

/** Compares run folders; writes the Markdown to `out` when given, else returns it for stdout. */
export async function compareCommand(runs: readonly string[], out?: string): Promise<string> {
  const md = await compareRuns(runs);
  if (out) await writeFileAtomic(out, md);
  return md;
}
