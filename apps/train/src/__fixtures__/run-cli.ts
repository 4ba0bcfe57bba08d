import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI (`pnpm build` in apps/train; turbo builds it before the tests). */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** The repository root, from this file's location. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Throws a clear message when the CLI has not been built. */
export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "pnpm build" in apps/train (turbo does it before tests)`);
}

/** Runs the built CLI to completion. */
export function runCli(args: readonly string[], options: { cwd?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file under `dir` (relative path → base64 content), for byte-identity checks. */
export async function snapshotDir(dir: string, skip: (path: string) => boolean = () => false): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const entry of (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (skip(path)) continue;
      if (entry.isDirectory()) await walk(path);
      else files.set(path, (await readFile(join(dir, path))).toString('base64'));
    }
  };
  await walk('');
  return files;
}
