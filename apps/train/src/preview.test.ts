import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '@spatial-ssrl/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './__fixtures__/run-cli.js';

let root: string;
let dataset: string;
beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'ssrl-preview-'));
  dataset = join(root, 'ds');
  const r = await runCli(['generate', '--source', 'synthetic:12:160x120', '--count', '10', '--out', dataset, '--workers', '1', '--quiet']);
  expect(r.code).toBe(0);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ssrl-train preview', () => {
  it('draws a contact sheet into the dataset by default', async () => {
    const r = await runCli(['preview', dataset]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const png = join(dataset, 'preview.png');
    expect(r.stdout).toContain(`wrote ${png} (10 samples`);
    const sheet = await decodeImage(png);
    // 4 columns of 440 px cells with 10 px padding; 3 rows.
    expect(sheet.width).toBe(4 * 440 + 5 * 10);
    expect(sheet.height).toBeGreaterThan(3 * 300);
    let dark = 0;
    for (let i = 0; i < sheet.data.length; i += 3) if (sheet.data[i] + sheet.data[i + 1] + sheet.data[i + 2] < 150) dark++;
    expect(dark).toBeGreaterThan(1000);
  });

  it('writes an HTML page with the full prompts and links to the images', async () => {
    const out = join(root, 'sheets', 'first.png');
    const r = await runCli(['preview', dataset, '--out', out, '--count', '3', '--columns', '3', '--html']);
    expect(r.code).toBe(0);
    const sheet = await decodeImage(out);
    expect(sheet.width).toBe(3 * 440 + 4 * 10);
    const html = await readFile(join(root, 'sheets', 'first.html'), 'utf8');
    const records = (await readFile(join(dataset, 'samples.jsonl'), 'utf8')).trim().split('\n').slice(0, 3).map((l) => JSON.parse(l));
    for (const rec of records) {
      expect(html).toContain(rec.id);
      expect(html).toContain(`<code>${rec.answer}</code>`);
      expect(html).toContain(`src="../ds/${rec.images[0]}"`);
      expect(html).toContain(rec.prompt.slice(0, 60).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;'));
    }
  });

  it('explains a directory that is not a dataset and bad flags', async () => {
    const r = await runCli(['preview', root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no dataset\.json/);
    const none = await runCli(['preview']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/<dataset>: is required/);
    const bad = await runCli(['preview', dataset, '--count', '0']);
    expect(bad.stderr).toMatch(/--count: /);
    const help = await runCli(['preview', '--help']);
    expect(help.stdout).toMatch(/^Usage: ssrl-train preview <dataset>/);
  });
});
