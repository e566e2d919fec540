// How users start the MCP server (npx, npm's bin shims): with the Node flags of the bin's shebang.
// The benches start it the same way, so their figures are the ones users get.
import { readFileSync } from 'node:fs';

/** The Node flags in a script's `#!/usr/bin/env -S node …` line. */
export function shebangNodeFlags(path) {
  const first = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\S*env\s+(?:-S\s+)?node((?:\s+--[^\s]+)*)\s*$/.exec(first);
  return match?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}
