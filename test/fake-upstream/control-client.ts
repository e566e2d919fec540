// Drives a fake upstream running in another process (cli.ts) over its /__control endpoints.
import type { FakeUpstreamConfig, RateLimitSettings, RequestLogEntry } from './server.ts';
import type { FaultSpec } from './faults.ts';

export interface FakeUpstreamRemote {
  url: string;
  openaiBaseUrl: string;
  azureEndpoint: string;
  log(): Promise<RequestLogEntry[]>;
  clearLog(): Promise<void>;
  inject(fault: FaultSpec | FaultSpec[]): Promise<void>;
  clearFaults(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  setRateLimit(settings: RateLimitSettings | undefined): Promise<void>;
  configure(config: Partial<Omit<FakeUpstreamConfig, 'validKeys'>> & { validKeys?: string[] }): Promise<void>;
  reset(): Promise<void>;
  /** every Entra token issued so far counts as expired (the next Azure call with one gets 401) */
  expireTokens(): Promise<void>;
}

/** url: the fake's origin, as printed by cli.ts. */
export function connectFakeUpstream(url: string): FakeUpstreamRemote {
  const origin = url.replace(/\/+$/, '');
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${origin}/__control/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const value = (await response.json()) as { error?: string };
    if (!response.ok) throw new Error(`fake upstream control ${method} ${path}: ${value.error ?? response.status}`);
    return value;
  }
  const serialise = (f: FaultSpec): FaultSpec =>
    f.path instanceof RegExp ? { ...f, path: undefined, pathRegex: f.path.source } : f;
  return {
    url: origin,
    openaiBaseUrl: `${origin}/v1`,
    azureEndpoint: origin,
    async log() {
      return ((await call('GET', 'log')) as { entries: RequestLogEntry[] }).entries;
    },
    async clearLog() {
      await call('DELETE', 'log');
    },
    async inject(fault) {
      await call('POST', 'faults', Array.isArray(fault) ? fault.map(serialise) : serialise(fault));
    },
    async clearFaults() {
      await call('DELETE', 'faults');
    },
    async setLatency(ms) {
      await call('POST', 'latency', { ms });
    },
    async setRateLimit(settings) {
      await call('POST', 'rate-limit', settings ?? null);
    },
    async configure(config) {
      await call('POST', 'config', config);
    },
    async reset() {
      await call('POST', 'reset');
    },
    async expireTokens() {
      await call('POST', 'expire-tokens');
    },
  };
}
