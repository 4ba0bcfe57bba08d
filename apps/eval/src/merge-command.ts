import { mergeRuns, type RunSummary } from '@spatial-ssrl/bench';
import { runSummary, writeRunFolder } from './run-command.js';

/** Combines the run folders of a sharded run into `out`, scored as one run; returns its summary. */
export async function mergeCommand(runs: readonly string[], out: string): Promise<RunSummary> {
  const { manifest, results, records } = await mergeRuns(runs);
  const summary = runSummary(manifest.model, manifest.cot, manifest.sampling, results);
  await writeRunFolder(out, summary, results, records, manifest);
  return summary;
}
