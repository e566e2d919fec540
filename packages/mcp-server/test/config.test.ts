import { describe, expect, it } from 'vitest';
import {
  type ConfigOutcome,
  DEFAULT_MAX_INLINE_BYTES,
  helpText,
  parseByteSize,
  parseDuration,
  parseConfig,
  type ServerConfig,
} from '../src/config.js';

const context = { cwd: '/work/here', homedir: '/home/ada', pathDelimiter: ':' };

function config(env: Record<string, string>, argv: string[] = []): ServerConfig {
  const outcome = parseConfig(env, argv, context);
  if (outcome.kind !== 'config') throw new Error(`expected a config, got ${JSON.stringify(outcome)}`);
  return outcome.config;
}

function errors(env: Record<string, string>, argv: string[] = []): string[] {
  const outcome: ConfigOutcome = parseConfig(env, argv, context);
  if (outcome.kind !== 'error') throw new Error(`expected errors, got ${outcome.kind}`);
  return outcome.errors;
}

describe('provider choice', () => {
  it('runs the sandbox with no key, and says why', () => {
    const outcome = parseConfig({}, [], context);
    expect(outcome.kind).toBe('config');
    if (outcome.kind !== 'config') return;
    expect(outcome.config.provider).toEqual({ kind: 'sandbox' });
    expect(outcome.config.sandboxReason).toMatch(/No API key found.*sandbox/);
    expect(outcome.notices.join('\n')).toMatch(/sandbox/);
  });

  it('infers OpenAI from OPENAI_API_KEY with base URL, org and project', () => {
    const c = config({
      OPENAI_API_KEY: 'sk-test-123456789',
      OPENAI_BASE_URL: 'https://proxy.example.com/v1/',
      OPENAI_ORG_ID: 'org-1',
      OPENAI_PROJECT_ID: 'proj-1',
    });
    expect(c.provider).toEqual({
      kind: 'openai',
      apiKey: 'sk-test-123456789',
      baseUrl: 'https://proxy.example.com/v1',
      organization: 'org-1',
      project: 'proj-1',
    });
    expect(c.sandboxReason).toBeUndefined();
    expect(c.secrets).toContain('sk-test-123456789');
  });

  it('prefers Azure when its endpoint is set, with a default API version on the deployment path', () => {
    const c = config({
      OPENAI_API_KEY: 'sk-ignored-12345',
      AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/',
      AZURE_OPENAI_API_KEY: 'azure-key-1234',
      AZURE_OPENAI_DEPLOYMENT: 'images',
    });
    expect(c.provider).toEqual({
      kind: 'azure',
      endpoint: 'https://res.openai.azure.com',
      apiKey: 'azure-key-1234',
      api: 'deployment',
      deployment: 'images',
      apiVersion: '2025-04-01-preview',
    });
  });

  it('uses the Azure v1 API when no deployment is named but a model is', () => {
    const c = config({
      AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com',
      AZURE_OPENAI_API_KEY: 'k-1234',
      BRUSHWORK_MODEL: 'gpt-image-2',
    });
    expect(c.provider).toMatchObject({ kind: 'azure', api: 'v1' });
    expect(c.model).toBe('gpt-image-2');
  });

  it('honours an explicit BRUSHWORK_PROVIDER=sandbox even with a key', () => {
    const c = config({ OPENAI_API_KEY: 'sk-abcdefgh', BRUSHWORK_PROVIDER: 'sandbox' });
    expect(c.provider.kind).toBe('sandbox');
    expect(c.sandboxReason).toMatch(/BRUSHWORK_PROVIDER=sandbox/);
  });

  it('lets flags win over the environment', () => {
    const c = config({ BRUSHWORK_MODEL: 'dall-e-3', OPENAI_API_KEY: 'sk-aaaaaaaa' }, [
      '--model',
      'gpt-image-1.5',
      '--provider',
      'openai',
    ]);
    expect(c.model).toBe('gpt-image-1.5');
    expect(c.provider.kind).toBe('openai');
  });
});

describe('bad configuration', () => {
  it('names the variable and the allowed values', () => {
    expect(errors({ BRUSHWORK_PROVIDER: 'gemini' })).toEqual([
      'BRUSHWORK_PROVIDER / --provider must be one of openai, azure, sandbox (got "gemini")',
    ]);
  });

  it('requires the key for an explicit provider', () => {
    expect(errors({ BRUSHWORK_PROVIDER: 'openai' })[0]).toMatch(/OPENAI_API_KEY is required/);
    const azure = errors({ BRUSHWORK_PROVIDER: 'azure' });
    expect(azure.join('\n')).toMatch(/AZURE_OPENAI_ENDPOINT is required/);
    expect(azure.join('\n')).toMatch(/Azure needs AZURE_OPENAI_API_KEY, or AZURE_OPENAI_AD_TOKEN, or AZURE_TENANT_ID/);
  });

  it('rejects non-https URLs except for localhost, and never echoes credentials in URLs', () => {
    expect(errors({ OPENAI_API_KEY: 'sk-xxxxxxxx', OPENAI_BASE_URL: 'http://example.com/v1' })[0]).toMatch(
      /must use https/,
    );
    expect(
      config({ OPENAI_API_KEY: 'sk-xxxxxxxx', OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1' }).provider,
    ).toMatchObject({
      baseUrl: 'http://127.0.0.1:9999/v1',
    });
    const problems = errors({ OPENAI_API_KEY: 'sk-xxxxxxxx', OPENAI_BASE_URL: 'https://user:hunter22@example.com' });
    expect(problems.join('\n')).toMatch(/must not contain credentials/);
    expect(problems.join('\n')).not.toContain('hunter22');
  });

  it('rejects a bad inline budget, a bad port, and unknown flags', () => {
    expect(errors({ BRUSHWORK_MAX_INLINE_BYTES: 'lots' })[0]).toMatch(/BRUSHWORK_MAX_INLINE_BYTES.*700k/);
    expect(errors({}, ['--http', '--port', '99999'])[0]).toMatch(/--port must be 0-65535/);
    expect(errors({}, ['--port', '3000'])[0]).toMatch(/only apply with --http/);
    expect(errors({}, ['--bogus'])[0]).toMatch(/bogus.*--help/);
  });

  it('never puts a key into an error', () => {
    const all = errors({ OPENAI_API_KEY: 'sk-secret-value-123', OPENAI_BASE_URL: 'ftp://x' }, [
      '--openai-api-key',
      'sk-secret-value-123',
      '--port',
      'x',
    ]);
    expect(all.join('\n')).not.toContain('sk-secret-value-123');
  });
});

describe('files and transport settings', () => {
  it('defaults: ~/brushwork-images, 700 kB, stdio, 127.0.0.1', () => {
    const c = config({});
    expect(c.outputDir).toBe('/home/ada/brushwork-images');
    expect(c.maxInlineBytes).toBe(DEFAULT_MAX_INLINE_BYTES);
    expect(c.transport).toBe('stdio');
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.inputDirs).toEqual([]);
  });

  it('resolves directories against cwd and ~', () => {
    const c = config({ BRUSHWORK_OUTPUT_DIR: 'out', BRUSHWORK_INPUT_DIRS: '~/Pictures:/srv/img:' });
    expect(c.outputDir).toBe('/work/here/out');
    expect(c.inputDirs).toEqual(['/home/ada/Pictures', '/srv/img']);
    expect(config({}, ['--input-dir', 'a', '--input-dir', '/b']).inputDirs).toEqual(['/work/here/a', '/b']);
  });

  it('reads HTTP options, token and allow lists', () => {
    const c = config(
      { BRUSHWORK_HTTP_TOKEN: 'tok-123456', BRUSHWORK_ALLOWED_ORIGINS: 'https://a.example, https://b.example' },
      ['--http', '--port', '0', '--host', '0.0.0.0', '--allowed-host', 'box.lan'],
    );
    expect(c.transport).toBe('http');
    expect(c.http).toEqual({
      port: 0,
      host: '0.0.0.0',
      token: 'tok-123456',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      allowedHosts: ['box.lan'],
      maxSessions: 64,
      maxSessionsPerClient: 16,
      sessionIdleMs: 300_000,
      stateless: false,
    });
    expect(c.secrets).toContain('tok-123456');
  });

  it('turns on stateless HTTP with --stateless or BRUSHWORK_HTTP_STATELESS (issue 11)', () => {
    expect(config({}, ['--http']).http.stateless).toBe(false);
    expect(config({}, ['--http', '--stateless']).http.stateless).toBe(true);
    expect(config({ BRUSHWORK_HTTP_STATELESS: '1' }, ['--http']).http.stateless).toBe(true);
    expect(config({ BRUSHWORK_HTTP_STATELESS: 'TRUE' }, ['--http']).http.stateless).toBe(true);
    expect(config({ BRUSHWORK_HTTP_STATELESS: '0' }, ['--http']).http.stateless).toBe(false);
    expect(config({ BRUSHWORK_HTTP_STATELESS: '' }, ['--http']).http.stateless).toBe(false);
    expect(errors({ BRUSHWORK_HTTP_STATELESS: 'maybe' }, ['--http']).join()).toMatch(
      /BRUSHWORK_HTTP_STATELESS must be 1 or 0/,
    );
    expect(errors({}, ['--stateless']).join()).toMatch(/--stateless only applies with --http/);
    expect(helpText()).toMatch(/--stateless\s+BRUSHWORK_HTTP_STATELESS/);
  });

  it('warns when serving HTTP beyond loopback without a token', () => {
    const outcome = parseConfig({}, ['--http', '--host', '0.0.0.0'], context);
    expect(outcome.kind === 'config' && outcome.notices.some((n) => /without BRUSHWORK_HTTP_TOKEN/.test(n))).toBe(true);
  });

  it('limits resources and HTTP sessions, with defaults (issue 14)', () => {
    const c = config({});
    expect(c.maxResourceBytes).toBe(20_000_000);
    const set = config({ BRUSHWORK_MAX_RESOURCE_BYTES: '5m', BRUSHWORK_HTTP_MAX_SESSIONS: '8' }, [
      '--http',
      '--http-client-sessions',
      '2',
      '--http-idle-seconds',
      '90',
    ]);
    expect(set.maxResourceBytes).toBe(5_000_000);
    expect(set.http).toMatchObject({ maxSessions: 8, maxSessionsPerClient: 2, sessionIdleMs: 90_000 });
    expect(errors({ BRUSHWORK_MAX_RESOURCE_BYTES: 'lots' }).join()).toMatch(/BRUSHWORK_MAX_RESOURCE_BYTES/);
    expect(errors({ BRUSHWORK_HTTP_MAX_SESSIONS: '0' }, ['--http']).join()).toMatch(/BRUSHWORK_HTTP_MAX_SESSIONS/);
    expect(errors({}, ['--http', '--http-idle-seconds', 'soon']).join()).toMatch(/--http-idle-seconds/);
  });

  it('says on start-up what HTTP without a token means, on loopback too (issue 14, finding 2)', () => {
    const outcome = parseConfig({}, ['--http'], context);
    expect(outcome.kind === 'config' && outcome.notices.join('\n')).toMatch(
      /without BRUSHWORK_HTTP_TOKEN: any process on this machine/,
    );
    const withToken = parseConfig({ BRUSHWORK_HTTP_TOKEN: 'tok-123456' }, ['--http'], context);
    expect(withToken.kind === 'config' && withToken.notices.join('\n')).not.toMatch(/BRUSHWORK_HTTP_TOKEN/);
  });

  it('reads the task TTL (default one hour) and refuses what is not a duration', () => {
    const fallback = parseConfig({}, [], context);
    expect(fallback.kind === 'config' && fallback.config.taskTtlMs).toBe(3_600_000);
    const set = parseConfig({ BRUSHWORK_TASK_TTL: '30m' }, ['--task-ttl', '90s'], context);
    expect(set.kind === 'config' && set.config.taskTtlMs).toBe(90_000);
    const bad = parseConfig({ BRUSHWORK_TASK_TTL: 'soon' }, [], context);
    expect(bad.kind === 'error' && bad.errors.join('\n')).toMatch(/BRUSHWORK_TASK_TTL .* \(got "soon"\)/);
  });

  it('parses durations', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('2H')).toBe(7_200_000);
    expect(parseDuration('1.5h')).toBeUndefined();
  });

  it('parses byte sizes', () => {
    expect(parseByteSize('700000')).toBe(700_000);
    expect(parseByteSize('700k')).toBe(700_000);
    expect(parseByteSize('1.5MB')).toBe(1_500_000);
    expect(parseByteSize('-1')).toBeUndefined();
    expect(parseByteSize('12 apples')).toBeUndefined();
  });

  it('answers --help and --version', () => {
    const help = parseConfig({}, ['--help'], context);
    expect(help.kind).toBe('help');
    if (help.kind === 'help') {
      for (const name of ['OPENAI_API_KEY', 'AZURE_OPENAI_DEPLOYMENT', 'BRUSHWORK_HTTP_TOKEN', '--http', '--port']) {
        expect(help.text).toContain(name);
      }
    }
    expect(parseConfig({}, ['--version'], context).kind).toBe('version');
  });
});

describe('Azure with Microsoft Entra ID', () => {
  const base = { AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com', AZURE_OPENAI_DEPLOYMENT: 'images' };
  const credentials = { AZURE_TENANT_ID: 'tenant', AZURE_CLIENT_ID: 'client', AZURE_CLIENT_SECRET: 'secret-value-1' };

  it('takes the client credentials, with the default authority, and keeps the secret among the secrets', () => {
    const c = config({ ...base, ...credentials });
    expect(c.providerChoice).toBe('azure');
    expect(c.provider).not.toHaveProperty('apiKey');
    expect(c.azureKeyless).toEqual({
      kind: 'client-credentials',
      tenantId: 'tenant',
      clientId: 'client',
      clientSecret: 'secret-value-1',
      authorityHost: 'https://login.microsoftonline.com',
    });
    expect(c.secrets).toContain('secret-value-1');
    expect(
      config({ ...base, ...credentials, AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' }).azureKeyless,
    ).toMatchObject({ authorityHost: 'https://login.microsoftonline.us' });
  });

  it('takes a bearer token (AZURE_OPENAI_AD_TOKEN) as a secret, and infers Azure from it', () => {
    const c = config({
      AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'd',
      AZURE_OPENAI_AD_TOKEN: 'token-value-1',
    });
    expect(c.azureKeyless).toEqual({ kind: 'token', token: 'token-value-1' });
    expect(c.secrets).toContain('token-value-1');
  });

  it('names what is missing from the client credentials', () => {
    expect(errors({ ...base, AZURE_TENANT_ID: 't' })).toEqual([
      'AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are required with AZURE_TENANT_ID (Entra ID client credentials)',
    ]);
    expect(errors({ ...base, AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' })).toEqual([
      'AZURE_CLIENT_SECRET is required with AZURE_TENANT_ID and AZURE_CLIENT_ID (Entra ID client credentials)',
    ]);
  });

  it('refuses two ways to authenticate at once, and an authority without client credentials', () => {
    expect(errors({ ...base, ...credentials, AZURE_OPENAI_API_KEY: 'key-1234' })[0]).toMatch(
      /one way to authenticate: set only one of AZURE_OPENAI_API_KEY, or AZURE_OPENAI_AD_TOKEN/,
    );
    expect(errors({ ...base, AZURE_OPENAI_API_KEY: 'key-1234', AZURE_OPENAI_AD_TOKEN: 'tok-1234' })[0]).toMatch(
      /one way to authenticate/,
    );
    expect(errors({ ...base, AZURE_OPENAI_API_KEY: 'key-1234', AZURE_AUTHORITY_HOST: 'https://x.example' })).toEqual([
      'AZURE_AUTHORITY_HOST only applies with AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET',
    ]);
    expect(errors({ ...base, ...credentials, AZURE_AUTHORITY_HOST: 'http://login.example' })[0]).toMatch(
      /AZURE_AUTHORITY_HOST must use https/,
    );
  });

  it('lists the Entra ID settings in --help', () => {
    for (const name of [
      'AZURE_OPENAI_AD_TOKEN',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'AZURE_AUTHORITY_HOST',
    ])
      expect(helpText()).toContain(name);
  });
});
