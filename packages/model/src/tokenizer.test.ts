import { describe, expect, it } from 'vitest';
import { BOS_ID, decodeText, encodeText, EOS_ID, PAD_ID, TEXT_TOKENS, TEXT_VOCAB_SIZE, UNK_ID } from './tokenizer.js';

describe('answer tokenizer', () => {
  it('makes the format words single tokens and round-trips answers of every task', () => {
    const text = '<think></think>\\boxed{0-2-3-1}';
    const ids = encodeText(text);
    expect(ids.map((i) => TEXT_TOKENS[i])).toEqual(['<think>', '</think>', '\\boxed{', '0', '-', '2', '-', '3', '-', '1', '}']);
    for (const answer of ['3-0', 'A', 'D', '3-1-2', '2-0-1', 'Left-Front']) {
      const t = `<think>\nreasoning here</think> \\boxed{${answer}}`;
      expect(decodeText(encodeText(t))).toBe(t);
    }
  });

  it('drops padding, BOS and EOS when decoding and maps unknown characters to <unk>', () => {
    expect(decodeText([BOS_ID, ...encodeText('A'), EOS_ID, PAD_ID, PAD_ID])).toBe('A');
    expect(encodeText('é')).toEqual([UNK_ID]);
    expect(decodeText([UNK_ID])).toBe('\uFFFD');
    expect(() => decodeText([TEXT_VOCAB_SIZE])).toThrow(/outside the vocabulary/);
  });

  it('has a fixed, duplicate-free vocabulary', () => {
    expect(TEXT_VOCAB_SIZE).toBe(103);
    expect(new Set(TEXT_TOKENS).size).toBe(TEXT_TOKENS.length);
  });
});
