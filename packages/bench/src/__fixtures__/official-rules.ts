// Independent restatements of the official ViewSpatial-Bench and VSI-Bench rules, written apart
// from the scorers so tests can check one against the other, plus scripted model responses.

export interface ViewSpatialRaw {
  question_type: string;
  image_path: string[];
  question: string;
  answer: string;
  choices: string;
}

export interface VsiRaw {
  mp4_path: string;
  question_type: string;
  question: string;
  answer: string;
  A: string | null;
  B: string | null;
  C: string | null;
  D: string | null;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_]/u.test(c);
}

/** First letter A-D (any case) with no word character on either side, upper-cased. */
export function firstLetter(s: string): string | null {
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if ('ABCDabcd'.includes(c) && !isWordChar(chars[i - 1]) && !isWordChar(chars[i + 1])) return c.toUpperCase();
  }
  return null;
}

/** Content of the last `\boxed{...}` holding no brace, or ''. */
export function lastBoxed(s: string): string {
  let best = '';
  let from = 0;
  for (;;) {
    const at = s.indexOf('\\boxed{', from);
    if (at === -1) return best;
    const close = s.indexOf('}', at + 7);
    if (close === -1) return best;
    const inner = s.slice(at + 7, close);
    if (!inner.includes('{')) best = inner;
    from = at + 1;
  }
}

/** ViewSpatial-Bench hit of one response. */
export function viewSpatialOfficialHit(response: string | null, gold: string, cot: boolean): number {
  if (response === null) return 0;
  const pred = firstLetter(cot ? lastBoxed(response) : response);
  return pred !== null && pred === firstLetter(gold) ? 1 : 0;
}

/** A scripted CoT response for ViewSpatial item `i`, covering the extraction's corners. */
export function scriptedViewSpatial(i: number, gold: string): string {
  const g = firstLetter(gold)!;
  const wrong = g === 'A' ? 'B' : 'A';
  switch (i % 6) {
    case 0:
      return `<think>Looking at the scene.</think> \\boxed{${g}}`;
    case 1:
      return `<think>Maybe ${g}.</think> \\boxed{${wrong}. something}`;
    case 2:
      return `<think>x</think> \\boxed{${g.toLowerCase()}}`;
    case 3:
      return `The answer is ${g}.`;
    case 4:
      return `\\boxed{a chair, ${g}}`;
    default:
      return `\\boxed{${wrong}} then \\boxed{option ${g}}`;
  }
}

/** Spatial-SSRL VSI score of one CoT response. */
export function vsiSpatialSsrlOfficial(response: string, gold: string): number {
  const pred = lastBoxed(response);
  if (pred.length === 1 && /\p{L}/u.test(pred)) return pred.toLowerCase() === gold.toLowerCase() ? 1 : 0;
  const p = pred.trim() === '' ? Number.NaN : Number(pred.trim());
  const g = Number(gold);
  if (!Number.isFinite(p) || !Number.isFinite(g) || g === 0) return 0;
  let acc = 0;
  for (let i = 0; i < 10; i++) if (Math.abs(p - g) / g < 1 - (0.5 + i * 0.05)) acc++;
  return acc / 10;
}

/** thinking-in-space score of one answer text. */
export function vsiThinkingInSpaceOfficial(answer: string, gold: string, mcq: boolean): number {
  const word = answer.split(' ')[0]!.replace(/\.+$/, '').trim();
  if (mcq) return word.toLowerCase() === gold.toLowerCase() ? 1 : 0;
  const p = word === '' ? Number.NaN : Number(word);
  const g = Number(gold);
  if (!Number.isFinite(p)) return 0;
  // numpy.linspace(.5, .95, 10): start + i·step with step = (stop − start) / 9, last = stop.
  const step = (0.95 - 0.5) / 9;
  const thresholds = Array.from({ length: 10 }, (_, i) => (i === 9 ? 0.95 : 0.5 + i * step));
  return thresholds.filter((t) => Math.abs(p - g) / g <= 1 - t).length / 10;
}

/** thinking-in-space overall (fraction) from per-item scores: 8 task means, direction levels merged. */
export function vsiThinkingInSpaceOverall(types: readonly string[], scores: readonly number[]): { overall: number; direction: number } {
  const byType = new Map<string, number[]>();
  types.forEach((t, i) => byType.set(t, [...(byType.get(t) ?? []), scores[i]!]));
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const dirLevels = ['easy', 'medium', 'hard'].map((l) => byType.get(`object_rel_direction_${l}`));
  const direction = dirLevels.reduce((s, v) => s + (v ? mean(v) : 0), 0) / 3;
  const tasks = [...byType.entries()].filter(([k]) => !k.startsWith('object_rel_direction')).map(([, v]) => mean(v));
  tasks.push(direction);
  return { overall: mean(tasks), direction };
}

/** A scripted CoT response for VSI item `i`. */
export function scriptedVsi(i: number, x: VsiRaw): string {
  if (x.A !== null) {
    const wrong = x.answer === 'A' ? 'B' : 'A';
    return [`<think>t</think>\\boxed{${x.answer}}`, `\\boxed{${wrong}}`, `\\boxed{${x.answer.toLowerCase()}}`, `\\boxed{${x.answer}.}`][i % 4]!;
  }
  const g = Number(x.answer);
  return [`\\boxed{${x.answer}}`, `\\boxed{${(g * 1.08).toFixed(3)}}`, `\\boxed{${(g * 1.4).toFixed(3)}}`, `\\boxed{${x.answer} m}`, 'no box', `\\boxed{ ${g * 0.7} }`][i % 6]!;
}
