// Shared by the HTTP transport tests: a tiny MCP server, HTTP options, raw POSTs.
import { request } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
  DEFAULT_HTTP_CLIENT_SESSIONS,
  DEFAULT_HTTP_IDLE_SECONDS,
  DEFAULT_HTTP_MAX_SESSIONS,
  type HttpOptions,
} from '../src/config.js';
import type { HttpServerHandle } from '../src/http.js';

export function tinyServer(): McpServer {
  const server = new McpServer({ name: 'tiny', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
}

export const options = (extra: Partial<HttpOptions> = {}): HttpOptions => ({
  port: 0,
  host: '127.0.0.1',
  allowedOrigins: [],
  allowedHosts: [],
  maxSessions: DEFAULT_HTTP_MAX_SESSIONS,
  maxSessionsPerClient: DEFAULT_HTTP_CLIENT_SESSIONS,
  sessionIdleMs: DEFAULT_HTTP_IDLE_SECONDS * 1000,
  stateless: false,
  ...extra,
});

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});

export const PING = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw POST (node:http lets a test set Host and Origin as an attacker would), to a server on loopback. */
export function post(
  handle: Pick<HttpServerHandle, 'port'>,
  headers: Record<string, string>,
  body = INITIALIZE,
  path = '/mcp',
  localAddress?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: handle.port,
        path,
        ...(localAddress ? { localAddress } : {}),
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
