import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** The shared reference folder: `SSRL_SHARED_DIR`, else `../shared` next to the repository root. */
export function sharedDir(): string {
  const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
  return process.env['SSRL_SHARED_DIR'] ?? resolve(repoRoot, '..', 'shared');
}

/** Path of a real benchmark annotation file in the shared folder, and whether it is there. */
export function sharedBenchmarkFile(name: string): { path: string; exists: boolean } {
  const path = join(sharedDir(), 'fixtures', 'benchmarks', name);
  return { path, exists: existsSync(path) };
}
