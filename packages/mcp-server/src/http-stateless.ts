/**
 * Stateless Streamable HTTP (--stateless): no session lives in the process. Every POST gets a fresh MCP
 * server and transport (the SDK's stateless mode, `sessionIdGenerator: undefined`) that end with its
 * answer, so any replica behind a load balancer can serve any request. Saved images are read from the
 * output directory, which the replicas share.
 *
 * Cancellation is the request's connection: when it closes before the answer is complete (the client
 * gave up, or the load balancer dropped it), that request's server is closed, which aborts the call
 * running in it; the core aborts the upstream request and a save in progress removes its files.
 * notifications/cancelled cannot work here: it arrives as a POST of its own, to a fresh server (maybe
 * on another replica) that knows nothing of the call.
 *
 * What needs a session is gone: GET (the server's own event stream) and DELETE answer 405, so nothing
 * reaches a client outside the answer to one of its requests (list-changed notifications are dropped).
 * Progress notifications still work: they travel in the POST's own event stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type McpEndpoint, refuse } from './http-answers.js';

/** The MCP endpoint without sessions: answers requests that passed the gates (http.ts). */
export function createStatelessEndpoint(
  createMcpServer: () => McpServer,
  log: (line: string) => void = () => {},
): McpEndpoint {
  /** The servers answering a request right now. */
  const live = new Set<McpServer>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      refuse(res, 405, 'Method not allowed: this server is stateless (--stateless); send each message as a POST', {
        allow: 'POST',
      });
      return;
    }
    const server = createMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    live.add(server);
    res.once('close', () => {
      live.delete(server);
      if (!res.writableFinished) {
        log('brushwork-mcp: the client closed the connection before the answer was complete; call aborted');
      }
      void server.close().catch(() => {});
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };

  return {
    handle,
    sessionCount: () => 0,
    busySessionCount: () => 0,
    reapIdle: async () => {},
    close: async () => {
      await Promise.all([...live].map((server) => server.close().catch(() => {})));
      live.clear();
    },
  };
}
