import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON_WHITESPACE } from './python-whitespace.js';
import { extractBoxed } from './reward-boxed.js';
import { normalizeTagSpacing } from './reward-format.js';
import { scoreResponse } from './reward-score.js';

interface GoldenCase {
  name: string;
  response: string;
  ground_truth: string;
  format_weight: number;
  normalized: string;
  prediction: string;
  overall: number;
  format: number;
  accuracy: number;
}

const fixture = new URL('./__fixtures__/img-score-golden.json', import.meta.url);
const golden = JSON.parse(readFileSync(fixture, 'utf8')) as { count: number; cases: GoldenCase[] };
const cases = golden.cases;

function mismatches<T>(pick: (c: GoldenCase) => T, actual: (c: GoldenCase) => T): string[] {
  const out: string[] = [];
  for (const c of cases) {
    const want = JSON.stringify(pick(c));
    const got = JSON.stringify(actual(c));
    if (want !== got) out.push(`${c.name}: expected ${want}, got ${got}`);
  }
  return out;
}

describe('parity with the Python img_score golden file', () => {
  it('has the expected coverage', () => {
    expect(cases).toHaveLength(golden.count);
    expect(cases.filter((c) => !c.name.startsWith('random')).length).toBeGreaterThanOrEqual(80);
    expect(cases.filter((c) => c.name.startsWith('random')).length).toBe(400);
    const covered = new Set(
      cases.flatMap((c) => /^python whitespace U\+([0-9A-F]{4})/.exec(c.name)?.[1] ?? []).map((h) => parseInt(h, 16)),
    );
    expect([...covered].sort((a, b) => a - b)).toEqual(PYTHON_WHITESPACE);
    for (const kind of [[1, 1], [1, 0], [0, 1], [0, 0]]) {
      expect(cases.some((c) => c.format === kind[0] && c.accuracy === kind[1])).toBe(true);
    }
  });

  it('normalises tag spacing like re.sub', () => {
    expect(mismatches((c) => c.normalized, (c) => normalizeTagSpacing(c.response))).toEqual([]);
  });

  it('extracts the same prediction as extract_boxed_content', () => {
    expect(mismatches((c) => c.prediction, (c) => extractBoxed(c.normalized))).toEqual([]);
  });

  it('scores every case exactly like img_score', () => {
    const result = mismatches(
      (c) => ({ overall: c.overall, format: c.format, accuracy: c.accuracy }),
      (c) => scoreResponse(c.response, c.ground_truth, { formatWeight: c.format_weight }),
    );
    expect(result).toEqual([]);
  });

  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  it.runIf(python.status === 0)('is what scripts/img-score-golden.py prints (when python3 is installed)', () => {
    const script = fileURLToPath(new URL('../scripts/img-score-golden.py', import.meta.url));
    const run = spawnSync('python3', [script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const fresh = JSON.parse(run.stdout) as { cases: GoldenCase[] };
    expect(fresh.cases).toEqual(cases);
  });
});
