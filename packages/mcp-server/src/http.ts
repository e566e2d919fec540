/**
 * Streamable HTTP transport on node:http. Every request passes three gates before the MCP endpoint
 * sees it: Host (DNS rebinding: 403), Origin (browsers on other sites: 403), bearer token when one is
 * configured (401, constant-time compare). Then one of two endpoints answers: sessions (the default,
 * http-sessions.ts) or, with --stateless, a fresh server per request (http-stateless.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type HttpOptions, isLoopback } from './config.js';
import { type McpEndpoint, refuse } from './http-answers.js';
import { createSessionEndpoint } from './http-sessions.js';
import { createStatelessEndpoint } from './http-stateless.js';

export const MCP_PATH = '/mcp';

export interface HttpServerHandle {
  url: string;
  port: number;
  host: string;
  server: Server;
  sessionCount(): number;
  /** Sessions answering a POST right now. */
  busySessionCount(): number;
  /** Closes the sessions idle longer than the idle limit (also done every minute or sooner). */
  reapIdle(): Promise<void>;
  close(): Promise<void>;
}

/** The hostname part of a Host header ("[::1]:3000" → "::1", "Example.com:80" → "example.com"). */
export function hostnameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(1, end);
  }
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Host headers we answer: loopback names, the bound address (unless a wildcard), and configured extras. */
export function isAllowedHost(
  hostHeader: string | undefined,
  options: Pick<HttpOptions, 'host' | 'allowedHosts'>,
): boolean {
  if (!hostHeader) return false;
  const name = hostnameOf(hostHeader);
  if (isLoopback(name)) return true;
  const bound = options.host.toLowerCase().replace(/^\[|\]$/g, '');
  if (!WILDCARD_HOSTS.has(bound) && name === bound) return true;
  return options.allowedHosts.some(
    (allowed) => hostnameOf(allowed) === name || allowed.toLowerCase() === hostHeader.toLowerCase(),
  );
}

/**
 * Origins we accept: none at all (non-browser clients send no Origin), loopback origins, and configured
 * extras (exact match, e.g. https://app.example.com). "null" (sandboxed frames, file://) is refused.
 */
export function isAllowedOrigin(origin: string | undefined, options: Pick<HttpOptions, 'allowedOrigins'>): boolean {
  if (origin === undefined) return true;
  const normalized = origin.trim().toLowerCase().replace(/\/+$/, '');
  if (options.allowedOrigins.some((allowed) => allowed.trim().toLowerCase().replace(/\/+$/, '') === normalized)) {
    return true;
  }
  let url: URL;
  try {
    url = new URL(normalized);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname.replace(/^\[|\]$/g, ''));
}

/** Constant-time check of "Authorization: Bearer <token>" (digests make the lengths equal). */
export function hasBearerToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  const given = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null;
}

/**
 * Starts the HTTP server. `createMcpServer` is called once per session (once per request when
 * stateless). `log` writes to stderr. `clock.now` (ms) is for tests.
 */
export async function startHttpServer(
  options: HttpOptions,
  createMcpServer: () => McpServer,
  log: (line: string) => void = () => {},
  clock: { now?: () => number } = {},
): Promise<HttpServerHandle> {
  const endpoint: McpEndpoint = options.stateless
    ? createStatelessEndpoint(createMcpServer, log)
    : createSessionEndpoint(options, createMcpServer, clock.now ?? Date.now);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isAllowedHost(req.headers.host, options)) {
      refuse(res, 403, 'Forbidden: Host not allowed (add it with --allowed-host)');
      return;
    }
    if (!isAllowedOrigin(req.headers.origin, options)) {
      refuse(res, 403, 'Forbidden: Origin not allowed (add it with --allowed-origin)');
      return;
    }
    if (options.token !== undefined && !hasBearerToken(req.headers.authorization, options.token)) {
      refuse(res, 401, 'Unauthorized: send Authorization: Bearer <BRUSHWORK_HTTP_TOKEN>', {
        'www-authenticate': 'Bearer realm="brushwork-mcp"',
      });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== MCP_PATH) {
      refuse(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);
      return;
    }
    await endpoint.handle(req, res);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`brushwork-mcp: HTTP request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) refuse(res, 500, 'Internal server error');
      else res.end();
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolvePromise();
    });
  });
  const address = http.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${MCP_PATH}`,
    port: address.port,
    host: address.address,
    server: http,
    sessionCount: endpoint.sessionCount,
    busySessionCount: endpoint.busySessionCount,
    reapIdle: endpoint.reapIdle,
    close: async () => {
      await endpoint.close();
      http.closeAllConnections();
      await new Promise<void>((resolvePromise) => http.close(() => resolvePromise()));
    },
  };
}
