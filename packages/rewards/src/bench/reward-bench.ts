import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, platform, arch } from 'node:os';
import { fileURLToPath } from 'node:url';
import { extractBoxed, normalizeTagSpacing, rewardBatch, scoreResponse } from '../index.js';

interface Case {
  readonly name: string;
  readonly response: string;
  readonly groundTruth: string;
  /** Timed runs of the Python reference; 0 skips it (its regexes are quadratic on this input). */
  readonly pythonRuns: number;
}

const n = 100_000;
const megabyte = 'the patch edges line up. '.repeat(41_944).slice(0, 1_048_576 - 64);
const cases: Case[] = [
  { name: '1 MB well-formed response', response: `<think>${megabyte}</think>\\boxed{3-1-2}`, groundTruth: '3-1-2', pythonRuns: 5 },
  { name: '1 MB, no tags', response: megabyte, groundTruth: 'None', pythonRuns: 5 },
  { name: '100k nested braces', response: `<think>x</think>\\boxed{${'{'.repeat(n)}${'}'.repeat(n)}}`, groundTruth: 'x', pythonRuns: 5 },
  { name: '100k unclosed braces', response: `<think>x</think>\\boxed{${'{'.repeat(n)}`, groundTruth: 'None', pythonRuns: 5 },
  { name: '1 MB whitespace run, no tag', response: `a${' '.repeat(1_048_576)}b`, groundTruth: 'None', pythonRuns: 0 },
  { name: '256 KB of "</think>"', response: `<think>${'</think>'.repeat(32_768)}`, groundTruth: 'None', pythonRuns: 1 },
];

function time(fn: () => void, runs: number): { median: number; min: number } {
  for (let i = 0; i < 3; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(runs / 2)], min: samples[0] };
}

function pythonTimes(): Map<string, number> | string {
  const script = fileURLToPath(new URL('../scripts/img-score-golden.py', import.meta.url));
  if (!existsSync(script)) return 'reference script not found';
  const program = `
import importlib.util, json, sys, time
spec = importlib.util.spec_from_file_location("golden", sys.argv[1])
golden = importlib.util.module_from_spec(spec); spec.loader.exec_module(golden)
out = {}
for case in json.load(sys.stdin):
    samples = []
    for _ in range(case["pythonRuns"]):
        t0 = time.perf_counter(); golden.img_score(case["response"], case["groundTruth"]); samples.append(time.perf_counter() - t0)
    out[case["name"]] = sorted(samples)[len(samples) // 2] * 1000
print(json.dumps(out))
`;
  const input = JSON.stringify(cases.filter((c) => c.pythonRuns > 0));
  const run = spawnSync('python3', ['-c', program, script], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.error || run.status !== 0) return `python3 unavailable (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`;
  return new Map(Object.entries(JSON.parse(run.stdout) as Record<string, number>));
}

function main(): void {
  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown cpu'} x${cpu.length}, ${platform()} ${arch()}; node ${process.version}`);
  const python = pythonTimes();
  const pyNote = typeof python === 'string' ? python : 'python3 img_score restated in scripts/img-score-golden.py, median of the listed runs';
  console.log(`reference: ${pyNote}\n`);
  console.log('case                              chars   scoreResponse median / min   python img_score (runs)');
  for (const c of cases) {
    const t = time(() => scoreResponse(c.response, c.groundTruth), 15);
    const py = typeof python === 'string' ? undefined : python.get(c.name);
    const pyText = py === undefined ? '-' : `${py.toFixed(2)} ms (${c.pythonRuns})`;
    console.log(
      `${c.name.padEnd(30)} ${String(c.response.length).padStart(8)}   ${t.median.toFixed(2).padStart(8)} / ${t.min.toFixed(2).padStart(6)} ms   ${pyText.padStart(18)}`,
    );
  }
  const parts = cases[0].response;
  const ex = time(() => extractBoxed(parts), 15);
  const norm = time(() => normalizeTagSpacing(parts), 15);
  console.log(`\nextractBoxed on 1 MB: ${ex.median.toFixed(2)} ms; normalizeTagSpacing on 1 MB: ${norm.median.toFixed(2)} ms`);
  const replies = Array.from({ length: 1024 }, (_, i) => `<|im_start|>assistant\n<think>${'reasoning '.repeat(60)}${i}</think>\\boxed{${i % 7}-1-2}<|im_end|>`);
  const request = { query: replies, prompts: replies.map(() => 'x'), labels: replies.map(() => '3-1-2') };
  const batch = time(() => rewardBatch(request), 15);
  console.log(`rewardBatch, 1,024 replies of ~650 chars: ${batch.median.toFixed(2)} ms (${Math.round(1024 / (batch.median / 1000)).toLocaleString('en-US')} replies/s)`);
}

main();
