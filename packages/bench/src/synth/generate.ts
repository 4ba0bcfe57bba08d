import type { RgbImage } from '@spatial-ssrl/image';
import { renderLayout, sceneSeed } from '@spatial-ssrl/scenes';
import { createRng, deriveSeed } from '@spatial-ssrl/spec';
import { BenchError } from '../errors.js';
import { SYNTH_BENCHES, type SynthBenchName } from './categories.js';
import { composeScene } from './compose.js';
import { observeScene } from './observe.js';
import { isRejection, type Fact, type SynthCategory, type SynthQuestion, type SynthRejection } from './question.js';
import { CategoryBalance, LETTERS, type BalanceEntry } from './select.js';

/** What decides a synthetic benchmark's items. */
export interface SynthOptions {
  readonly bench: SynthBenchName;
  /** Items in all (train and test), ≥ 1; spread evenly over the categories. */
  readonly count: number;
  /** Seed of the scenes and questions (any safe integer). */
  readonly seed: number;
  /** Image size, pixels (16-4096). */
  readonly width: number;
  readonly height: number;
  /** Share of the items held out as `test`, 0-1; whole scenes go to one side. */
  readonly testFraction: number;
  /** Seed of the scene split. */
  readonly splitSeed: number;
  /** Most questions asked about one scene (1-32); at most 2 per category. */
  readonly perScene: number;
}

/** Defaults of the optional options. */
export const SYNTH_DEFAULTS = { seed: 0, width: 480, height: 360, testFraction: 0.2, splitSeed: 0, perScene: 8 } as const;

/** One generated question with its lettered options and the facts behind the answer. */
export interface SynthItem {
  readonly category: string;
  readonly split: 'train' | 'test';
  /** Scene index in the run (0-based) and its 32-bit seed. */
  readonly scene: number;
  readonly sceneSeed: number;
  readonly question: string;
  /** Letter → option text. */
  readonly choices: Readonly<Record<string, string>>;
  /** Correct letter. */
  readonly answer: string;
  readonly answerText: string;
  /** The answer's balanced content (`left`, `2`, `red`, …). */
  readonly answerKey: string;
  readonly phrasing: number;
  /** Names of the objects the question is about. */
  readonly objects: readonly string[];
  readonly facts: Readonly<Record<string, Fact>>;
}

/** A candidate question dropped in one scene. */
export interface SynthRejectionRecord {
  readonly scene: number;
  readonly sceneSeed: number;
  readonly category: string;
  readonly code: SynthRejection['code'];
  readonly message: string;
}

/** What one scene contributed: its image (null when no question was kept), items and rejections. */
export interface SynthSceneOutput {
  readonly scene: number;
  readonly sceneSeed: number;
  readonly split: 'train' | 'test';
  /** False when the scene's split needed nothing more, so it was not even rendered. */
  readonly rendered: boolean;
  readonly image: RgbImage | null;
  readonly items: readonly SynthItem[];
  readonly rejections: readonly SynthRejectionRecord[];
}

const MAX_PER_CATEGORY = 2;

/** The split of scene `seed`: a hash of the scene seed and the split seed against the test fraction. */
function sceneSplit(seed: number, testFraction: number, splitSeed: number): 'train' | 'test' {
  if (testFraction <= 0) return 'train';
  if (testFraction >= 1) return 'test';
  return deriveSeed(seed, 'split', splitSeed) / 4294967296 < testFraction ? 'test' : 'train';
}

/** Checks options, naming the first bad one. */
function checkSynthOptions(o: SynthOptions): void {
  const bad = (what: string) => {
    throw new BenchError('BAD_ARGUMENT', `synthetic benchmark: ${what}`);
  };
  if (!(o.bench in SYNTH_BENCHES)) bad(`unknown benchmark "${o.bench}"; known: ${Object.keys(SYNTH_BENCHES).join(', ')}`);
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > 10_000_000) bad(`count must be an integer from 1 to 10,000,000, got ${o.count}`);
  if (!Number.isSafeInteger(o.seed)) bad(`seed must be a safe integer, got ${o.seed}`);
  for (const [k, v] of [['width', o.width], ['height', o.height]] as const) if (!Number.isInteger(v) || v < 16 || v > 4096) bad(`${k} must be an integer from 16 to 4096, got ${v}`);
  if (!(o.testFraction >= 0 && o.testFraction <= 1)) bad(`testFraction must be in [0, 1], got ${o.testFraction}`);
  if (!Number.isSafeInteger(o.splitSeed)) bad(`splitSeed must be a safe integer, got ${o.splitSeed}`);
  if (!Number.isInteger(o.perScene) || o.perScene < 1 || o.perScene > 32) bad(`perScene must be an integer from 1 to 32, got ${o.perScene}`);
}

interface Slot {
  readonly category: SynthCategory;
  readonly quota: number;
  readonly balance: CategoryBalance;
}

/**
 * Generates a synthetic benchmark scene by scene: composes and renders each scene, measures its
 * objects, asks every category that still needs items for candidates, and keeps up to
 * `perScene` of them so that categories fill evenly and, within each, answers and letters stay
 * balanced. Deterministic: the same options give the same items; `restore` replays items
 * already written so that a resumed run continues exactly as an uninterrupted one.
 */
export class SynthGenerator {
  readonly options: SynthOptions;
  private readonly slots: Record<'train' | 'test', Slot[]>;

  constructor(options: SynthOptions) {
    checkSynthOptions(options);
    this.options = options;
    const { categories } = SYNTH_BENCHES[options.bench];
    const slots = (split: 'train' | 'test'): Slot[] =>
      categories.map((category, c) => {
        const total = Math.floor(options.count / categories.length) + (c < options.count % categories.length ? 1 : 0);
        const test = Math.round(total * options.testFraction);
        const quota = split === 'test' ? test : total - test;
        return { category, quota, balance: new CategoryBalance(category.answers, Math.max(1, Math.floor(quota * 0.02))) };
      });
    this.slots = { train: slots('train'), test: slots('test') };
  }

  /** Items selected so far and items wanted in all. */
  progress(): { readonly done: number; readonly total: number } {
    let done = 0;
    let total = 0;
    for (const split of ['train', 'test'] as const) {
      for (const s of this.slots[split]) {
        done += s.balance.items;
        total += s.quota;
      }
    }
    return { done, total };
  }

  /** True when every category of both splits has its items. */
  complete(): boolean {
    const { done, total } = this.progress();
    return done >= total;
  }

  /** Per split and category: items selected and wanted. */
  fill(): Record<string, { readonly done: number; readonly quota: number }> {
    const out: Record<string, { done: number; quota: number }> = {};
    for (const split of ['train', 'test'] as const) for (const s of this.slots[split]) out[`${split}/${s.category.id}`] = { done: s.balance.items, quota: s.quota };
    return out;
  }

  /** Replays an item already written (same options), as if this generator had selected it. */
  restore(item: { readonly split: 'train' | 'test'; readonly category: string } & BalanceEntry): void {
    const slot = this.slots[item.split].find((s) => s.category.id === item.category);
    if (!slot) throw new BenchError('BAD_DATA', `item of unknown category "${item.category}" for ${this.options.bench}`);
    slot.balance.add(item);
  }

  /** The seed and split of scene `index`. */
  sceneOf(index: number): { readonly seed: number; readonly split: 'train' | 'test' } {
    const seed = sceneSeed(this.options.seed, index);
    return { seed, split: sceneSplit(seed, this.options.testFraction, this.options.splitSeed) };
  }

  /** Generates scene `index`: nothing (and no rendering) when its split needs no more items. */
  scene(index: number): SynthSceneOutput {
    const { seed, split } = this.sceneOf(index);
    const slots = this.slots[split];
    const open = slots.filter((s) => s.balance.items < s.quota);
    if (open.length === 0) return { scene: index, sceneSeed: seed, split, rendered: false, image: null, items: [], rejections: [] };
    const { width, height } = this.options;
    const composed = composeScene(seed, width / height);
    const rendered = renderLayout(composed.meta, { width, height });
    const ctx = observeScene(composed, rendered);
    const rejections: SynthRejectionRecord[] = [];
    const pool = new Map<Slot, SynthQuestion[]>();
    for (const slot of open) {
      const rng = createRng(deriveSeed(seed, 'candidates', slot.category.id));
      const questions: SynthQuestion[] = [];
      for (const c of slot.category.candidates(ctx, rng)) {
        if (isRejection(c)) rejections.push({ scene: index, sceneSeed: seed, category: slot.category.id, code: c.code, message: c.message });
        else questions.push(c);
      }
      pool.set(slot, questions);
    }
    const items: SynthItem[] = [];
    const used = new Map<Slot, number>();
    // Least-filled categories choose first; a second question per category only while it lags behind.
    const byFill = [...open].sort((a, b) => a.balance.items / a.quota - b.balance.items / b.quota);
    for (let round = 0; round < MAX_PER_CATEGORY && items.length < this.options.perScene; round++) {
      const overall = slots.reduce((a, s) => a + s.balance.items, 0) / Math.max(1, slots.reduce((a, s) => a + s.quota, 0));
      for (const slot of byFill) {
        if (items.length >= this.options.perScene) break;
        if (slot.balance.items >= slot.quota || (round > 0 && slot.balance.items / slot.quota >= overall)) continue;
        const questions = pool.get(slot)!;
        let best = -1;
        for (let i = 0; i < questions.length; i++) {
          const q = questions[i]!;
          if (!slot.balance.allows(q.answerKey)) continue;
          if (best < 0 || slot.balance.keyCount(q.answerKey) < slot.balance.keyCount(questions[best]!.answerKey)) best = i;
        }
        if (best < 0) continue;
        const [q] = questions.splice(best, 1) as [SynthQuestion];
        const rng = createRng(deriveSeed(seed, 'letters', slot.category.id, used.get(slot) ?? 0));
        used.set(slot, (used.get(slot) ?? 0) + 1);
        const { phrasing, text, options, answer } = slot.balance.arrange(q, rng);
        slot.balance.add({ answerKey: q.answerKey, phrasing, answer, options: options.length });
        items.push({
          category: slot.category.id,
          split,
          scene: index,
          sceneSeed: seed,
          question: text,
          choices: Object.fromEntries(options.map((text, i) => [LETTERS[i]!, text])),
          answer,
          answerText: q.phrasings[phrasing]!.options[q.answer]!,
          answerKey: q.answerKey,
          phrasing,
          objects: q.objects.map((i) => ctx.views[i]!.name),
          facts: q.facts,
        });
      }
    }
    return { scene: index, sceneSeed: seed, split, rendered: true, image: items.length > 0 ? rendered.rgb : null, items, rejections };
  }
}

/** The prompt of an item: one image placeholder, the question, its lettered options and how to answer. */
export function synthPrompt(item: Pick<SynthItem, 'question' | 'choices'>): string {
  const lines = Object.entries(item.choices).map(([letter, text]) => `${letter}. ${text}`);
  return `<image>${item.question}\n${lines.join('\n')}\nAnswer with the option's letter from the given choices.`;
}
