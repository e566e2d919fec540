// The n8n node's reliability figures (issue 5) in real n8n 2.40.7: fault matrix, rate-limit pacing,
// bad-input corpus, secrets scan. Full sizes by default (100 items, 60 images at 30/minute: takes about
// 2 minutes); `--reduced` runs the npm-test sizes. Prints a table; `--json` prints one JSON object only.
//
//   npx -y pnpm@12.4.2 build
//   ./node_modules/.bin/node test/reliability/n8n-full.mjs [--reduced] [--json]
//
// Exit code 1 when a must-hold figure fails (items lost, unclassified, duplicated, a key leaked, n8n
// crashed, a bad input reached the network); the pacing ratio is reported as MET/MISSED, never fatal.
import { figuresOf, figuresTable, runN8nReliability } from './n8n-suite.ts';
import { reliabilityScale } from './scale.ts';

const json = process.argv.includes('--json');
const reduced = process.argv.includes('--reduced');
const scale = reliabilityScale({ RELIABILITY_FULL: reduced ? '0' : '1' });
const log = (line) => process.stderr.write(`${line}\n`);

const run = await runN8nReliability(scale, log);
let figures;
try {
  figures = await figuresOf(run);
} finally {
  await run.dispose();
}

const broken =
  figures.faults.itemsAnswered !== figures.faults.itemsIn ||
  figures.faults.unclassified.length > 0 ||
  figures.faults.duplicates.length > 0 ||
  figures.faults.mismatched.length > 0 ||
  figures.pacing.failures > 0 ||
  figures.badInputs.rejected !== figures.badInputs.cases ||
  figures.badInputs.requests > 0 ||
  figures.secrets.hits.length > 0 ||
  !figures.exit.ok;

if (json) {
  process.stdout.write(`${JSON.stringify({ ...figures, ok: !broken })}\n`);
} else {
  process.stdout.write(`${figuresTable(figures)}\n`);
  const details = [
    ...figures.faults.unclassified.map((d) => `unclassified: ${d}`),
    ...figures.faults.duplicates.map((d) => `duplicate: ${d}`),
    ...figures.faults.mismatched.map((d) => `wrong bytes: ${d}`),
    ...figures.faults.unserved.map((d) => `not served: ${d}`),
    ...figures.badInputs.failures.map((d) => `bad input: ${d}`),
    ...figures.secrets.hits.map((d) => `secret: ${d}`),
  ];
  if (details.length > 0) process.stdout.write(`\n${details.slice(0, 60).join('\n')}\n`);
}
process.exitCode = broken ? 1 : 0;
