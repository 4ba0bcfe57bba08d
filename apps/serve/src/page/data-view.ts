import { api } from './api.js';
import { byId, facts, h, show } from './dom.js';

interface Summary {
  readonly records: number;
  readonly unreadable: number;
  readonly tasks: readonly { readonly task: string; readonly count: number; readonly answers: readonly { readonly answer: string; readonly count: number }[] }[];
}

interface RecordPage {
  readonly total: number;
  readonly offset: number;
  readonly data: readonly {
    readonly id: string;
    readonly task: string;
    readonly variant?: string;
    readonly split?: string;
    readonly prompt?: string;
    readonly answer?: string;
    readonly image_urls: readonly string[];
    readonly meta?: Record<string, unknown>;
  }[];
}

/** The Dataset view: the records of `--data DIR`, filtered by task, split and answer, a page at a time with their images. */
export function dataView(): { open(): void } {
  const form = byId<HTMLFormElement>('data-form');
  const task = byId<HTMLSelectElement>('data-task');
  const split = byId<HTMLSelectElement>('data-split');
  const answer = byId<HTMLInputElement>('data-answer');
  const answers = byId<HTMLDataListElement>('data-answers');
  const size = byId<HTMLSelectElement>('data-page-size');
  const status = byId('data-status');
  const list = byId('data-records');
  const prev = byId<HTMLButtonElement>('data-prev');
  const next = byId<HTMLButtonElement>('data-next');
  let summary: Summary | undefined;
  let offset = 0;

  function fillAnswers(): void {
    const entry = summary?.tasks.find((t) => t.task === task.value);
    const values = entry ? entry.answers : (summary?.tasks.flatMap((t) => t.answers) ?? []);
    answers.replaceChildren(...values.slice(0, 200).map((a) => h('option', { value: a.answer }, `${a.count} records`)));
  }

  async function load(): Promise<void> {
    const limit = Number(size.value);
    const q = new URLSearchParams({ offset: String(offset), limit: String(limit) });
    if (task.value) q.set('task', task.value);
    if (split.value) q.set('split', split.value);
    if (answer.value !== '') q.set('answer', answer.value);
    status.textContent = 'Loading…';
    const page = await api<RecordPage>(`/v1/data/samples?${q}`);
    list.replaceChildren(
      ...page.data.map((r) =>
        h(
          'article',
          { className: 'card', 'aria-label': `record ${r.id}` },
          h('h3', {}, `${r.id} `, h('small', {}, `${r.task} · ${r.variant ?? ''} · ${r.split ?? ''}`)),
          h('div', { className: 'images' }, ...r.image_urls.map((url, i) => h('img', { src: url, alt: `${r.id} image ${i + 1}` }))),
          r.prompt ? h('p', { className: 'prompt' }, r.prompt) : null,
          facts([['answer', h('span', { className: 'answer' }, r.answer ?? '')], ...Object.entries(r.meta ?? {}).map(([k, v]) => [k, show(v)] as [string, string])]),
        ),
      ),
    );
    const end = Math.min(page.total, offset + page.data.length);
    status.textContent = page.total === 0 ? 'No record matches.' : `Records ${offset + 1}–${end} of ${page.total}.`;
    prev.disabled = offset === 0;
    next.disabled = end >= page.total;
  }

  const show_ = (): void => void load().catch((e: Error) => (status.textContent = `Could not load records: ${e.message}`));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    offset = 0;
    show_();
  });
  task.addEventListener('change', fillAnswers);
  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - Number(size.value));
    show_();
  });
  next.addEventListener('click', () => {
    offset += Number(size.value);
    show_();
  });

  let opened = false;
  return {
    open() {
      if (opened) return;
      opened = true;
      api<Summary>('/v1/data')
        .then((s) => {
          summary = s;
          task.replaceChildren(h('option', { value: '' }, 'any'), ...s.tasks.map((t) => h('option', { value: t.task }, `${t.task} (${t.count})`)));
          fillAnswers();
          show_();
        })
        .catch((e: Error) => (status.textContent = e.message));
    },
  };
}
