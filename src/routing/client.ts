// One durable client per client binding, instead of df.getClient(context) per invocation: the client holds
// no per-invocation state, and building one (an axios instance, URL validation of every management link,
// cloning the binding data) cost about as much as a status check. The binding data is the cache key, so
// another task hub, base URL or key gets its own client.
//
// When the client talks to the extension's loopback endpoint (rpcBaseUrl, as durable-functions 3.x does in
// Azure and on the local host), its axios instance is told not to follow redirects and not to use a proxy
// (that endpoint never redirects and cannot be reached through a proxy), and to send the JSON text the client
// already made as it is (axios would parse it again to check it is JSON: the whole incident, per start).
// Skipping follow-redirects, the proxy-environment lookups and that parse takes about a quarter off the
// client's CPU per call; the profile of `npm run bench -- intake` shows what is left.
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';

const clients = new Map<string, DurableClient>();
const MAX_CLIENTS = 16;

export function durableClient(context: InvocationContext): DurableClient {
  const input = context.options.extraInputs.find((i) => i.type === 'durableClient' || i.type === 'orchestrationClient');
  const data: unknown = input ? context.extraInputs.get(input) : undefined;
  if (data === undefined || data === null) return df.getClient(context); // it explains what is missing
  const key = typeof data === 'string' ? data : JSON.stringify(data);
  let client = clients.get(key);
  if (!client) {
    client = df.getClient(context);
    // Where the platform gives no host name, getClient points the links at localhost:7071 (a copy of the data):
    // such a client is not kept, so the library decides again on every invocation, as it would without the cache.
    if ((client as unknown as ClientInternals).clientData !== data) return client;
    tuneLoopbackTransport(client);
    if (clients.size >= MAX_CLIENTS) clients.clear();
    clients.set(key, client);
  }
  return client;
}

/** What durable-functions 3.5 keeps on its client (not in its typings): the binding data and its axios instance. */
interface ClientInternals {
  clientData?: { rpcBaseUrl?: unknown };
  axiosInstance?: { defaults?: { maxRedirects?: number; proxy?: unknown; transformRequest?: unknown } };
}

type Transform = (this: unknown, data: unknown, headers: unknown) => unknown;

/** True when the client's calls go straight to the loopback endpoint and the transport was tuned for it. */
export function tuneLoopbackTransport(client: DurableClient): boolean {
  const internals = client as unknown as ClientInternals;
  const defaults = internals.axiosInstance?.defaults;
  const transforms = defaults?.transformRequest;
  if (!defaults || !isLoopback(internals.clientData?.rpcBaseUrl)) return false;
  defaults.maxRedirects = 0;
  defaults.proxy = false;
  if (Array.isArray(transforms) && transforms.length === 1 && typeof transforms[0] === 'function') {
    const transform = transforms[0] as Transform;
    // Every body the client posts is JSON.stringify output (no surrounding blanks to trim); an empty body still
    // goes through axios, which sends it as "".
    defaults.transformRequest = [
      function (this: unknown, data: unknown, headers: unknown): unknown {
        return typeof data === 'string' && data !== '' ? data : transform.call(this, data, headers);
      },
    ];
  }
  return true;
}

function isLoopback(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}
