// Runs a workflow with the Brushwork node in real n8n (headless; the pinned 2.40.7 unless
// BRUSHWORK_N8N_VERSION says otherwise), writes the images it made to brushwork-output/n8n/ and prints where
// they are. Without OPENAI_API_KEY the node uses its offline sandbox (no key, no network). n8n itself is
// installed from its pinned lockfile into .n8n-runtime/ in this clone on first use (about 6 minutes, once).
// Needs the built package: `npx -y pnpm@12.4.2 build` (npm run demo does it).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createN8nHome, ensureN8n, execute, importAll, packPackage, REPO_ROOT } from '../test/n8n/harness.ts';
import { model, workflow } from '../test/n8n/workflows.ts';

const WORKFLOW_ID = 'brushworkDemo0001';
const outputDir = join(REPO_ROOT, 'brushwork-output', 'n8n');
const apiKey = process.env.OPENAI_API_KEY;
const live = Boolean(apiKey);

const prompts = [
  'A watercolor fox curled up in fresh snow, soft morning light',
  'A tiny lighthouse on a rocky island at dusk, warm window glow',
  'A bowl of ramen seen from above, steam rising, studio lighting',
];

try {
  await ensureN8n((line) => console.log(line));
} catch (error) {
  // One line that names the step and the fix (RuntimeInstallError), not a page of npm output.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const started = Date.now();
const workDir = join(REPO_ROOT, 'brushwork-output', '.n8n-demo-work');
await rm(workDir, { recursive: true, force: true });
const tarball = await packPackage(join(workDir, 'pack'));
const home = await createN8nHome(tarball, join(workDir, 'home'));
console.log(`Installed ${tarball.split('/').pop()} into ${home.packageDir} (as n8n installs community packages).`);

const credentials = live
  ? [
      {
        id: 'brushworkDemoCred1',
        name: 'OpenAI (demo)',
        type: 'brushworkOpenAiApi',
        data: {
          apiKey,
          url: process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
          organizationId: '',
          projectId: '',
        },
      },
    ]
  : [];
const brushwork = live
  ? {
      parameters: {
        provider: 'openai',
        model: model(process.env.BRUSHWORK_MODEL ?? 'gpt-image-2'),
        size: '1024x1024',
        quality: 'low',
      },
      credentials: { brushworkOpenAiApi: { id: 'brushworkDemoCred1', name: 'OpenAI (demo)' } },
    }
  : { parameters: { provider: 'sandbox', model: model('gpt-image-2'), size: '1024x1024', quality: 'low' } };

await importAll(home, credentials, [
  workflow(WORKFLOW_ID, 'Brushwork demo', [{ name: 'Brushwork', prompts, ...brushwork }]),
]);
console.log(
  live
    ? 'Running the workflow with the OpenAI API (OPENAI_API_KEY is set)...'
    : 'Running the workflow on the offline sandbox (no OPENAI_API_KEY: images are marked "BRUSHWORK SANDBOX")...',
);
const result = await execute(home, WORKFLOW_ID);
const items = result.outputs.Brushwork ?? [];

await mkdir(outputDir, { recursive: true });
const written = [];
for (const item of items) {
  const binary = item.binary?.data;
  if (!binary) {
    console.error(`An item failed: ${JSON.stringify(item.json)}`);
    continue;
  }
  const path = join(outputDir, binary.fileName ?? `image-${written.length + 1}.png`);
  await writeFile(path, Buffer.from(binary.data, 'base64'));
  written.push({ path, json: item.json });
}
// The credential (if any) lived only in this throw-away n8n home.
await rm(workDir, { recursive: true, force: true });

console.log(
  `\nn8n ran the Brushwork node: ${written.length} image(s) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
);
for (const { path, json } of written) {
  console.log(`  ${path}  (${json.size}, ${json.mimeType}, "${json.prompt}")`);
}
console.log(`\nImages are in ${outputDir}`);
if (written.length !== prompts.length || Object.keys(result.errors).length > 0) {
  console.error('Some images are missing:', result.errors);
  process.exit(1);
}
