// Core transport benchmark (issue 2): per-request time of one images.generate call against the fake
// upstream on loopback, serving a photo-sized, incompressible 1024x1024 PNG (≈3.1 MB, ≈4.2 MB of
// base64 JSON), through:
//   core + got    @brushwork/core's createImageClient with @brushwork/core/got (the production path)
//   openai SDK    the official SDK's client.images.generate (baseURL = the fake)
//   raw fetch     fetch + .json() + Buffer.from(b64_json, 'base64')
//   core + fetch  the core with its dependency-free fetch transport (for reference, no target)
// each sequentially and with 16 requests in flight. The fake upstream runs in its own process so that
// serving does not share an event loop with the clients. Variants are interleaved round by round so
// that a noisy neighbour slows all of them alike; figures are per request: median and p90 of each
// request's latency, and wall time / requests (throughput) for the 16-in-flight batches.
// Targets: core + got ≤ 1.10x raw fetch and ≤ 1.00x the SDK (median latency, both modes).
//
// Run after `pnpm build`, from the repo root:
//   ./node_modules/.bin/node test/bench/core-transport.mjs [--json] [--rounds N]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createFetchTransport, createImageClient } from '@brushwork/core/node';
import { createGotTransport } from '@brushwork/core/got';
import OpenAI from 'openai';

const json = process.argv.includes('--json');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg === -1 ? 6 : Number(process.argv[roundsArg + 1]);
const SEQUENTIAL_PER_ROUND = 5;
const IN_FLIGHT = 16;
const WARMUP = 4;
const TARGET_VS_FETCH = 1.1;
const TARGET_VS_SDK = 1.0;
const progress = (line) => process.stderr.write(`${line}\n`);
const print = (line) => {
  if (!json) console.log(line);
};

// ── the fake upstream, in its own process ──
const cli = fileURLToPath(new URL('../fake-upstream/cli.ts', import.meta.url));
const upstream = spawn(process.execPath, [cli, '--port', '0', '--image-kind', 'photo'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [firstLine] = await once(createInterface({ input: upstream.stdout }), 'line');
const { openaiBaseUrl } = JSON.parse(firstLine);
const stopUpstream = () => {
  if (upstream.exitCode === null) upstream.kill('SIGTERM');
};
process.on('exit', stopUpstream);

const API_KEY = 'sk-test-bench-not-a-real-key';
const MODEL = 'gpt-image-1.5';
const PROMPT = 'a photo-sized benchmark image';
const SIZE = '1024x1024';

const core = (transport) => {
  const client = createImageClient({
    provider: { kind: 'openai', apiKey: API_KEY, baseUrl: openaiBaseUrl },
    transport,
    maxRetries: 0,
  });
  return async () => {
    const result = await client.generate({ prompt: PROMPT, model: MODEL, size: SIZE });
    return result.images[0].bytes.length;
  };
};

const sdk = new OpenAI({ apiKey: API_KEY, baseURL: openaiBaseUrl, maxRetries: 0 });

const variants = {
  'core + got': core(createGotTransport()),
  'openai SDK': async () => {
    const response = await sdk.images.generate({ model: MODEL, prompt: PROMPT, size: SIZE });
    return Buffer.from(response.data[0].b64_json, 'base64').length;
  },
  'raw fetch': async () => {
    const response = await fetch(`${openaiBaseUrl}/images/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ model: MODEL, prompt: PROMPT, size: SIZE }),
    });
    if (!response.ok) throw new Error(`raw fetch: HTTP ${response.status}`);
    const body = await response.json();
    return Buffer.from(body.data[0].b64_json, 'base64').length;
  },
  'core + fetch': core(createFetchTransport()),
};

// ── measuring ──
async function timed(run) {
  const start = performance.now();
  const bytes = await run();
  if (!(bytes > 3_000_000)) throw new Error(`expected a photo-sized image, got ${bytes} bytes`);
  return performance.now() - start;
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

const samples = Object.fromEntries(
  Object.keys(variants).map((name) => [name, { sequential: [], parallel: [], parallelWallPerRequest: [] }]),
);

let imageBytes = 0;
progress(`core-transport: fake upstream at ${openaiBaseUrl}; warming up`);
for (const [name, run] of Object.entries(variants)) {
  for (let i = 0; i < WARMUP; i++) imageBytes = await run();
  await Promise.all(Array.from({ length: IN_FLIGHT }, run));
  progress(`  warmed ${name}`);
}

for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, run] of Object.entries(variants)) {
    const s = samples[name];
    for (let i = 0; i < SEQUENTIAL_PER_ROUND; i++) s.sequential.push(await timed(run));
    const start = performance.now();
    const latencies = await Promise.all(Array.from({ length: IN_FLIGHT }, () => timed(run)));
    s.parallelWallPerRequest.push((performance.now() - start) / IN_FLIGHT);
    s.parallel.push(...latencies);
  }
  progress(`  round ${round}/${ROUNDS} done`);
}
stopUpstream();

// ── figures ──
const figures = {};
for (const [name, s] of Object.entries(samples)) {
  figures[name] = {
    sequential: { medianMs: quantile(s.sequential, 0.5), p90Ms: quantile(s.sequential, 0.9), n: s.sequential.length },
    inFlight16: {
      medianMs: quantile(s.parallel, 0.5),
      p90Ms: quantile(s.parallel, 0.9),
      wallMsPerRequest: quantile(s.parallelWallPerRequest, 0.5),
      n: s.parallel.length,
    },
  };
}

const ratio = (a, b, mode) => figures[a][mode].medianMs / figures[b][mode].medianMs;
const checks = [];
for (const mode of ['sequential', 'inFlight16']) {
  const vsFetch = ratio('core + got', 'raw fetch', mode);
  const vsSdk = ratio('core + got', 'openai SDK', mode);
  checks.push(
    {
      figure: `core + got / raw fetch, ${mode}`,
      value: vsFetch,
      target: TARGET_VS_FETCH,
      met: vsFetch <= TARGET_VS_FETCH,
    },
    { figure: `core + got / openai SDK, ${mode}`, value: vsSdk, target: TARGET_VS_SDK, met: vsSdk <= TARGET_VS_SDK },
  );
}

if (json) {
  console.log(
    JSON.stringify({
      benchmark: 'core-transport',
      imageBytes,
      rounds: ROUNDS,
      inFlight: IN_FLIGHT,
      variants: figures,
      checks: checks.map(({ figure, value, target, met }) => ({
        figure,
        value: Number(value.toFixed(3)),
        target: `<= ${target.toFixed(2)}x`,
        met,
      })),
    }),
  );
} else {
  const ms = (value) => value.toFixed(1).padStart(7);
  print(
    `core transport: ${(imageBytes / 1e6).toFixed(2)} MB PNG per request (photo-like, incompressible), fake upstream on loopback`,
  );
  print(
    `${'variant'.padEnd(14)} ${'sequential median'.padStart(17)} ${'p90'.padStart(7)}   ${'16 in flight median'.padStart(19)} ${'p90'.padStart(7)} ${'wall/req'.padStart(9)}`,
  );
  for (const [name, f] of Object.entries(figures)) {
    print(
      `${name.padEnd(14)} ${ms(f.sequential.medianMs).padStart(14)} ms ${ms(f.sequential.p90Ms)}   ${ms(f.inFlight16.medianMs).padStart(16)} ms ${ms(f.inFlight16.p90Ms)} ${ms(f.inFlight16.wallMsPerRequest)} ms`,
    );
  }
  print('');
  for (const check of checks) {
    print(
      `${check.figure.padEnd(40)} ${check.value.toFixed(2).padStart(6)}x  target ≤ ${check.target.toFixed(2)}x  ${check.met ? 'MET' : 'MISSED'}`,
    );
  }
}
process.exit(0);
