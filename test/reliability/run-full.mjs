#!/usr/bin/env node
// The reliability suites at full size (`pnpm test:reliability`): runs vitest on test/reliability with
// RELIABILITY_FULL=1 (500 core generations, 200 MCP calls, 100 n8n items, a real minute of pacing, …),
// collects the figures each suite records (figures.ts) and prints them as one table the README can quote,
// each figure with its target and MET/MISSED. Timed figures are judged here, never asserted in a test.
//
//   ./node_modules/.bin/node test/reliability/run-full.mjs            full sizes, table on stdout
//   ./node_modules/.bin/node test/reliability/run-full.mjs --json     one JSON object on stdout
//   ./node_modules/.bin/node test/reliability/run-full.mjs --reduced  the npm-test sizes
//   ./node_modules/.bin/node test/reliability/run-full.mjs core mcp   only files matching these filters
//
// Run from the repository root after `pnpm build`. Exit code: vitest's (non-zero when a suite failed).
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const reduced = args.includes('--reduced');
const filters = args.filter((a) => !a.startsWith('--'));
const log = (line) => process.stderr.write(`${line}\n`);

const figuresDir = await mkdtemp(join(tmpdir(), 'brushwork-reliability-figures-'));
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const paths = filters.length > 0 ? filters.map((f) => `test/reliability/${f}`) : ['test/reliability'];
const started = Date.now();
log(`reliability suites (${reduced ? 'reduced' : 'full'} form): vitest run ${paths.join(' ')}`);

const code = await new Promise((resolvePromise) => {
  const child = spawn(process.execPath, [vitest, 'run', ...paths, '--testTimeout=900000', '--hookTimeout=300000'], {
    cwd: root,
    env: {
      ...process.env,
      RELIABILITY_FULL: reduced ? '0' : '1',
      RELIABILITY_FIGURES_DIR: figuresDir,
      FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
    },
    // vitest's own report goes to stderr, so that --json leaves stdout to the figures
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.pipe(process.stderr);
  child.on('exit', (exitCode, signal) => resolvePromise(exitCode ?? (signal ? 1 : 0)));
});

const suites = [];
for (const name of (await readdir(figuresDir)).sort()) {
  if (!name.endsWith('.json')) continue;
  suites.push(JSON.parse(await readFile(join(figuresDir, name), 'utf8')));
}
await rm(figuresDir, { recursive: true, force: true });

const missed = suites.flatMap((s) =>
  s.rows.filter((r) => r.verdict === 'MISSED').map((r) => `${s.suite}: ${r.figure}`),
);
const summary = {
  form: reduced ? 'reduced' : 'full',
  node: process.version,
  seconds: Math.round((Date.now() - started) / 1000),
  vitestExitCode: code,
  missed,
  suites,
};

if (json) {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else {
  const lines = [];
  const header = ['figure', 'value', 'target', ''];
  for (const suite of suites) {
    const rows = suite.rows.map((r) => [r.figure, String(r.value), r.target ?? '', r.verdict ?? '']);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    lines.push(
      '',
      `${suite.title} (${suite.form})`,
      '',
      line(header),
      `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    );
    for (const row of rows) lines.push(line(row));
  }
  lines.push(
    '',
    `${suites.length} suites in ${summary.seconds} s on Node ${process.version}; vitest exit code ${code}; ${missed.length === 0 ? 'every target MET' : `MISSED: ${missed.join('; ')}`}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
process.exitCode = code;
