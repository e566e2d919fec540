// Clients of MCP replicas behind a load balancer, as the replica test needs them: each answer carries the
// replica(s) nginx used (its X-Brushwork-Replica header: $upstream_addr), and a call whose answer stream
// breaks (its replica died) fails at once with that error instead of waiting for the request timeout.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const REPLICA_HEADER = 'x-brushwork-replica';

/** "127.0.0.1:4001, 127.0.0.1:4002" → ['127.0.0.1:4001', '127.0.0.1:4002'] (tried in that order). */
export function upstreamsOf(header: string | null | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export interface CallOutcome {
  result?: CallToolResult;
  /** The call failed: what the client reported. */
  error?: string;
  /** The replicas nginx tried for the call's POST, in order; the last one answered. */
  upstreams: string[];
}

export interface BalancedClient {
  /** One tool call; never throws: a failure comes back as `error`. Calls of one client run one at a time. */
  call(name: string, args: Record<string, unknown>): Promise<CallOutcome>;
  close(): Promise<void>;
}

/** True for a POST carrying a JSON-RPC request (not a notification). */
function isRequestPost(init: RequestInit | undefined): boolean {
  if (init?.method !== 'POST' || typeof init.body !== 'string') return false;
  const message = JSON.parse(init.body) as { id?: unknown; method?: unknown };
  return message.id !== undefined && typeof message.method === 'string';
}

export async function connectBalanced(url: string, token: string, name: string): Promise<BalancedClient> {
  let upstreams: string[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (isRequestPost(init)) upstreams = upstreamsOf(response.headers.get(REPLICA_HEADER));
    return response;
  };
  const client = new Client({ name, version: '1.0.0' });
  let current: AbortController | undefined;
  client.onerror = (error) => {
    if (/SSE stream disconnected/.test(error.message))
      current?.abort(new Error(`answer stream broke: ${error.message}`));
  };
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      fetch: recording,
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return {
    call: async (tool, args) => {
      current = new AbortController();
      upstreams = [];
      try {
        const result = (await client.callTool({ name: tool, arguments: args }, undefined, {
          signal: current.signal,
        })) as CallToolResult;
        return { result, upstreams };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error), upstreams };
      } finally {
        current = undefined;
      }
    },
    close: () => client.close(),
  };
}

export interface RpcAnswer {
  status: number;
  /** The JSON-RPC response, when one arrived. */
  message?: { result?: unknown; error?: { message: string } };
  /** The replicas nginx tried, in order; the last one answered. */
  upstreams: string[];
}

/**
 * One JSON-RPC request as a bare POST: stateless replicas need no initialize first. Returns the
 * response message (from the event stream) and the replica nginx used.
 */
export async function rpc(
  url: string,
  token: string,
  method: string,
  params: Record<string, unknown>,
): Promise<RpcAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const text = await response.text();
  const data = text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as { id?: unknown })
    .find((message) => message.id === 1);
  return {
    status: response.status,
    ...(data ? { message: data as RpcAnswer['message'] } : {}),
    upstreams: upstreamsOf(response.headers.get(REPLICA_HEADER)),
  };
}
