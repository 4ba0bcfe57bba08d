import { describe, expect, it } from 'vitest';
import { judgeSpatial457, scoreSpatial457, spatial457Correct, spatial457Extract } from './spatial457.js';

describe('Spatial457 matcher', () => {
  it('compares case-insensitively and maps none to no', () => {
    expect(spatial457Correct('Yes', 'yes')).toBe(true);
    expect(spatial457Correct('No', 'None')).toBe(true);
    expect(spatial457Correct('no', 'none')).toBe(true);
    expect(spatial457Correct('large', 'small')).toBe(false);
  });

  it('accepts 0 for gold "No" only with that exact capitalisation', () => {
    expect(spatial457Correct('No', '0')).toBe(true);
    expect(spatial457Correct('no', '0')).toBe(false);
  });

  it('reads number words zero…ten as digits', () => {
    expect(spatial457Correct('3', 'Three')).toBe(true);
    expect(spatial457Correct('10', 'ten')).toBe(true);
    expect(spatial457Correct('2', 'three')).toBe(false);
  });

  it('accepts a digit 1-9 for gold "yes"', () => {
    expect(spatial457Correct('Yes', '2')).toBe(true);
    expect(spatial457Correct('Yes', '0')).toBe(false);
    expect(spatial457Correct('yes', '10')).toBe(false);
  });

  it('matches the same vehicle super-family on the first word', () => {
    expect(spatial457Correct('sedan', 'suv')).toBe(true);
    expect(spatial457Correct('school bus', 'double bus')).toBe(true);
    expect(spatial457Correct('road bike', 'mountain bike')).toBe(true);
    expect(spatial457Correct('jet', 'sedan')).toBe(false);
  });

  it('extracts the Answer patterns in their official order, else the whole text', () => {
    expect(spatial457Extract("{'Reasoning': 'r', 'Answer': 'Large'}")).toBe('Large');
    expect(spatial457Extract('{"Reasoning": "r", "Answer": "sedan"}')).toBe('sedan');
    expect(spatial457Extract("{'Answer': 3}")).toBe('3');
    expect(spatial457Extract('plain text')).toBe('plain text');
  });

  it('scores boxed-first as headline and the raw rule beside it', () => {
    const items = [
      { gold: 'Yes', category: 'L1_single' },
      { gold: '2', category: 'L2_objects' },
      { gold: 'sedan', category: 'L4_pose' },
    ];
    const texts = ['<think>there is one</think> \\boxed{yes}', "{'Answer': 'two'}", null];
    const s = scoreSpatial457('spatial457', items, texts);
    expect(judgeSpatial457(items[0]!, texts[0]!).score).toBe(1);
    expect(s.headline).toBeCloseTo((2 / 3) * 100, 10);
    expect(s.variants.raw!.headline).toBeCloseTo((1 / 3) * 100, 10);
    expect(s.categories['L1_single']).toBe(100);
    expect(s.categories['L4_pose']).toBe(0);
    expect(s.categories['L5_collision']).toBe(0);
    expect(s.errors).toBe(1);
  });
});
