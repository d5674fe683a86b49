// E-mail bodies for playbook notifications: one layout, HTML with every value escaped, and a plain-text twin.

import { html, type SafeHtml } from '../html.js';

export interface IncidentEmailIncident {
  number?: number | undefined;
  title: string;
  severity?: string | undefined;
  url?: string | undefined;
}

export interface IncidentEmailOptions {
  incident: IncidentEmailIncident;
  /** One line, e.g. 'A secret was committed to contoso/payments-api'. */
  heading: string;
  paragraphs: readonly string[];
  /** Label and value rows, e.g. ['Repository', 'contoso/payments-api']. */
  facts?: ReadonlyArray<readonly [string, string]>;
  /** What the playbook already did, one item each. */
  actionsTaken?: readonly string[];
}

export interface RenderedEmail {
  subject: string;
  html: string;
  plainText: string;
}

/** Only http(s) links: an incident-supplied 'javascript:' URL must not become a link. */
function safeUrl(url: string | undefined): string | undefined {
  return url !== undefined && /^https?:\/\//i.test(url) ? url : undefined;
}

export function singleLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

export function renderIncidentEmail(options: IncidentEmailOptions): RenderedEmail {
  const { incident, heading, paragraphs, facts = [], actionsTaken = [] } = options;
  const number = incident.number === undefined ? '' : ` ${incident.number}`;
  const subject = singleLine(`[Sentinel incident${number}] ${heading}`).slice(0, 255);
  const url = safeUrl(incident.url);
  const title: SafeHtml = url ? html`<a href="${url}">${incident.title}</a>` : html`${incident.title}`;

  const body = html`<!DOCTYPE html>
<html><body style="font-family:Segoe UI,Arial,sans-serif">
<h2>${heading}</h2>
<p>Incident${number}: ${title}${incident.severity ? html` (severity ${incident.severity})` : ''}</p>
${paragraphs.map((p) => html`<p>${p}</p>\n`)}${
    facts.length
      ? html`<table>${facts.map(([label, value]) => html`<tr><th align="left">${label}</th><td>${value}</td></tr>`)}</table>\n`
      : ''
  }${actionsTaken.length ? html`<p>Actions taken:</p><ul>${actionsTaken.map((a) => html`<li>${a}</li>`)}</ul>\n` : ''}</body></html>`;

  const text = [
    heading,
    '',
    `Incident${number}: ${incident.title}${incident.severity ? ` (severity ${incident.severity})` : ''}`,
    ...(url ? [url] : []),
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...facts.map(([label, value]) => `${label}: ${value}`),
    ...(actionsTaken.length ? ['', 'Actions taken:', ...actionsTaken.map((a) => `- ${a}`)] : []),
  ].join('\n');

  return { subject, html: body.value, plainText: text.trimEnd() + '\n' };
}
