import { SsrlError } from '@spatial-ssrl/spec';
import type { Task } from './task.js';
import { cameraMotionTask } from './tasks/camera-motion/camera-motion.js';
import { correspondenceTask } from './tasks/correspondence/correspondence.js';
import { cropTask } from './tasks/crop/crop.js';
import { depthTask } from './tasks/depth/depth.js';
import { flipTask } from './tasks/flip/flip.js';
import { frameOrderTask } from './tasks/frame-order/frame-order.js';
import { jigsawTask } from './tasks/jigsaw/jigsaw.js';
import { playbackTask } from './tasks/playback/playback.js';
import { positionTask } from './tasks/position/position.js';
import { rotationTask } from './tasks/rotation/rotation.js';
import { shuffleTask } from './tasks/shuffle/shuffle.js';

/** Machine codes of registry errors. */
export type TaskRegistryErrorCode = 'duplicate-task' | 'unknown-task' | 'invalid-task';

/** Thrown when registering a duplicate or malformed task, or asking for an unknown id. */
export class TaskRegistryError extends SsrlError<TaskRegistryErrorCode> {}

/** A set of tasks addressed by id. Each registry is independent; nothing is global. */
export interface TaskRegistry {
  /** Adds a task; throws `duplicate-task` when its id is taken. Returns the registry for chaining. */
  register(task: Task<any, any>): TaskRegistry;
  /** The task with this id; throws `unknown-task` naming the known ids. */
  get(id: string): Task<any, any>;
  /** Whether a task with this id is registered. */
  has(id: string): boolean;
  /** The tasks in registration order. */
  list(): readonly Task<any, any>[];
}

const ID_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Creates a registry holding `tasks` (in order); throws on duplicate ids. */
export function createRegistry(tasks: readonly Task<any, any>[] = []): TaskRegistry {
  const byId = new Map<string, Task<any, any>>();
  const registry: TaskRegistry = {
    register(task) {
      if (task === null || typeof task !== 'object' || typeof task.id !== 'string' || typeof task.generate !== 'function') {
        throw new TaskRegistryError('invalid-task', 'a task needs a string id and a generate function');
      }
      if (!ID_PATTERN.test(task.id)) {
        throw new TaskRegistryError('invalid-task', `task id '${task.id}' must be kebab-case (a-z, 0-9, -), like its folder name`);
      }
      if (byId.has(task.id)) throw new TaskRegistryError('duplicate-task', `a task with id '${task.id}' is already registered`);
      byId.set(task.id, task);
      return registry;
    },
    get(id) {
      const task = byId.get(id);
      if (task === undefined) {
        const known = [...byId.keys()];
        throw new TaskRegistryError('unknown-task', `unknown task '${id}'; known tasks: ${known.length > 0 ? known.join(', ') : '(none)'}`);
      }
      return task;
    },
    has: (id) => byId.has(id),
    list: () => [...byId.values()],
  };
  for (const task of tasks) registry.register(task);
  return registry;
}

/** The five Spatial-SSRL pretext tasks in a fixed order: shuffle, flip, crop, depth, position. */
export const builtinTasks: readonly Task<any, any>[] = Object.freeze([shuffleTask, flipTask, cropTask, depthTask, positionTask]);

/**
 * Built-in tasks beyond the paper's five (image, clip and view-pair tasks), each declared
 * `optIn`: registered by default, generated when named.
 */
export const extraTasks: readonly Task<any, any>[] = Object.freeze([
  rotationTask,
  jigsawTask,
  frameOrderTask,
  playbackTask,
  cameraMotionTask,
  correspondenceTask,
]);

/** A new registry holding the built-in tasks (the five, then the extra ones); callers may register more without affecting others. */
export function defaultRegistry(): TaskRegistry {
  return createRegistry([...builtinTasks, ...extraTasks]);
}
