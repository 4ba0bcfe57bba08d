import { exportDataset } from '../export/export-dataset.js';

// One export in its own process for bench:export: prints time, peak RSS and bytes as JSON.
const [data, out, rowsPerShard] = process.argv.slice(2);
const started = performance.now();
const result = await exportDataset({ data, to: 'easyr1', out, rowsPerShard: Number(rowsPerShard) });
const seconds = (performance.now() - started) / 1000;
const bytes = result.shards.reduce((n, s) => n + s.bytes, 0);
console.log(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes, rows: result.rows }));
