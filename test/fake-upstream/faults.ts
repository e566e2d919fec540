// Fault injection: queued (the next N matching requests) or by probability with a seeded RNG.

export const FAULT_KINDS = [
  'rate_limit', // 429 rate_limit_exceeded (Retry-After / retry-after-ms only when asked)
  'insufficient_quota', // 429 insufficient_quota (not retryable)
  'billing_hard_limit', // 400 billing_hard_limit_reached
  'server_error', // 500/502/503 JSON (status, default 500)
  'html_502', // 502 with an HTML page from a "proxy"
  'reset', // the connection is reset as soon as the request arrives
  'hang', // never answers (until the client gives up or the server closes)
  'truncated', // content-length of the full answer, half of it sent, then the socket is destroyed
  'malformed_json', // 200, application/json, a body that is not JSON
  'expired_url', // files route: 403 AuthenticationFailed XML, as Azure blob storage does
  'slow', // delayMs more latency, then the normal answer
  'status', // any status/body/headers you give
  'operation_failed', // legacy async submit: the operation ends "failed"
  'operation_canceled', // legacy async submit: the operation ends "canceled"
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export const ROUTES = [
  'openai.generations',
  'openai.edits',
  'openai.models',
  'azure.generations',
  'azure.edits',
  'azure.v1.generations',
  'azure.v1.edits',
  'azure.v1.models',
  'azure.legacy.submit',
  'azure.legacy.poll',
  'files',
  'entra.token',
] as const;

export type RouteName = (typeof ROUTES)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** which routes it applies to. Default: every API route (not 'files'); expired_url: 'files'; operation_*: 'azure.legacy.submit' */
  route?: RouteName | RouteName[];
  /** URL path filter: a string matches as a substring, a RegExp is tested */
  path?: string | RegExp;
  /** same as `path` as a RegExp source (for JSON over /__control) */
  pathRegex?: string;
  /** queued faults: how many matching requests get it (default 1). With probability: at most this many (default unlimited). */
  times?: number;
  /** 0..1: each matching request gets it with this probability (seeded RNG), until reset/clearFaults */
  probability?: number;
  /** server_error: 500 | 502 | 503 (default 500); status: any (default 500) */
  status?: number;
  /** Retry-After header: number = seconds, string = sent as is (an HTTP date, say) */
  retryAfter?: number | string;
  /** retry-after-ms header */
  retryAfterMs?: number;
  /** x-should-retry header on the answer */
  shouldRetry?: boolean;
  /** slow: extra milliseconds before answering (default 1000) */
  delayMs?: number;
  /** status: body and headers to send */
  body?: string;
  headers?: Record<string, string>;
}

/** Routes faults apply to by default: not the files nor the Entra token endpoint (name it to fault it). */
export const API_ROUTES: readonly RouteName[] = ROUTES.filter((r) => r !== 'files' && r !== 'entra.token');

function defaultRoutes(kind: FaultKind): readonly RouteName[] {
  if (kind === 'expired_url') return ['files'];
  if (kind === 'operation_failed' || kind === 'operation_canceled') return ['azure.legacy.submit'];
  return API_ROUTES;
}

/** Throws a readable error for a spec that cannot work. */
export function checkFaultSpec(spec: FaultSpec): void {
  if (!spec || typeof spec !== 'object') throw new Error('a fault must be an object with a kind');
  if (!(FAULT_KINDS as readonly string[]).includes(spec.kind))
    throw new Error(`unknown fault kind '${String(spec.kind)}'; use one of ${FAULT_KINDS.join(', ')}`);
  const routes = spec.route === undefined ? [] : Array.isArray(spec.route) ? spec.route : [spec.route];
  for (const r of routes)
    if (!(ROUTES as readonly string[]).includes(r))
      throw new Error(`unknown route '${String(r)}'; use one of ${ROUTES.join(', ')}`);
  if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1))
    throw new Error('probability must be between 0 and 1');
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 1))
    throw new Error('times must be a positive integer');
  if (spec.pathRegex !== undefined) new RegExp(spec.pathRegex);
}

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Armed {
  spec: FaultSpec;
  routes: readonly RouteName[];
  pathTest: ((path: string) => boolean) | undefined;
  remaining: number;
}

export interface FaultBook {
  add(spec: FaultSpec): void;
  /** the fault for this request, if any (consumes one application) */
  take(route: RouteName, path: string): FaultSpec | undefined;
  clear(): void;
  reseed(seed: number): void;
  /** faults still armed (queued with their remaining count, probabilistic ones) */
  pending(): Array<FaultSpec & { remaining: number | null }>;
}

export function createFaultBook(seed: number): FaultBook {
  let queued: Armed[] = [];
  let random: Armed[] = [];
  let rng = seededRandom(seed);

  const matches = (armed: Armed, route: RouteName, path: string) =>
    armed.remaining > 0 && armed.routes.includes(route) && (!armed.pathTest || armed.pathTest(path));

  return {
    add(spec) {
      checkFaultSpec(spec);
      const routes =
        spec.route === undefined ? defaultRoutes(spec.kind) : Array.isArray(spec.route) ? spec.route : [spec.route];
      const regex = spec.path instanceof RegExp ? spec.path : spec.pathRegex ? new RegExp(spec.pathRegex) : undefined;
      const text = typeof spec.path === 'string' ? spec.path : undefined;
      const pathTest = regex
        ? (p: string) => regex.test(p)
        : text !== undefined
          ? (p: string) => p.includes(text)
          : undefined;
      if (spec.probability !== undefined) random.push({ spec, routes, pathTest, remaining: spec.times ?? Infinity });
      else queued.push({ spec, routes, pathTest, remaining: spec.times ?? 1 });
    },
    take(route, path) {
      for (const armed of queued) {
        if (matches(armed, route, path)) {
          armed.remaining--;
          queued = queued.filter((a) => a.remaining > 0);
          return armed.spec;
        }
      }
      const candidates = random.filter((a) => matches(a, route, path));
      if (candidates.length === 0) return undefined;
      const draw = rng();
      let cumulative = 0;
      for (const armed of candidates) {
        cumulative += armed.spec.probability ?? 0;
        if (draw < cumulative) {
          armed.remaining--;
          random = random.filter((a) => a.remaining > 0);
          return armed.spec;
        }
      }
      return undefined;
    },
    clear() {
      queued = [];
      random = [];
    },
    reseed(next) {
      rng = seededRandom(next);
    },
    pending() {
      return [...queued, ...random].map((a) => ({
        ...a.spec,
        remaining: Number.isFinite(a.remaining) ? a.remaining : null,
      }));
    },
  };
}
