import type { TaskRegistry } from '@spatial-ssrl/tasks';
import { uprightTask } from './upright/upright.js';

export { uprightTask, uprightParams, UPRIGHT_ANSWERS } from './upright/upright.js';
export type { UprightParams } from './upright/upright.js';

/** The tasks this plugin module adds, for `ssrl-train generate --plugin`. */
export const tasks = [uprightTask];

/** Adds the upright task to a registry. */
export function register(registry: TaskRegistry): void {
  registry.register(uprightTask);
}
