import { api, setApiKey, ApiError, type Health } from './api.js';
import { dataView } from './data-view.js';
import { byId } from './dom.js';
import { runsView } from './runs-view.js';
import { tasksView } from './tasks-view.js';

function tabs(onSelect: (panel: string) => void): void {
  const list = Array.from(document.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
  const select = (tab: HTMLButtonElement, focus: boolean): void => {
    for (const t of list) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      byId(t.getAttribute('aria-controls')!).hidden = !on;
    }
    if (focus) tab.focus();
    onSelect(tab.getAttribute('aria-controls')!);
  };
  list.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (e) => {
      const to = e.key === 'ArrowRight' ? (i + 1) % list.length : e.key === 'ArrowLeft' ? (i - 1 + list.length) % list.length : e.key === 'Home' ? 0 : e.key === 'End' ? list.length - 1 : -1;
      if (to === -1) return;
      e.preventDefault();
      select(list[to], true);
    });
  });
}

async function boot(): Promise<void> {
  const status = byId('server-status');
  const health = await api<Health>('/health');
  const parts = [health.model ? `model ${health.model.name}` : 'no model loaded (start with --checkpoint RUN_DIR to ask one)'];
  if (!health.data) parts.push('no dataset (--data DIR)');
  if (!health.runs) parts.push('no runs (--runs DIR)');
  status.textContent = parts.join(' · ');
  if (health.auth) {
    const form = byId<HTMLFormElement>('key-form');
    form.hidden = false;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      setApiKey(byId<HTMLInputElement>('api-key').value);
      status.textContent = `${parts.join(' · ')} · key set`;
    });
    await api('/v1/tasks').catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) status.textContent = 'This server needs an API key: enter it above.';
    });
  }
  tasksView(health);
  const data = dataView();
  const runs = runsView();
  tabs((panel) => {
    if (panel === 'view-data') data.open();
    if (panel === 'view-runs') runs.open();
    else runs.close();
  });
}

boot().catch((error: Error) => {
  byId('server-status').textContent = `Cannot reach the server: ${error.message}`;
});
