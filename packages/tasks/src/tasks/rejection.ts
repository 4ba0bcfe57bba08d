import type { TaskRejection } from '../task.js';

/** Builds a rejection with a stable machine code (kebab-case) and a sentence for humans. */
export function reject(code: string, reason: string): TaskRejection {
  return { rejected: true, code, reason };
}

/** Whether an intermediate result (any object) is a rejection. */
export function isRejected<T extends object>(value: T | TaskRejection): value is TaskRejection {
  return (value as Partial<TaskRejection>).rejected === true;
}
