import type { Rng } from '@spatial-ssrl/spec';
import type { SynthQuestion } from './question.js';

/** Option letters, in order. */
export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

/** What the balance of one category in one split depends on: one entry per selected item. */
export interface BalanceEntry {
  readonly answerKey: string;
  /** Index of the phrasing asked. */
  readonly phrasing: number;
  /** The correct option's letter. */
  readonly answer: string;
  /** Number of options. */
  readonly options: number;
}

/**
 * Running counts of one category in one split: items, answer keys, phrasings per answer key and,
 * per number of options, correct letters. Choices are made from these counts alone, so a resumed run that replays the
 * items already written continues exactly like an uninterrupted one.
 */
export class CategoryBalance {
  items = 0;
  private readonly keys = new Map<string, number>();
  private readonly phrasings = new Map<string, number>();
  private readonly letters = new Map<number, number[]>();

  /**
   * @param answers the answer keys to balance uniformly (none: only letters are balanced)
   * @param slack how far above the least frequent answer key a key may run, items (≥ 1)
   */
  constructor(
    private readonly answers: readonly string[] | undefined,
    private readonly slack: number,
  ) {}

  /** Records one selected item. */
  add(entry: BalanceEntry): void {
    this.items++;
    this.keys.set(entry.answerKey, (this.keys.get(entry.answerKey) ?? 0) + 1);
    const p = `${entry.answerKey}\u0000${entry.phrasing}`;
    this.phrasings.set(p, (this.phrasings.get(p) ?? 0) + 1);
    const counts = this.lettersFor(entry.options);
    counts[LETTERS.indexOf(entry.answer as (typeof LETTERS)[number])]!++;
  }

  /** How many selected items have this answer key. */
  keyCount(key: string): number {
    return this.keys.get(key) ?? 0;
  }

  /** Whether another item with this answer key keeps the keys balanced. */
  allows(key: string): boolean {
    if (this.answers === undefined) return true;
    if (!this.answers.includes(key)) return false;
    const least = Math.min(...this.answers.map((k) => this.keyCount(k)));
    return this.keyCount(key) < least + this.slack;
  }

  private lettersFor(options: number): number[] {
    let counts = this.letters.get(options);
    if (!counts) this.letters.set(options, (counts = new Array<number>(options).fill(0)));
    return counts;
  }

  /**
   * Words a selected question: the phrasing least used so far with this answer key (so that no
   * wording predicts the answer; ties drawn at random), and its options in letter order —
   * fixed-order questions keep theirs; otherwise the correct option goes under the least used
   * letter for this number of options (ties drawn at random) and the others fill the remaining
   * letters in random order.
   */
  arrange(q: SynthQuestion, rng: Rng): { phrasing: number; text: string; options: string[]; answer: string } {
    const used = q.phrasings.map((_, k) => this.phrasings.get(`${q.answerKey}\u0000${k}`) ?? 0);
    const phrasing = rng.pick(leastIndices(used));
    const { text, options: texts } = q.phrasings[phrasing]!;
    const n = texts.length;
    if (q.fixedOrder) return { phrasing, text, options: [...texts], answer: LETTERS[q.answer]! };
    const slot = rng.pick(leastIndices(this.lettersFor(n)));
    const others = rng.shuffle(texts.filter((_, i) => i !== q.answer));
    const options: string[] = [];
    for (let i = 0, k = 0; i < n; i++) options.push(i === slot ? texts[q.answer]! : others[k++]!);
    return { phrasing, text, options, answer: LETTERS[slot]! };
  }
}

function leastIndices(counts: readonly number[]): number[] {
  const least = Math.min(...counts);
  return counts.flatMap((c, i) => (c === least ? [i] : []));
}
