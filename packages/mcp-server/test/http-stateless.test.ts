// Stateless Streamable HTTP (--stateless, issue 11): no session in the process, so consecutive requests
// of one client may go to different servers; the gates are the same; a call ends when its connection
// closes; progress still travels in the request's own event stream.
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpServerHandle, startHttpServer } from '../src/http.js';
import { options, post, tinyServer } from './http-helpers.js';

const stateless = (extra = {}) => options({ stateless: true, ...extra });

const handles: HttpServerHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

async function start(createServer: () => McpServer = tinyServer, extra = {}): Promise<HttpServerHandle> {
  const handle = await startHttpServer(stateless(extra), createServer);
  handles.push(handle);
  return handle;
}

const CALL_ECHO = JSON.stringify({
  jsonrpc: '2.0',
  id: 7,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text: 'no session needed' } },
});

describe('stateless HTTP', () => {
  it('answers without a session id and keeps nothing; a bare tools/call works without initialize', async () => {
    const h = await start();
    const init = await post(h, {});
    expect(init.status).toBe(200);
    expect(init.headers['mcp-session-id']).toBeUndefined();
    const call = await post(h, { 'mcp-protocol-version': '2025-06-18' }, CALL_ECHO);
    expect(call.status).toBe(200);
    expect(call.body).toContain('no session needed');
    expect(h.sessionCount()).toBe(0);
  });

  it('serves one client whose requests alternate between two servers (any replica, any request)', async () => {
    const replicas = [await start(), await start()];
    const served: number[] = [];
    let next = 0;
    const alternate: typeof fetch = (input, init) => {
      const i = next++ % 2;
      served.push(i);
      const url = new URL(String(input instanceof Request ? input.url : input));
      url.port = String(replicas[i]!.port);
      return fetch(url, init);
    };
    const client = new Client({ name: 'roaming', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(replicas[0]!.url), { fetch: alternate }));
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await client.callTool({ name: 'echo', arguments: { text: `hi ${i}` } }));
    await client.close();
    expect(results.map((r) => (r.content as { text: string }[])[0]!.text)).toEqual(['hi 0', 'hi 1', 'hi 2', 'hi 3']);
    expect(new Set(served)).toEqual(new Set([0, 1]));
  });

  it('answers GET and DELETE with 405: there is no session stream to open or end', async () => {
    const h = await start();
    const get = await fetch(h.url, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(h.url, { method: 'DELETE' })).status).toBe(405);
  });

  it('keeps the Origin, Host and token gates', async () => {
    const h = await start(tinyServer, { token: 'tok-abc-123' });
    const auth = { authorization: 'Bearer tok-abc-123' };
    expect((await post(h, { ...auth, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(h, { ...auth, host: `rebind.evil.example:${h.port}` })).status).toBe(403);
    expect((await post(h, {})).status).toBe(401);
    expect((await post(h, { authorization: 'Bearer wrong' }, CALL_ECHO)).status).toBe(401);
    expect((await post(h, auth)).status).toBe(200);
  });

  it('aborts the call when the client closes the connection before the answer', async () => {
    let started: () => void = () => {};
    const callStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    let aborted: (reason: unknown) => void = () => {};
    const callAborted = new Promise<unknown>((resolve) => {
      aborted = resolve;
    });
    const h = await start(() => {
      const server = tinyServer();
      server.registerTool('wait', { inputSchema: {} }, (_args, extra) => {
        started();
        return new Promise((resolve) => {
          extra.signal.addEventListener('abort', () => {
            aborted(extra.signal.reason);
            resolve({ content: [{ type: 'text', text: 'too late' }] });
          });
        });
      });
      return server;
    });
    const req = request({
      host: '127.0.0.1',
      port: h.port,
      path: '/mcp',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
    });
    req.on('error', () => {});
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'wait', arguments: {} } }));
    await callStarted;
    req.destroy();
    await callAborted;
    // the server still answers the next request
    expect((await post(h, {})).status).toBe(200);
  });

  it('sends progress notifications inside the request’s own event stream', async () => {
    const h = await start(() => {
      const server = tinyServer();
      server.registerTool('steps', { inputSchema: {} }, async (_args, extra) => {
        const progressToken = extra._meta?.progressToken;
        if (progressToken !== undefined) {
          for (const progress of [1, 2, 3]) {
            await extra.sendNotification({
              method: 'notifications/progress',
              params: { progressToken, progress, total: 3, message: `step ${progress}` },
            });
          }
        }
        return { content: [{ type: 'text', text: 'done' }] };
      });
      return server;
    });
    const client = new Client({ name: 'progress', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(h.url)));
    const seen: Progress[] = [];
    const result = await client.callTool({ name: 'steps', arguments: {} }, undefined, {
      onprogress: (p) => seen.push(p),
    });
    await client.close();
    expect((result.content as { text: string }[])[0]!.text).toBe('done');
    expect(seen.map((p) => p.message)).toEqual(['step 1', 'step 2', 'step 3']);
  });

  it('closes the servers of calls in flight when it stops', async () => {
    let aborted: () => void = () => {};
    const callAborted = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    let started: () => void = () => {};
    const callStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const h = await startHttpServer(stateless(), () => {
      const server = tinyServer();
      server.registerTool('wait', { inputSchema: {} }, (_args, extra) => {
        started();
        return new Promise((resolve) => {
          extra.signal.addEventListener('abort', () => {
            aborted();
            resolve({ content: [] });
          });
        });
      });
      return server;
    });
    const pending = post(
      h,
      { 'mcp-protocol-version': '2025-06-18' },
      JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'wait', arguments: {} } }),
    ).catch(() => undefined);
    await callStarted;
    await h.close();
    await callAborted;
    expect(await pending).toBeDefined();
  });
});
