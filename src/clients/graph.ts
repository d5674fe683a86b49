// Microsoft Graph v1.0 through the retrying fetch helper (four endpoints do not justify a Graph SDK).

import { callApi, type ApiResponse } from './http.js';
import { baseUrlSetting } from './settings.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export function callGraph<T>(
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: { body?: unknown; signal?: AbortSignal } = {},
): Promise<ApiResponse<T>> {
  const base = baseUrlSetting('GRAPH_ENDPOINT', 'https://graph.microsoft.com');
  return callApi<T>({ api: 'Graph', method, url: `${base}/v1.0${path}`, scope: GRAPH_SCOPE, ...options });
}
