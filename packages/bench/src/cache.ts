import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JsonlError, readLines } from '@spatial-ssrl/spec/node';
import { BenchError } from './errors.js';
import { type PolicyCompletion, type PolicyOutput, type SamplingParams, isFinalPolicyError } from '@spatial-ssrl/spec';

/** What identifies one cached prediction. `prompt` is a hash of the prompt text, so a changed prompt is asked again. */
export interface CacheKey {
  readonly model: string;
  readonly benchmark: string;
  readonly item: string;
  /** {@link samplingHash} of the sampling settings. */
  readonly sampling: string;
  readonly prompt: string;
}

/** A cached prediction: the outputs, or a final error. */
export interface CachedPrediction {
  readonly outputs: readonly PolicyOutput[];
  readonly error?: string;
}

function sha16(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Stable 16-hex-digit hash of sampling settings (field order does not matter). */
export function samplingHash(s: SamplingParams): string {
  return sha16(JSON.stringify([s.temperature, s.topP, s.maxTokens, s.seed, s.n]));
}

/** Stable 16-hex-digit hash of a prompt. */
export function promptHash(prompt: string): string {
  return sha16(prompt);
}

function keyString(k: CacheKey): string {
  return JSON.stringify([k.model, k.benchmark, k.item, k.sampling, k.prompt]);
}

interface Line {
  model: string;
  benchmark: string;
  item: string;
  sampling: string;
  prompt: string;
  outputs: PolicyOutput[];
  error?: string;
}

function isLine(v: unknown): v is Line {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return (
    ['model', 'benchmark', 'item', 'sampling', 'prompt'].every((k) => typeof o[k] === 'string') &&
    Array.isArray(o['outputs']) &&
    (o['error'] === undefined || typeof o['error'] === 'string')
  );
}

/**
 * An append-only JSONL prediction cache: one line per finished item, written as soon as the item
 * finishes, so an interrupted run resumes without asking again. A torn last line (a crash
 * mid-write) is dropped on open; transient errors are never stored, so a re-run retries them.
 */
export class PredictionCache {
  private readonly entries = new Map<string, CachedPrediction>();
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens (or creates) the cache file at `path`, loading every complete line. */
  static async open(path: string): Promise<PredictionCache> {
    await mkdir(dirname(path), { recursive: true });
    const parsed: Line[] = [];
    let goodBytes = 0;
    let fileBytes = 0;
    let endsWithNewline = true;
    let bad: number | undefined;
    try {
      for await (const line of readLines(path)) {
        fileBytes = line.end;
        if (line.text.trim() === '') {
          if (bad === undefined) {
            goodBytes = line.end;
            endsWithNewline = line.complete;
          }
          continue;
        }
        // A bad line is a torn write only when nothing but blank lines follows it.
        if (bad !== undefined) throw new BenchError('CACHE_CORRUPT', `${path}: line ${bad} is not a cache record; move the file away to start afresh`);
        let value: unknown;
        try {
          value = JSON.parse(line.text);
        } catch {
          value = undefined;
        }
        if (!isLine(value)) {
          bad = line.number;
          continue;
        }
        parsed.push(value);
        goodBytes = line.end;
        endsWithNewline = line.complete;
      }
    } catch (err) {
      if (!(err instanceof JsonlError && err.code === 'missing-file')) throw err;
    }
    const fd = openSync(path, 'a+');
    if (goodBytes < fileBytes) ftruncateSync(fd, goodBytes);
    const cache = new PredictionCache(path, fd);
    for (const l of parsed) cache.entries.set(keyString(l), l.error !== undefined ? { outputs: l.outputs, error: l.error } : { outputs: l.outputs });
    if (goodBytes > 0 && !endsWithNewline) writeSync(fd, '\n');
    return cache;
  }

  /** Number of cached items. */
  get size(): number {
    return this.entries.size;
  }

  /** The cached prediction for `key`, if any. */
  get(key: CacheKey): CachedPrediction | undefined {
    return this.entries.get(keyString(key));
  }

  /** Stores a completion unless it failed transiently; returns whether it was stored. */
  record(key: CacheKey, completion: PolicyCompletion): boolean {
    if (this.fd === null) throw new BenchError('BAD_ARGUMENT', `${this.path}: cache is closed`);
    if (completion.error !== undefined && !isFinalPolicyError(completion.error)) return false;
    const line: Line = { ...key, outputs: [...completion.outputs], ...(completion.error !== undefined ? { error: completion.error } : {}) };
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    this.entries.set(keyString(key), completion.error !== undefined ? { outputs: line.outputs, error: completion.error } : { outputs: line.outputs });
    return true;
  }

  /** Closes the file; further `record` calls throw. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

