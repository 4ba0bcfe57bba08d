import type { ExportResult, ImportResult } from '@spatial-ssrl/tasks/export';

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}`);
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The end-of-run summary of `export`: rows per task and split, files, bytes and, with a model family, image tokens per task. */
export function formatExportSummary(result: ExportResult, displayOut: string = result.out): string {
  const lines: string[] = [];
  const seconds = result.elapsedMs / 1000;
  lines.push(
    `export ${displayOut} (${result.target}, images ${result.images}): ${result.rows} rows in ${result.shards.length} data files, ` +
      `${mib(result.bytes)}, ${seconds.toFixed(1)} s`,
  );
  const rows: string[][] = [['task', 'train', 'test', 'total']];
  let train = 0;
  let test = 0;
  for (const [task, s] of Object.entries(result.byTask)) {
    train += s.train ?? 0;
    test += s.test ?? 0;
    rows.push([task, String(s.train ?? 0), String(s.test ?? 0), String((s.train ?? 0) + (s.test ?? 0))]);
  }
  rows.push(['total', String(train), String(test), String(train + test)]);
  lines.push(...table(rows));
  for (const s of result.shards) lines.push(`  ${s.path}: ${s.rows} rows, ${mib(s.bytes)}`);
  if (result.imageFiles > 0) lines.push(`  images/: ${result.imageFiles} files`);
  if (result.resumedShards > 0) lines.push(`  resumed: ${result.resumedShards} data files kept from the interrupted run`);
  lines.push(`  also: ${result.files.join(', ')}`);
  if (result.tokens) {
    lines.push(`image tokens per row (${result.family}, incl. vision start/end):`);
    const t: string[][] = [['task', 'rows', 'min', 'mean', 'max']];
    for (const [task, s] of Object.entries(result.tokens)) t.push([task, String(s.rows), String(s.min), s.mean.toFixed(0), String(s.max)]);
    lines.push(...table(t));
  }
  return `${lines.join('\n')}\n`;
}

/** The end-of-run summary of `import`: rows imported per task and split, skipped rows by reason with the first few. */
export function formatImportSummary(result: ImportResult, displayOut: string = result.out): string {
  const skipped = result.rows - result.imported;
  const lines = [
    `dataset ${displayOut}: imported ${result.imported} of ${result.rows} rows from ${result.files} file${result.files === 1 ? '' : 's'} ` +
      `in ${(result.elapsedMs / 1000).toFixed(1)} s (task inferred from the prompt for ${result.inferred})`,
  ];
  const rows: string[][] = [['task', 'train', 'test', 'total']];
  for (const [task, s] of Object.entries(result.byTask)) rows.push([task, String(s.train ?? 0), String(s.test ?? 0), String((s.train ?? 0) + (s.test ?? 0))]);
  lines.push(...table(rows));
  const codes = Object.entries(result.errorsByCode);
  lines.push(`skipped: ${skipped}${codes.length > 0 ? ` (${codes.map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}`);
  for (const e of result.errors.slice(0, 10)) lines.push(`  row ${e.row} of ${e.file}: [${e.code}] ${e.message}`);
  if (result.errors.length > 10 || skipped > result.errors.length) lines.push(`  … (${skipped} in all)`);
  return `${lines.join('\n')}\n`;
}
