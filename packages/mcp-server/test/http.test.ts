import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import {
  type HttpServerHandle,
  hasBearerToken,
  hostnameOf,
  isAllowedHost,
  isAllowedOrigin,
  startHttpServer,
} from '../src/http.js';
import { INITIALIZE, options, PING, post, tinyServer } from './http-helpers.js';

let handle: HttpServerHandle | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

describe('gate functions', () => {
  it('reads hostnames from Host headers', () => {
    expect(hostnameOf('Example.COM:8080')).toBe('example.com');
    expect(hostnameOf('[::1]:3000')).toBe('::1');
    expect(hostnameOf('localhost')).toBe('localhost');
  });

  it('allows loopback hosts, the bound host and configured extras only', () => {
    const o = { host: '127.0.0.1', allowedHosts: ['box.lan'] };
    expect(isAllowedHost('127.0.0.1:3917', o)).toBe(true);
    expect(isAllowedHost('localhost:3917', o)).toBe(true);
    expect(isAllowedHost('[::1]:3917', o)).toBe(true);
    expect(isAllowedHost('box.lan:3917', o)).toBe(true);
    expect(isAllowedHost('evil.example:3917', o)).toBe(false);
    expect(isAllowedHost(undefined, o)).toBe(false);
    expect(isAllowedHost('192.168.1.5:80', { host: '192.168.1.5', allowedHosts: [] })).toBe(true);
    expect(isAllowedHost('0.0.0.0:80', { host: '0.0.0.0', allowedHosts: [] })).toBe(false);
  });

  it('allows no Origin, loopback origins and configured origins only', () => {
    const o = { allowedOrigins: ['https://app.example.com'] };
    expect(isAllowedOrigin(undefined, o)).toBe(true);
    expect(isAllowedOrigin('http://localhost:6274', o)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1', o)).toBe(true);
    expect(isAllowedOrigin('https://app.example.com/', o)).toBe(true);
    expect(isAllowedOrigin('https://evil.example', o)).toBe(false);
    expect(isAllowedOrigin('null', o)).toBe(false);
    expect(isAllowedOrigin('http://localhost.evil.example', o)).toBe(false);
  });

  it('checks bearer tokens exactly', () => {
    expect(hasBearerToken('Bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(hasBearerToken('bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(hasBearerToken('Bearer s3cret-toke', 's3cret-token')).toBe(false);
    expect(hasBearerToken('s3cret-token', 's3cret-token')).toBe(false);
    expect(hasBearerToken(undefined, 's3cret-token')).toBe(false);
    expect(hasBearerToken('Bearer ', 's3cret-token')).toBe(false);
  });
});

describe('HTTP server', () => {
  it('binds 127.0.0.1 by default and serves a full MCP session', async () => {
    const outcome = parseConfig({}, ['--http', '--port', '0'], { cwd: '/', homedir: '/tmp' });
    if (outcome.kind !== 'config') throw new Error('config expected');
    handle = await startHttpServer(outcome.config.http, tinyServer);
    expect(handle.host).toBe('127.0.0.1');
    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(handle.url)));
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(handle.sessionCount()).toBe(1);
    await client.close();
  });

  it('refuses a foreign Origin with 403 before anything else', async () => {
    handle = await startHttpServer(options({ token: 'tok-abc-123' }), tinyServer);
    const answer = await post(handle, { origin: 'https://evil.example', authorization: 'Bearer tok-abc-123' });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/Origin not allowed/);
    expect(handle.sessionCount()).toBe(0);
  });

  it('refuses a wrong Host with 403 (DNS rebinding)', async () => {
    handle = await startHttpServer(options(), tinyServer);
    const answer = await post(handle, { host: `rebind.evil.example:${handle.port}` });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/Host not allowed/);
  });

  it('requires the bearer token when one is configured (401), and accepts it', async () => {
    handle = await startHttpServer(options({ token: 'tok-abc-123' }), tinyServer);
    const missing = await post(handle, {});
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(missing.body).not.toContain('tok-abc-123');
    const wrong = await post(handle, { authorization: 'Bearer tok-abc-124' });
    expect(wrong.status).toBe(401);
    const right = await post(handle, { authorization: 'Bearer tok-abc-123', origin: 'http://localhost:6274' });
    expect(right.status).toBe(200);
    expect(right.headers['mcp-session-id']).toBeTruthy();

    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(handle.url), {
        requestInit: { headers: { authorization: 'Bearer tok-abc-123' } },
      }),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    await client.close();
  });

  it('answers 404 off the MCP path and for unknown sessions; keeps no session for non-initialize calls', async () => {
    handle = await startHttpServer(options(), tinyServer);
    expect((await post(handle, {}, INITIALIZE, '/other')).status).toBe(404);
    expect((await post(handle, { 'mcp-session-id': 'nope' })).status).toBe(404);
    const stray = await post(handle, {}, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));
    expect(stray.status).toBe(400);
    expect(handle.sessionCount()).toBe(0);
  });
});

describe('sessions under a flood (issue 14, finding 2)', () => {
  async function echoClient(h: HttpServerHandle): Promise<string> {
    const client = new Client({ name: 'legit', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(h.url)));
    const result = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    await client.close();
    return (result.content as { text: string }[])[0]!.text;
  }

  it('70 initialize requests from one client do not lock out another client', async () => {
    handle = await startHttpServer(options(), tinyServer);
    const h = handle;
    const flood = await Promise.all(
      Array.from({ length: 70 }, () => post(h, {}, INITIALIZE, '/mcp', '127.0.0.2').then((a) => a.status)),
    );
    expect(flood.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(await echoClient(h)).toBe('still here');
  });

  it('a flood from the same address as the client does not lock it out either', async () => {
    handle = await startHttpServer(options(), tinyServer);
    const h = handle;
    for (let i = 0; i < 70; i++) await post(h, {});
    expect(h.sessionCount()).toBeLessThanOrEqual(64);
    expect(await echoClient(h)).toBe('still here');
  });

  it('bounds the sessions one client holds: its oldest idle one makes room', async () => {
    handle = await startHttpServer(options({ maxSessionsPerClient: 4 }), tinyServer);
    const h = handle;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await post(h, {}, INITIALIZE, '/mcp', '127.0.0.2');
      expect(answer.status).toBe(200);
      ids.push(String(answer.headers['mcp-session-id']));
    }
    expect(h.sessionCount()).toBe(4);
    // the first sessions were evicted, the newest still answer
    expect((await post(h, { 'mcp-session-id': ids[0]! }, PING, '/mcp', '127.0.0.2')).status).toBe(404);
    expect(
      (await post(h, { 'mcp-session-id': ids[9]!, 'mcp-protocol-version': '2025-06-18' }, PING, '/mcp', '127.0.0.2'))
        .status,
    ).toBe(200);
    expect(await echoClient(h)).toBe('still here');
  });

  it('never evicts a session while it is in use; refuses (503) only when every session is busy', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowServer = () => {
      const server = tinyServer();
      server.registerTool('wait', { inputSchema: {} }, async () => {
        await gate;
        return { content: [{ type: 'text', text: 'done' }] };
      });
      return server;
    };
    handle = await startHttpServer(options({ maxSessions: 2 }), slowServer);
    const h = handle;
    const busy = [new Client({ name: 'a', version: '1' }), new Client({ name: 'b', version: '1' })];
    for (const client of busy) await client.connect(new StreamableHTTPClientTransport(new URL(h.url)));
    const calls = busy.map((client) => client.callTool({ name: 'wait', arguments: {} }));
    // both sessions are in use: a third client is refused rather than breaking a running call
    for (let i = 0; i < 50 && h.busySessionCount() < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(h.busySessionCount()).toBe(2);
    expect((await post(h, {})).status).toBe(503);
    release();
    expect((await Promise.all(calls)).map((r) => (r.content as { text: string }[])[0]!.text)).toEqual(['done', 'done']);
    // idle now: the next client takes the oldest idle session's place
    expect(await echoClient(h)).toBe('still here');
    for (const client of busy) await client.close();
  });

  it('reaps sessions idle longer than the idle limit', async () => {
    let now = 1_000_000;
    handle = await startHttpServer(options({ sessionIdleMs: 60_000 }), tinyServer, () => {}, { now: () => now });
    const h = handle;
    await post(h, {});
    await post(h, {});
    expect(h.sessionCount()).toBe(2);
    now += 59_000;
    await h.reapIdle();
    expect(h.sessionCount()).toBe(2);
    now += 2_000;
    await h.reapIdle();
    expect(h.sessionCount()).toBe(0);
  });
});
