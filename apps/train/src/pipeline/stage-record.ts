import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '@spatial-ssrl/spec/node';

/** Name of the record file each stage keeps in its folder. */
export const STAGE_FILE = 'stage.json';

/** `<stage>/stage.json`: what the stage ran on, whether it finished, how long it took and the load around it. */
const stageRecord = z.object({
  stage: z.string(),
  status: z.enum(['running', 'complete']),
  /** Hash of everything the stage's output depends on (plan section and upstream results). */
  inputs: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Wall-clock seconds of the finishing invocation, plus those of earlier interrupted ones. */
  wallSec: z.number().min(0).optional(),
  /** 1-, 5- and 15-minute load averages when the stage started and finished. */
  loadStart: z.array(z.number()).length(3),
  loadEnd: z.array(z.number()).length(3).optional(),
  /** Stage-specific summary (steps, counts, scores). */
  result: z.record(z.string(), z.unknown()).optional(),
  /** Seconds spent by interrupted earlier invocations. */
  priorSec: z.number().min(0).default(0),
});
/** A parsed `stage.json`. */
export type StageRecord = z.infer<typeof stageRecord>;

/** Stable hash of a JSON value (key order normalised), for stage inputs. */
export function inputsHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex').slice(0, 16);
}

/** Reads `<dir>/stage.json`; a missing or unreadable record is `undefined` (the stage then counts as not started). */
export async function readStageRecord(dir: string): Promise<StageRecord | undefined> {
  const text = await readFile(join(dir, STAGE_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = stageRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `<dir>/stage.json` atomically. */
export async function writeStageRecord(dir: string, record: StageRecord): Promise<void> {
  await writeFileAtomic(join(dir, STAGE_FILE), JSON.stringify(record, null, 2) + '\n');
}

/** The current 1-, 5- and 15-minute load averages, rounded to 0.01. */
export function currentLoad(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}
