/** What the HTTP front (http.ts) and its two MCP endpoints (sessions, stateless) share. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An MCP endpoint behind the gates: answers requests, counts what it holds, lets go of everything. */
export interface McpEndpoint {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Sessions open (always 0 without sessions). */
  sessionCount(): number;
  /** Sessions answering a POST right now (always 0 without sessions). */
  busySessionCount(): number;
  /** Closes the sessions idle longer than the idle limit. */
  reapIdle(): Promise<void>;
  /** Ends every MCP server it holds (calls in flight are aborted). */
  close(): Promise<void>;
}

/** A JSON-RPC error answer with an HTTP status (nothing from the request is echoed). */
export function refuse(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}
