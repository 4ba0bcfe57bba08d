import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Whether the module at `moduleUrl` (its `import.meta.url`) is the script Node was started with
 * (`process.argv[1]`, links resolved, as `npx` and package `bin` links start it); false when
 * imported, in a test runner, or when the script path cannot be resolved.
 */
export function isEntryModule(moduleUrl: string, argv: readonly string[] = process.argv): boolean {
  const script = argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === pathToFileURL(realpathSync(new URL(moduleUrl))).href;
  } catch {
    return false;
  }
}
