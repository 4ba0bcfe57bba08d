import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const PACKAGES = ['@spatial-ssrl/tasks', '@spatial-ssrl/image', '@spatial-ssrl/scenes'] as const;

/**
 * Versions of the packages whose code decides a dataset's bytes (tasks, image, scenes and the
 * sharp encoder behind image), read from their package.json files; `unknown` when unresolvable.
 */
export function generatorVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  let imagePackageJson: string | undefined;
  for (const name of PACKAGES) {
    try {
      const path = require.resolve(`${name}/package.json`);
      if (name === '@spatial-ssrl/image') imagePackageJson = path;
      out[name] = readVersion(path);
    } catch {
      out[name] = 'unknown';
    }
  }
  out.sharp = imagePackageJson ? sharpVersion(imagePackageJson) : 'unknown';
  return out;
}

function readVersion(packageJsonPath: string): string {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

// sharp does not export its package.json, so resolve its entry from the image package and walk up.
function sharpVersion(imagePackageJson: string): string {
  try {
    let dir = dirname(createRequire(imagePackageJson).resolve('sharp'));
    for (let i = 0; i < 6; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'sharp' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // no package.json at this level
      }
      dir = dirname(dir);
    }
  } catch {
    // sharp not installed next to the image package
  }
  return 'unknown';
}
