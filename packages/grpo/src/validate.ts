import { GrpoInputError } from './errors.js';

/** Rows × columns of a validated matrix. */
export interface Shape {
  rows: number;
  cols: number;
}

/** A group id: the prompt a sampled response belongs to. */
export type GroupId = string | number;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** Checks that `value` is a non-empty rectangular `number[][]` of finite numbers; returns its shape. */
export function checkMatrix(name: string, value: unknown): Shape {
  if (!Array.isArray(value)) {
    throw new GrpoInputError('NOT_AN_ARRAY', name, `expected number[][], got ${describe(value)}`);
  }
  if (value.length === 0) throw new GrpoInputError('EMPTY', name, 'has no rows');
  const first: unknown = value[0];
  if (!Array.isArray(first)) {
    throw new GrpoInputError('NOT_AN_ARRAY', name, `row 0 is ${describe(first)}, expected number[]`);
  }
  const cols = first.length;
  if (cols === 0) throw new GrpoInputError('EMPTY', name, 'rows have no columns');
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row)) {
      throw new GrpoInputError('NOT_AN_ARRAY', name, `row ${i} is ${describe(row)}, expected number[]`);
    }
    if (row.length !== cols) {
      throw new GrpoInputError('RAGGED', name, `row ${i} has ${row.length} columns, row 0 has ${cols}`);
    }
    for (let t = 0; t < cols; t++) {
      const v: unknown = row[t];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new GrpoInputError('NOT_FINITE', name, `[${i}][${t}] is ${String(v)}, expected a finite number`);
      }
    }
  }
  return { rows: value.length, cols };
}

/** Checks that `value` is a finite matrix of exactly `shape`. */
export function checkMatrixShape(name: string, value: unknown, shape: Shape, like: string): void {
  const got = checkMatrix(name, value);
  if (got.rows !== shape.rows || got.cols !== shape.cols) {
    throw new GrpoInputError(
      'SHAPE_MISMATCH',
      name,
      `shape ${got.rows}×${got.cols} does not match ${like} ${shape.rows}×${shape.cols}`,
    );
  }
}

/** Checks that `value` is a 0/1 matrix of exactly `shape`. */
export function checkMask(name: string, value: unknown, shape: Shape, like: string): void {
  checkMatrixShape(name, value, shape, like);
  const mask = value as number[][];
  for (let i = 0; i < shape.rows; i++) {
    const row = mask[i];
    for (let t = 0; t < shape.cols; t++) {
      const v = row[t];
      if (v !== 0 && v !== 1) {
        throw new GrpoInputError('BAD_MASK', name, `[${i}][${t}] is ${v}, a mask holds only 0 or 1`);
      }
    }
  }
}

/** Checks that `index` holds one finite number or string per row. */
export function checkIndex(name: string, index: unknown, rows: number): void {
  if (!Array.isArray(index)) {
    throw new GrpoInputError('NOT_AN_ARRAY', name, `expected (string | number)[], got ${describe(index)}`);
  }
  if (index.length !== rows) {
    throw new GrpoInputError('SHAPE_MISMATCH', name, `has ${index.length} entries for ${rows} rows`);
  }
  for (let i = 0; i < rows; i++) {
    const id: unknown = index[i];
    const ok = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
    if (!ok) {
      throw new GrpoInputError('BAD_INDEX', name, `[${i}] is ${String(id)}, expected a string or finite number`);
    }
  }
}

/** Checks that `value` is a non-empty array of finite numbers. */
export function checkVector(name: string, value: unknown): number {
  if (!Array.isArray(value)) {
    throw new GrpoInputError('NOT_AN_ARRAY', name, `expected number[], got ${describe(value)}`);
  }
  if (value.length === 0) throw new GrpoInputError('EMPTY', name, 'is empty');
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new GrpoInputError('NOT_FINITE', name, `[${i}] is ${String(v)}, expected a finite number`);
    }
  }
  return value.length;
}

/** Checks that an option is a number inside [min, max] (bounds inclusive unless stated). */
export function checkNumber(
  name: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; allowInfinity?: boolean } = {},
): number {
  const finiteOk =
    typeof value === 'number' && (Number.isFinite(value) || (range.allowInfinity === true && value === Infinity));
  if (!finiteOk) {
    throw new GrpoInputError('BAD_OPTION', name, `is ${String(value)}, expected a finite number`);
  }
  const v = value as number;
  if (range.min !== undefined) {
    const below = range.minExclusive === true ? v <= range.min : v < range.min;
    if (below) {
      const op = range.minExclusive === true ? '>' : '≥';
      throw new GrpoInputError('BAD_OPTION', name, `is ${v}, expected ${op} ${range.min}`);
    }
  }
  if (range.max !== undefined && v > range.max) {
    throw new GrpoInputError('BAD_OPTION', name, `is ${v}, expected ≤ ${range.max}`);
  }
  return v;
}

/** Checks that an option is one of the allowed string literals. */
export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new GrpoInputError('BAD_OPTION', name, `is ${JSON.stringify(value)}, expected one of ${choices.join(', ')}`);
  }
  return value as T;
}

/** Throws `NOT_FINITE` on `argument` when an intermediate result overflowed float64. */
export function checkFiniteResult(argument: string, value: number, what: string): void {
  if (!Number.isFinite(value)) {
    throw new GrpoInputError('NOT_FINITE', argument, `${what} overflows float64 (${value}); rescale the input`);
  }
}
