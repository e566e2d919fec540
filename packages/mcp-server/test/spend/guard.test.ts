import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSpendGuard,
  LEDGER_FILE,
  type LedgerLine,
  RESERVATIONS_DIR,
  type SpendConfig,
} from '../../src/spend/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brushwork-spend-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const DALLE = { model: 'dall-e-3', prompt: 'a red fox', size: '1024x1024', quality: 'standard', n: 1 }; // $0.04
const config = (extra: Partial<SpendConfig> = {}): SpendConfig => ({
  window: { kind: 'day' },
  ledgerPrompts: false,
  ...extra,
});

async function ledger(): Promise<LedgerLine[]> {
  const text = await readFile(join(dir, LEDGER_FILE), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerLine);
}

describe('ledger', () => {
  it('one JSON line per call: time, tool, model, size, quality, n, images, usage, cost, files; no prompt by default', async () => {
    const guard = createSpendGuard({ dir, config: config(), now: () => Date.parse('2026-11-29T10:00:00Z') });
    const request = { model: 'gpt-image-2', prompt: 'secret plans', size: '1024x1024', quality: 'low', n: 2 };
    const reserved = await guard.reserve('generate_image', request);
    expect(reserved.ok).toBe(true);
    if (!reserved.ok) return;
    const usage = { inputTokens: 3, outputTokens: 392, totalTokens: 395, inputTextTokens: 3, inputImageTokens: 0 };
    await guard.settle(reserved.reservation, {
      result: { model: 'gpt-image-2', usage, images: [{}, {}] },
      files: ['fox-1.png', 'fox-2.png'],
    });
    await guard.settle(reserved.reservation, { error: 'Rate limited (429)' });
    const lines = await ledger();
    expect(lines).toEqual([
      {
        time: '2026-11-29T10:00:00.000Z',
        tool: 'generate_image',
        model: 'gpt-image-2',
        size: '1024x1024',
        quality: 'low',
        n: 2,
        images: 2,
        usage,
        cost: { usd: (3 * 5 + 392 * 30) / 1e6, basis: 'usage', priceDate: '2026-11-29' },
        estimateUsd: expect.any(Number),
        files: ['fox-1.png', 'fox-2.png'],
        outcome: 'ok',
      },
      expect.objectContaining({
        outcome: 'error',
        error: 'Rate limited (429)',
        images: 0,
        cost: expect.objectContaining({ usd: 0 }),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret plans');
  });

  it('keeps prompts with BRUSHWORK_LEDGER_PROMPTS=1', async () => {
    const guard = createSpendGuard({ dir, config: config({ ledgerPrompts: true }) });
    const r = await guard.reserve('generate_image', DALLE);
    if (r.ok) await guard.settle(r.reservation, { result: { images: [{}] } });
    expect((await ledger())[0]).toMatchObject({ prompt: 'a red fox', cost: { usd: 0.04, basis: 'estimate' } });
  });

  it('concurrent calls: every line whole and valid, none lost (long lines too)', async () => {
    const guard = createSpendGuard({ dir, config: config({ ledgerPrompts: true, budgetUsd: 100 }) });
    const long = 'x'.repeat(20_000);
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const r = await guard.reserve('generate_image', { ...DALLE, prompt: `${i} ${long}` });
        if (!r.ok) throw new Error(r.message);
        await guard.settle(r.reservation, { result: { images: [{}] }, files: [`f-${i}.png`] });
      }),
    );
    const lines = await ledger();
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l.files[0])).size).toBe(40);
    expect(await readdir(join(dir, RESERVATIONS_DIR))).toEqual([]);
    expect((await guard.status()).spentUsd).toBeCloseTo(1.6, 6);
  });
});

describe('caps', () => {
  it('per-call cap: refused before anything, naming the cap, the estimate and the spend so far', async () => {
    const guard = createSpendGuard({ dir, config: config({ maxCostPerCallUsd: 0.05 }) });
    const ok = await guard.reserve('generate_image', DALLE);
    expect(ok.ok).toBe(true);
    if (ok.ok) await guard.settle(ok.reservation, { result: { images: [{}] } });
    const refused = await guard.reserve('generate_image', { ...DALLE, quality: 'hd' });
    expect(refused).toMatchObject({
      ok: false,
      refusal: { cap: 'per-call', capUsd: 0.05, estimateUsd: 0.08, spentUsd: 0.04, reservedUsd: 0 },
    });
    expect(!refused.ok && refused.message).toBe(
      'Refused: the estimated cost $0.08 (dall-e-3, 1 image, 1024x1024, hd) is above BRUSHWORK_MAX_COST_PER_CALL_USD $0.05. ' +
        'Spent so far today (UTC): $0.04. No request was sent.',
    );
  });

  it('a model without a price is refused while a cap is set, with the reason', async () => {
    const guard = createSpendGuard({ dir, config: config({ budgetUsd: 1 }) });
    const refused = await guard.reserve('generate_image', { model: 'flux-pro', prompt: 'x' });
    expect(refused).toMatchObject({ ok: false, refusal: { cap: 'unpriced', estimateUsd: null } });
    expect(!refused.ok && refused.message).toMatch(
      /BRUSHWORK_BUDGET_USD \$1\.00 is set.*No price known for model "flux-pro".*BRUSHWORK_PRICES.*Spent so far today \(UTC\): \$0 of BRUSHWORK_BUDGET_USD \$1\.00/,
    );
    // without caps it goes through (the ledger records an unknown cost)
    const free = createSpendGuard({ dir, config: config() });
    expect((await free.reserve('generate_image', { model: 'flux-pro', prompt: 'x' })).ok).toBe(true);
  });

  it('10 concurrent calls against a budget that fits 3: exactly 3 reserved; settling frees what was not spent', async () => {
    const guard = createSpendGuard({ dir, config: config({ budgetUsd: 0.12 }) });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => guard.reserve('generate_image', DALLE)));
    const passed = outcomes.filter((o) => o.ok);
    expect(passed).toHaveLength(3);
    for (const o of outcomes.filter((o) => !o.ok))
      expect(!o.ok && o.message).toBe(
        'Refused: the estimated cost $0.04 (dall-e-3, 1 image, 1024x1024, standard) would take spending today (UTC) to $0.16, ' +
          'over BRUSHWORK_BUDGET_USD $0.12. Spent so far today (UTC): $0 of BRUSHWORK_BUDGET_USD $0.12, plus $0.12 reserved by calls in flight. ' +
          'No request was sent.',
      );
    const [a, b] = passed.map((o) => (o.ok ? o.reservation : undefined));
    await guard.settle(a!, { result: { images: [{}] } }); // spent 0.04, reserved 0.08
    expect((await guard.reserve('generate_image', DALLE)).ok).toBe(false);
    await guard.settle(b!, { error: 'server error' }); // failed: nothing spent, reservation released
    const next = await guard.reserve('generate_image', DALLE);
    expect(next.ok).toBe(true);
    expect(await guard.status()).toEqual({ spentUsd: 0.04, reservedUsd: 0.08, window: 'today (UTC)', budgetUsd: 0.12 });
  });

  it('a restart does not reset the budget: spending comes from the ledger', async () => {
    const first = createSpendGuard({ dir, config: config({ budgetUsd: 0.1 }) });
    for (let i = 0; i < 2; i++) {
      const r = await first.reserve('generate_image', DALLE);
      if (r.ok) await first.settle(r.reservation, { result: { images: [{}] } });
    }
    const restarted = createSpendGuard({ dir, config: config({ budgetUsd: 0.1 }) });
    const refused = await restarted.reserve('generate_image', DALLE);
    expect(refused).toMatchObject({ ok: false, refusal: { cap: 'budget', spentUsd: 0.08, estimateUsd: 0.04 } });
  });

  it('only the window counts: yesterday’s spending does not, a rolling window slides', async () => {
    let t = Date.parse('2026-11-28T23:00:00Z');
    const guard = createSpendGuard({ dir, config: config({ budgetUsd: 0.05 }), now: () => t });
    const r = await guard.reserve('generate_image', DALLE);
    if (r.ok) await guard.settle(r.reservation, { result: { images: [{}] } });
    expect((await guard.reserve('generate_image', DALLE)).ok).toBe(false);
    t = Date.parse('2026-11-29T00:30:00Z');
    const today = createSpendGuard({ dir, config: config({ budgetUsd: 0.05 }), now: () => t });
    expect((await today.reserve('generate_image', DALLE)).ok).toBe(true);
    const rolling = createSpendGuard({
      dir,
      config: config({ budgetUsd: 0.09, window: { kind: 'hours', hours: 2 } }),
      now: () => t,
    });
    // the settled 0.04 (1.5 h ago) and the 0.04 reserved just now count: 0.12 > 0.09
    expect((await rolling.reserve('generate_image', DALLE)).ok).toBe(false);
  });

  it('reservations of calls that hung past the TTL stop holding the budget', async () => {
    let t = Date.parse('2026-11-29T10:00:00Z');
    const guard = createSpendGuard({
      dir,
      config: config({ budgetUsd: 0.04 }),
      now: () => t,
      reservationTtlMs: 60_000,
    });
    expect((await guard.reserve('generate_image', DALLE)).ok).toBe(true);
    expect((await guard.reserve('generate_image', DALLE)).ok).toBe(false);
    t += 61_000;
    expect((await guard.reserve('generate_image', DALLE)).ok).toBe(true);
  });
});

describe('two processes sharing the output directory', () => {
  const worker = fileURLToPath(new URL('./reserve-worker.mjs', import.meta.url));
  const built = fileURLToPath(new URL('../../dist/spend/index.js', import.meta.url));

  it('see each other’s reservations: 2 × 5 concurrent calls against a budget that fits 3 let exactly 3 through', async () => {
    expect(existsSync(built), 'build the MCP server first (pnpm build)').toBe(true);
    const children = [0, 1].map(() =>
      spawn(process.execPath, [worker, dir, '0.12', '5'], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const reports = children.map(
      (child) =>
        new Promise<number>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) resolve(JSON.parse(out).ok as number);
          });
          child.on('exit', (code) => reject(new Error(`worker exited (${code}) before reporting`)));
        }),
    );
    const exits = children.map((child) => new Promise((resolve) => child.on('exit', resolve)));
    let results: number[];
    try {
      results = await Promise.all(reports);
    } finally {
      for (const child of children) child.stdin.end();
      await Promise.all(exits);
    }
    expect(results[0]! + results[1]!).toBe(3);
    // both workers held their reservations until now: 3 files, of processes that have since exited
    expect(await readdir(join(dir, RESERVATIONS_DIR))).toHaveLength(3);
  });
});
