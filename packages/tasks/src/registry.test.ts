import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinTasks, extraTasks, createRegistry, defaultRegistry, TaskRegistryError } from './registry.js';
import { defineTask } from './task.js';

const extra = defineTask({
  id: 'extra',
  description: 'A task used to test the registry.',
  needs: 'rgb',
  params: z.strictObject({}),
  variants: () => ['only'],
  imageCount: () => 1,
  answerSpace: () => ['x'],
  generate: () => ({ rejected: true, code: 'unused', reason: 'unused' }),
});

function thrown(f: () => unknown): TaskRegistryError {
  try {
    f();
  } catch (error) {
    if (error instanceof TaskRegistryError) return error;
    throw error;
  }
  throw new Error('expected a TaskRegistryError');
}

describe('createRegistry', () => {
  it('registers, lists in order and looks tasks up by id', () => {
    const r = createRegistry([extra]);
    expect(r.has('extra')).toBe(true);
    expect(r.has('shuffle')).toBe(false);
    expect(r.get('extra')).toBe(extra);
    expect(r.list().map((t) => t.id)).toEqual(['extra']);
  });

  it('throws duplicate-task on a second task with the same id', () => {
    const r = createRegistry([extra]);
    const e = thrown(() => r.register({ ...extra }));
    expect(e.code).toBe('duplicate-task');
    expect(e.message).toContain("'extra'");
    expect(thrown(() => createRegistry([extra, extra])).code).toBe('duplicate-task');
  });

  it('throws unknown-task naming the known ids', () => {
    const e = thrown(() => defaultRegistry().get('rotate'));
    expect(e.code).toBe('unknown-task');
    expect(e.message).toContain('shuffle, flip, crop, depth, position');
  });

  it('refuses malformed tasks and ids that are not kebab-case', () => {
    expect(thrown(() => createRegistry().register({ ...extra, id: 'Bad Id' })).code).toBe('invalid-task');
    expect(thrown(() => createRegistry().register({} as never)).code).toBe('invalid-task');
  });
});

describe('builtin tasks', () => {
  it('are the five pretext tasks in a fixed order', () => {
    expect(builtinTasks.map((t) => t.id)).toEqual(['shuffle', 'flip', 'crop', 'depth', 'position']);
    expect(builtinTasks.map((t) => t.needs)).toEqual(['rgb', 'rgb', 'rgb', 'rgbd', 'rgbd']);
  });

  it('live in folders named by their ids, and every task folder is registered', () => {
    const dir = fileURLToPath(new URL('./tasks/', import.meta.url));
    const folders = readdirSync(dir).filter((f) => !f.startsWith('_') && statSync(`${dir}/${f}`).isDirectory());
    expect(folders.sort()).toEqual([...builtinTasks, ...extraTasks].map((t) => t.id).sort());
  });

  it('come in a new registry on every defaultRegistry() call', () => {
    const a = defaultRegistry();
    const b = defaultRegistry();
    a.register(extra);
    expect(a.has('extra')).toBe(true);
    expect(b.has('extra')).toBe(false);
    expect(b.list()).toEqual([...builtinTasks, ...extraTasks]);
  });

  it('declare every task beyond the five opt-in, so default mixes stay the five', () => {
    expect(builtinTasks.every((t) => !t.optIn)).toBe(true);
    expect(extraTasks.length).toBeGreaterThan(0);
    expect(extraTasks.every((t) => t.optIn === true)).toBe(true);
  });
});
