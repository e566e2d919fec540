// The fault mix of the reliability suites: a seeded plan that puts about 30 % of requests under the
// faults the issue lists, expressed as the fake upstream's fault specs (test/fake-upstream/faults.ts).
//
// Usage (requests sent one after another, so that the fake's queued faults hit the planned request and
// its retries):
//   const plan = planFaults({ count: 500, seed: 7, maxRetries: 2 });
//   for (const item of plan) { await injectPlanned(fake, item); await run(item); }
//
// A planned fault hits `attempts` consecutive attempts of its request: attempts <= maxRetries means a
// retrying client recovers; attempts > maxRetries means the request must end with a classified error.
import { seededRandom } from '../fake-upstream/faults.ts';
import type { FaultSpec, RouteName } from '../fake-upstream/index.ts';

export const FAULT_MIX_KINDS = [
  'rate_limit_retry_after', // 429 with Retry-After
  'rate_limit_bare', // 429 without Retry-After
  'server_500',
  'server_502',
  'server_503',
  'html_502', // 502 with a proxy's HTML page
  'reset', // connection reset
  'hang', // no answer: the client's per-attempt timeout must fire
  'truncated', // content-length promised, half the body sent, socket destroyed
  'malformed_json', // 200 application/json whose body is not JSON
  'expired_url', // the result URL answers 403 (needs a URL result: DALL-E with response_format url)
] as const;

export type FaultMixKind = (typeof FAULT_MIX_KINDS)[number];

/** The ImageError kinds a request under each fault may end with when it does not recover. */
export const ALLOWED_ERROR_KINDS: Readonly<Record<FaultMixKind, readonly string[]>> = {
  rate_limit_retry_after: ['rate_limit'],
  rate_limit_bare: ['rate_limit'],
  server_500: ['server'],
  server_502: ['server'],
  server_503: ['server'],
  html_502: ['server', 'bad_response'],
  reset: ['network'],
  hang: ['timeout'],
  truncated: ['network', 'bad_response'],
  malformed_json: ['bad_response'],
  expired_url: ['bad_response', 'permission'],
};

/**
 * Faults a retrying client is expected to ride out when they hit fewer attempts than it has retries
 * (the official SDK's rules: 429, >= 500, connection errors and timeouts are retried). A 200 with a body
 * that is not JSON, and an expired URL, are not retried by the SDK either: those end in an error.
 */
export const RETRIED_FAULTS: ReadonlySet<FaultMixKind> = new Set([
  'rate_limit_retry_after',
  'rate_limit_bare',
  'server_500',
  'server_502',
  'server_503',
  'html_502',
  'reset',
  'hang',
  'truncated',
]);

/** The API routes image generations and edits take (faults are pinned to these; models, polls are left alone). */
export const IMAGE_ROUTES: readonly RouteName[] = [
  'openai.generations',
  'openai.edits',
  'azure.generations',
  'azure.edits',
  'azure.v1.generations',
  'azure.v1.edits',
];

export interface PlannedFault {
  kind: FaultMixKind;
  /** consecutive attempts of the request that get the fault */
  attempts: number;
  /** inject these into the fake right before sending the request */
  specs: FaultSpec[];
  /** the request must ask for a URL result (expired_url) */
  needsUrl: boolean;
  /** whether a client with `maxRetries` retries should end with images */
  recoverable: boolean;
}

export interface FaultPlanItem {
  index: number;
  fault: PlannedFault | undefined;
}

export interface FaultPlanOptions {
  count: number;
  /** share of requests faulted (default 0.3): exactly round(count × rate) requests get a fault */
  rate?: number;
  seed?: number;
  /** the client's retries (default 2, the core's default) */
  maxRetries?: number;
  kinds?: readonly FaultMixKind[];
  /** routes API faults apply to (default IMAGE_ROUTES) */
  routes?: readonly RouteName[];
  /** Retry-After for rate_limit_retry_after, in seconds (default 1) */
  retryAfterSeconds?: number;
  /** share of faulted requests whose fault outlasts every retry (default 0.2) */
  persistentShare?: number;
}

/** The fake's own small seeded generator (mulberry32). */
export { seededRandom };

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The fake upstream's fault specs for one planned fault. */
export function faultSpecs(
  kind: FaultMixKind,
  attempts: number,
  options: { routes?: readonly RouteName[]; retryAfterSeconds?: number } = {},
): FaultSpec[] {
  const route = [...(options.routes ?? IMAGE_ROUTES)];
  const times = attempts;
  switch (kind) {
    case 'rate_limit_retry_after':
      return [{ kind: 'rate_limit', route, times, retryAfter: options.retryAfterSeconds ?? 1 }];
    case 'rate_limit_bare':
      return [{ kind: 'rate_limit', route, times }];
    case 'server_500':
      return [{ kind: 'server_error', status: 500, route, times }];
    case 'server_502':
      return [{ kind: 'server_error', status: 502, route, times }];
    case 'server_503':
      return [{ kind: 'server_error', status: 503, route, times }];
    case 'html_502':
      return [{ kind: 'html_502', route, times }];
    case 'reset':
      return [{ kind: 'reset', route, times }];
    case 'hang':
      return [{ kind: 'hang', route, times }];
    case 'truncated':
      return [{ kind: 'truncated', route, times }];
    case 'malformed_json':
      return [{ kind: 'malformed_json', route, times }];
    case 'expired_url':
      return [{ kind: 'expired_url', route: 'files', times }];
  }
}

/**
 * A deterministic plan: which requests are faulted, with what, for how many attempts. Kinds are spread
 * evenly over the faulted requests (every kind appears when count × rate ≥ the number of kinds).
 */
export function planFaults(options: FaultPlanOptions): FaultPlanItem[] {
  const random = seededRandom(options.seed ?? 1);
  const rate = options.rate ?? 0.3;
  const maxRetries = options.maxRetries ?? 2;
  const kinds = options.kinds ?? FAULT_MIX_KINDS;
  const persistentShare = options.persistentShare ?? 0.2;
  const faulted = Math.round(options.count * rate);
  const chosen = new Set(
    shuffled(
      Array.from({ length: options.count }, (_, i) => i),
      random,
    ).slice(0, faulted),
  );
  const kindQueue: FaultMixKind[] = [];
  while (kindQueue.length < faulted) kindQueue.push(...shuffled(kinds, random));
  let next = 0;
  return Array.from({ length: options.count }, (_, index) => {
    if (!chosen.has(index)) return { index, fault: undefined };
    const kind = kindQueue[next++] as FaultMixKind;
    const draw = random();
    // persistent: outlasts every retry; otherwise 1 attempt (mostly) or, with retries to spare, 2
    const attempts = draw < persistentShare ? maxRetries + 1 : draw < 0.4 && maxRetries >= 2 ? 2 : 1;
    const specs = faultSpecs(kind, attempts, options);
    const recoverable = RETRIED_FAULTS.has(kind) && attempts <= maxRetries;
    return { index, fault: { kind, attempts, specs, needsUrl: kind === 'expired_url', recoverable } };
  });
}

/**
 * The same mix as standing probabilistic faults (seeded by the fake): each kind hits each matching request
 * with probability rate / kinds, so about `rate` of all API requests (retries included) are faulted.
 * For concurrent runs, where a queued plan cannot say which request a fault lands on.
 */
export function probabilisticFaults(
  options: {
    rate?: number;
    kinds?: readonly FaultMixKind[];
    routes?: readonly RouteName[];
    retryAfterSeconds?: number;
  } = {},
): FaultSpec[] {
  const kinds = options.kinds ?? FAULT_MIX_KINDS;
  const probability = (options.rate ?? 0.3) / kinds.length;
  return kinds.flatMap((kind) =>
    faultSpecs(kind, 1, options).map(({ times: _times, ...spec }) => ({ ...spec, probability })),
  );
}

/** Anything with the fake's inject(): the in-process fake or a remote one (control-client.ts). */
export interface FaultTarget {
  inject(fault: FaultSpec | FaultSpec[]): unknown;
  clearFaults(): unknown;
}

/** Arms the fake for one planned request (clears what an earlier request left unused first). */
export async function injectPlanned(target: FaultTarget, item: FaultPlanItem): Promise<void> {
  await target.clearFaults();
  if (item.fault) await target.inject(item.fault.specs);
}

/** Faulted requests per kind, and the share faulted. */
export function describePlan(plan: readonly FaultPlanItem[]): {
  total: number;
  faulted: number;
  share: number;
  byKind: Record<string, number>;
  persistent: number;
} {
  const byKind: Record<string, number> = {};
  let faulted = 0;
  let persistent = 0;
  for (const item of plan) {
    if (!item.fault) continue;
    faulted++;
    byKind[item.fault.kind] = (byKind[item.fault.kind] ?? 0) + 1;
    if (!item.fault.recoverable) persistent++;
  }
  return { total: plan.length, faulted, share: plan.length === 0 ? 0 : faulted / plan.length, byKind, persistent };
}

/** Counts of outcomes, printed by every fault-matrix suite in the same shape. */
export class OutcomeTally {
  readonly counts = new Map<string, number>();
  add(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }
  get(outcome: string): number {
    return this.counts.get(outcome) ?? 0;
  }
  total(): number {
    let sum = 0;
    for (const value of this.counts.values()) sum += value;
    return sum;
  }
  toObject(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
  table(title: string): string {
    const rows = [...this.counts].sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(8, ...rows.map(([k]) => k.length));
    return [
      title,
      ...rows.map(([k, v]) => `  ${k.padEnd(width)} ${String(v).padStart(5)}`),
      `  ${'total'.padEnd(width)} ${String(this.total()).padStart(5)}`,
    ].join('\n');
  }
}

/** Collects unhandled rejections and uncaught exceptions while a suite runs. */
export function watchProcessFailures(): { failures: string[]; stop(): void } {
  const failures: string[] = [];
  const onRejection = (reason: unknown) => failures.push(`unhandledRejection: ${String(reason)}`);
  const onException = (error: unknown) => failures.push(`uncaughtException: ${String(error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    failures,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
