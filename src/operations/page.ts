// The run timeline page: self-contained HTML (inline CSS, no script), rendered on the server. Every
// dynamic text is escaped; incident text is untrusted. Links carry the caller's `code` so navigation keeps
// working behind function auth.
import { escapeHtml } from '../actions/html.js';
import type { RunDetail, RunPage, RunSummary } from './runs.js';
import { isTerminal } from './runs.js';
import type { TimelineStep } from './timeline.js';

export interface PageOptions {
  /** Path prefix of the page routes, e.g. `/api/ui`. */
  basePath: string;
  /** The function key the page was opened with, repeated on its links (absent when none was used). */
  code?: string;
  /** Filters echoed in the list form. */
  filter?: { incident?: string; playbook?: string; status?: string };
}

export function renderRunListPage(page: RunPage, options: PageOptions): string {
  const rows = page.runs.map((run) => runRow(run, options)).join('');
  const f = options.filter ?? {};
  const next = page.continuationToken
    ? `<p><a class="next" href="${attr(link(options, '', { ...f, continuationToken: page.continuationToken }))}">Next page →</a></p>`
    : '';
  const body = `<h1>Playbook runs</h1>
<form method="get" action="${attr(options.basePath)}">
${options.code ? `<input type="hidden" name="code" value="${attr(options.code)}">` : ''}
<label>Incident <input name="incident" value="${attr(f.incident ?? '')}"></label>
<label>Playbook <input name="playbook" value="${attr(f.playbook ?? '')}"></label>
<label>Status <input name="status" value="${attr(f.status ?? '')}" placeholder="Running,Failed"></label>
<button type="submit">Filter</button>
</form>
<table class="runs">
<thead><tr><th>Started</th><th>Playbook</th><th>Incident</th><th>Status</th><th>Step</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5" class="empty">No runs.</td></tr>'}</tbody>
</table>${next}`;
  return document('Playbook runs', body, false);
}

export function renderRunPage(run: RunDetail, options: PageOptions): string {
  const span = runSpan(run);
  const steps = run.timeline.map((step, i) => stepItem(step, i, span)).join('');
  const output = run.output === undefined ? '' : `<details class="output"><summary>Output</summary><pre>${text(pretty(run.output))}</pre></details>`;
  const body = `<p><a href="${attr(link(options, '', {}))}">← All runs</a></p>
<h1>${text(run.playbook)} <span class="status status-${attr(run.status)}" id="run-status">${text(run.status)}</span>${run.dryRun ? ' <span class="dry">dry run</span>' : ''}</h1>
<dl class="facts">
<dt>Run</dt><dd><code id="run-id">${text(run.instanceId)}</code></dd>
<dt>Incident</dt><dd id="run-incident">${incidentCell(run)}</dd>
<dt>Started</dt><dd>${text(run.createdAt)}</dd>
<dt>Last update</dt><dd>${text(run.lastUpdatedAt)}</dd>
${run.customStatus === undefined ? '' : `<dt>Custom status</dt><dd><code>${text(compact(run.customStatus))}</code></dd>`}
</dl>
<h2>Steps</h2>
<ol class="timeline" id="timeline">${steps || '<li class="empty">No steps yet.</li>'}</ol>
${output}`;
  return document(`${run.playbook} · ${run.instanceId}`, body, !isTerminal(run.status));
}

function runRow(run: RunSummary, options: PageOptions): string {
  const href = link(options, `/runs/${encodeURIComponent(run.instanceId)}`, {});
  return `<tr data-instance-id="${attr(run.instanceId)}"><td>${text(run.createdAt)}</td>
<td><a href="${attr(href)}">${text(run.playbook)}</a>${run.dryRun ? ' <span class="dry">dry run</span>' : ''}</td>
<td>${incidentCell(run)}</td>
<td><span class="status status-${attr(run.status)}">${text(run.status)}</span></td>
<td>${text(stepOf(run.customStatus))}</td></tr>`;
}

function stepItem(step: TimelineStep, index: number, span: { start: number; length: number }): string {
  const start = Date.parse(step.startedAt);
  const end = step.endedAt ? Date.parse(step.endedAt) : span.start + span.length;
  const left = ((start - span.start) / span.length) * 100;
  const width = Math.max(0.5, ((end - start) / span.length) * 100);
  const result = step.result === undefined ? '' : `<details><summary>Result</summary><pre>${text(pretty(step.result))}</pre></details>`;
  const error = step.error ? `<p class="error">${text(step.error)}</p>` : '';
  return `<li class="step step-${attr(step.status)}" data-step="${index}" data-name="${attr(step.name)}">
<div class="head"><span class="title">${text(step.title)}</span> <span class="badge">${text(step.status)}</span>
<span class="duration">${text(formatDuration(step.durationInMs))}</span>${step.attempts > 1 ? ` <span class="attempts">${step.attempts} attempts</span>` : ''}</div>
<div class="bar"><span style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></span></div>
<div class="meta"><code>${text(step.name)}</code> · started ${text(step.startedAt)}${step.endedAt ? ` · ended ${text(step.endedAt)}` : ''}</div>
${error}${result}</li>`;
}

function incidentCell(run: RunSummary): string {
  const ref = run.incident;
  if (!ref) return '—';
  const label = `${ref.number !== undefined ? `#${ref.number} ` : ''}${ref.title ?? ref.name}`;
  return ref.portalUrl
    ? `<a class="incident" href="${attr(ref.portalUrl)}" rel="noreferrer noopener" target="_blank">${text(label)}</a>`
    : `<span class="incident" title="${attr(ref.id)}">${text(label)}</span>`;
}

function runSpan(run: RunDetail): { start: number; length: number } {
  const start = Date.parse(run.createdAt);
  let end = Date.parse(run.lastUpdatedAt);
  for (const s of run.timeline) end = Math.max(end, Date.parse(s.endedAt ?? s.startedAt));
  return { start, length: Math.max(1, end - start) };
}

function stepOf(customStatus: unknown): string {
  if (typeof customStatus === 'string') return customStatus;
  if (typeof customStatus === 'object' && customStatus !== null && typeof (customStatus as { step?: unknown }).step === 'string') {
    return (customStatus as { step: string }).step;
  }
  return '';
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '…';
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

function link(options: PageOptions, subPath: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  if (options.code) query.set('code', options.code);
  for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
  const qs = query.toString();
  return `${options.basePath}${subPath}${qs ? `?${qs}` : ''}`;
}

function pretty(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function compact(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Element content and quoted attribute values escape alike. */
const text = escapeHtml;
const attr = escapeHtml;

function document(title: string, body: string, refresh: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${refresh ? '<meta http-equiv="refresh" content="5">' : ''}
<title>${text(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dde}
form{margin:1rem 0;display:flex;gap:.8rem;flex-wrap:wrap;align-items:end}
.status,.badge,.dry{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.8rem;background:#e8eaee}
.status-Completed,.step-succeeded .badge{background:#d3f3da}.status-Failed,.step-failed .badge{background:#fbd5d5}
.status-Running,.status-Pending,.step-running .badge,.step-waiting .badge{background:#dbe8fb}
.status-Terminated,.status-Canceled{background:#f6e7c1}.step-planned .badge,.dry{background:#ece0fb}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#57606a}dd{margin:0}
ol.timeline{list-style:none;padding:0}.step{border:1px solid #dde;border-radius:.4rem;padding:.5rem .7rem;margin:.5rem 0}
.step .title{font-weight:600}.duration,.attempts,.meta{color:#57606a;font-size:.85rem}
.bar{position:relative;height:.4rem;background:#f0f1f4;border-radius:.2rem;margin:.35rem 0}
.bar span{position:absolute;top:0;bottom:0;background:#5b8def;border-radius:.2rem}
.step-failed .bar span{background:#d9534f}.step-planned .bar span{background:#9b6fd6}
.error{color:#a4161a;white-space:pre-wrap}pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:20rem}
.empty{color:#57606a}
</style></head>
<body>
${body}
</body></html>
`;
}
