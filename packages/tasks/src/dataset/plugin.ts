import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskRegistry } from '../registry.js';
import type { Task } from '../task.js';
import { DatasetError } from '@spatial-ssrl/spec';

/** The part of a task registry a plugin module may use. */
export type PluginRegistry = Pick<TaskRegistry, 'register'>;

/**
 * Turns a plugin specifier into one any thread can import: paths (`./x.js`, `../x.js`, `/abs/x.js`)
 * become `file:` URLs resolved against `cwd`; `file:` URLs and package names are kept as given.
 */
export function normalizePluginSpecifier(specifier: string, cwd: string = process.cwd()): string {
  if (specifier.length === 0) throw new DatasetError('plugin-invalid', 'empty plugin module specifier');
  if (specifier.startsWith('file:')) return specifier;
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || isAbsolute(specifier)) {
    return pathToFileURL(resolve(cwd, specifier)).href;
  }
  return specifier;
}

/**
 * Imports a plugin module and adds its tasks to `registry`: calls its `register(registry)` export
 * when present, otherwise registers each task of its `tasks` array export. Throws `DatasetError`
 * (`plugin-invalid`) when the module cannot be imported or exports neither.
 */
export async function loadTaskPlugin(registry: PluginRegistry, specifier: string): Promise<void> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (cause) {
    throw new DatasetError('plugin-invalid', `cannot import plugin module ${specifier}: ${(cause as Error).message}`, { cause });
  }
  if (typeof mod.register === 'function') {
    await (mod.register as (r: PluginRegistry) => unknown)(registry);
    return;
  }
  if (Array.isArray(mod.tasks)) {
    for (const task of mod.tasks as unknown[]) {
      if (!isTaskLike(task)) {
        throw new DatasetError('plugin-invalid', `plugin ${specifier} exports a "tasks" entry that is not a task (needs id, needs, params, generate)`);
      }
      registry.register(task);
    }
    return;
  }
  throw new DatasetError('plugin-invalid', `plugin ${specifier} exports neither "tasks" (an array of tasks) nor "register(registry)"`);
}

function isTaskLike(value: unknown): value is Task<unknown, any> {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  const needs = t.needs as { kind?: unknown } | string | undefined;
  const declared = needs === 'rgb' || needs === 'rgbd' || typeof needs === 'function' || (typeof needs === 'object' && needs !== null && typeof needs.kind === 'string');
  return typeof t.id === 'string' && declared && typeof t.generate === 'function' && typeof t.params === 'object';
}
