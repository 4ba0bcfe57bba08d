import type { GenerateDatasetResult } from '@spatial-ssrl/tasks';

/** The end-of-run summary of `generate` (`displayOut` names the directory as the user gave it): counts per task and split, rejections by code, time and rate. */
export function formatSummary(result: GenerateDatasetResult, displayOut: string = result.out): string {
  const { manifest } = result;
  const counts = manifest.counts;
  const { start, end } = manifest.config.range;
  const seconds = result.elapsedMs / 1000;
  const rate = seconds > 0 ? result.generated / seconds : 0;
  const lines: string[] = [];
  const shard = manifest.config.shard.n > 1 ? ` (shard ${manifest.config.shard.k}/${manifest.config.shard.n})` : '';
  lines.push(`dataset ${displayOut}${shard}: indices ${start}..${end - 1}`);
  if (result.resumedFrom > start) lines.push(`resumed at index ${result.resumedFrom}`);
  lines.push(
    `${counts?.samples ?? 0} samples, ${counts?.failed ?? 0} failed; ${result.generated} indices in ${seconds.toFixed(1)} s ` +
      `(${rate.toFixed(1)} samples/s, ${result.workers} ${result.workers === 1 ? 'thread' : 'workers'})`,
  );
  if (counts) {
    const rows: string[][] = [['task', 'train', 'test', 'total']];
    let train = 0;
    let test = 0;
    for (const t of manifest.config.tasks) {
      const s = counts.byTaskSplit[t.id] ?? {};
      train += s.train ?? 0;
      test += s.test ?? 0;
      rows.push([t.id, String(s.train ?? 0), String(s.test ?? 0), String(counts.byTask[t.id] ?? 0)]);
    }
    rows.push(['total', String(train), String(test), String(train + test)]);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) lines.push(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}`);
    const byCode = Object.entries(counts.rejections.byCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push(
      `rejections: ${counts.rejections.total}${byCode.length > 0 ? ` (${byCode.map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}`,
    );
    lines.push(`source images that failed to load: ${counts.rejections.badSources}`);
  }
  return `${lines.join('\n')}\n`;
}
