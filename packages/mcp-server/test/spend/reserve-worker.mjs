// Child process of guard.test.ts: reserves `count` calls at once against the shared output directory
// (built code, as a second server process would run it), prints how many were let through, then stays
// alive (its reservations held, as during a long call) until the parent closes its stdin.
import { createSpendGuard } from '../../dist/spend/index.js';

const [dir, budget, count] = process.argv.slice(2);
const guard = createSpendGuard({
  dir,
  config: { budgetUsd: Number(budget), window: { kind: 'day' }, ledgerPrompts: false },
});
const request = { model: 'dall-e-3', prompt: 'x', size: '1024x1024', quality: 'standard' };
const outcomes = await Promise.all(
  Array.from({ length: Number(count) }, () => guard.reserve('generate_image', request)),
);
process.stdout.write(`${JSON.stringify({ ok: outcomes.filter((o) => o.ok).length })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
