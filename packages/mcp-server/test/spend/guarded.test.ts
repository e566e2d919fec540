import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSpendGuard, LEDGER_FILE, runGuarded } from '../../src/spend/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brushwork-guarded-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const request = { model: 'gpt-image-2', prompt: 'x', size: '1024x1024', quality: 'low', n: 1 };
const result = {
  model: 'gpt-image-2',
  usage: { inputTokens: 1, outputTokens: 196, inputTextTokens: 1, inputImageTokens: 0 },
  images: [{}],
};
const lines = async () =>
  (await readFile(join(dir, LEDGER_FILE), 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('runGuarded', () => {
  it('runs the call, prices the result per image, writes the ledger line with the saved files', async () => {
    const guard = createSpendGuard({ dir, config: { window: { kind: 'day' }, ledgerPrompts: false, budgetUsd: 1 } });
    const outcome = await runGuarded(
      guard,
      'generate_image',
      request,
      async () => result,
      async () => ['a.png'],
    );
    expect(outcome).toMatchObject({
      ok: true,
      cost: { basis: 'usage', usd: (5 + 196 * 30) / 1e6 },
      estimate: { basis: 'estimate' },
    });
    expect(outcome.ok && outcome.images).toHaveLength(1);
    expect(await lines()).toEqual([expect.objectContaining({ files: ['a.png'], outcome: 'ok' })]);
  });

  it('a refusal never runs the call; a failing call is settled and rethrown', async () => {
    const guard = createSpendGuard({
      dir,
      config: { window: { kind: 'day' }, ledgerPrompts: false, maxCostPerCallUsd: 0.001 },
    });
    let ran = false;
    const refused = await runGuarded(guard, 'generate_image', request, async () => {
      ran = true;
      return result;
    });
    expect(refused.ok).toBe(false);
    expect(ran).toBe(false);
    const open = createSpendGuard({ dir, config: { window: { kind: 'day' }, ledgerPrompts: false } });
    await expect(
      runGuarded(open, 'edit_image', request, async () => {
        throw new Error('upstream down');
      }),
    ).rejects.toThrow('upstream down');
    expect(await lines()).toEqual([
      expect.objectContaining({ tool: 'edit_image', outcome: 'error', error: 'upstream down' }),
    ]);
  });
});

describe('output directory', () => {
  it('is created when missing (first call of a fresh server)', async () => {
    const fresh = join(dir, 'not', 'yet');
    const guard = createSpendGuard({
      dir: fresh,
      config: { window: { kind: 'day' }, ledgerPrompts: false, budgetUsd: 1 },
    });
    const outcome = await runGuarded(guard, 'generate_image', request, async () => result);
    expect(outcome.ok).toBe(true);
    expect(await readFile(join(fresh, LEDGER_FILE), 'utf8')).toContain('"generate_image"');
  });
});
