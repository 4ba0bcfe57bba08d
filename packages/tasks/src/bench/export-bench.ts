import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pythonEnv, workspaceRoot } from '@spatial-ssrl/dev-env';
import { generateDataset } from '../dataset/writer.js';
import { generatorVersions } from '../dataset/versions.js';

// `pnpm bench:export`: 20,000 samples exported to EasyR1 parquet with embedded images by this
// package (in a child process, so its peak RSS is its own), and the same table written by
// pyarrow from Python in the same run. Budgets are rows, not minutes.
const COUNT = Number(process.env.SSRL_BENCH_EXPORT_COUNT ?? 20_000);
const ROWS_PER_SHARD = 5000;
const GROUP_BYTES = 64 * 2 ** 20;
const run = promisify(execFile);

// pyarrow writes the rows the exporter writes (same columns, shards of the same rows, row groups
// cut at the same 64 MiB / 1,000-row bounds, the same `huggingface` metadata), reading the same
// JSONL and image files; compression is pyarrow's default (snappy).
const PYARROW = `
import json, os, resource, sys, time
import pyarrow as pa, pyarrow.parquet as pq

data, out, rows_per_shard, group_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t0 = time.perf_counter()
image = pa.struct([("bytes", pa.binary()), ("path", pa.string())])
schema = pa.schema([("problem", pa.string()), ("answer", pa.string()), ("images", pa.list_(image)), ("id", pa.string()),
                    ("task", pa.string()), ("variant", pa.string()), ("extras", pa.string())])
features = {"problem": {"dtype": "string", "_type": "Value"}, "answer": {"dtype": "string", "_type": "Value"},
            "images": {"feature": {"_type": "Image"}, "_type": "Sequence"}, "id": {"dtype": "string", "_type": "Value"},
            "task": {"dtype": "string", "_type": "Value"}, "variant": {"dtype": "string", "_type": "Value"},
            "extras": {"dtype": "string", "_type": "Value"}}
schema = schema.with_metadata({"huggingface": json.dumps({"info": {"features": features}})})
records = {"train": [], "test": []}
with open(os.path.join(data, "samples.jsonl")) as f:
    for line in f:
        r = json.loads(line)
        records[r["split"]].append(r)
total_bytes = 0
for split, rs in records.items():
    if not rs:
        continue
    n = (len(rs) + rows_per_shard - 1) // rows_per_shard
    os.makedirs(os.path.join(out, split), exist_ok=True)
    for k in range(n):
        path = os.path.join(out, split, f"{split}-{k:05d}-of-{n:05d}.parquet")
        with pq.ParquetWriter(path, schema) as w:
            group, size = [], 0
            for r in rs[k * rows_per_shard:(k + 1) * rows_per_shard]:
                imgs = []
                for p in r["images"]:
                    with open(os.path.join(data, p), "rb") as fh:
                        b = fh.read()
                    imgs.append({"bytes": b, "path": p})
                    size += len(b)
                extras = json.dumps({"index": r["index"], "source": r["source"], "seed": r["seed"], "attempt": r["attempt"], "split": r["split"], "meta": r["meta"]})
                group.append({"problem": r["prompt"], "answer": r["answer"], "images": imgs, "id": r["id"], "task": r["task"], "variant": r["variant"], "extras": extras})
                size += len(r["prompt"])
                if len(group) >= 1000 or size >= group_bytes:
                    w.write_table(pa.Table.from_pylist(group, schema=schema))
                    group, size = [], 0
            if group:
                w.write_table(pa.Table.from_pylist(group, schema=schema))
        total_bytes += os.path.getsize(path)
elapsed = time.perf_counter() - t0
print(json.dumps({"seconds": elapsed, "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "bytes": total_bytes,
                  "python": sys.version.split()[0], "pyarrow": pa.__version__}))
`;

function childExport(data: string, out: string): Promise<{ seconds: number; maxRssMiB: number; bytes: number; rows: number }> {
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'export-run.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, data, out, String(ROWS_PER_SHARD)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!)) : reject(new Error(`export child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const cache = process.env.SSRL_BENCH_CACHE ?? join(workspaceRoot, 'node_modules', '.cache', 'ssrl-bench');
  const data = join(cache, `export-${COUNT}`);
  const manifest = existsSync(join(data, 'dataset.json')) ? JSON.parse(await readFile(join(data, 'dataset.json'), 'utf8')) : undefined;
  if (manifest?.status !== 'complete') {
    console.log(`generating ${COUNT} samples (synthetic 640×480, every task) into ${data}; a later run reuses them`);
    let last = 0;
    await generateDataset({
      sources: ['synthetic'],
      count: COUNT,
      seed: 0,
      out: data,
      testFraction: 0.1,
      onProgress: (p) => {
        if (p.done - last >= 1000 || p.done === p.total) {
          last = p.done;
          console.log(`  generate ${p.done}/${p.total}`);
        }
      },
    });
  }
  const env = await pythonEnv({ log: (l) => console.log(`[python env] ${l}`) });
  if (!env.ok) {
    console.log(`pyarrow cannot run: ${env.reason}`);
    process.exitCode = 1;
    return;
  }
  const work = await mkdtemp(join(tmpdir(), 'ssrl-bench-export-'));
  try {
    const ours = await childExport(data, join(work, 'ours'));
    // Each output is as large as the images: remove one before writing the other.
    await rm(join(work, 'ours'), { recursive: true, force: true });
    const script = join(work, 'pyarrow_export.py');
    await writeFile(script, PYARROW);
    const { stdout } = await run(env.python, [script, data, join(work, 'pyarrow'), String(ROWS_PER_SHARD), String(GROUP_BYTES)], { maxBuffer: 16 << 20, timeout: 3_600_000 });
    const theirs = JSON.parse(stdout.trim().split('\n').at(-1)!) as { seconds: number; maxRssMiB: number; bytes: number; python: string; pyarrow: string };
    const versions = generatorVersions();
    const ratio = ours.seconds / theirs.seconds;
    console.log('\n## bench:export');
    console.log(`- machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (shared: ratios, not absolute times, are what carries)`);
    console.log(`- versions: node ${process.version}, @spatial-ssrl/tasks ${versions['@spatial-ssrl/tasks']}, hyparquet-writer 0.17.0; python ${theirs.python}, pyarrow ${theirs.pyarrow}`);
    console.log(`- input: ${ours.rows} samples (${data}), EasyR1 layout, images embedded, ${ROWS_PER_SHARD} rows per shard\n`);
    console.log('| writer | time (s) | output (MiB) | peak RSS (MiB) |');
    console.log('|---|---:|---:|---:|');
    console.log(`| ssrl-train export (hyparquet-writer) | ${ours.seconds.toFixed(1)} | ${(ours.bytes / 2 ** 20).toFixed(0)} | ${ours.maxRssMiB.toFixed(0)} |`);
    console.log(`| pyarrow ParquetWriter | ${theirs.seconds.toFixed(1)} | ${(theirs.bytes / 2 ** 20).toFixed(0)} | ${theirs.maxRssMiB.toFixed(0)} |`);
    console.log(`\ntime ratio export / pyarrow: ${ratio.toFixed(2)}× (target ≤ 2×) ${ratio <= 2 ? 'PASS' : 'FAIL'}`);
    console.log(`peak RSS of the export: ${ours.maxRssMiB.toFixed(0)} MiB (target < 1024 MiB) ${ours.maxRssMiB < 1024 ? 'PASS' : 'FAIL'}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
