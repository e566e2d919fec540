// Screenshots the Brushwork node's fields in the editor of a real, local n8n (the pinned runtime), for the package README
// (packages/n8n-node/docs/*.png). A manual tool, not part of `npm test`: it needs Chromium (Debian:
// `apt-get install -y chromium`; CHROMIUM_BIN overrides the binary) and the built package
// (`npx -y pnpm@12.4.2 build`). Run from the repo root with Node 24:
//
//   ./node_modules/.bin/node scripts/screenshot-n8n.mjs
//
// What it does: packs the package and installs it into a temporary n8n user folder as n8n installs
// community packages (test/n8n/harness.ts), imports a credential and a workflow with three Brushwork nodes
// through the n8n CLI, starts `n8n start` on a free port, sets up the owner and logs in over REST, then drives
// headless Chromium over the DevTools protocol (Node's built-in WebSocket: no dependency) to open each node's
// details view (/workflow/<id>/<nodeId>) and capture it. n8n, Chromium, the fake upstream and the temporary
// folder are removed at the end, also on failure or Ctrl-C. Nothing leaves the machine: the OpenAI credential
// holds a dummy key and points at the fake upstream (test/fake-upstream), which answers the model list.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createN8nHome,
  ensureN8n,
  freePort,
  importAll,
  n8nBin,
  n8nEnv,
  nodeBin,
  packPackage,
  PACKAGE_DIR,
  REPO_ROOT,
} from '../test/n8n/harness.ts';
import { startFakeUpstream } from '../test/fake-upstream/index.ts';

const OUT_DIR = join(PACKAGE_DIR, 'docs');
/** Tall enough for every field of the Generate Image operation without scrolling. */
const VIEWPORT = { width: 1280, height: 1400 };
/** What the fake upstream lists at GET /v1/models (the node keeps the image models). */
const LISTED_MODELS = [
  'dall-e-2',
  'dall-e-3',
  'gpt-image-1-mini',
  'gpt-image-1.5',
  'gpt-image-2',
  'gpt-4o',
  'whisper-1',
];
/** Above this, a PNG is re-encoded as a palette PNG (sharp, from test/node_modules). */
const MAX_PNG_BYTES = 400 * 1024;
const WORKFLOW_ID = 'brushworkShots0001';
const CREDENTIAL = { id: 'brushworkShotCred1', name: 'OpenAI account' };
const ENTRA_CREDENTIAL = { id: 'brushworkShotCred2', name: 'Azure OpenAI (Entra ID)' };
const OWNER = {
  email: 'owner@brushwork.invalid',
  firstName: 'Brush',
  lastName: 'Work',
  password: 'Brushwork-screens-1',
};
const BRUSHWORK_TYPE = 'n8n-nodes-brushwork.brushwork';

const log = (line) => console.error(`[screenshot] ${line}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------
// The workflow: a manual trigger feeding three Brushwork nodes, one per screenshot.

function brushworkNode(id, name, y, parameters, credentials) {
  return {
    id,
    name,
    type: BRUSHWORK_TYPE,
    typeVersion: 1,
    position: [260, y],
    parameters: { resource: 'image', ...parameters },
    ...(credentials ? { credentials } : {}),
  };
}

const model = (value) => ({ __rl: true, mode: 'list', value, cachedResultName: value });
const openai = { brushworkOpenAiApi: CREDENTIAL };
const azureEntra = { brushworkAzureEntraOAuth2Api: ENTRA_CREDENTIAL };

const nodes = [
  {
    id: 'start',
    name: 'When clicking ‘Execute workflow’',
    type: 'n8n-nodes-base.manualTrigger',
    typeVersion: 1,
    position: [0, 160],
    parameters: {},
  },
  brushworkNode(
    'generate',
    'Generate Image',
    0,
    {
      provider: 'openai',
      operation: 'generate',
      model: model('gpt-image-2'),
      prompt: 'A watercolor fox curled up in fresh snow, soft morning light, muted palette',
      n: 2,
      size: '1536x1024',
      quality: 'high',
      background: 'opaque',
      outputFormat: 'webp',
      outputCompression: 85,
      options: { concurrency: 10, maxRetries: 3 },
    },
    openai,
  ),
  brushworkNode(
    'models',
    'Pick a Model',
    160,
    {
      provider: 'openai',
      operation: 'generate',
      model: model('gpt-image-2'),
      prompt: 'A tiny lighthouse on a rocky island at dusk, warm window glow',
    },
    openai,
  ),
  brushworkNode(
    'edit',
    'Edit Image',
    320,
    {
      provider: 'openai',
      operation: 'edit',
      model: model('gpt-image-2'),
      prompt: 'Add a red knitted scarf to the fox',
      imageProperties: 'data',
      maskProperty: 'mask',
      size: '1024x1024',
      quality: 'medium',
      inputFidelity: 'high',
    },
    openai,
  ),
  brushworkNode(
    'azure-entra',
    'Azure with Entra ID',
    480,
    {
      provider: 'azureEntraId',
      deployment: 'gpt-image-2',
      operation: 'generate',
      model: { __rl: true, mode: 'id', value: 'gpt-image-2' },
      prompt: 'A tiny lighthouse on a rocky island at dusk, warm window glow',
      size: '1024x1024',
      quality: 'medium',
    },
    azureEntra,
  ),
];

const WORKFLOW = {
  id: WORKFLOW_ID,
  name: 'Brushwork fields',
  active: false,
  nodes,
  connections: {
    [nodes[0].name]: {
      main: [
        [
          { node: 'Generate Image', type: 'main', index: 0 },
          { node: 'Pick a Model', type: 'main', index: 0 },
          { node: 'Edit Image', type: 'main', index: 0 },
          { node: 'Azure with Entra ID', type: 'main', index: 0 },
        ],
      ],
    },
  },
  settings: { executionOrder: 'v1' },
  pinData: {},
};

// ---------------------------------------------------------------------------------------------------------
// Child processes: each runs in its own process group, so stopping one also stops what it started
// (n8n's task runner, Chromium's renderers). Only the groups this script started are ever signalled.

const children = new Set();

function startChild(name, command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 400) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const entry = { name, child, exited, output: () => output.join('') };
  children.add(entry);
  return entry;
}

function signalGroup(entry, signal) {
  try {
    process.kill(-entry.child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopChild(entry, graceMs) {
  if (entry.child.exitCode === null && entry.child.signalCode === null) {
    signalGroup(entry, 'SIGTERM');
    const timedOut = await Promise.race([entry.exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) log(`${entry.name} did not stop in ${graceMs} ms: killing it`);
  }
  // The group may outlive its leader (a runner or renderer still shutting down).
  signalGroup(entry, 'SIGKILL');
  children.delete(entry);
}

// ---------------------------------------------------------------------------------------------------------
// n8n

async function waitForN8n(baseUrl, n8nProcess, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (n8nProcess.child.exitCode !== null) {
      throw new Error(`n8n exited (${n8nProcess.child.exitCode}):\n${n8nProcess.output().slice(-4000)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz/readiness`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`n8n was not ready in ${timeoutMs} ms:\n${n8nProcess.output().slice(-4000)}`);
}

async function rest(baseUrl, path, body, cookie) {
  const response = await fetch(`${baseUrl}/rest${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /rest${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return response;
}

/** Sets up the owner account and logs in; returns the value of the `n8n-auth` cookie. */
async function signIn(baseUrl) {
  await rest(baseUrl, '/owner/setup', OWNER);
  const response = await rest(baseUrl, '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
  for (const header of response.headers.getSetCookie()) {
    const match = /^n8n-auth=([^;]+)/.exec(header);
    if (match?.[1]) return match[1];
  }
  throw new Error('POST /rest/login set no n8n-auth cookie');
}

// ---------------------------------------------------------------------------------------------------------
// Chromium over the DevTools protocol

function chromiumBin() {
  const candidates = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) throw new Error('Chromium not found: `apt-get install -y chromium` (or set CHROMIUM_BIN)');
  return found;
}

async function devToolsPort(profileDir, browser, timeoutMs = 30_000) {
  const file = join(profileDir, 'DevToolsActivePort');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (browser.child.exitCode !== null) throw new Error(`Chromium exited:\n${browser.output().slice(-4000)}`);
    try {
      const port = Number((await readFile(file, 'utf8')).split('\n')[0]);
      if (port > 0) return port;
    } catch {
      // not written yet
    }
    await sleep(200);
  }
  throw new Error(`Chromium opened no DevTools port in ${timeoutMs} ms:\n${browser.output().slice(-4000)}`);
}

/** A minimal DevTools protocol client for one page target. */
async function connectPage(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const page = targets.find((target) => target.type === 'page');
  if (!page) throw new Error('Chromium has no page target');
  const socket = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error('cannot connect to Chromium')), { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`${waiter.method}: ${message.error.message}`));
      else waiter?.resolve(message.result);
    }
  });
  socket.addEventListener('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('Chromium closed the connection'));
    pending.clear();
  });
  return {
    /** Sends one command; rejects when Chromium reports an error or has not answered in 60 s. */
    send(method, params = {}) {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method}: no answer from Chromium in 60 s`));
        }, 60_000);
        const settle = (fn) => (value) => {
          clearTimeout(timer);
          fn(value);
        };
        pending.set(id, { resolve: settle(resolve), reject: settle(reject), method });
      });
    },
    close() {
      socket.close();
    },
  };
}

/** Evaluates a JavaScript expression in the page; returns its (JSON) value. */
async function evaluate(page, expression) {
  const { result, exceptionDetails } = await page.send('Runtime.evaluate', {
    expression,
    returnByValue: true,
    awaitPromise: true,
  });
  if (exceptionDetails) throw new Error(`page script failed: ${exceptionDetails.exception?.description ?? ''}`);
  return result.value;
}

/** Polls `expression` until it is truthy; returns its value. */
async function waitFor(page, what, expression, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await evaluate(page, expression).catch(() => undefined);
    if (value) return value;
    await sleep(250);
  }
  const seen = await evaluate(page, 'document.body ? document.body.innerText.slice(0, 600) : ""').catch(() => '');
  throw new Error(`timed out waiting for ${what}; the page shows:\n${seen}`);
}

// In-page helpers (strings evaluated in the page).
const ndvOpen = `(() => {
  const ndv = document.querySelector('[data-test-id="ndv"]');
  return Boolean(ndv && ndv.querySelector('[data-test-id="parameter-input-prompt"]'));
})()`;

/** Clicks the centre of the first element matching `selector` with a real mouse event. */
async function click(page, selector) {
  const box = await evaluate(
    page,
    `(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return null;
      el.scrollIntoView({ block: 'center' });
      const r = el.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    })()`,
  );
  if (!box) throw new Error(`nothing matches ${selector}`);
  for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
    await page.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
  }
}

async function openNode(page, baseUrl, nodeId, deviceScaleFactor) {
  await page.send('Emulation.setDeviceMetricsOverride', { ...VIEWPORT, deviceScaleFactor, mobile: false });
  await page.send('Page.navigate', { url: `${baseUrl}/workflow/${WORKFLOW_ID}/${nodeId}` });
  await waitFor(page, `the details view of node ${nodeId}`, ndvOpen, 90_000);
  // Let fonts, icons and the resource locator settle.
  await evaluate(page, 'document.fonts ? document.fonts.ready.then(() => true) : true');
  await sleep(1500);
}

/**
 * The parameters column of the open details view, from its tabs down to the lowest element `until` selects
 * (by default the last field), in CSS pixels.
 */
function parametersColumn(page, until = '[data-test-id="parameter-item"]') {
  return evaluate(
    page,
    `(() => {
      const column = document.querySelector('[data-test-id="ndv"] .node-settings');
      if (!column) return null;
      let bottom = 0;
      for (const el of document.querySelectorAll(${JSON.stringify(until)})) {
        bottom = Math.max(bottom, el.getBoundingClientRect().bottom);
      }
      const r = column.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: Math.min(bottom ? bottom + 20 : r.bottom, r.bottom) - r.y, scale: 1 };
    })()`,
  );
}

async function capture(page, file, clip) {
  const { data } = await page.send('Page.captureScreenshot', {
    format: 'png',
    captureBeyondViewport: false,
    ...(clip ? { clip } : {}),
  });
  let bytes = Buffer.from(data, 'base64');
  if (bytes.length > MAX_PNG_BYTES) bytes = await shrinkPng(bytes);
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(file, bytes);
  log(`wrote ${file.slice(REPO_ROOT.length + 1)} (${Math.round((await stat(file)).size / 1024)} kB)`);
}

async function shrinkPng(bytes) {
  let sharp;
  try {
    const resolved = createRequire(join(REPO_ROOT, 'test/package.json')).resolve('sharp');
    sharp = (await import(pathToFileURL(resolved).href)).default;
  } catch {
    log('sharp is not installed (test/node_modules): keeping the PNG as captured');
    return bytes;
  }
  return sharp(bytes).png({ palette: true, quality: 90, effort: 10, compressionLevel: 9 }).toBuffer();
}

// ---------------------------------------------------------------------------------------------------------

async function main(state) {
  if (!existsSync(join(PACKAGE_DIR, 'dist/nodes/Brushwork/Brushwork.node.js'))) {
    throw new Error('packages/n8n-node/dist is missing: run `npx -y pnpm@12.4.2 build` first');
  }
  const chromium = chromiumBin();
  await ensureN8n(log);

  state.workDir = await mkdtemp(join(tmpdir(), 'brushwork-screenshot-'));
  const tarball = await packPackage(join(state.workDir, 'pack'));
  const home = await createN8nHome(tarball, join(state.workDir, 'home'));
  log(`installed ${tarball.split('/').pop()} as a community package`);

  state.upstream = await startFakeUpstream({ models: LISTED_MODELS });
  await importAll(
    home,
    [
      {
        ...CREDENTIAL,
        type: 'brushworkOpenAiApi',
        data: { apiKey: 'sk-test-screenshot', url: state.upstream.openaiBaseUrl, organizationId: '', projectId: '' },
      },
      {
        // The documented credential (docs/azure/n8n-entra.credentials.json) with dummy values.
        ...ENTRA_CREDENTIAL,
        type: 'brushworkAzureEntraOAuth2Api',
        data: {
          ...JSON.parse(await readFile(join(REPO_ROOT, 'docs/azure/n8n-entra.credentials.json'), 'utf8'))[0].data,
          authorityHost: state.upstream.url,
          endpoint: state.upstream.azureEndpoint,
        },
      },
    ],
    [WORKFLOW],
  );

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = n8nEnv(home, {
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_EDITOR_BASE_URL: baseUrl,
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    N8N_LOG_LEVEL: 'warn',
  });
  log(`starting n8n on ${baseUrl}`);
  const n8n = startChild('n8n', nodeBin(), [n8nBin(), 'start'], { cwd: home.dir, env });
  await waitForN8n(baseUrl, n8n);
  const authCookie = await signIn(baseUrl);
  log('owner set up and logged in');

  const profileDir = join(state.workDir, 'chromium');
  const browser = startChild('chromium', chromium, [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--hide-scrollbars',
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    `--user-data-dir=${profileDir}`,
    `--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
    'about:blank',
  ]);
  const page = await connectPage(await devToolsPort(profileDir, browser));
  state.page = page;
  await page.send('Page.enable');
  await page.send('Runtime.enable');
  await page.send('Network.enable');
  await page.send('Network.setCookie', { name: 'n8n-auth', value: authCookie, url: baseUrl, httpOnly: true });

  // 1. Generate Image with the OpenAI provider, every GPT image option set: the whole details view.
  await openNode(page, baseUrl, 'generate', 1);
  await capture(page, join(OUT_DIR, 'node-fields.png'));

  // 2. The model list, as the provider answers it (here the fake upstream): the parameters column, 2x.
  await openNode(page, baseUrl, 'models', 2);
  await click(page, '[data-test-id="ndv"] [data-test-id="resource-locator-model"] [data-test-id="rlc-input"]');
  await waitFor(page, 'the model list', `document.querySelectorAll('[data-test-id="rlc-item"]').length > 1`, 60_000);
  await sleep(800);
  await capture(page, join(OUT_DIR, 'node-models.png'), await parametersColumn(page, '[data-test-id="rlc-item"]'));

  // 3. Edit Image (images and mask from binary properties): the parameters column, 2x.
  await openNode(page, baseUrl, 'edit', 2);
  await capture(page, join(OUT_DIR, 'node-edit-fields.png'), await parametersColumn(page));

  // 4. Azure OpenAI signed in with Microsoft Entra ID: the provider and its credential, 2x.
  await openNode(page, baseUrl, 'azure-entra', 2);
  await capture(page, join(OUT_DIR, 'node-azure-entra.png'), await parametersColumn(page));
}

async function cleanUp(state) {
  try {
    state.page?.close();
  } catch {
    // closing anyway
  }
  for (const entry of [...children].reverse()) await stopChild(entry, entry.name === 'n8n' ? 20_000 : 5_000);
  await state.upstream?.close().catch(() => {});
  if (state.workDir) await rm(state.workDir, { recursive: true, force: true });
}

const state = {};
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: cleaning up`);
    cleanUp(state).finally(() => process.exit(130));
  });
}

try {
  await main(state);
  log('done');
} catch (error) {
  process.exitCode = 1;
  console.error(error instanceof Error ? error.stack : error);
  if (state.page) {
    // What the browser showed when it failed (outside the repo; the temporary folder is removed).
    const file = join(tmpdir(), 'brushwork-screenshot-failure.png');
    const shot = await state.page.send('Page.captureScreenshot', { format: 'png' }).catch(() => undefined);
    if (shot) {
      await writeFile(file, Buffer.from(shot.data, 'base64'));
      log(`the page at the time of the failure: ${file}`);
    }
  }
} finally {
  if (!stopping) await cleanUp(state);
}
