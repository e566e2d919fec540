/**
 * Stateful Streamable HTTP: one MCP server per session, the default for a single process.
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
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { HttpOptions } from './config.js';
import { type McpEndpoint, refuse } from './http-answers.js';

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

/** The MCP endpoint with sessions: answers requests that passed the gates (http.ts). */
export function createSessionEndpoint(
  options: Pick<HttpOptions, 'maxSessions' | 'maxSessionsPerClient' | 'sessionIdleMs'>,
  createMcpServer: () => McpServer,
  now: () => number,
): McpEndpoint {
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

  const sweep = setInterval(
    () => {
      void reapIdle();
    },
    Math.max(1000, Math.min(60_000, options.sessionIdleMs / 2)),
  );
  sweep.unref();

  return {
    handle,
    sessionCount: () => sessions.size,
    busySessionCount: () => [...sessions.values()].filter((s) => s.inUse > 0).length,
    reapIdle,
    close: async () => {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map((id) => closeSession(id)));
    },
  };
}
