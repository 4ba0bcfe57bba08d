import { api, ApiError, postJson, type Health } from './api.js';
import { byId, facts, h, show } from './dom.js';

interface TaskInfo {
  readonly id: string;
  readonly description: string;
  readonly needs: 'rgb' | 'rgbd';
}

interface SampleImage {
  readonly name: string;
  readonly url: string;
  readonly width: number;
  readonly height: number;
}

type SampleReply =
  | {
      readonly object: 'task.sample';
      readonly task: string;
      readonly variant: string;
      readonly prompt: string;
      readonly rl_prompt: string;
      readonly answer: string;
      readonly answer_space: readonly string[];
      readonly images: readonly SampleImage[];
      readonly meta: Record<string, unknown>;
    }
  | { readonly object: 'task.rejection'; readonly task: string; readonly code: string; readonly reason: string };

interface ChatReply {
  readonly choices: readonly { readonly message: { readonly content: string }; readonly finish_reason: string }[];
}

interface Score {
  readonly score: number;
  readonly format: number;
  readonly accuracy: number;
}

/** Content parts of a prompt: text split at its `<image>` / `<imageK>` placeholders. */
function chatContent(prompt: string, urls: readonly string[]): unknown[] {
  const parts: unknown[] = [];
  let last = 0;
  let next = 0;
  for (const m of prompt.matchAll(/<image(\d*)>/g)) {
    if (m.index > last) parts.push({ type: 'text', text: prompt.slice(last, m.index) });
    const k = m[1] ? Number(m[1]) - 1 : next++;
    parts.push({ type: 'image_url', image_url: { url: urls[k] } });
    last = m.index + m[0].length;
  }
  if (last < prompt.length) parts.push({ type: 'text', text: prompt.slice(last) });
  return parts;
}

/** The Tasks view: every task's sample from a synthetic seed or an uploaded image, and the model's answer to each. */
export function tasksView(health: Health): void {
  const form = byId<HTMLFormElement>('source-form');
  const status = byId('tasks-status');
  const cards = byId('samples');
  const ask = byId<HTMLButtonElement>('ask-model');
  const imageInput = byId<HTMLInputElement>('upload-image');
  const depthInput = byId<HTMLInputElement>('upload-depth');
  const drop = byId('drop-zone');
  const uploadChoice = byId<HTMLInputElement>('source-upload');
  let tasks: TaskInfo[] | undefined;
  let samples: { reply: SampleReply; card: HTMLElement }[] = [];

  if (!health.model) ask.title = 'No model is loaded: start the server with --checkpoint RUN_DIR';

  // Dropped files go into the file inputs, so the keyboard path and the mouse path are one.
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    for (const file of Array.from(e.dataTransfer?.files ?? [])) {
      const target = /\.(npy|h5|hdf5)$/i.test(file.name) ? depthInput : imageInput;
      const list = new DataTransfer();
      list.items.add(file);
      target.files = list.files;
    }
    uploadChoice.checked = true;
  });
  for (const input of [imageInput, depthInput]) input.addEventListener('change', () => (uploadChoice.checked = true));

  function card(reply: SampleReply): HTMLElement {
    if (reply.object === 'task.rejection') {
      return h('article', { className: 'card', 'aria-label': `${reply.task}: rejected` }, h('h3', {}, reply.task), h('p', { className: 'rejected' }, `No sample: ${reply.reason} (${reply.code})`));
    }
    const { meta } = reply;
    return h(
      'article',
      { className: 'card', 'aria-label': `${reply.task} sample` },
      h('h3', {}, `${reply.task} `, h('small', {}, reply.variant)),
      h('div', { className: reply.images.length > 2 ? 'images many' : 'images' }, ...reply.images.map((img, i) => h('figure', {}, h('img', { src: img.url, alt: `${reply.task} image ${i + 1} (${img.name}), ${img.width}×${img.height}` }), h('figcaption', {}, `${i + 1}. ${img.name}`)))),
      h('p', { className: 'prompt' }, reply.prompt),
      facts([
        ['correct answer', h('span', { className: 'answer' }, reply.answer)],
        ['answer space', `${reply.answer_space.length} answers`],
        ...Object.entries(meta).map(([k, v]) => [k, show(v)] as [string, string]),
      ]),
      h('div', { className: 'model-answer', 'aria-live': 'polite' }),
    );
  }

  async function generate(): Promise<void> {
    status.textContent = 'Generating…';
    cards.replaceChildren();
    samples = [];
    ask.disabled = true;
    tasks ??= (await api<{ data: TaskInfo[] }>('/v1/tasks')).data;
    const seed = Number(byId<HTMLInputElement>('task-seed').value) || 0;
    const synthetic = byId<HTMLInputElement>('source-synthetic').checked;
    const sceneSeed = Number(byId<HTMLInputElement>('synthetic-seed').value) || 0;
    const image = imageInput.files?.[0];
    const depth = depthInput.files?.[0];
    if (!synthetic && !image) {
      status.textContent = 'Choose an image file first (or drop one on the box).';
      imageInput.focus();
      return;
    }
    const replies = await Promise.all(
      tasks.map(async (task) => {
        try {
          if (synthetic) return await postJson<SampleReply>(`/v1/tasks/${task.id}/sample`, { synthetic: { seed: sceneSeed }, seed });
          if (task.needs === 'rgbd' && !depth) {
            return { object: 'task.rejection', task: task.id, code: 'needs depth', reason: 'this task needs depth: add a depth file (.npy or HDF5) to the image' } as const;
          }
          const body = new FormData();
          body.append('image', image!);
          if (depth) body.append('depth', depth); // not a task id: the upload field of a depth map
          body.append('seed', String(seed));
          return await api<SampleReply>(`/v1/tasks/${task.id}/sample`, { method: 'POST', body });
        } catch (error) {
          return { object: 'task.rejection', task: task.id, code: error instanceof ApiError ? `HTTP ${error.status}` : 'error', reason: (error as Error).message } as const;
        }
      }),
    );
    for (const reply of replies) {
      const el = card(reply);
      cards.append(el);
      samples.push({ reply, card: el });
    }
    const made = replies.filter((r) => r.object === 'task.sample').length;
    status.textContent = `${made} of ${replies.length} tasks made a sample from ${synthetic ? `synthetic scene ${sceneSeed}` : image!.name}${depth ? ` with depth ${depth.name}` : ''}.`;
    ask.disabled = !health.model || made === 0;
  }

  async function askModel(): Promise<void> {
    if (!health.model) return;
    ask.disabled = true;
    status.textContent = 'Asking the model…';
    const model = health.model;
    let right = 0;
    let asked = 0;
    await Promise.all(
      samples.map(async ({ reply, card: el }) => {
        if (reply.object !== 'task.sample') return;
        const out = el.querySelector('.model-answer')!;
        out.replaceChildren(h('p', {}, 'Waiting for the model…'));
        try {
          const chat = await postJson<ChatReply>('/v1/chat/completions', {
            model: model.name,
            messages: [{ role: 'user', content: chatContent(reply.rl_prompt, reply.images.map((i) => i.url)) }],
            temperature: 0,
            max_tokens: model.max_tokens,
            seed: 0,
          });
          const text = chat.choices[0].message.content;
          const score = await postJson<Score>('/verl/compute_score', { data_source: 'spatial-ssrl', solution_str: text, ground_truth: reply.answer });
          asked++;
          if (score.accuracy === 1) right++;
          out.replaceChildren(
            facts([
              ['model answer', h('code', {}, text)],
              ['reward', `${score.score.toFixed(2)} (format ${score.format}, accuracy ${score.accuracy})`],
              ['verdict', h('span', { className: score.accuracy === 1 ? 'verdict-right' : 'verdict-wrong' }, score.accuracy === 1 ? 'right' : 'wrong')],
            ]),
          );
        } catch (error) {
          out.replaceChildren(h('p', { className: 'rejected' }, `The model could not answer: ${(error as Error).message}`));
        }
      }),
    );
    status.textContent = `The model answered ${asked} samples: ${right} right, ${asked - right} wrong.`;
    ask.disabled = false;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    generate().catch((error: Error) => (status.textContent = `Could not generate: ${error.message}`));
  });
  ask.addEventListener('click', () => {
    askModel().catch((error: Error) => (status.textContent = `Could not ask the model: ${error.message}`));
  });
}
