import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseServeArgs, startServe, type Serving } from '../serve-command.js';

const tiny = inject('tinyRun');
let server: Serving;
let runs: string;

beforeAll(async () => {
  runs = await mkdtemp(join(tmpdir(), 'ssrl-serve-runs-'));
  // A copy of the tiny SFT run, a GRPO-like run being written, and a pipeline folder with a report.
  await mkdir(join(runs, 'pipeline', 'sft'), { recursive: true });
  await cp(join(tiny.run, 'metrics.jsonl'), join(runs, 'pipeline', 'sft', 'metrics.jsonl'));
  await mkdir(join(runs, 'pipeline', 'figures'), { recursive: true });
  await cp(join(tiny.run, 'curve.svg'), join(runs, 'pipeline', 'figures', 'sft.svg'));
  await writeFile(join(runs, 'pipeline', 'report.md'), '# Pipeline\n\n| task | accuracy |\n|---|---:|\n| flip | 0.50 |\n\n![SFT curve](figures/sft.svg)\n');
  await mkdir(join(runs, 'grpo'), { recursive: true });
  const grpo = (step: number) => JSON.stringify({ type: 'train', step, reward: { overall: 0.1 * step, accuracy: 0.1 * step, format: 1, n: 8 }, rewardByTask: {}, rolloutKl: 0, klCoef: 0.01, responseLength: 9, clippedResponses: 0, groupsKept: 2, groupsFiltered: 0, updates: 1, lr: 1e-4, rolloutSec: 1, scoreSec: 0, updateSec: 1, elapsedSec: step });
  await writeFile(join(runs, 'grpo', 'metrics.jsonl'), `${grpo(1)}\n${grpo(2)}\n{"type": "train", "st`);
  server = await startServe(parseServeArgs(['--port', '0', '--data', tiny.data, '--runs', runs]), () => {});
});

afterAll(async () => {
  await server.close();
  await rm(runs, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text(), res };
};

describe('the dataset browser routes (--data)', () => {
  it('counts records by task, split, variant and answer', async () => {
    const summary = JSON.parse((await get('/v1/data')).text);
    expect(summary.records).toBe(60);
    expect(summary.unreadable).toBe(0);
    expect(summary.tasks.map((t: { task: string }) => t.task).sort()).toEqual(['crop', 'depth', 'flip', 'position', 'shuffle']);
    const flip = summary.tasks.find((t: { task: string }) => t.task === 'flip');
    expect(Object.values(flip.splits as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(flip.count);
    expect(flip.answers.reduce((n: number, a: { count: number }) => n + a.count, 0)).toBe(flip.count);
  });

  it('filters by task, split and answer, pages, and serves the images it links', async () => {
    const lines = (await readFile(join(tiny.data, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const want = lines.filter((r) => r.task === 'flip' && r.split === 'train');
    const page1 = JSON.parse((await get('/v1/data/samples?task=flip&split=train&limit=2')).text);
    expect(page1.total).toBe(want.length);
    expect(page1.data.map((r: { id: string }) => r.id)).toEqual(want.slice(0, 2).map((r) => r.id));
    const page2 = JSON.parse((await get('/v1/data/samples?task=flip&split=train&limit=2&offset=2')).text);
    expect(page2.data.map((r: { id: string }) => r.id)).toEqual(want.slice(2, 4).map((r) => r.id));
    const answer = want[0].answer;
    const byAnswer = JSON.parse((await get(`/v1/data/samples?task=flip&answer=${encodeURIComponent(answer)}`)).text);
    expect(byAnswer.data.every((r: { answer: string }) => r.answer === answer)).toBe(true);
    const image = await get(page1.data[0].image_urls[0]);
    expect(image.status).toBe(200);
    expect(image.type).toBe('image/png');
    expect((await get('/v1/data/samples?limit=1000')).status).toBe(400);
  });

  it('follows a samples.jsonl that grows while it is browsed', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'ssrl-serve-data-'));
    const lines = (await readFile(join(tiny.data, 'samples.jsonl'), 'utf8')).trim().split('\n');
    await writeFile(join(copy, 'samples.jsonl'), `${lines.slice(0, 10).join('\n')}\n${lines[10].slice(0, 20)}`);
    const growing = await startServe(parseServeArgs(['--port', '0', '--data', copy]), () => {});
    try {
      const count = async () => ((await (await fetch(`${growing.url}/v1/data`)).json()) as { records: number }).records;
      expect(await count()).toBe(10);
      await appendFile(join(copy, 'samples.jsonl'), `${lines[10].slice(20)}\n${lines.slice(11, 15).join('\n')}\n`);
      expect(await count()).toBe(15);
    } finally {
      await growing.close();
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('never serves a file outside the dataset', async () => {
    for (const path of ['/v1/data/files/..%2F..%2Fetc%2Fpasswd', '/v1/data/files/samples.jsonl', '/v1/data/files/images/none.png']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});

describe('the run viewer routes (--runs)', () => {
  it('finds SFT and GRPO runs and pipeline reports', async () => {
    const list = JSON.parse((await get('/v1/runs')).text);
    expect(list.runs.map((r: { name: string; kind: string; step: number }) => [r.name, r.kind, r.step])).toEqual([
      ['grpo', 'grpo', 2],
      ['pipeline/sft', 'sft', 12],
    ]);
    expect(list.reports.map((r: { name: string }) => r.name)).toEqual(['pipeline']);
  });

  it('draws a run\'s curve from its metrics now, skipping a line still being written', async () => {
    const curve = await get('/v1/runs/curve?run=grpo');
    expect(curve.status).toBe(200);
    expect(curve.type).toBe('image/svg+xml');
    expect(curve.text).toMatch(/^<svg/);
    const metrics = JSON.parse((await get('/v1/runs/metrics?run=grpo')).text);
    expect(metrics.total).toBe(2);
    // Once the line is complete it counts.
    await appendFile(join(runs, 'grpo', 'metrics.jsonl'), 'ep": 3}\n');
    expect(JSON.parse((await get('/v1/runs/metrics?run=grpo')).text).total).toBe(3);
    expect((await get('/v1/runs/curve?run=..')).status).toBe(404);
  });

  it('serves report.md and its figures, and nothing outside --runs', async () => {
    expect((await get('/v1/runs/files/pipeline/report.md')).text).toMatch(/!\[SFT curve\]\(figures\/sft\.svg\)/);
    const figure = await get('/v1/runs/files/pipeline/figures/sft.svg');
    expect(figure.type).toBe('image/svg+xml');
    expect(figure.res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect((await get('/v1/runs/files/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
  });

  it('says which flag enables a browser that was not started', async () => {
    const bare = await startServe(parseServeArgs(['--port', '0']), () => {});
    try {
      const data = await fetch(`${bare.url}/v1/data`);
      expect(data.status).toBe(404);
      expect(((await data.json()) as any).error.message).toMatch(/--data DIR/);
      expect(((await (await fetch(`${bare.url}/v1/runs`)).json()) as any).error.message).toMatch(/--runs DIR/);
    } finally {
      await bare.close();
    }
  });
});
