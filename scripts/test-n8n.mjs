// Runs the n8n end-to-end suites (test/n8n and the n8n reliability suite) on one pinned n8n version:
//
//   npx -y pnpm@12.4.2 test:n8n                      # the default (what `npm test` runs)
//   npx -y pnpm@12.4.2 test:n8n -- --version 2.41.1  # another pinned version
//
// The versions are the folders of test/n8n-runtime/; each is installed from its own lockfile into
// .n8n-runtime/ on first use. Run by pnpm, so `node` is Node 24 and the package is built first.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_N8N_VERSION, REPO_ROOT, testedN8nVersions } from '../test/n8n/runtime.ts';

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const at = args.indexOf('--version');
const version =
  at >= 0 ? args[at + 1] : (args.find((arg) => arg.startsWith('--version='))?.slice(10) ?? DEFAULT_N8N_VERSION);
const versions = testedN8nVersions();
if (!version || !versions.includes(version)) {
  console.error(
    `--version must be one of the pinned n8n versions: ${versions.join(', ')} (got ${version ?? 'nothing'})`,
  );
  process.exit(2);
}
console.log(`n8n end-to-end suites on n8n ${version}`);
const run = spawnSync(
  join(REPO_ROOT, 'node_modules/.bin/vitest'),
  ['run', 'test/n8n', 'test/reliability/n8n.test.ts'],
  { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, BRUSHWORK_N8N_VERSION: version } },
);
process.exit(run.status ?? 1);
