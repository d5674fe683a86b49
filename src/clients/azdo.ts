// Azure DevOps REST through the retrying fetch helper, with a managed-identity token. Each service has its
// own host (dev.azure.com, vssps, extmgmt, auditservice); settings name each base URL.

import { callApi, type ApiResponse } from './http.js';
import { baseUrlSetting, requiredSetting } from './settings.js';

/** The Azure DevOps resource id; its tokens are what the service accepts. */
const AZDO_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';

export type AzdoService = 'dev' | 'vssps' | 'extmgmt' | 'audit';

const SERVICES: Record<AzdoService, [setting: string, fallback: string]> = {
  dev: ['AZDO_BASE_URL', 'https://dev.azure.com'],
  vssps: ['AZDO_VSSPS_URL', 'https://vssps.dev.azure.com'],
  extmgmt: ['AZDO_EXTMGMT_URL', 'https://extmgmt.dev.azure.com'],
  audit: ['AZDO_AUDIT_URL', 'https://auditservice.dev.azure.com'],
};

export interface AzdoRequest {
  service: AzdoService;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the organization, starting with '/', e.g. '/Payments/_apis/git/repositories'. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  apiVersion: string;
  body?: unknown;
  signal?: AbortSignal;
}

function azdoOrganization(): string {
  return requiredSetting('AZDO_ORGANIZATION');
}

export function callAzdo<T>(request: AzdoRequest): Promise<ApiResponse<T>> {
  const [setting, fallback] = SERVICES[request.service];
  const url = new URL(`${baseUrlSetting(setting, fallback)}/${encodeURIComponent(azdoOrganization())}${request.path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  url.searchParams.set('api-version', request.apiVersion);
  return callApi<T>({
    api: 'AzureDevOps',
    method: request.method,
    url: url.toString(),
    scope: AZDO_SCOPE,
    body: request.body,
    signal: request.signal,
  });
}
