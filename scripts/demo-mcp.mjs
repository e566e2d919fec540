// Demo: a real MCP client (the SDK's StdioClientTransport) spawns the built Brushwork MCP server,
// calls generate_image and prints where the images are. Without OPENAI_API_KEY (or Azure settings)
// the server runs its offline sandbox. Run from the repo root with Node 24 after `pnpm build`.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const serverPackage = fileURLToPath(new URL('../packages/mcp-server/package.json', import.meta.url));
const cli = fileURLToPath(new URL('../packages/mcp-server/dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(`demo-mcp: ${cli} is missing; run \`npx -y pnpm@12.4.2 build\` first.`);
  process.exit(1);
}

// The SDK is a dependency of the server package, not of the repo root: load it from there (ESM build).
const require = createRequire(serverPackage);
async function sdk(subpath) {
  const cjs = require.resolve(`@modelcontextprotocol/sdk/${subpath}`);
  const esm = cjs.replace(/([\\/])dist\1cjs\1/, '$1dist$1esm$1');
  return import(pathToFileURL(existsSync(esm) ? esm : cjs).href);
}
const { Client } = await sdk('client/index.js');
const { StdioClientTransport } = await sdk('client/stdio.js');

const live = Boolean(process.env.OPENAI_API_KEY || process.env.AZURE_OPENAI_API_KEY);
// Next to the n8n demo's images: brushwork-output/ in the repo (git-ignored).
const outputDir =
  process.env.BRUSHWORK_OUTPUT_DIR || fileURLToPath(new URL('../brushwork-output/mcp/', import.meta.url));
const env = { ...process.env, BRUSHWORK_OUTPUT_DIR: outputDir };

const transport = new StdioClientTransport({ command: process.execPath, args: [cli], env, stderr: 'pipe' });
transport.stderr?.on('data', (chunk) => {
  for (const line of String(chunk).split('\n')) if (line.trim()) process.stderr.write(`  [server] ${line}\n`);
});
const client = new Client({ name: 'brushwork-demo', version: '1.0.0' });
await client.connect(transport);

try {
  const { tools } = await client.listTools();
  console.log(
    `Connected to ${client.getServerVersion()?.name} ${client.getServerVersion()?.version}; tools: ${tools.map((t) => t.name).join(', ')}`,
  );

  const args = live
    ? { prompt: 'A lighthouse on a cliff at sunset, watercolor', size: '1024x1024', quality: 'low' }
    : { prompt: 'A lighthouse on a cliff at sunset, watercolor', n: 2, size: '1536x1024' };
  console.log(`Calling generate_image ${JSON.stringify(args)}${live ? '' : ' (offline sandbox: no API key set)'}`);
  const result = await client.callTool({ name: 'generate_image', arguments: args }, undefined, {
    onprogress: (progress) => console.log(`  progress: ${progress.message}`),
    timeout: 15 * 60_000,
    resetTimeoutOnProgress: true,
  });

  for (const block of result.content) {
    if (block.type === 'text') console.log(`\n${block.text}`);
    if (block.type === 'image') console.log(`  [inline preview ${block.mimeType}, ${block.data.length} base64 chars]`);
  }
  if (result.isError) {
    console.error('\ngenerate_image failed (see above).');
    process.exitCode = 1;
  } else {
    const images = result.structuredContent?.images ?? [];
    console.log(`\nImages saved (${images.length}):`);
    for (const image of images) {
      const size = existsSync(image.path) ? statSync(image.path).size : 0;
      console.log(`  ${image.path}  (${image.width}x${image.height}, ${size} bytes, ${image.uri})`);
      if (size === 0) process.exitCode = 1;
    }
  }
} finally {
  await client.close();
}
