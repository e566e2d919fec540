// Memory of one 3840x2160 GPT image 2 result through the Brushwork node in real n8n 2.40.7 (issue 5).
//
// The fake upstream serves photo-like (incompressible) PNGs: 3840x2160 is about 25 MB (33 MB as base64 in
// the JSON answer). The n8n process running `n8n execute` is sampled every 20 ms (/proc/<pid>/status:
// VmHWM, the kernel's own peak RSS). The baseline is the same workflow producing a 256x256 image in the
// same n8n, so n8n's own start-up, the task runner broker and the printing of the result cancel out:
// peak above baseline / image bytes is the figure (target <= 4x). Measured in both of n8n's binary data
// modes: 'default' (binary kept in memory, base64 in the execution data: the harness's setting) and
// 'filesystem' (binary written to disk, the execution data keeps a reference).
//
//   npx -y pnpm@12.4.2 build
//   ./node_modules/.bin/node test/reliability/n8n-memory.mjs [--json] [--runs N]
//
// Prints a table; `--json` prints one JSON object only (progress goes to stderr). Not a test.
import { readFile, rm } from 'node:fs/promises';
import { renderImage } from '../fake-upstream/images.ts';
import { startFakeUpstream } from '../fake-upstream/index.ts';
import { N8N_VERSION, parseRawOutput } from '../n8n/harness.ts';
import { model } from '../n8n/workflows.ts';
import { itemsWorkflow, prepareHome, runN8nCommand } from './n8n-suite.ts';
import { CANARY_KEY } from './secrets.ts';

const TARGET = 4;
const BIG = '3840x2160';
const SMALL = '256x256';
const json = process.argv.includes('--json');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 1) : 1;
const log = (line) => process.stderr.write(`${line}\n`);

const kib = (text) => Number(/(\d+)\s*kB/.exec(text ?? '')?.[1] ?? 0) * 1024;

async function statusOf(pid) {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const field = (name) => kib(new RegExp(`^${name}:.*$`, 'm').exec(text)?.[0]);
    return { hwm: field('VmHWM'), rss: field('VmRSS') };
  } catch {
    return undefined;
  }
}

/** Runs `n8n execute` and samples the n8n process's peak RSS until it exits. */
async function executeSampled(home, workflowId, binaryMode) {
  let peak = 0;
  let samples = 0;
  let done = false;
  let sampler = Promise.resolve();
  const result = await runN8nCommand(home, ['execute', `--id=${workflowId}`, '--rawOutput'], {
    timeoutMs: 10 * 60_000,
    env: { N8N_DEFAULT_BINARY_DATA_MODE: binaryMode },
    onSpawn: (child) => {
      child.on('exit', () => {
        done = true;
      });
      sampler = (async () => {
        while (!done) {
          const status = await statusOf(child.pid);
          if (status) {
            samples++;
            peak = Math.max(peak, status.hwm, status.rss);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
    },
  });
  done = true;
  await sampler;
  if (result.code !== 0) {
    throw new Error(`n8n execute exited ${result.code} (${result.signal}):\n${result.stderr.slice(-3000)}`);
  }
  return { peak, samples, result: parseRawOutput(result.stdout), stdoutBytes: Buffer.byteLength(result.stdout) };
}

function branch(name, size) {
  return {
    name,
    items: [{ prompt: 'A photograph of a mountain lake at dawn' }],
    parameters: {
      provider: 'openai',
      model: model('gpt-image-2'),
      size: 'custom',
      customSize: size,
      quality: 'high',
    },
    credentials: { brushworkOpenAiApi: { id: 'memoryCredOai01', name: 'Memory fake OpenAI' } },
  };
}

// The image's byte size: the PNG the fake serves for this size (rendered by the fake's own code).
const [width, height] = BIG.split('x').map(Number);
const imageBytes = (await renderImage({ kind: 'photo', width, height, format: 'png', transparent: false, variant: 0 }))
  .bytes.length;
const fake = await startFakeUpstream({ imageKind: 'photo', validKeys: [CANARY_KEY] });
const records = [];
let home;
const figures = { target: TARGET, size: BIG, imageBytes, runs, modes: {} };
try {
  home = await prepareHome(
    [
      {
        id: 'memoryCredOai01',
        name: 'Memory fake OpenAI',
        type: 'brushworkOpenAiApi',
        data: { apiKey: CANARY_KEY, url: fake.openaiBaseUrl, organizationId: '', projectId: '' },
      },
    ],
    [
      itemsWorkflow('brushworkMemSmall', 'Memory baseline', [branch('Brushwork', SMALL)]),
      itemsWorkflow('brushworkMemBig01', 'Memory 3840x2160', [branch('Brushwork', BIG)]),
    ],
    records,
    log,
  );
  for (const mode of ['default', 'filesystem']) {
    const baselines = [];
    const peaks = [];
    let stdoutBytes = 0;
    for (let r = 0; r < runs; r++) {
      log(`${mode}: baseline run ${r + 1}/${runs} (${SMALL})...`);
      const small = await executeSampled(home, 'brushworkMemSmall', mode);
      baselines.push(small.peak);
      log(`${mode}: measured run ${r + 1}/${runs} (${BIG})...`);
      const big = await executeSampled(home, 'brushworkMemBig01', mode);
      peaks.push(big.peak);
      stdoutBytes = big.stdoutBytes;
      const item = big.result.outputs.Brushwork?.[0];
      if (!item?.binary?.data) throw new Error(`no image out: ${JSON.stringify(item?.json ?? big.result.errors)}`);
      if (item.json.size !== BIG) throw new Error(`wrong size out: ${item.json.size}`);
      if (mode === 'default' && Buffer.from(item.binary.data.data, 'base64').length !== imageBytes) {
        throw new Error('the image out is not the image the fake served');
      }
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const baseline = median(baselines);
    const peak = median(peaks);
    const above = peak - baseline;
    figures.modes[mode] = {
      baselineBytes: baseline,
      peakBytes: peak,
      aboveBaselineBytes: above,
      ratio: above / imageBytes,
      met: above / imageBytes <= TARGET,
      stdoutBytes,
    };
  }
} finally {
  await fake.close();
  if (home) await rm(home.dir, { recursive: true, force: true });
}

if (json) {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} else {
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const lines = [
    `n8n node memory: one ${BIG} GPT image 2 result (photo-like PNG ${mb(imageBytes)}), real n8n ${N8N_VERSION}, median of ${runs}`,
    'binary mode   baseline peak   measured peak   above baseline   ratio   target',
  ];
  for (const [mode, m] of Object.entries(figures.modes)) {
    lines.push(
      `${mode.padEnd(12)}  ${mb(m.baselineBytes).padStart(13)}   ${mb(m.peakBytes).padStart(13)}   ${mb(m.aboveBaselineBytes).padStart(14)}   ${m.ratio.toFixed(2).padStart(5)}x  <= ${TARGET}x ${m.met ? 'MET' : 'MISSED'}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
