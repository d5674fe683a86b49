// The host's node:http server: mounted path handlers first (the Durable HTTP API, pages), then the app's
// HTTP triggers. Keep-alive stays on; close() ends idle and active connections so the port is freed at once.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostLogger } from '../log.js';
import type { HttpTriggers } from './httpTriggers.js';

/** A handler for every path under `prefix` (e.g. `/runtime/webhooks/durabletask/`). */
export interface Mount {
  prefix: string;
  /** `subPath` is the rest of the path after the prefix, still URL-encoded, without the query string. */
  handle(req: IncomingMessage, res: ServerResponse, subPath: string): Promise<void>;
}

export interface HostServerOptions {
  mounts: Mount[];
  triggers: HttpTriggers;
  logger: HostLogger;
}

export interface HostServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on the loopback interface (`port` 0 picks a free port). Mounts are tried in order. */
export async function listen(options: HostServerOptions, port: number): Promise<HostServer> {
  const mounts = options.mounts.map(normalizeMount);
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    void dispatch(req, res).catch((err: unknown) => {
      options.logger.error(`HTTP ${req.method ?? ''} ${pathOnly(req.url)} failed: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-length', '0');
        res.end();
      } else {
        res.destroy();
      }
    });
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host ?? `127.0.0.1:${port}`}`);
    } catch {
      res.writeHead(400, { 'content-length': '0' }).end(); // a Host header or target no URL can be made of
      return;
    }
    const lowerPath = url.pathname.toLowerCase();
    for (const mount of mounts) {
      if (lowerPath.startsWith(mount.prefix) || lowerPath === mount.prefix.slice(0, -1)) {
        await mount.handle(req, res, url.pathname.slice(mount.prefix.length));
        return;
      }
    }
    await options.triggers.handle(req, res, url);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`Port ${port} on 127.0.0.1 is already in use; choose another port.`) : err);
    });
    server.listen(port, '127.0.0.1', () => {
      server.removeAllListeners('error');
      server.on('error', (err) => options.logger.error(`HTTP server: ${err.message}`));
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    port: actualPort,
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function normalizeMount(mount: Mount): Mount {
  const prefix = `/${mount.prefix.replace(/^\/+|\/+$/g, '')}/`.toLowerCase();
  return { prefix, handle: (req, res, subPath) => mount.handle(req, res, subPath) };
}

function pathOnly(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}
