// `pnpm bench`: every benchmark, one after another, each in its own Node 24 process so that one's memory
// and sockets do not colour the next one's figures. Each prints its own table (figure, target, MET/MISSED);
// this runner adds a closing summary. Run after `pnpm build` (the `bench` script does both).
//
//   pnpm bench                       all of them (about 10 minutes: the n8n one starts real n8n)
//   pnpm bench -- --only core,mcp    a subset, by name (see BENCHMARKS below)
//
// Figures vary with the machine: benchmarks never fail a build. The runner exits non-zero only when a
// benchmark itself crashed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** name → script (relative to the repo root) and what it measures. */
const BENCHMARKS = [
  { name: 'core', script: 'test/bench/core-transport.mjs', what: 'core + got vs openai SDK vs raw fetch (issue 2)' },
  { name: 'mcp', script: 'test/bench/mcp.mjs', what: 'MCP tool-call overhead and peak RSS (issue 3)' },
  {
    name: 'n8n',
    script: 'test/bench/n8n.mjs',
    what: "real n8n: Brushwork vs n8n's OpenAI node, packed size (issue 4)",
  },
  { name: 'memory', script: 'test/bench/memory.mjs', what: '3840x2160 result through core and MCP (issue 5)' },
  {
    name: 'n8n-memory',
    script: 'test/reliability/n8n-memory.mjs',
    what: '3840x2160 result through real n8n (issue 5)',
  },
];

const onlyArgument = process.argv.find((argument) => argument.startsWith('--only'));
const onlyValue = onlyArgument?.includes('=')
  ? onlyArgument.slice('--only='.length)
  : onlyArgument
    ? process.argv[process.argv.indexOf(onlyArgument) + 1]
    : undefined;
const only = onlyValue ? new Set(onlyValue.split(',').map((name) => name.trim())) : undefined;
if (only) {
  const unknown = [...only].filter((name) => !BENCHMARKS.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    console.error(
      `bench: unknown benchmark ${unknown.join(', ')}; use ${BENCHMARKS.map((bench) => bench.name).join(', ')}`,
    );
    process.exit(2);
  }
}

function runScript(path) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path], { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => resolve({ code: 1, error }));
    child.on('exit', (code, signal) => resolve({ code: code ?? 1, signal }));
  });
}

const summary = [];
for (const bench of BENCHMARKS) {
  if (only && !only.has(bench.name)) continue;
  const path = join(root, bench.script);
  console.log(`\n━━ ${bench.name}: ${bench.what}\n   ${bench.script}\n`);
  if (!existsSync(path)) {
    console.log('   (missing)');
    summary.push({ ...bench, outcome: 'missing', seconds: 0 });
    continue;
  }
  const started = performance.now();
  const { code, signal, error } = await runScript(path);
  const seconds = (performance.now() - started) / 1000;
  const outcome = code === 0 ? 'ran' : `crashed (${error?.message ?? signal ?? `exit ${code}`})`;
  summary.push({ ...bench, outcome, seconds });
}

console.log('\n━━ summary');
for (const { name, outcome, seconds } of summary) {
  console.log(`   ${name.padEnd(12)} ${outcome.padEnd(12)} ${seconds.toFixed(1).padStart(6)} s`);
}
process.exit(summary.some((entry) => entry.outcome.startsWith('crashed') || entry.outcome === 'missing') ? 1 : 0);
