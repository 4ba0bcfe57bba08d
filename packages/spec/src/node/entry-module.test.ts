import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEntryModule } from './entry-module.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ssrl-entry-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('isEntryModule', () => {
  it('is true for the started script, also through a link, and false for anything else', async () => {
    const script = path.join(dir, 'cli.mjs');
    await writeFile(script, '');
    const url = pathToFileURL(script).href;
    const link = path.join(dir, 'bin-link');
    await symlink(script, link);
    expect(isEntryModule(url, ['node', script])).toBe(true);
    expect(isEntryModule(url, ['node', link])).toBe(true);
    expect(isEntryModule(url, ['node', path.join(dir, 'other.mjs')])).toBe(false);
    expect(isEntryModule(url, ['node'])).toBe(false);
    expect(isEntryModule(url)).toBe(false);
  });

  it('tells a script run by node from the same module imported by another', async () => {
    const helper = pathToFileURL(path.resolve(import.meta.dirname, '../../dist/node/index.js')).href;
    const cli = path.join(dir, 'main.mjs');
    await writeFile(cli, `import { isEntryModule } from ${JSON.stringify(helper)};\nexport const entry = isEntryModule(import.meta.url);\nif (entry) console.log('entry');\n`);
    const importer = path.join(dir, 'importer.mjs');
    await writeFile(importer, `const m = await import(${JSON.stringify(pathToFileURL(cli).href)});\nconsole.log(m.entry ? 'entry' : 'imported');\n`);
    expect((await run(process.execPath, [cli])).stdout.trim()).toBe('entry');
    expect((await run(process.execPath, [importer])).stdout.trim()).toBe('imported');
  });
});
