import type { TaskRegistry } from '@spatial-ssrl/tasks';
import { rotationTask } from './rotation/rotation.js';

export { rotationTask, rotationParams, ROTATION_ANSWERS } from './rotation/rotation.js';
export type { RotationParams } from './rotation/rotation.js';

/** The tasks this plugin module adds, for `ssrl-train generate --plugin`. */
export const tasks = [rotationTask];

/** Adds the rotation task to a registry. */
export function register(registry: TaskRegistry): void {
  registry.register(rotationTask);
}
