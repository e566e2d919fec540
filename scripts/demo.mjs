// The main job: generate images end to end through the MCP server and through the n8n node.
// Without OPENAI_API_KEY both run on the built-in offline sandbox (and say so).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const live = Boolean(process.env.OPENAI_API_KEY || process.env.AZURE_OPENAI_API_KEY);
console.log(
  live
    ? 'Brushwork demo: using the real API (a key is set).'
    : 'Brushwork demo: no OPENAI_API_KEY set, so everything runs on the offline sandbox (images are marked "BRUSHWORK SANDBOX").',
);

let failed = false;
for (const [title, script] of [
  ['MCP server (generate_image over stdio)', 'demo-mcp.mjs'],
  ['n8n node (real n8n, headless workflow)', 'demo-n8n.mjs'],
]) {
  console.log(`\n=== ${title} ===`);
  const run = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit', env: process.env });
  if (run.status !== 0) {
    failed = true;
    console.error(`${title}: failed (exit ${run.status ?? run.signal}).`);
  }
}
process.exit(failed ? 1 : 0);
