import { describe, expect, it } from 'vitest';
import { pandasColumn, qwenPostProcess, vlmevalPredictionColumn, xlsxRoundTrip } from './vlmeval-table.js';

describe('Qwen2-VL post-processing', () => {
  it('keeps the content of the last \\boxed{}, nested braces included, spaces kept', () => {
    expect(qwenPostProcess('<think>A?</think> \\boxed{B} and \\boxed{ C }')).toBe(' C ');
    expect(qwenPostProcess('\\boxed{\\frac{1}{2}} done')).toBe('\\frac{1}{2}');
  });

  it('reads an unclosed box to the end and leaves a trailing empty one alone', () => {
    expect(qwenPostProcess('so \\boxed{Yes')).toBe('Yes');
    expect(qwenPostProcess('so \\boxed{')).toBe('so \\boxed{');
  });

  it('cuts a response without a box at its first unmatched closing brace', () => {
    expect(qwenPostProcess('The answer is B} because')).toBe('The answer is B');
    expect(qwenPostProcess("{'Answer': 'Yes'}")).toBe("{'Answer': 'Yes'}");
  });
});

describe('.xlsx round trip', () => {
  it('escapes control characters but tab and newline, keeps spaces', () => {
    expect(xlsxRoundTrip('a\rb')).toBe('a_x000D_b');
    expect(xlsxRoundTrip('a\r\nb\tc')).toBe('a_x000D_\nb\tc');
    expect(xlsxRoundTrip('\x01\x1f\ufffe')).toBe('_x0001__x001F__xFFFE_');
    expect(xlsxRoundTrip(' ')).toBe(' ');
  });

  it('turns blanks into missing cells, formulas into 0 and cuts long strings at 32,767 characters', () => {
    expect(xlsxRoundTrip('')).toBeNull();
    expect(xlsxRoundTrip('=B')).toBe('0');
    expect(xlsxRoundTrip('{=A1}')).toBe('0');
    expect([...xlsxRoundTrip(`${'x'.repeat(32766)}😀😀`)!]).toHaveLength(32767);
  });

  it('treats literal _xHHHH_ escapes and links as xlsxwriter and openpyxl do', () => {
    expect(xlsxRoundTrip('_x005F_')).toBe('_');
    expect(xlsxRoundTrip('a_x005F_b')).toBe('a_b');
    expect(xlsxRoundTrip('_x000D_')).toBe('_x000D_');
    expect(xlsxRoundTrip('_x005F_x0041_')).toBe('_x0041_');
    expect(xlsxRoundTrip('mailto:x')).toBe('x');
    expect(xlsxRoundTrip('internal:x')).toBe('x');
    expect(xlsxRoundTrip(`http://${'a'.repeat(3000)}`)).toBeNull();
    expect(xlsxRoundTrip('http://a b')).toBe('http://a b');
  });
});

describe('pandas column types', () => {
  it('reads NaN strings as nan and keeps other strings', () => {
    expect(pandasColumn(['None', 'none', 'NA', 'n/a', null, 'x'])).toEqual(['nan', 'none', 'nan', 'nan', 'nan', 'x']);
  });

  it('reads an all-integer column as int64, or float64 when a cell is missing', () => {
    expect(pandasColumn(['4', '007', '+5', ' 6'])).toEqual(['4', '7', '5', '6']);
    expect(pandasColumn(['4', '', '6'])).toEqual(['4.0', 'nan', '6.0']);
    expect(pandasColumn(['123456789012345678', null])).toEqual(['1.2345678901234568e+17', 'nan']);
  });

  it('reads other all-number columns as float64 with Python float formatting', () => {
    expect(pandasColumn(['4.5', '3', '1e3', 'inf', '-Infinity'])).toEqual(['4.5', '3.0', '1000.0', 'inf', '-inf']);
    expect(pandasColumn(['1E5', '2e-7', '1e16', '.5', '4.'])).toEqual(['100000.0', '2e-07', '1e+16', '0.5', '4.0']);
  });

  it('leaves Unicode digits, underscores and hex as strings; reads booleans', () => {
    expect(pandasColumn(['٤', '5'])).toEqual(['٤', '5']);
    expect(pandasColumn(['1_000', '2'])).toEqual(['1_000', '2']);
    expect(pandasColumn(['True', 'false', null])).toEqual(['True', 'False', 'nan']);
    expect(pandasColumn(['99999999999999999999', '1'])).toEqual(['99999999999999999999', '1']);
  });

  it('builds the prediction column: failed generations keep it textual', () => {
    expect(vlmevalPredictionColumn(['\\boxed{1.50}', '\\boxed{2}'], true)).toEqual(['1.5', '2.0']);
    expect(vlmevalPredictionColumn(['\\boxed{1.50}', null], true)).toEqual(['1.50', 'Failed to obtain answer']);
  });
});
