#!/usr/bin/env -S node --max-semi-space-size=2
/**
 * brushwork-mcp: stdio (default) or Streamable HTTP. stdout carries protocol messages only; every log
 * line goes to stderr. Bad configuration: one line on stderr, exit 1.
 *
 * The shebang gives V8 a small young generation (--max-semi-space-size=2, in MB): image answers arrive as
 * many short-lived socket buffers and decoding steps, freed when the young generation is collected, and
 * a small one is collected often (10 concurrent 1536x1024 generations peak near 170 MB instead of
 * 234 MB, a 3840x2160 result costs 1.4x its size above idle instead of 3.4x; `pnpm bench -- --only
 * mcp,memory`). npx and npm's bin shims honour it; `node dist/cli.js` started by hand works without it.
 */
import { homedir } from 'node:os';
import { redactSecrets } from '@brushwork/core';
import { createGotTransport } from '@brushwork/core/got';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseConfig } from './config.js';
import { startHttpServer } from './http.js';
import { createModelListCache } from './model-cache.js';
import { createBrushworkServer, createServerSpendGuard, SERVER_VERSION } from './server.js';
import type { SpendGuard } from './spend/index.js';

async function main(): Promise<void> {
  const outcome = parseConfig(process.env, process.argv.slice(2), { cwd: process.cwd(), homedir: homedir() });
  if (outcome.kind === 'help') {
    // --help is asked for by a person at a terminal, not by an MCP client.
    process.stdout.write(`${outcome.text}\n`);
    return;
  }
  if (outcome.kind === 'version') {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  if (outcome.kind === 'error') {
    process.stderr.write(`brushwork-mcp: configuration error: ${outcome.errors.join('; ')}\n`);
    process.exitCode = 1;
    return;
  }
  const { config, notices } = outcome;
  const log = (line: string) => process.stderr.write(`${redactSecrets(line, config.secrets)}\n`);
  let spend: SpendGuard;
  try {
    spend = await createServerSpendGuard(config);
  } catch (error) {
    process.stderr.write(
      `brushwork-mcp: configuration error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
    return;
  }
  for (const notice of notices) log(`brushwork-mcp: ${notice}`);

  const transport = config.provider.kind === 'sandbox' ? undefined : createGotTransport();
  const deps = { log, spend, modelList: createModelListCache(), ...(transport ? { transport } : {}) };

  if (config.transport === 'http') {
    const handle = await startHttpServer(config.http, () => createBrushworkServer(config, deps), log);
    log(
      `brushwork-mcp ${SERVER_VERSION}: Streamable HTTP on ${handle.url}${config.http.stateless ? ' (stateless: no sessions)' : ''}${config.http.token ? ' (bearer token required)' : ''}; images in ${config.outputDir}`,
    );
    const stop = () => {
      void handle.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }

  const server = createBrushworkServer(config, deps);
  await server.connect(new StdioServerTransport());
  log(`brushwork-mcp ${SERVER_VERSION}: ready on stdio; images in ${config.outputDir}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.stdin.once('end', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`brushwork-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
