import { marked, type Tokens } from 'marked';
import { api } from './api.js';
import { byId, h } from './dom.js';

interface Runs {
  readonly runs: readonly { readonly name: string; readonly kind: 'sft' | 'grpo'; readonly step: number; readonly evaluations: number; readonly updatedMs: number }[];
  readonly reports: readonly { readonly name: string }[];
}

interface Metrics {
  readonly total: number;
  readonly data: readonly Record<string, unknown>[];
}

const filePath = (dir: string, rel: string): string => `/v1/runs/files/${[...(dir === '.' ? [] : dir.split('/')), ...rel.split('/')].map(encodeURIComponent).join('/')}`;

function cell(value: unknown): string {
  if (typeof value === 'number') return Math.abs(value) >= 1000 || Number.isInteger(value) ? String(value) : value.toPrecision(4);
  if (value && typeof value === 'object' && 'overall' in value) return cell((value as { overall: unknown }).overall);
  return value === undefined ? '' : String(value);
}

/** The Runs view: each run's curve (redrawn from its metrics every 5 s while it trains), its latest metrics, and pipeline reports rendered with their figures. */
export function runsView(): { open(): void; close(): void } {
  const select = byId<HTMLSelectElement>('run-select');
  const live = byId<HTMLInputElement>('run-live');
  const status = byId('runs-status');
  const figure = byId('run-figure');
  const curve = byId<HTMLImageElement>('run-curve');
  const caption = byId('run-caption');
  const table = byId<HTMLTableElement>('run-table');
  const reportSelect = byId<HTMLSelectElement>('report-select');
  const report = byId('report');
  let runs: Runs | undefined;
  let timer: number | undefined;

  async function refresh(): Promise<void> {
    const run = runs?.runs.find((r) => r.name === select.value);
    if (!run) return;
    const q = new URLSearchParams({ run: run.name });
    curve.src = `/v1/runs/curve?${q}&t=${Date.now()}`;
    curve.alt = `${run.kind.toUpperCase()} curve of ${run.name}`;
    figure.hidden = false;
    const metrics = await api<Metrics>(`/v1/runs/metrics?${q}&tail=5`);
    const train = metrics.data.filter((l) => l.type === 'train');
    const keys = run.kind === 'grpo' ? ['step', 'reward', 'klCoef', 'responseLength', 'lr'] : ['step', 'loss', 'lr', 'gradNorm', 'samplesPerSec'];
    table.tHead!.replaceChildren(h('tr', {}, ...keys.map((k) => h('th', { scope: 'col' }, k))));
    table.tBodies[0].replaceChildren(...train.map((l) => h('tr', {}, ...keys.map((k) => h('td', {}, cell(l[k]))))));
    table.hidden = train.length === 0;
    const last = metrics.data.at(-1);
    caption.textContent = `${run.name}: ${run.kind.toUpperCase()}, ${metrics.total} metrics lines, last step ${last ? String(last.step) : '–'} (updated ${new Date().toLocaleTimeString()})`;
    status.textContent = '';
  }

  async function showReport(): Promise<void> {
    const name = reportSelect.value;
    if (!name) return;
    const res = await fetch(filePath(name, 'report.md'));
    if (!res.ok) throw new Error(`report.md of ${name}: HTTP ${res.status}`);
    const md = await res.text();
    const html = await marked.parse(md, {
      async: true,
      walkTokens(token) {
        if (token.type === 'image' || token.type === 'link') {
          const t = token as Tokens.Image | Tokens.Link;
          if (!/^([a-z]+:|\/|#)/i.test(t.href)) t.href = filePath(name, t.href);
        }
      },
    });
    report.innerHTML = html;
    report.querySelectorAll('img').forEach((img) => {
      if (!img.alt) img.alt = 'figure of the report';
    });
  }

  function schedule(): void {
    window.clearInterval(timer);
    timer = live.checked ? window.setInterval(() => void refresh().catch(() => {}), 5000) : undefined;
  }

  select.addEventListener('change', () => void refresh().catch((e: Error) => (status.textContent = e.message)));
  live.addEventListener('change', schedule);
  reportSelect.addEventListener('change', () => void showReport().catch((e: Error) => (report.textContent = e.message)));

  return {
    open() {
      api<Runs>('/v1/runs')
        .then(async (r) => {
          runs = r;
          const keep = select.value;
          select.replaceChildren(...r.runs.map((run) => h('option', { value: run.name }, `${run.name === '.' ? 'the runs folder itself' : run.name} (${run.kind}, step ${run.step})`)));
          if (keep) select.value = keep;
          status.textContent = r.runs.length === 0 ? 'No run folder (metrics.jsonl) found yet.' : '';
          const reportsShown = r.reports.length > 0;
          byId('reports-title').hidden = !reportsShown;
          byId('reports-form').hidden = !reportsShown;
          const keepReport = reportSelect.value;
          reportSelect.replaceChildren(...r.reports.map((p) => h('option', { value: p.name }, p.name === '.' ? 'the runs folder itself' : p.name)));
          if (keepReport) reportSelect.value = keepReport;
          schedule();
          await refresh();
          if (reportsShown) await showReport();
        })
        .catch((e: Error) => (status.textContent = e.message));
    },
    close() {
      window.clearInterval(timer);
      timer = undefined;
    },
  };
}
