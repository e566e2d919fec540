// Builds the MCP Apps viewer (ui://brushwork/viewer) into one self-contained page, dist/viewer.html:
// viewer/app.ts bundled with esbuild (ext-apps' App and what it needs, minified) and inlined into
// viewer/index.html, so the host loads no outside script. Run from this package: `pnpm run bundle`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = await build({
  entryPoints: [join(root, 'viewer', 'app.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  platform: 'browser',
  write: false,
  legalComments: 'none',
});
const script = bundle.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
const page = await readFile(join(root, 'viewer', 'index.html'), 'utf8');
if (!page.includes('/*APP*/')) throw new Error('viewer/index.html lost its /*APP*/ placeholder');
await mkdir(join(root, 'dist'), { recursive: true });
const html = page.replace('/*APP*/', () => script);
await writeFile(join(root, 'dist', 'viewer.html'), html);
console.log(`viewer: dist/viewer.html (${Math.round(html.length / 1024)} kB)`);
