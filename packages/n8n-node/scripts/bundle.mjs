// Bundles each node and credential entry to CommonJS in dist/ with @brushwork/core inlined (the
// package ships no runtime dependencies; n8n-workflow is the peer n8n provides), and copies the icons
// and the codex file next to them. Run from this package: `pnpm run bundle`. Nothing is patched: the
// node imports `@brushwork/core` (no timers, no global fetch) and passes its own transport and sleep.
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

async function filesUnder(dir, suffix) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path, suffix)));
    else if (entry.name.endsWith(suffix)) found.push(path);
  }
  return found;
}

// Entry points: top-level node files (nodes/<Name>/<Name>.node.ts) and credentials.
const nodeEntries = (await filesUnder(join(root, 'nodes'), '.node.ts')).filter((path) => {
  const parts = relative(join(root, 'nodes'), path).split(/[\\/]/);
  return parts.length === 2;
});
const credentialEntries = await filesUnder(join(root, 'credentials'), '.credentials.ts');

await rm(dist, { recursive: true, force: true });
await build({
  entryPoints: [...nodeEntries, ...credentialEntries],
  outdir: dist,
  outbase: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['n8n-workflow'],
  // Bundled libraries (zod) keep a little state on globalThis; give them a module-local object instead.
  define: { globalThis: '__brushworkGlobals' },
  banner: { js: 'var __brushworkGlobals = { Buffer: Buffer };' },
  // Prefer the ESM build of dependencies so unused core modules are tree-shaken away.
  mainFields: ['module', 'main'],
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
});

await mkdir(join(dist, 'icons'), { recursive: true });
await cp(join(root, 'icons'), join(dist, 'icons'), { recursive: true });
for (const codex of await filesUnder(join(root, 'nodes'), '.node.json')) {
  await cp(codex, join(dist, relative(root, codex)));
}
console.log(`bundled ${nodeEntries.length} node(s) and ${credentialEntries.length} credential(s) into dist/`);
