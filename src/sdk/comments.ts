// The incident comments every run writes: start, summary, failure, and the dry-run plan. All text is
// escaped by the html template; planned inputs and errors are redacted.
import { html, type SafeHtml } from '../actions/html.js';
import { redact } from '../clients/redact.js';
import type { StepRecord } from './context.js';
import type { PlaybookInfo } from './playbook.js';

export interface RunRef {
  playbook: PlaybookInfo;
  runId: string;
  runUrl: string;
}

function heading(run: RunRef, what: string): SafeHtml {
  // The run URL is unknown only when the run failed before reading its settings.
  const runLink = run.runUrl ? html`<a href="${run.runUrl}">${run.runId}</a>` : html`${run.runId}`;
  return html`<p><b>Playbook ${run.playbook.title}</b> (${run.playbook.name} v${run.playbook.version}) ${what}. Run ${runLink}.</p>`;
}

const statusText: Record<StepRecord['status'], string> = { succeeded: 'Succeeded', planned: 'Planned', failed: 'Failed' };

function stepTable(steps: readonly StepRecord[]): SafeHtml {
  if (steps.length === 0) return html`<p>No actions ran.</p>`;
  return html`<table><tr><th>#</th><th>Action</th><th>Result</th></tr>${steps.map(
    (s, i) => html`<tr><td>${i + 1}</td><td>${s.title} (${s.action})</td><td>${statusText[s.status]}${s.detail ? html`: ${s.detail}` : ''}</td></tr>`,
  )}</table>`;
}

export function startComment(run: RunRef): SafeHtml {
  return heading(run, 'started');
}

export function summaryComment(run: RunRef, steps: readonly StepRecord[]): SafeHtml {
  return html`${heading(run, 'finished')}${stepTable(steps)}`;
}

export function failureComment(run: RunRef, reason: string, steps: readonly StepRecord[]): SafeHtml {
  return html`${heading(run, 'failed')}<p>Error: ${redact(reason)}</p><p>The incident stays Active for an analyst. Steps before the failure:</p>${stepTable(steps)}`;
}

export function planComment(run: RunRef, steps: readonly StepRecord[], failure?: string): SafeHtml {
  const planned = steps.filter((s) => s.status === 'planned');
  return html`${heading(run, 'dry run')}<p>Nothing was changed: side-effecting actions were planned, not executed. This comment is the only write a dry run makes.</p>${
    failure ? html`<p>The dry run stopped with an error: ${redact(failure)}</p>` : ''
  }<p>Plan (${planned.length} action${planned.length === 1 ? '' : 's'}):</p><ol>${planned.map(
    (s) => html`<li>${s.title} (${s.action})${s.detail ? html` — ${s.detail}` : ''}: <code>${redact(JSON.stringify(s.input) ?? '')}</code></li>`,
  )}</ol>`;
}
