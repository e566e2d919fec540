// Memory benchmark (issue 5): one 3840x2160 GPT image 2 result, photo-like (incompressible, so the PNG
// is as large as it gets: ≈25 MB, ≈33 MB of base64 JSON), from the fake upstream on loopback:
//   core   @brushwork/core + @brushwork/core/got in a child process of its own, holding the result
//   mcp    the built MCP server (stdio, started as users start it: the bin with its shebang's Node
//          flags) saving the file and making the inline preview
// For each: peak RSS (VmHWM) minus the idle RSS of the same process just before the call (modules
// loaded, one small request made), and that figure divided by the image's byte size. Targets: the
// core ≤ 4x (issue 5), the MCP server ≤ 2x (issue 13: it saves the image as it arrives).
// (The same figure through real n8n is test/reliability/n8n-memory.mjs.)
//
// Run after `pnpm build`, from the repo root: ./node_modules/.bin/node test/bench/memory.mjs [--json]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { shebangNodeFlags } from './shebang.mjs';

const API_KEY = 'sk-test-memory-bench';
const SIZE = '3840x2160';
const MODEL = 'gpt-image-2';
/** Peak RSS above idle ÷ the image's bytes, per path. */
const TARGET_RATIO = { core: 4, mcp: 2 };
const json = process.argv.includes('--json');
const progress = (line) => process.stderr.write(`${line}\n`);

function status(pid = 'self') {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(text)?.[1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

// ── child: the core alone ──
if (process.argv[2] === '--child-core') {
  const baseUrl = process.argv[3];
  const { createImageClient } = await import('@brushwork/core/node');
  const { createGotTransport } = await import('@brushwork/core/got');
  const client = createImageClient({
    provider: { kind: 'openai', apiKey: API_KEY, baseUrl },
    transport: createGotTransport(),
    maxRetries: 0,
  });
  await client.listModels(); // warm: sockets, got, parsers
  await new Promise((resolve) => setTimeout(resolve, 200));
  const idle = status().rss;
  const result = await client.generate({ prompt: 'a 4k memory benchmark', model: MODEL, size: SIZE });
  const image = result.images[0];
  const peak = status().hwm;
  process.stdout.write(
    `${JSON.stringify({ idle, peak, imageBytes: image.bytes.length, width: image.width, height: image.height })}\n`,
  );
  process.exit(0);
}

// ── parent ──
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

// The fake renders and caches the 4k image on first use: do that outside the measured processes.
progress('memory: rendering the 3840x2160 photo in the fake upstream…');
{
  const response = await fetch(`${openaiBaseUrl}/images/generations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ model: MODEL, prompt: 'warm-up', size: SIZE }),
  });
  if (!response.ok) throw new Error(`fake upstream: HTTP ${response.status}`);
  await response.arrayBuffer();
}

async function throughCore() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child-core', openaiBaseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`memory: the core child ended (${signal ?? `exit ${code}`}) without figures`);
  });
  const [line] = await Promise.race([once(createInterface({ input: child.stdout }), 'line'), exited]);
  exited.catch(() => {});
  return JSON.parse(line);
}

async function throughMcp() {
  const serverDir = fileURLToPath(new URL('../../packages/mcp-server/', import.meta.url));
  const require = createRequire(join(serverDir, 'package.json'));
  const load = async (specifier) => {
    const cjs = require.resolve(specifier);
    const esm = cjs.replace(/([\\/])dist\1cjs\1/, '$1dist$1esm$1');
    return import(pathToFileURL(esm).href).catch(() => import(pathToFileURL(cjs).href));
  };
  const { Client } = await load('@modelcontextprotocol/sdk/client/index.js');
  const { StdioClientTransport } = await load('@modelcontextprotocol/sdk/client/stdio.js');
  const root = await mkdtemp(join(tmpdir(), 'brushwork-memory-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...shebangNodeFlags(join(serverDir, 'dist/cli.js')), join(serverDir, 'dist/cli.js')],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: root,
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: openaiBaseUrl,
      BRUSHWORK_MODEL: MODEL,
      BRUSHWORK_OUTPUT_DIR: join(root, 'images'),
    },
    stderr: 'ignore',
  });
  const mcp = new Client({ name: 'memory-bench', version: '1' });
  await mcp.connect(transport);
  const pid = transport.pid;
  await mcp.callTool({ name: 'list_models', arguments: {} }); // warm: sockets, got, parsers
  await new Promise((resolve) => setTimeout(resolve, 200));
  const idle = status(pid).rss;
  const result = await mcp.callTool({
    name: 'generate_image',
    arguments: { prompt: 'a 4k memory benchmark', size: SIZE, model: MODEL },
  });
  const peak = status(pid).hwm;
  await mcp.close();
  await rm(root, { recursive: true, force: true });
  if (result.isError) throw new Error(`generate_image failed: ${result.content[0]?.text}`);
  const image = result.structuredContent.images[0];
  const preview = result.content.find((block) => block.type === 'image');
  return {
    idle,
    peak,
    imageBytes: image.bytes,
    width: image.width,
    height: image.height,
    previewBase64Chars: preview?.data.length ?? 0,
  };
}

const rows = [];
for (const [name, run, target] of [
  ['core', throughCore, TARGET_RATIO.core],
  ['mcp (with preview)', throughMcp, TARGET_RATIO.mcp],
]) {
  progress(`memory: ${name}…`);
  const figures = await run();
  const aboveIdle = figures.peak - figures.idle;
  rows.push({
    path: name,
    ...figures,
    aboveIdleMb: aboveIdle / 2 ** 20,
    ratio: aboveIdle / figures.imageBytes,
    target,
    met: aboveIdle / figures.imageBytes <= target,
  });
}
stopUpstream();

if (json) {
  console.log(
    JSON.stringify({
      benchmark: 'memory',
      size: SIZE,
      model: MODEL,
      results: rows.map((row) => ({
        path: row.path,
        imageBytes: row.imageBytes,
        idleRssMb: Number((row.idle / 2 ** 20).toFixed(1)),
        peakRssMb: Number((row.peak / 2 ** 20).toFixed(1)),
        aboveIdleMb: Number(row.aboveIdleMb.toFixed(1)),
        ratio: Number(row.ratio.toFixed(2)),
        target: `<= ${row.target}x the image's bytes above idle`,
        met: row.met,
      })),
    }),
  );
} else {
  const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `memory: one ${SIZE} ${MODEL} result, photo-like PNG of ${mb(rows[0].imageBytes)} (${rows[0].width}x${rows[0].height})`,
  );
  console.log(
    `${'path'.padEnd(20)} ${'idle RSS'.padStart(10)} ${'peak RSS'.padStart(10)} ${'above idle'.padStart(11)} ${'÷ image'.padStart(8)}  target`,
  );
  for (const row of rows) {
    console.log(
      `${row.path.padEnd(20)} ${mb(row.idle).padStart(10)} ${mb(row.peak).padStart(10)} ${mb(row.peak - row.idle).padStart(11)} ${`${row.ratio.toFixed(2)}x`.padStart(8)}  ≤ ${row.target}x  ${row.met ? 'MET' : 'MISSED'}`,
    );
  }
}
process.exit(0);
