import { expect } from 'vitest';

/** Asserts |actual − expected| ≤ tol · max(1, |expected|) element-wise, reporting the first bad position. */
export function expectClose(actual: unknown, expected: unknown, tol: number, path = 'value'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, `${path} type`).toBe('number');
    const a = actual as number;
    const bound = tol * Math.max(1, Math.abs(expected));
    if (!(Math.abs(a - expected) <= bound)) {
      expect.fail(`${path}: got ${a}, expected ${expected} (|diff| ${Math.abs(a - expected)} > ${bound})`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => expectClose(a[i], e, tol, `${path}[${i}]`));
    return;
  }
  throw new Error(`expectClose: unsupported expected value at ${path}`);
}
