import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors/image-error.js';
import { createFetchTransport } from '../src/transport/fetch.js';
import { createGotTransport } from '../src/transport/got.js';
import type { HttpRequest, Transport } from '../src/types.js';

let server: http.Server;
let base: string;
const sockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      if (path === '/echo') {
        res.writeHead(418, [
          ['content-type', 'application/json'],
          ['x-multi', 'a'],
          ['x-multi', 'b'],
          ['X-Request-Id', 'req-1'],
        ]);
        res.end(JSON.stringify({ method: req.method, headers: req.headers, body: body.toString('base64') }));
      } else if (path === '/redirect') {
        res.writeHead(302, { location: '/echo' });
        res.end();
      } else if (path === '/hang') {
        // never answers
      } else if (path === '/slow-body') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
      } else if (path === '/reset') {
        req.socket.destroy();
      } else if (path === '/truncated') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('only a little');
        setTimeout(() => req.socket.destroy(), 5);
      } else if (path === '/big') {
        res.writeHead(200, { 'content-length': String(50_000) });
        res.end(Buffer.alloc(50_000, 1));
      } else if (path === '/big-chunked') {
        res.writeHead(200);
        for (let i = 0; i < 50; i++) res.write(Buffer.alloc(1000, 2));
        res.end();
      } else if (path === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
        res.end(gzipSync(Buffer.from('{"ok":true}')));
      } else if (path === '/sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        setTimeout(() => {
          res.write('data: 2\n\n');
          res.end();
        }, 10);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  server.close();
});

function req(path: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url: `${base}${path}`, headers: {}, timeoutMs: 5_000, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    const response = await promise;
    const chunks = (response as { chunks?: AsyncIterable<Uint8Array> }).chunks;
    if (chunks) for await (const _ of chunks);
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected a TransportError');
}

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString();

describe.each([
  ['got', () => createGotTransport()],
  ['fetch', () => createFetchTransport()],
] as [string, () => Transport][])('%s transport', (_name, make) => {
  const transport = make();

  it('sends method, headers and body; any status is a response; headers lower-case and joined', async () => {
    const body = new Uint8Array([0, 1, 2, 250, 251]);
    const response = await transport(
      req('/echo', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-custom': 'v' }, body }),
    );
    expect(response.status).toBe(418);
    expect(response.headers['x-multi']).toBe('a, b');
    expect(response.headers['x-request-id']).toBe('req-1');
    const echoed = JSON.parse(text(response.body));
    expect(echoed.method).toBe('POST');
    expect(echoed.headers['x-custom']).toBe('v');
    expect(echoed.headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.from(echoed.body, 'base64').equals(Buffer.from(body))).toBe(true);
  });

  it('sends a string body as is', async () => {
    const response = await transport(
      req('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' }),
    );
    expect(Buffer.from(JSON.parse(text(response.body)).body, 'base64').toString()).toBe('{"a":"é"}');
  });

  it('does not follow redirects', async () => {
    const response = await transport(req('/redirect'));
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/echo');
  });

  it('decompresses gzip', async () => {
    const response = await transport(req('/gzip'));
    expect(text(response.body)).toBe('{"ok":true}');
  });

  it('times out a hanging request', async () => {
    const error = await failure(transport(req('/hang', { timeoutMs: 150 })));
    expect(error.kind).toBe('timeout');
  });

  it('times out a body that stops arriving', async () => {
    const error = await failure(transport(req('/slow-body', { timeoutMs: 150 })));
    expect(error.kind).toBe('timeout');
  });

  it('reports a reset connection as a network error', async () => {
    const error = await failure(transport(req('/reset')));
    expect(error.kind).toBe('network');
  });

  it('reports a truncated body as a network error', async () => {
    const error = await failure(transport(req('/truncated')));
    expect(error.kind).toBe('network');
  });

  it('reports a refused connection with its code', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const error = await failure(transport({ ...req('/'), url: `http://127.0.0.1:${port}/` }));
    expect(error.kind).toBe('network');
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('cancels on abort, mid-request and before sending', async () => {
    const controller = new AbortController();
    const pending = transport(req('/hang', { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    expect((await failure(pending)).kind).toBe('cancelled');
    expect((await failure(transport(req('/echo', { signal: AbortSignal.abort() })))).kind).toBe('cancelled');
  });

  it('enforces the response size limit (content-length and chunked)', async () => {
    expect((await failure(transport(req('/big', { maxResponseBytes: 10_000 })))).kind).toBe('bad_response');
    expect((await failure(transport(req('/big-chunked', { maxResponseBytes: 10_000 })))).kind).toBe('bad_response');
    const ok = await transport(req('/big-chunked', { maxResponseBytes: 50_000 }));
    expect(ok.body?.length).toBe(50_000);
  });

  it('streams the body as chunks when asked', async () => {
    const response = await transport(req('/sse', { stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.chunks).toBeDefined();
    const parts: string[] = [];
    for await (const chunk of response.chunks ?? []) parts.push(text(chunk));
    expect(parts.join('')).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('keeps working across many sequential requests (keep-alive)', async () => {
    for (let i = 0; i < 5; i++) expect((await transport(req('/gzip'))).status).toBe(200);
  });
});
