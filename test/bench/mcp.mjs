// MCP server benchmarks (issue 3):
//  1. tool-call overhead above upstream time: generate_image for one 1024x1024 PNG through an in-memory
//     MCP client (save + preview + content included) minus the same core call alone, both against an
//     upstream that answers at once with a canned image. Target: median ≤ 50 ms.
//  2. peak RSS (VmHWM) of the built server process (stdio, the production got transport) during 10
//     concurrent 1536x1024 generations served by a local HTTP upstream (photo-like PNG, ≈4.5 MB, ≈6 MB
//     of base64 JSON each). A fresh server per run, RSS_RUNS runs (default 3): the figure is the
//     median peak, the worst is printed too. Target: ≤ 200 MB.
// Run after `pnpm build`, from the repo root: ./node_modules/.bin/node test/bench/mcp.mjs [--json]
// (--json: only one JSON object on stdout.) Figures vary with the machine's load.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { shebangNodeFlags } from './shebang.mjs';

const serverDir = fileURLToPath(new URL('../../packages/mcp-server/', import.meta.url));
const cli = join(serverDir, 'dist/cli.js');
if (!existsSync(cli)) {
  console.error('bench mcp: build first (npx -y pnpm@12.4.2 build)');
  process.exit(1);
}
const require = createRequire(join(serverDir, 'package.json'));
const load = async (specifier) => {
  const cjs = require.resolve(specifier);
  const esm = cjs.replace(/([\\/])dist\1cjs\1/, '$1dist$1esm$1');
  return import(pathToFileURL(existsSync(esm) ? esm : cjs).href);
};
const sharp = (await load('sharp')).default;
const { Client } = await load('@modelcontextprotocol/sdk/client/index.js');
const { InMemoryTransport } = await load('@modelcontextprotocol/sdk/inMemory.js');
const { StdioClientTransport } = await load('@modelcontextprotocol/sdk/client/stdio.js');
const { createBrushworkServer, parseConfig } = await import(pathToFileURL(join(serverDir, 'dist/index.js')).href);
const { createImageClient } = await import(pathToFileURL(require.resolve('@brushwork/core/node')).href);

const json = process.argv.includes('--json');

const log = (line) => {
  if (!json) console.log(line);
};
const progress = (line) => process.stderr.write(`${line}\n`);
const RSS_RUNS = Number(process.env.RSS_RUNS ?? 3);
const OVERHEAD_TARGET_MS = 50;
const RSS_TARGET_MB = 200;

/** A photo-like image: smooth gradients plus mild noise (compresses like a real render, not like pure noise). */
async function cannedPng(width, height) {
  const data = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = (seed >> 16) % 24;
      const i = (y * width + x) * 3;
      data[i] = ((x * 255) / width + noise) & 255;
      data[i + 1] = ((y * 255) / height + noise) & 255;
      data[i + 2] = ((x + y) % 256) ^ noise;
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

function answerBody(png, n) {
  const b64 = png.toString('base64');
  return JSON.stringify({
    created: Math.floor(Date.now() / 1000),
    data: Array.from({ length: n }, () => ({ b64_json: b64 })),
    usage: { input_tokens: 10, output_tokens: 100, total_tokens: 110 },
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

// ── 1. overhead ──
async function overhead() {
  const png = await cannedPng(1024, 1024);
  const body = new TextEncoder().encode(answerBody(png, 1));
  const transport = async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body });
  const root = await mkdtemp(join(tmpdir(), 'brushwork-bench-'));
  const outcome = parseConfig(
    { OPENAI_API_KEY: 'sk-bench-not-a-real-key', BRUSHWORK_OUTPUT_DIR: join(root, 'images') },
    [],
    { cwd: root, homedir: root },
  );
  const client = createImageClient({ provider: outcome.config.provider, transport });
  const server = createBrushworkServer(outcome.config, { client });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'bench', version: '1' });
  await server.connect(b);
  await mcp.connect(a);
  const args = { prompt: 'benchmark image', size: '1024x1024' };
  const runs = 40;
  const direct = [];
  const tool = [];
  // Separate loops: interleaving them makes each pay for the other's garbage.
  for (let i = 0; i < 5; i++) await client.generate({ ...args, model: 'gpt-image-2' });
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await client.generate({ ...args, model: 'gpt-image-2' });
    direct.push(performance.now() - t);
  }
  for (let i = 0; i < 5; i++) await mcp.callTool({ name: 'generate_image', arguments: args });
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const result = await mcp.callTool({ name: 'generate_image', arguments: args });
    tool.push(performance.now() - t);
    if (result.isError) throw new Error(result.content[0].text);
  }
  await mcp.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
  // The upstream answers at once, so the whole tool call is overhead above upstream time.
  return {
    pngBytes: png.length,
    runs,
    coreMedianMs: median(direct),
    toolMedianMs: median(tool),
    mcpLayerMs: median(tool) - median(direct),
  };
}

// ── 2. peak RSS ──
function peakRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function rss(png) {
  const body = Buffer.from(answerBody(png, 1));
  const upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const root = await mkdtemp(join(tmpdir(), 'brushwork-bench-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    // As the bin runs (npx, npm's shims): with the Node flags of its shebang.
    args: [...shebangNodeFlags(cli), cli],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: root,
      OPENAI_API_KEY: 'sk-bench-not-a-real-key',
      OPENAI_BASE_URL: `http://127.0.0.1:${upstream.address().port}/v1`,
      BRUSHWORK_OUTPUT_DIR: join(root, 'images'),
    },
    stderr: 'ignore',
  });
  const mcp = new Client({ name: 'bench', version: '1' });
  await mcp.connect(transport);
  const pid = transport.pid;
  const idle = peakRss(pid);
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      mcp.callTool({ name: 'generate_image', arguments: { prompt: `concurrent ${i}`, size: '1536x1024' } }),
    ),
  );
  const peak = peakRss(pid);
  await mcp.close();
  upstream.close();
  await rm(root, { recursive: true, force: true });
  return {
    pngBytes: png.length,
    calls: results.length,
    errors: results.filter((r) => r.isError).length,
    idleRssMb: idle === undefined ? undefined : idle / 2 ** 20,
    peakRssMb: peak === undefined ? undefined : peak / 2 ** 20,
  };
}

progress('bench mcp: tool-call overhead…');
const one = await overhead();
const png1536 = await cannedPng(1536, 1024);
const runs = [];
for (let i = 0; i < RSS_RUNS; i++) {
  progress(`bench mcp: peak RSS, run ${i + 1}/${RSS_RUNS}…`);
  runs.push(await rss(png1536));
}
const peaks = runs.map((run) => run.peakRssMb).filter((value) => value !== undefined);
const two = {
  pngBytes: png1536.length,
  calls: 10,
  runs: runs.length,
  errors: runs.reduce((n, run) => n + run.errors, 0),
  idleRssMb: runs[0]?.idleRssMb,
  peakRssMb: peaks.length ? median(peaks) : undefined,
  worstPeakRssMb: peaks.length ? Math.max(...peaks) : undefined,
  peaksMb: peaks.map((value) => Number(value.toFixed(1))),
};
const checks = [
  {
    figure: 'tool-call overhead median (1024x1024 PNG, with preview)',
    value: one.toolMedianMs,
    unit: 'ms',
    target: OVERHEAD_TARGET_MS,
    met: one.toolMedianMs <= OVERHEAD_TARGET_MS,
  },
  {
    figure: 'peak RSS, 10 concurrent 1536x1024 (median of runs)',
    value: two.peakRssMb,
    unit: 'MB',
    target: RSS_TARGET_MB,
    met: two.peakRssMb !== undefined && two.peakRssMb <= RSS_TARGET_MB && two.errors === 0,
  },
];
if (json) {
  console.log(
    JSON.stringify({
      benchmark: 'mcp',
      overhead: one,
      rss: two,
      checks: checks.map(({ figure, value, unit, target, met }) => ({
        figure,
        value: value === undefined ? null : Number(value.toFixed(1)),
        unit,
        target: `<= ${target} ${unit}`,
        met,
      })),
    }),
  );
} else {
  log(
    `tool-call overhead, instant upstream (1024x1024 PNG ${(one.pngBytes / 1e6).toFixed(2)} MB, ${one.runs} runs): core alone ${one.coreMedianMs.toFixed(1)} ms, MCP layer (save + preview + protocol) ${one.mcpLayerMs.toFixed(1)} ms`,
  );
  log(
    `peak RSS, 10 concurrent 1536x1024 (${(two.pngBytes / 1e6).toFixed(2)} MB PNG each), ${two.runs} fresh servers, ${two.errors} errors: ` +
      (two.peakRssMb === undefined
        ? 'n/a (no /proc)'
        : `peaks ${two.peaksMb.join(', ')} MB (idle ${two.idleRssMb.toFixed(0)} MB), worst ${two.worstPeakRssMb.toFixed(0)} MB`),
  );
  log('');
  for (const check of checks) {
    const value = check.value === undefined ? 'n/a' : `${check.value.toFixed(1)} ${check.unit}`;
    log(
      `${check.figure.padEnd(58)} ${value.padStart(10)}  target ≤ ${check.target} ${check.unit}  ${check.met ? 'MET' : 'MISSED'}`,
    );
  }
}
process.exit(0);
