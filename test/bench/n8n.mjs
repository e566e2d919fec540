// Benchmark (issue 4): 50 items through real n8n (the pinned runtime) against the fake upstream at 1 s latency per image
// request, Brushwork's Generate Image (default concurrency) vs n8n's own OpenAI node
// (@n8n/n8n-nodes-langchain.openAi 2.3, image → generate, `openAiApi` credential whose base URL is the fake).
// Same n8n home, same fake, same model (gpt-image-1-mini, 1024x1024, low), one after the other. Also the
// packed size of n8n-nodes-brushwork.
//
//   ./node_modules/.bin/node test/bench/n8n.mjs          table (figure, target, MET/MISSED)
//   ./node_modules/.bin/node test/bench/n8n.mjs --json   one JSON object on stdout, progress on stderr
//
// Figures: each node's own execution time from the run data (n8n's `executionTime`: the node alone, no
// start-up), and the wall time of the whole `n8n execute` process. Start-up is paid once per execution by
// both sides; it is measured on its own (the same workflow without the image node) and also subtracted.
// Run `npx -y pnpm@12.4.2 build` first (the package is packed from packages/n8n-node/dist).
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readImageSize, sniffImageType } from '@brushwork/core';
import { startFakeUpstream } from '../fake-upstream/index.ts';
import {
  createN8nHome,
  ensureN8n,
  executeSucceeded,
  importAll,
  N8N_VERSION,
  n8n,
  PACKAGE_DIR,
  packPackage,
  parseRawOutput,
} from '../n8n/harness.ts';
import { model, workflow } from '../n8n/workflows.ts';

const run = promisify(execFile);
const json = process.argv.includes('--json');
const log = (line) => process.stderr.write(`${line}\n`);

const ITEMS = 50;
const LATENCY_MS = 1000;
const MODEL = 'gpt-image-1-mini';
const SIZE = '1024x1024';
const TARGET_SPEEDUP = 8;
const MAX_PACKED_BYTES = 300 * 1000;
const KEY = 'sk-test-brushwork-bench';
const prompts = Array.from({ length: ITEMS }, (_, i) => `A lighthouse at dusk, variation ${i + 1}`);

const BRUSHWORK_CRED = { id: 'benchCredBrushwork', name: 'Fake OpenAI (Brushwork)' };
const OPENAI_CRED = { id: 'benchCredOpenAiApi', name: 'Fake OpenAI (n8n)' };
const IDS = { baseline: 'benchBaseline00001', brushwork: 'benchBrushwork0001', openai: 'benchN8nOpenAi0001' };

/** `npm pack --dry-run --json` in the package: tarball and unpacked sizes. */
async function packedSize() {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], {
    cwd: PACKAGE_DIR,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [info] = JSON.parse(stdout);
  return { packedBytes: info.size, unpackedBytes: info.unpackedSize, files: info.entryCount };
}

/** Runs one imported workflow; wall time of the whole `n8n execute` plus the node's own execution time. */
async function timed(home, id, node) {
  const started = performance.now();
  const result = await n8n(home, ['execute', `--id=${id}`, '--rawOutput'], { timeoutMs: 15 * 60_000 });
  const wallMs = performance.now() - started;
  if (!executeSucceeded(result)) {
    throw new Error(
      `n8n execute ${id} failed (exit ${result.code}):\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-3000)}`,
    );
  }
  const parsed = parseRawOutput(result.stdout);
  if (Object.keys(parsed.errors).length > 0) throw new Error(`${id}: node errors ${JSON.stringify(parsed.errors)}`);
  const runs = parsed.raw.data.resultData.runData;
  const nodeMs = node ? runs[node]?.[0]?.executionTime : undefined;
  const items = node ? (parsed.outputs[node] ?? []) : [];
  const images = items.filter((item) => {
    const data = item.binary?.data?.data;
    if (!data) return false;
    const bytes = new Uint8Array(Buffer.from(data, 'base64'));
    const size = readImageSize(bytes);
    return sniffImageType(bytes)?.mimeType === 'image/png' && size?.width === 1024 && size?.height === 1024;
  }).length;
  return { wallMs, nodeMs, items: items.length, images };
}

function branch(name, extra) {
  return { name, prompts, parameters: {}, ...extra };
}

async function main() {
  log(`n8n bench: ${ITEMS} items, ${LATENCY_MS} ms upstream latency, real n8n ${N8N_VERSION}`);
  const size = await packedSize();
  await ensureN8n(log);
  const fake = await startFakeUpstream({ latencyMs: LATENCY_MS, validKeys: [KEY] });
  const packDir = join(tmpdir(), `brushwork-bench-pack-${process.pid}`);
  let home;
  try {
    const tarball = await packPackage(packDir);
    home = await createN8nHome(tarball);
    await importAll(
      home,
      [
        {
          ...BRUSHWORK_CRED,
          type: 'brushworkOpenAiApi',
          data: { apiKey: KEY, url: fake.openaiBaseUrl, organizationId: '', projectId: '' },
        },
        {
          ...OPENAI_CRED,
          type: 'openAiApi',
          data: { apiKey: KEY, url: fake.openaiBaseUrl, organizationId: '', header: false },
        },
      ],
      [
        // Start-up and the item feeders alone: what every `n8n execute` pays before the image node runs.
        workflow(IDS.baseline, 'Bench baseline', [
          branch('Baseline', { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }),
        ]),
        workflow(IDS.brushwork, 'Bench Brushwork', [
          branch('Brushwork', {
            parameters: { provider: 'openai', model: model(MODEL), size: SIZE, quality: 'low' },
            credentials: { brushworkOpenAiApi: BRUSHWORK_CRED },
          }),
        ]),
        workflow(IDS.openai, "Bench n8n's OpenAI node", [
          branch('OpenAI', {
            type: '@n8n/n8n-nodes-langchain.openAi',
            typeVersion: 2.3,
            parameters: { modelId: model(MODEL), options: { quality: 'low', size: SIZE } },
            credentials: { openAiApi: OPENAI_CRED },
          }),
        ]),
      ].map(stripNoOpParameters),
    );

    log('baseline (n8n start-up + feeders, no image node)...');
    const baseline = await timed(home, IDS.baseline);
    const calls = () => fake.log.filter((entry) => entry.route === 'openai.generations');
    fake.clearLog();
    log('Brushwork Generate Image, default concurrency...');
    const brushwork = await timed(home, IDS.brushwork, 'Brushwork');
    const brushworkCalls = calls();
    fake.clearLog();
    log("n8n's OpenAI node...");
    const openai = await timed(home, IDS.openai, 'OpenAI');
    const openaiCalls = calls();

    const ok = (entries) => entries.filter((entry) => entry.status === 200 && entry.authValid === true).length;
    // Every answer takes at least LATENCY_MS, so no more requests than were in flight can arrive within one
    // latency window: the busiest window is the concurrency the upstream saw.
    const peak = (entries) =>
      Math.max(
        0,
        ...entries.map((a) => entries.filter((b) => b.time >= a.time && b.time < a.time + LATENCY_MS).length),
      );
    const figures = {
      n8nVersion: N8N_VERSION,
      items: ITEMS,
      latencyMs: LATENCY_MS,
      model: MODEL,
      startupMs: Math.round(baseline.wallMs),
      brushwork: {
        nodeMs: brushwork.nodeMs,
        wallMs: Math.round(brushwork.wallMs),
        wallMinusStartupMs: Math.round(brushwork.wallMs - baseline.wallMs),
        images: brushwork.images,
        upstreamCalls: brushworkCalls.length,
        upstreamOk: ok(brushworkCalls),
        peakInFlight: peak(brushworkCalls),
      },
      openAiNode: {
        nodeMs: openai.nodeMs,
        wallMs: Math.round(openai.wallMs),
        wallMinusStartupMs: Math.round(openai.wallMs - baseline.wallMs),
        images: openai.images,
        upstreamCalls: openaiCalls.length,
        upstreamOk: ok(openaiCalls),
        peakInFlight: peak(openaiCalls),
      },
      speedup: {
        node: ratio(openai.nodeMs, brushwork.nodeMs),
        wall: ratio(openai.wallMs, brushwork.wallMs),
        wallMinusStartup: ratio(openai.wallMs - baseline.wallMs, brushwork.wallMs - baseline.wallMs),
        target: TARGET_SPEEDUP,
      },
      packedSize: { ...size, targetBytes: MAX_PACKED_BYTES },
    };
    figures.met = {
      speedup: figures.speedup.node >= TARGET_SPEEDUP,
      images: brushwork.images === ITEMS && openai.images === ITEMS,
      packedSize: size.packedBytes <= MAX_PACKED_BYTES,
    };
    if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
    else printTable(figures);
  } finally {
    await fake.close();
    await rm(packDir, { recursive: true, force: true });
    if (home) await rm(home.dir, { recursive: true, force: true });
  }
}

/** The baseline's no-op node takes no parameters: drop the generate defaults `workflow()` adds. */
function stripNoOpParameters(wf) {
  for (const node of wf.nodes) if (node.type === 'n8n-nodes-base.noOp') node.parameters = {};
  return wf;
}

function ratio(slow, fast) {
  return typeof slow === 'number' && typeof fast === 'number' && fast > 0 ? Math.round((slow / fast) * 10) / 10 : null;
}

function printTable(f) {
  const s = (ms) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : 'n/a');
  const mark = (met) => (met ? 'MET' : 'MISSED');
  const rows = [
    ['figure', 'value', 'target', ''],
    ['speed-up, node execution time', `${f.speedup.node}x`, `>= ${TARGET_SPEEDUP}x`, mark(f.met.speedup)],
    ['speed-up, whole n8n execute', `${f.speedup.wall}x`, '(info)', ''],
    ['speed-up, execute minus start-up', `${f.speedup.wallMinusStartup}x`, '(info)', ''],
    ['Brushwork node time', s(f.brushwork.nodeMs), '', ''],
    ["n8n's OpenAI node time", s(f.openAiNode.nodeMs), '', ''],
    ['Brushwork n8n execute (wall)', s(f.brushwork.wallMs), '', ''],
    ['OpenAI node n8n execute (wall)', s(f.openAiNode.wallMs), '', ''],
    ['n8n start-up + feeders (wall)', s(f.startupMs), '', ''],
    [
      'images (Brushwork / OpenAI node)',
      `${f.brushwork.images} / ${f.openAiNode.images}`,
      `${ITEMS} / ${ITEMS}`,
      mark(f.met.images),
    ],
    ['upstream 200s (Brushwork / OpenAI node)', `${f.brushwork.upstreamOk} / ${f.openAiNode.upstreamOk}`, '', ''],
    [
      'requests in flight, peak (Brushwork / OpenAI node)',
      `${f.brushwork.peakInFlight} / ${f.openAiNode.peakInFlight}`,
      '',
      '',
    ],
    [
      'packed size n8n-nodes-brushwork',
      `${(f.packedSize.packedBytes / 1000).toFixed(1)} kB (${f.packedSize.files} files, ${(f.packedSize.unpackedBytes / 1000).toFixed(1)} kB unpacked)`,
      `<= ${MAX_PACKED_BYTES / 1000} kB`,
      mark(f.met.packedSize),
    ],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  console.log(
    `n8n ${f.n8nVersion}: ${f.items} items, ${f.latencyMs} ms upstream latency, ${f.model}; Brushwork at default concurrency vs @n8n/n8n-nodes-langchain.openAi 2.3`,
  );
  for (const row of rows)
    console.log(
      row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    );
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
