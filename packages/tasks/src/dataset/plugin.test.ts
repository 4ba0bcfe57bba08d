import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { loadTaskPlugin, normalizePluginSpecifier } from './plugin.js';

const TASK = `{ id: 'echo', description: 'd', needs: 'rgb', params: { parse: (v) => v, safeParse: (v) => ({ success: true, data: v }) },
  variants: () => ['v'], imageCount: () => 1, answerSpace: () => ['a'], generate: () => ({ rejected: true, code: 'no', reason: 'no' }) }`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ssrl-plugin-'));
  await writeFile(join(dir, 'with-tasks.mjs'), `export const tasks = [${TASK}];\n`);
  await writeFile(join(dir, 'with-register.mjs'), `export function register(registry) { registry.register(${TASK}); }\n`);
  await writeFile(join(dir, 'neither.mjs'), 'export const x = 1;\n');
  await writeFile(join(dir, 'bad-task.mjs'), 'export const tasks = [{ id: 1 }];\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadTaskPlugin', () => {
  it('registers a `tasks` array or calls `register(registry)`', async () => {
    for (const file of ['with-tasks.mjs', 'with-register.mjs']) {
      const registry = createRegistry();
      await loadTaskPlugin(registry, pathToFileURL(join(dir, file)).href);
      expect(registry.list().map((t) => t.id)).toEqual(['echo']);
    }
  });

  it('explains modules that cannot be imported or export no tasks', async () => {
    const registry = createRegistry();
    await expect(loadTaskPlugin(registry, pathToFileURL(join(dir, 'missing.mjs')).href)).rejects.toMatchObject({ code: 'plugin-invalid', message: /cannot import/ });
    await expect(loadTaskPlugin(registry, pathToFileURL(join(dir, 'neither.mjs')).href)).rejects.toThrow(/neither "tasks"/);
    await expect(loadTaskPlugin(registry, pathToFileURL(join(dir, 'bad-task.mjs')).href)).rejects.toThrow(/not a task/);
  });
});

describe('normalizePluginSpecifier', () => {
  it('turns paths into file URLs against cwd and keeps package names', () => {
    expect(normalizePluginSpecifier('./dist/index.js', '/srv/app')).toBe('file:///srv/app/dist/index.js');
    expect(normalizePluginSpecifier('/opt/p.js', '/srv')).toBe('file:///opt/p.js');
    expect(normalizePluginSpecifier('file:///x.js')).toBe('file:///x.js');
    expect(normalizePluginSpecifier('my-tasks')).toBe('my-tasks');
    expect(() => normalizePluginSpecifier('')).toThrow(/empty/);
  });
});
