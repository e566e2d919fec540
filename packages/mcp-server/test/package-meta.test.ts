import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { helpText } from '../src/config.js';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const server = JSON.parse(await readFile(new URL('../server.json', import.meta.url), 'utf8'));

describe('server.json (MCP registry)', () => {
  it('matches package.json: name, mcpName and version', () => {
    expect(server.$schema).toMatch(
      /^https:\/\/static\.modelcontextprotocol\.io\/schemas\/\d{4}-\d{2}-\d{2}\/server\.schema\.json$/,
    );
    expect(server.name).toBe(pkg.mcpName);
    expect(server.name.split('/')).toHaveLength(2);
    expect(server.version).toBe(pkg.version);
    expect(server.description.length).toBeLessThanOrEqual(100);
    const npm = server.packages[0];
    expect(npm).toMatchObject({
      registryType: 'npm',
      identifier: pkg.name,
      version: pkg.version,
      transport: { type: 'stdio' },
    });
  });

  it('documents every environment variable the server reads, secrets marked', () => {
    const documented: string[] = server.packages[0].environmentVariables.map((v: { name: string }) => v.name);
    const read = [...helpText().matchAll(/\b((?:OPENAI|AZURE|BRUSHWORK)_[A-Z_]+)\b/g)].map((m) => m[1]!);
    // Settings of the HTTP transport only (server.json describes the stdio package).
    const httpOnly = [
      'BRUSHWORK_ALLOWED_ORIGINS',
      'BRUSHWORK_ALLOWED_HOSTS',
      'BRUSHWORK_HTTP_MAX_SESSIONS',
      'BRUSHWORK_HTTP_CLIENT_SESSIONS',
      'BRUSHWORK_HTTP_IDLE_SECONDS',
      'BRUSHWORK_HTTP_STATELESS',
    ];
    for (const name of read.filter((n) => !httpOnly.includes(n))) {
      expect(documented).toContain(name);
    }
    const secrets = server.packages[0].environmentVariables
      .filter((v: { isSecret?: boolean }) => v.isSecret)
      .map((v: { name: string }) => v.name);
    expect(secrets.sort()).toEqual([
      'AZURE_CLIENT_SECRET',
      'AZURE_OPENAI_AD_TOKEN',
      'AZURE_OPENAI_API_KEY',
      'BRUSHWORK_HTTP_TOKEN',
      'OPENAI_API_KEY',
    ]);
  });

  it('ships the bin with a shebang that runs node with a small young generation', async () => {
    expect(pkg.bin['brushwork-mcp']).toBe('./dist/cli.js');
    const first = (await readFile(new URL('../src/cli.ts', import.meta.url), 'utf8')).split('\n', 1)[0];
    expect(first).toBe('#!/usr/bin/env -S node --max-semi-space-size=2');
  });
});
