// Micro-benchmark of the core's receive path on loopback: a photo-sized 1024x1024 PNG (3.3 MB of
// incompressible bytes, 4.4 MB of base64 JSON), per-request time of raw fetch + .json(), bare got
// .json(), core + got and core + fetch. Build first (pnpm build), then from the repo root:
//   ./node_modules/.bin/node packages/core/bench/transport-bench.mjs   (N=40 INFLIGHT=1 by default)
// Not a test: numbers vary with the machine. The repo-wide comparison (with the openai SDK, against
// the fake upstream) is `pnpm bench`.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import got from 'got';
import { createFetchTransport, createImageClient } from '../dist/index.js';
import { createGotTransport } from '../dist/transport/got.js';

const png = randomBytes(3_300_000);
png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
png.writeUInt32BE(1024, 16);
png.writeUInt32BE(1024, 20);
const body = Buffer.from(
  JSON.stringify({ created: 1, data: [{ b64_json: png.toString('base64') }], usage: { total_tokens: 3 } }),
);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/v1`;
const requestBody = JSON.stringify({ prompt: 'x', model: 'gpt-image-1.5' });
const agent = new http.Agent({ keepAlive: true });
const provider = { kind: 'openai', apiKey: 'k', baseUrl: base };
const viaCore = (transport) => {
  const client = createImageClient({ provider, transport });
  return async () => (await client.generate({ prompt: 'x', model: 'gpt-image-1.5' })).images[0].bytes.length;
};

const variants = {
  'raw fetch': async () => {
    const response = await fetch(`${base}/images/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: requestBody,
    });
    const json = await response.json();
    return Buffer.from(json.data[0].b64_json, 'base64').length;
  },
  'bare got': async () => {
    const json = await got
      .post(`${base}/images/generations`, {
        body: requestBody,
        headers: { 'content-type': 'application/json' },
        agent: { http: agent },
        retry: { limit: 0 },
      })
      .json();
    return Buffer.from(json.data[0].b64_json, 'base64').length;
  },
  'core + got': viaCore(createGotTransport()),
  'core + fetch': viaCore(createFetchTransport()),
};

const n = Number(process.env.N ?? 40);
const inFlight = Number(process.env.INFLIGHT ?? 1);
const best = {};
for (let round = 0; round < 3; round++) {
  for (const [name, run] of Object.entries(variants)) {
    for (let i = 0; i < 3; i++) await run();
    const start = performance.now();
    for (let i = 0; i < n; i += inFlight) await Promise.all(Array.from({ length: inFlight }, run));
    const perRequest = (performance.now() - start) / n;
    best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, perRequest);
  }
}
console.log(`${n} requests, ${inFlight} in flight, best of 3 rounds, ${(body.length / 1e6).toFixed(1)} MB body`);
for (const [name, ms] of Object.entries(best)) {
  console.log(
    `${name.padEnd(14)} ${ms.toFixed(2).padStart(7)} ms/request  ${(ms / best['raw fetch']).toFixed(2)}x raw fetch`,
  );
}
server.close();
agent.destroy();
process.exit(0);
