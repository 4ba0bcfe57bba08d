import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianPrograms } from '@spatial-ssrl/dev-env';
import { encodeImage } from '@spatial-ssrl/image';
import { renderScene, sceneSeed } from '@spatial-ssrl/scenes';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseServeArgs, startServe, type Serving } from './serve-command.js';

const SHOTS = fileURLToPath(new URL('../test-output/', import.meta.url));
const tiny = inject('tinyRun');
let server: Serving;
let browser: Browser | undefined;
let page: Page;
let unavailable: string | undefined;
let upload: string;
const problems: string[] = [];

/** A page-side check (run in the browser) that every image matching `selector` exists and has loaded. */
const imagesLoaded = (selector: string) =>
  `(() => { const all = [...document.querySelectorAll(${JSON.stringify(selector)})]; return all.length > 0 && all.every((i) => i.complete && i.naturalWidth > 0); })()`;

beforeAll(async () => {
  const installed = await debianPrograms([{ program: 'chromium', pkg: 'chromium' }], { log: (l) => console.log(l) });
  if (!installed.ok) {
    unavailable = installed.reason;
    return;
  }
  server = await startServe(parseServeArgs(['--port', '0', '--checkpoint', tiny.run, '--served-model-name', 'tiny', '--data', tiny.data, '--runs', join(tiny.root, 'runs')]), () => {});
  await mkdir(SHOTS, { recursive: true });
  await writeFile(join(tiny.root, 'runs', 'report.md'), '# A pipeline report\n\n| task | accuracy |\n|---|---:|\n| flip | 0.25 |\n\n![SFT curve](sft/curve.svg)\n');
  upload = join(tiny.root, 'upload.png');
  await writeFile(upload, await encodeImage(renderScene({ seed: sceneSeed(11, 0), width: 320, height: 240 }).rgb));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the web page in Chromium', () => {
  it('generates the five tasks from a seed, takes an uploaded PNG, asks the model and shows its answers and rewards', async (ctx) => {
    if (unavailable) {
      console.log(`skipped: ${unavailable}`);
      ctx.skip(unavailable);
      return;
    }
    await page.goto(server.url);
    await expect.poll(() => page.locator('#server-status').textContent()).toMatch(/model tiny/);
    await page.getByLabel('seed', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Generate every task' }).click();
    await page.getByText(/tasks made a sample from synthetic scene 3/).waitFor();
    const titles = await page.locator('#samples article h3').allTextContents();
    expect(titles.map((t) => t.split(' ')[0])).toEqual(['shuffle', 'flip', 'crop', 'depth', 'position']);
    await page.waitForFunction(imagesLoaded('#samples img'));
    await page.screenshot({ path: join(SHOTS, 'page-1-synthetic-tasks.png'), fullPage: true });

    await page.getByLabel('Image (PNG, JPEG, WebP)').setInputFiles(upload);
    expect(await page.getByLabel('Your image').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Generate every task' }).click();
    await page.getByText(/tasks made a sample from upload\.png/).waitFor();
    // Without a depth file the RGB-D tasks say why they made no sample.
    expect(await page.getByRole('article', { name: 'depth: rejected' }).textContent()).toMatch(/needs depth/);
    await page.getByRole('button', { name: 'Ask the model' }).click();
    await page.getByText(/The model answered \d+ samples: \d+ right, \d+ wrong\./).waitFor();
    const answered = page.locator('#samples article', { hasText: 'model answer' });
    expect(await answered.count()).toBeGreaterThanOrEqual(3);
    const first = await answered.first().textContent();
    expect(first).toMatch(/reward\s*\d\.\d\d \(format [01], accuracy [01]\)/);
    expect(first).toMatch(/verdict\s*(right|wrong)/);
    await page.screenshot({ path: join(SHOTS, 'page-2-upload-answers.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('is usable from the keyboard: tabs by arrow keys, the dataset browser filters and pages, the run viewer draws the curve', async (ctx) => {
    if (unavailable) {
      ctx.skip(unavailable);
      return;
    }
    await page.goto(server.url);
    await page.getByRole('tab', { name: 'Tasks' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Dataset' }).getAttribute('aria-selected')).toBe('true');
    await page.getByText(/Records 1–12 of 60\./).waitFor();
    await page.getByLabel('Task', { exact: true }).selectOption('flip');
    await page.getByLabel('Split', { exact: true }).selectOption('test');
    await page.getByLabel('Per page').selectOption('6');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText(/Records 1–\d+ of \d+\./).waitFor();
    const ids = await page.locator('#data-records article h3').allTextContents();
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^flip-\d+ flip · 2x2 · test$/);
    await page.waitForFunction(imagesLoaded('#data-records img'));
    await page.screenshot({ path: join(SHOTS, 'page-3-dataset.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Dataset' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Runs' }).getAttribute('aria-selected')).toBe('true');
    await page.getByText(/sft: SFT, \d+ metrics lines, last step 12/).waitFor();
    await page.waitForFunction(imagesLoaded('#run-curve'));
    expect(await page.getByRole('table', { name: 'Latest metrics' }).isVisible()).toBe(true);
    // The pipeline report, rendered with its figure.
    await page.getByRole('heading', { name: 'A pipeline report' }).waitFor();
    expect(await page.locator('#report table td').allTextContents()).toEqual(['flip', '0.25']);
    await page.waitForFunction(imagesLoaded('#report img'));
    await page.screenshot({ path: join(SHOTS, 'page-4-runs.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
