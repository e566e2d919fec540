// The tarball leg of n8n's verification scan (@n8n/scan-community-package lints the published files, not
// only the sources): ESLint with @n8n/eslint-plugin-community-nodes' recommended (cloud) rules and
// no-console over every shipped .js file and package.json. The plugin and ESLint come from the n8n node
// package's dev dependencies (@n8n/node-cli), so this runs offline.
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_DIR } from './harness.ts';

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
  severity: number;
}

/** The part of ESLint's API used here (eslint is the n8n package's dev dependency, not the test suite's). */
interface EslintClass {
  new (
    options: object,
  ): {
    lintFiles(patterns: string[]): Promise<Array<{ filePath: string; messages: LintMessage[] }>>;
  };
}

export interface ScanFinding {
  file: string;
  rule: string | null;
  message: string;
  line: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') found.push(...(await filesUnder(path)));
    } else if (entry.name.endsWith('.js') || entry.name === 'package.json') found.push(path);
  }
  return found;
}

/** Lints an unpacked package folder like n8n's scanner does with its shipped files; returns the errors. */
export async function scanShippedFiles(packageDir: string): Promise<ScanFinding[]> {
  const fromPackage = createRequire(join(PACKAGE_DIR, 'package.json'));
  const fromCli = createRequire(fromPackage.resolve('@n8n/node-cli/eslint'));
  const { ESLint } = fromPackage('eslint') as { ESLint: EslintClass };
  const pluginEntry = fromCli.resolve('@n8n/eslint-plugin-community-nodes');
  const { n8nCommunityNodesPlugin } = (await import(pathToFileURL(pluginEntry).href)) as {
    n8nCommunityNodesPlugin: { configs: { recommended: object } };
  };
  const parser = fromCli('typescript-eslint').parser as object;
  const eslint = new ESLint({
    cwd: packageDir,
    allowInlineConfig: false,
    overrideConfigFile: true,
    overrideConfig: [
      n8nCommunityNodesPlugin.configs.recommended,
      { rules: { 'no-console': 'error' } },
      { files: ['**/*.json'], languageOptions: { parser } },
    ] as never,
  });
  const results = await eslint.lintFiles(await filesUnder(packageDir));
  return results.flatMap((result) =>
    result.messages
      .filter((message) => message.severity === 2)
      .map((message) => ({
        file: relative(packageDir, result.filePath),
        rule: message.ruleId,
        message: message.message,
        line: message.line,
      })),
  );
}
