// Reads run state through the Durable HTTP API that backs the durable client binding. The client's own
// getStatus drops the history (it reads `history`, the extension sends `historyEvents`) and its list call
// can neither page nor ask for inputs, so reads go to the same endpoints the client uses, directly.
import type { InvocationContext } from '@azure/functions';

export type RuntimeStatus =
  | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Pending' | 'Suspended';

export const runtimeStatuses: readonly RuntimeStatus[] = [
  'Running', 'Completed', 'ContinuedAsNew', 'Failed', 'Canceled', 'Terminated', 'Pending', 'Suspended',
];

/** The Durable HTTP API's instance JSON (fields this module reads). */
export interface InstanceJson {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
  input?: unknown;
  output?: unknown;
  customStatus?: unknown;
  historyEvents?: unknown[];
}

export interface InstanceQuery {
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  runtimeStatus?: readonly RuntimeStatus[];
  top: number;
  continuationToken?: string;
}

export interface InstancePage {
  instances: InstanceJson[];
  continuationToken?: string;
}

export class DurableApiError extends Error {
  override name = 'DurableApiError';
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export class DurableApi {
  /** `baseUrl` ends with `/` and is followed by `instances/...`; `query` holds parameters every call needs. */
  constructor(private readonly baseUrl: string, private readonly query: URLSearchParams) {}

  /** From the durable client input of the invocation (the binding data the extension sends). */
  static fromContext(context: InvocationContext): DurableApi {
    const input = context.options.extraInputs.find((i) => i.type === 'durableClient');
    if (!input) throw new Error('The function has no durableClient input binding.');
    const data = context.extraInputs.get(input) as ClientData | undefined;
    if (data && typeof data.rpcBaseUrl === 'string' && data.rpcBaseUrl !== '') {
      return new DurableApi(data.rpcBaseUrl.endsWith('/') ? data.rpcBaseUrl : `${data.rpcBaseUrl}/`, new URLSearchParams());
    }
    const template = data?.managementUrls?.statusQueryGetUri;
    const id = data?.managementUrls?.id;
    if (typeof template !== 'string' || typeof id !== 'string') {
      throw new Error('The durable client binding data has neither rpcBaseUrl nor management URLs.');
    }
    const url = new URL(template.replace(id, ''));
    const base = url.href.slice(0, url.href.indexOf('/instances/') + 1);
    return new DurableApi(base, url.searchParams);
  }

  /** The instance, or undefined when it does not exist. */
  async status(instanceId: string, options: { history: boolean }): Promise<InstanceJson | undefined> {
    const params = new URLSearchParams(this.query);
    params.set('showInput', 'true');
    if (options.history) {
      params.set('showHistory', 'true');
      params.set('showHistoryOutput', 'true');
    }
    const response = await fetch(`${this.baseUrl}instances/${encodeURIComponent(instanceId)}?${params}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200 && response.status !== 202) {
      throw new DurableApiError(`Durable status query answered ${response.status}.`, response.status);
    }
    return (await response.json()) as InstanceJson;
  }

  async list(query: InstanceQuery): Promise<InstancePage> {
    const params = new URLSearchParams(this.query);
    params.set('showInput', 'true');
    params.set('top', String(query.top));
    if (query.createdTimeFrom) params.set('createdTimeFrom', query.createdTimeFrom.toISOString());
    if (query.createdTimeTo) params.set('createdTimeTo', query.createdTimeTo.toISOString());
    if (query.runtimeStatus && query.runtimeStatus.length > 0) params.set('runtimeStatus', query.runtimeStatus.join(','));
    const headers: Record<string, string> = {};
    if (query.continuationToken) headers['x-ms-continuation-token'] = query.continuationToken;
    const response = await fetch(`${this.baseUrl}instances/?${params}`, { headers });
    if (response.status !== 200) throw new DurableApiError(`Durable instance query answered ${response.status}.`, response.status);
    const instances = (await response.json()) as InstanceJson[];
    const token = response.headers.get('x-ms-continuation-token');
    return token && token !== 'null' ? { instances, continuationToken: token } : { instances };
  }
}

interface ClientData {
  rpcBaseUrl?: unknown;
  managementUrls?: { id?: unknown; statusQueryGetUri?: unknown };
}
