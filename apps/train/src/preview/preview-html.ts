import { type SampleRecord } from '@spatial-ssrl/spec';

/** An HTML page listing samples with their full prompts, answers and images; `imageHref` maps a record's image path to a link. */
export function renderPreviewHtml(title: string, records: readonly SampleRecord[], imageHref: (path: string) => string): string {
  const rows = records
    .map((r) => {
      const images = r.images
        .map((p, i) => `<figure><img src="${escapeHtml(imageHref(p))}" alt="image ${i + 1} of ${escapeHtml(r.id)}" loading="lazy"><figcaption>${i + 1}</figcaption></figure>`)
        .join('');
      return `<section>
<h2>${escapeHtml(r.id)} <small>${escapeHtml(r.task)} / ${escapeHtml(r.variant)} · ${escapeHtml(r.split)} · ${escapeHtml(r.source.dataset)}:${escapeHtml(r.source.id)} · seed ${r.seed}</small></h2>
<div class="images">${images}</div>
<p class="prompt">${escapeHtml(r.prompt)}</p>
<p class="answer">answer: <code>${escapeHtml(r.answer)}</code></p>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
section { border-top: 1px solid #ccc; padding: 1rem 0; }
h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
h2 small { font-weight: normal; color: #666; }
.images { display: flex; flex-wrap: wrap; gap: .5rem; }
figure { margin: 0; text-align: center; }
figure img { max-height: 260px; max-width: 100%; border: 1px solid #999; }
figcaption { font-size: .8rem; color: #666; }
.prompt { white-space: pre-wrap; background: #f6f6f6; padding: .5rem .75rem; }
.answer code { font-size: 1.05rem; background: #fff3c4; padding: 0 .3rem; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${rows}
</body>
</html>
`;
}

/** Escapes `& < > " '` for HTML text and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
