import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from './registry.js';
import { describeTask } from './testing/describe-task.js';

// One conformance suite per registered task, from one place: registering a task is enough to
// have it tested, and a task that does not conform fails here.
const registry = defaultRegistry();
for (const task of registry.list()) describeTask(task);

describe('the built-in registry', () => {
  it('holds exactly one task per folder of src/tasks, named as its folder', () => {
    const dir = fileURLToPath(new URL('./tasks/', import.meta.url));
    const folders = readdirSync(dir).filter((n) => !n.startsWith('_') && statSync(`${dir}${n}`).isDirectory());
    expect(registry.list().map((t) => t.id).sort()).toEqual(folders.sort());
  });
});
