// Sizes of the reliability suites: a reduced form for `npm test` (fast, deterministic) and the full
// form the issue asks for (RELIABILITY_FULL=1: `pnpm test:reliability`, test/reliability/run-full.mjs).
// Every suite reads its counts from here so that the figures printed and the README agree.

export interface ReliabilityScale {
  /** 'reduced' in npm test, 'full' with RELIABILITY_FULL=1 */
  form: 'reduced' | 'full';
  /** generations through @brushwork/core in the fault matrix */
  coreGenerations: number;
  /** generate_image calls through the MCP server in the fault matrix */
  mcpGenerations: number;
  /** items through real n8n in the fault matrix (the n8n suites) */
  n8nItems: number;
  /** share of requests put under a fault (the issue: about 30 %) */
  faultRate: number;
  /** per-attempt timeout for the core in the fault matrix: a `hang` fault costs this much */
  attemptTimeoutMs: number;
  /** pacing: images in the batch, the fake's limit per window, and the window */
  pacing: { images: number; imagesPerWindow: number; windowMs: number };
  /** bad-input corpus: every entry always runs (it is cheap); kept here for the printout */
  badInputsMin: number;
}

export function isFullRun(env: Record<string, string | undefined> = process.env): boolean {
  const value = env.RELIABILITY_FULL;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

const REDUCED: ReliabilityScale = {
  form: 'reduced',
  coreGenerations: 120,
  mcpGenerations: 60,
  n8nItems: 20,
  faultRate: 0.3,
  attemptTimeoutMs: 500,
  // 30 images per 2 s: the same shape as 30/minute, thirty times faster (Retry-After is whole seconds)
  pacing: { images: 60, imagesPerWindow: 30, windowMs: 2_000 },
  badInputsMin: 200,
};

const FULL: ReliabilityScale = {
  form: 'full',
  coreGenerations: 500,
  mcpGenerations: 200,
  n8nItems: 100,
  faultRate: 0.3,
  attemptTimeoutMs: 1_000,
  // the figure: 60 images at 30 images/minute, a real minute
  pacing: { images: 60, imagesPerWindow: 30, windowMs: 60_000 },
  badInputsMin: 200,
};

export function reliabilityScale(env: Record<string, string | undefined> = process.env): ReliabilityScale {
  return isFullRun(env) ? FULL : REDUCED;
}

/**
 * The shortest time a batch can take under a sliding-window limit, when the batch is sent at once:
 * the first `perWindow` images go at t=0, each following group of `perWindow` one window later.
 */
export function theoreticalMinimumMs(images: number, perWindow: number, windowMs: number): number {
  return Math.max(0, Math.ceil(images / perWindow) - 1) * windowMs;
}
