import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sharpVersion } from '@spatial-ssrl/image';

const PACKAGES = ['@spatial-ssrl/tasks', '@spatial-ssrl/image', '@spatial-ssrl/scenes'] as const;

/**
 * Versions of the packages whose code decides a dataset's bytes (tasks, image, scenes and the
 * sharp encoder behind image), read from their package.json files; `unknown` when unresolvable.
 */
export function generatorVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const path = require.resolve(`${name}/package.json`);
      out[name] = readVersion(path);
    } catch {
      out[name] = 'unknown';
    }
  }
  out.sharp = sharpVersion();
  return out;
}

function readVersion(packageJsonPath: string): string {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
