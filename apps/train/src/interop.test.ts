import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadSsrlTasks } from '@spatial-ssrl/bench';
import { pythonEnv } from '@spatial-ssrl/dev-env';
import { buildImageCache, readDataset } from '@spatial-ssrl/trainer';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { assertBuilt, runCli } from './__fixtures__/run-cli.js';

const run = promisify(execFile);
const COUNT = 2000;
let root: string;
let data: string;
let python: string | undefined;
let pythonReason = '';

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'ssrl-interop-'));
  data = join(root, 'data');
  const [gen, env] = await Promise.all([
    runCli(['generate', '--count', String(COUNT), '--source', 'synthetic:60:320x240', '--test-fraction', '0.1', '--out', data, '--quiet']),
    pythonEnv({ log: (line) => console.log(`[python env] ${line}`) }),
  ]);
  expect(gen.code, gen.stderr).toBe(0);
  if (env.ok) python = env.python;
  else {
    pythonReason = env.reason;
    console.log(`Python consumer checks will be skipped: ${env.reason}`);
  }
}, 900_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function needPython(ctx: TestContext): string {
  if (!python) {
    console.log(`skipped: ${pythonReason}`);
    ctx.skip(pythonReason);
  }
  return python!;
}

async function runPython(py: string, script: string, args: readonly string[]): Promise<any> {
  const file = join(root, `check-${Math.random().toString(36).slice(2)}.py`);
  await writeFile(file, script);
  const { stdout } = await run(py, [file, ...args], {
    maxBuffer: 64 << 20,
    timeout: 600_000,
    env: { ...process.env, HF_DATASETS_CACHE: join(root, 'hf-cache'), HF_DATASETS_DISABLE_PROGRESS_BARS: '1', HF_HUB_OFFLINE: '1' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

// Loads an export with `datasets` as its trainer would, decodes every image and counts, per row,
// the prompt's placeholders (or TRL image parts) against the images.
const LOAD_SCRIPT = `
import json, os, sys
from datasets import load_dataset
from PIL import Image

kind, folder = sys.argv[1], sys.argv[2]
out = {"splits": {}, "mismatch": 0, "decoded": 0, "bad_images": 0}

def open_image(img):
    if isinstance(img, Image.Image):
        return img
    if isinstance(img, dict) and img.get("image"):
        return Image.open(os.path.join(folder, img["image"]))
    return Image.open(os.path.join(folder, img))

def check(images, placeholders):
    if placeholders != len(images):
        out["mismatch"] += 1
    for img in images:
        try:
            im = open_image(img)
            im.load()
            if im.width > 0 and im.height > 0:
                out["decoded"] += 1
        except Exception:
            out["bad_images"] += 1

if kind == "llamafactory":
    info = json.load(open(os.path.join(folder, "dataset_info.json")))
    out["info_ok"] = True
    for name, entry in info.items():
        path = os.path.join(folder, entry["file_name"])
        if not os.path.exists(path):
            out["info_ok"] = False
            continue
        ds = load_dataset("json", data_files=path, split="train")
        for col in entry["columns"].values():
            if col not in ds.column_names:
                out["info_ok"] = False
        out["splits"][name] = len(ds)
        for row in ds:
            text = row["messages"][0]["content"] if entry.get("formatting") == "sharegpt" else row["instruction"]
            check(row["images"], text.count("<image>"))
else:
    data_dir = {"easyr1": None, "verl": "data", "trl": "data"}[kind]
    if kind == "easyr1":
        ds = {s: load_dataset("parquet", data_dir=os.path.join(folder, s), split=s) for s in ("train", "test") if os.path.isdir(os.path.join(folder, s))}
    else:
        ds = load_dataset("parquet", data_dir=os.path.join(folder, data_dir))
    out["features"] = {s: str(d.features["images"]) for s, d in ds.items()}
    for split, d in ds.items():
        out["splits"][split] = len(d)
        for row in d:
            if kind == "easyr1":
                n = row["problem"].count("<image>")
            elif kind == "verl":
                n = row["prompt"][0]["content"].count("<image>")
            else:
                n = sum(1 for part in row["prompt"][0]["content"] if part["type"] == "image")
            check(row["images"], n)
# The reward shims the trainer config names must import in a plain Python with the packages it has.
import importlib.util
shims = {"easyr1": ["reward.py"], "verl": ["verl_reward.py", "verl_reward_async.py"], "trl": ["trl_reward.py"], "llamafactory": []}[kind]
out["shims"] = {}
for name in shims:
    spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(folder, name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out["shims"][name] = callable(getattr(module, "compute_score", None)) and (kind != "easyr1" or module.REWARD_TYPE == "batch")
print(json.dumps(out))
`;

async function sampleStats(): Promise<{ train: number; test: number; images: number }> {
  const lines = (await readFile(join(data, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { split: string; images: string[] });
  return {
    train: lines.filter((l) => l.split === 'train').length,
    test: lines.filter((l) => l.split === 'test').length,
    images: lines.reduce((n, l) => n + l.images.length, 0),
  };
}

describe('exports load in Python datasets', () => {
  for (const [target, extra] of [
    ['easyr1', ['--model-family', 'qwen2.5-vl']],
    ['verl', ['--images', 'files', '--rows-per-shard', '700']],
    ['trl', []],
    ['llamafactory', ['--style', 'alpaca']],
  ] as const) {
    it(`${target}: every row loads, its images decode and its placeholders match them`, async (ctx) => {
      const py = needPython(ctx);
      const out = join(root, `export-${target}`);
      const res = await runCli(['export', '--data', data, '--to', target, '--out', out, '--quiet', ...extra]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(`${COUNT} rows`);
      const stats = await sampleStats();
      const got = await runPython(py, LOAD_SCRIPT, [target, out]);
      expect(got.mismatch).toBe(0);
      expect(got.bad_images).toBe(0);
      expect(got.decoded).toBe(stats.images);
      const shims = { easyr1: ['reward.py'], verl: ['verl_reward.py', 'verl_reward_async.py'], trl: ['trl_reward.py'], llamafactory: [] }[target];
      expect(got.shims).toEqual(Object.fromEntries(shims.map((f) => [f, true])));
      if (target === 'llamafactory') {
        expect(got.info_ok).toBe(true);
        expect(got.splits).toEqual({ spatial_ssrl_train: stats.train, spatial_ssrl_test: stats.test });
      } else {
        expect(got.splits).toEqual({ train: stats.train, test: stats.test });
        if (target !== 'verl') expect(Object.values(got.features)).toEqual(['List(Image(mode=None, decode=True))', 'List(Image(mode=None, decode=True))']);
      }
    }, 900_000);
  }
});

// Writes an EasyR1 parquet the way the Spatial-SSRL-81k release is laid out (problem, answer,
// images as paths under an image folder), plus one row each of the ways a release goes wrong.
const PYARROW_SCRIPT = `
import json, os, sys
import pyarrow as pa, pyarrow.parquet as pq

data, out_file = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(os.path.join(data, "samples.jsonl"))][:50]
problem, answer, images = [], [], []
for r in rows:
    problem.append(r["prompt"].replace("<image1>", "<image>").replace("<image2>", "<image>").replace("<image3>", "<image>").replace("<image4>", "<image>").replace("<image5>", "<image>"))
    answer.append(r["answer"])
    images.append(["data/" + p for p in r["images"]])
first = next(r for r in rows if len(r["images"]) == 1)
problem.append("<image><image>" + first["prompt"].replace("<image>", ""))
answer.append(first["answer"]); images.append(["data/" + first["images"][0]])
problem.append(first["prompt"]); answer.append(first["answer"]); images.append(["data/images/nowhere.png"])
problem.append(first["prompt"]); answer.append(first["answer"]); images.append(["data/samples.jsonl"])
table = pa.table({"problem": problem, "answer": answer, "images": pa.array(images, type=pa.list_(pa.string()))})
pq.write_table(table, out_file, compression="zstd")
print(json.dumps({"rows": len(problem)}))
`;

describe('import', () => {
  it('imports an EasyR1 parquet written by pyarrow (zstd, image paths), counting the bad rows', async (ctx) => {
    const py = needPython(ctx);
    const file = join(root, 'release.parquet');
    const made = await runPython(py, PYARROW_SCRIPT, [data, file]);
    expect(made.rows).toBe(53);
    const out = join(root, 'imported');
    const res = await runCli(['import', '--from', 'easyr1', file, '--image-dir', root, '--out', out, '--quiet']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('imported 50 of 53 rows from 1 file');
    expect(res.stdout).toMatch(/skipped: 3 \(image-missing 1, image-undecodable 1, placeholder-mismatch 1\)/);
    expect(res.stdout).toContain('task inferred from the prompt for 50');
    const original = (await readFile(join(data, 'samples.jsonl'), 'utf8')).trim().split('\n').slice(0, 50).map((l) => JSON.parse(l));
    const back = (await readFile(join(out, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(back.map((r) => [r.task, r.variant, r.answer])).toEqual(original.map((r) => [r.task, r.variant, r.answer]));
    for (const [i, r] of back.entries()) {
      for (const [k, img] of r.images.entries()) expect((await readFile(join(out, img))).equals(await readFile(join(data, original[i].images[k])))).toBe(true);
    }
    // The imported directory is a dataset the other commands read: export and the SFT / GRPO
    // dataset reader with its image cache.
    const again = await runCli(['export', '--data', out, '--to', 'verl', '--out', join(root, 'reexport'), '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    const dataset = await readDataset(out);
    expect(dataset.records).toHaveLength(50);
    const cache = await buildImageCache(dataset, 16);
    expect(cache.slots.size).toBe(back.reduce((n, r) => n + r.images.length, 0));

  }, 600_000);

  it('round-trips an export: same samples.jsonl, same image bytes', async () => {
    const out = join(root, 'rt-export');
    expect((await runCli(['export', '--data', data, '--to', 'easyr1', '--out', out, '--quiet'])).code).toBe(0);
    const back = join(root, 'rt-back');
    const res = await runCli(['import', '--from', 'easyr1', out, '--out', back, '--quiet']);
    expect(res.code, res.stderr).toBe(0);
    expect(await readFile(join(back, 'samples.jsonl'), 'utf8')).toBe(await readFile(join(data, 'samples.jsonl'), 'utf8'));
    // ssrl-eval's held-out task benchmark reads it.
    expect(await loadSsrlTasks(back)).toHaveLength((await sampleStats()).test);
  }, 600_000);

  it('names a file that is not parquet', async () => {
    const bad = join(root, 'notes.parquet');
    await writeFile(bad, 'problem,answer\n');
    const res = await runCli(['import', '--from', 'verl', bad, '--out', join(root, 'never')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${bad} is not a parquet file (it does not start with PAR1)`);
  });
});
