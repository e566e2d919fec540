/**
 * Streamable HTTP transport on node:http. Every request passes three gates before the MCP transport
 * sees it: Host (DNS rebinding: 403), Origin (browsers on other sites: 403), bearer token when one is
 * configured (401, constant-time compare).
 *
 * Sessions, not stateless: a client's notifications/cancelled arrives as its own POST, and only the
 * McpServer that runs the call can abort it; progress notifications also belong to that server. Each
 * session has its own McpServer; sessions end on DELETE, on transport close, or after an idle timeout.
 *
 * Nobody can hold every session: a client (its address) has at most `maxSessionsPerClient`, and a new
 * session takes the place of the oldest idle one (the client's own when it is at its limit) instead of
 * being refused. A session is in use only while one of its POSTs is being answered (an open GET event
 * stream does not count); only when every candidate is in use is a new one refused (503).
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type HttpOptions, isLoopback } from './config.js';

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

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** The client's address. */
  client: string;
  /** POSTs being answered now. */
  inUse: number;
  /** When a request last began or ended. */
  lastUsed: number;
}

/**
 * Starts the HTTP server. `createMcpServer` is called once per session. `log` writes to stderr.
 * `clock.now` (ms) is for tests.
 */
export async function startHttpServer(
  options: HttpOptions,
  createMcpServer: () => McpServer,
  log: (line: string) => void = () => {},
  clock: { now?: () => number } = {},
): Promise<HttpServerHandle> {
  const now = clock.now ?? Date.now;
  const sessions = new Map<string, Session>();

  /** Forgets the session at once (synchronously), then closes its server. */
  const closeSession = async (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    await session.server.close().catch(() => {});
  };

  /** Marks a session used by this request; a POST keeps it in use until its answer is done. */
  const use = (session: Session, req: IncomingMessage, res: ServerResponse) => {
    session.lastUsed = now();
    if (req.method !== 'POST') return;
    session.inUse++;
    res.once('close', () => {
      session.inUse--;
      session.lastUsed = now();
    });
  };

  /** The oldest session that is not in use, among `entries`. */
  const oldestIdle = (entries: [string, Session][]): string | undefined =>
    entries.filter(([, s]) => s.inUse === 0).sort(([, a], [, b]) => a.lastUsed - b.lastUsed)[0]?.[0];

  /**
   * Room for one more session of `client`: its own oldest idle session goes when it is at its limit,
   * else the oldest idle one overall when the server is full. False when every candidate is in use.
   */
  const makeRoom = (client: string): boolean => {
    const own = [...sessions].filter(([, s]) => s.client === client);
    const ownFull = own.length >= options.maxSessionsPerClient;
    if (!ownFull && sessions.size < options.maxSessions) return true;
    const victim = oldestIdle(ownFull ? own : [...sessions]);
    if (victim === undefined) return false;
    void closeSession(victim);
    return true;
  };

  const reapIdle = async () => {
    const cutoff = now() - options.sessionIdleMs;
    const idle = [...sessions].filter(([, s]) => s.inUse === 0 && s.lastUsed < cutoff).map(([id]) => id);
    await Promise.all(idle.map(closeSession));
  };

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

    const sessionHeader = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(sessionHeader) ? sessionHeader[0] : sessionHeader;
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) {
        refuse(res, 404, 'Session not found: initialize a new session');
        return;
      }
      use(session, req, res);
      await session.transport.handleRequest(req, res);
      return;
    }
    if (req.method !== 'POST') {
      refuse(res, 400, 'Bad request: start a session with an initialize POST');
      return;
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    if (!makeRoom(client)) {
      refuse(res, 503, 'Every session is busy answering a call; retry shortly', { 'retry-after': '5' });
      return;
    }
    // A POST without a session: the transport accepts only an initialize here. The session holds its
    // place from now on (so a burst of initializes cannot overshoot the limits) and is dropped again
    // when no session was initialized.
    const id = randomUUID();
    const server = createMcpServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      onsessionclosed: (closed) => {
        void closeSession(closed);
      },
    });
    const session: Session = { transport, server, client, inUse: 0, lastUsed: now() };
    sessions.set(id, session);
    transport.onclose = () => {
      if (sessions.get(id) === session) sessions.delete(id);
    };
    use(session, req, res);
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } finally {
      if (transport.sessionId !== id) await closeSession(id);
    }
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`brushwork-mcp: HTTP request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) refuse(res, 500, 'Internal server error');
      else res.end();
    });
  });

  const sweep = setInterval(
    () => {
      void reapIdle();
    },
    Math.max(1000, Math.min(60_000, options.sessionIdleMs / 2)),
  );
  sweep.unref();

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
    sessionCount: () => sessions.size,
    busySessionCount: () => [...sessions.values()].filter((s) => s.inUse > 0).length,
    reapIdle,
    close: async () => {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map((id) => closeSession(id)));
      http.closeAllConnections();
      await new Promise<void>((resolvePromise) => http.close(() => resolvePromise()));
    },
  };
}
