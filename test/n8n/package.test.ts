// The n8n package as n8n's verification sees it: strict lint of the sources (`n8n-node lint`), the scan
// of the shipped files, no runtime dependencies, and the packed size.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, packPackage, unpack } from './harness.ts';
import { scanShippedFiles } from './verification.ts';

const run = promisify(execFile);
const MAX_PACKED_BYTES = 300 * 1000;

let workDir: string;
let tarball: string;
let unpacked: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'brushwork-package-'));
  tarball = await packPackage(workDir);
  unpacked = await unpack(tarball);
}, 120_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  await rm(unpacked, { recursive: true, force: true });
});

describe('n8n-nodes-brushwork package', () => {
  it('passes `n8n-node lint` with the strict (cloud) rules', async () => {
    // Without the package manager's variables n8n-node runs ESLint through `npm exec` in this package
    // (pnpm may not be on PATH, and an inherited npm prefix would point npm exec at the repo root).
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm|pnpm)_/i.test(name)));
    env.FORCE_COLOR = '0';
    // Vitest sets NODE_ENV=test, which switches eslint-plugin-n8n-nodes-base into its own test mode.
    env.NODE_ENV = 'production';
    const result = await run(join(PACKAGE_DIR, 'node_modules/.bin/n8n-node'), ['lint'], {
      cwd: PACKAGE_DIR,
      env,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(result.output).not.toMatch(/\d+ problems?/);
    expect(result.code, result.output).toBe(0);
  }, 180_000);

  it('its shipped files pass the scan n8n runs on published packages', async () => {
    expect(await scanShippedFiles(unpacked)).toEqual([]);
  }, 120_000);

  it('the scan does catch a timer in a shipped file (so the check above is not vacuous)', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'brushwork-bad-'));
    try {
      const manifest = JSON.parse(await readFile(join(unpacked, 'package.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(bad, 'package.json'), JSON.stringify(manifest));
      await writeFile(join(bad, 'index.js'), 'setTimeout(() => {}, 10);\n');
      const findings = await scanShippedFiles(bad);
      expect(findings.map((finding) => finding.rule)).toContain('@n8n/community-nodes/no-restricted-globals');
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  }, 120_000);

  it('has no runtime dependencies, n8n-workflow as its only peer, and points n8n at dist/', async () => {
    const manifest = JSON.parse(await readFile(join(unpacked, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      n8n: { nodes: string[]; credentials: string[] };
    };
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    for (const path of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
      const code = await readFile(join(unpacked, path), 'utf8');
      // CommonJS with the core inlined: the only module it loads is the peer.
      const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
      expect(new Set(required)).toEqual(required.length ? new Set(['n8n-workflow']) : new Set());
    }
    for (const asset of [
      'dist/nodes/Brushwork/Brushwork.node.json',
      'dist/icons/brushwork.svg',
      'dist/icons/brushwork.dark.svg',
    ]) {
      await expect(readFile(join(unpacked, asset))).resolves.toBeDefined();
    }
  });

  it(`packs to at most ${MAX_PACKED_BYTES / 1000} kB`, async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: PACKAGE_DIR });
    const [info] = JSON.parse(stdout) as Array<{ size: number; files: Array<{ path: string }> }>;
    expect(info?.size).toBeLessThanOrEqual(MAX_PACKED_BYTES);
    expect(
      info?.files.every(
        (file) => file.path === 'package.json' || file.path.startsWith('dist/') || /^(README|LICENSE)/i.test(file.path),
      ),
    ).toBe(true);
  }, 60_000);
});
