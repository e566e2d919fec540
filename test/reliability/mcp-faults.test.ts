// Fault matrix through the MCP server (built dist, in-memory SDK client): generate_image calls against the
// fake upstream with about 30 % of requests faulted. Every call ends with its images saved and described
// or an isError result; nothing crashes, no promise is left unhandled, no file is saved twice or left half
// written, and the canary key is nowhere (results, server log, captured output, file names and contents).
// The MCP server always asks DALL-E for b64_json, so `expired_url` cannot reach it (core-faults covers it).
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LEDGER_FILE } from '@brushwork/mcp-server';
import { afterAll, describe, expect, it } from 'vitest';
import type { FakeUpstream, RequestLogEntry } from '../fake-upstream/index.ts';
import {
  ALLOWED_ERROR_KINDS,
  describePlan,
  FAULT_MIX_KINDS,
  type FaultPlanItem,
  injectPlanned,
  OutcomeTally,
  planFaults,
  seededRandom,
  watchProcessFailures,
} from './fault-mix.ts';
import {
  expectedImageHash,
  listFiles,
  type McpOnFake,
  sha256,
  startCanaryFake,
  startMcpOnFake,
  textOf,
} from './harness.ts';
import { recordFigures, verdict } from './figures.ts';
import { reliabilityScale } from './scale.ts';
import { captureOutput, SecretScanner } from './secrets.ts';

const scale = reliabilityScale();
const MAX_RETRIES = 2;
const KINDS = FAULT_MIX_KINDS.filter((kind) => kind !== 'expired_url');

/** The words describeError (mcp-server messages.ts) opens each error kind with. */
const ERROR_WORDS: Array<[string, RegExp]> = [
  ['rate_limit', /^Rate limited by /],
  ['server', / had a server error: /],
  ['bad_response', / sent an answer Brushwork could not read: /],
  ['network', /^Network error reaching /],
  ['timeout', /^Timed out waiting for /],
];
const ALLOWED: Record<string, readonly string[]> = ALLOWED_ERROR_KINDS;

interface Structured {
  images: { path: string; index: number; width: number; height: number; bytes: number }[];
  failed: { indexes: number[]; message: string }[];
  cost?: { usd: number | null };
}

const micros = (usd: number | null | undefined) => Math.round((usd ?? 0) * 1e6);

interface PlannedCall {
  args: { prompt: string; model: string; n: number; size: string; quality?: string };
  width: number;
  height: number;
}

function planCall(item: FaultPlanItem, random: () => number): PlannedCall {
  const prompt = `mcp fault matrix call ${item.index}: a harbour at dawn, variant ${Math.floor(random() * 1e6)}`;
  const pick = random();
  if (pick < 0.6) {
    const n = 1 + Math.floor(random() * 2);
    return { args: { prompt, model: 'gpt-image-2', n, size: '256x256', quality: 'low' }, width: 256, height: 256 };
  }
  if (pick < 0.9) return { args: { prompt, model: 'dall-e-2', n: 1, size: '256x256' }, width: 256, height: 256 };
  return {
    args: { prompt, model: 'gpt-image-1.5', n: 1, size: '1024x1024', quality: 'low' },
    width: 1024,
    height: 1024,
  };
}

function servedImages(log: readonly RequestLogEntry[], prompt: string): number {
  return log
    .filter((e) => e.route === 'openai.generations' && e.body?.prompt === prompt && e.status === 200 && !e.fault)
    .reduce((sum, e) => sum + e.images, 0);
}

describe(`MCP fault matrix (${scale.form}: ${scale.mcpGenerations} generate_image calls)`, () => {
  let fake: FakeUpstream;
  let h: McpOnFake;
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it('every call ends with its images saved or an isError result; no duplicates, no crash, no leak', async () => {
    fake = await startCanaryFake({ seed: 23 });
    h = await startMcpOnFake(fake, { timeoutMs: scale.attemptTimeoutMs, maxRetries: MAX_RETRIES });
    const plan = planFaults({
      count: scale.mcpGenerations,
      rate: scale.faultRate,
      seed: 17,
      maxRetries: MAX_RETRIES,
      kinds: KINDS,
    });
    const random = seededRandom(31);
    const calls = plan.map((item) => planCall(item, random));
    const watch = watchProcessFailures();
    const tally = new OutcomeTally();
    const byFault = new OutcomeTally();
    const scanner = new SecretScanner();
    const problems: string[] = [];
    let delivered = 0;
    let costMicros = 0;

    const { lines } = await captureOutput(async () => {
      for (const item of plan) {
        const planned = calls[item.index] as PlannedCall;
        const fault = item.fault;
        const label = fault ? `${fault.kind}×${fault.attempts}` : 'none';
        await injectPlanned(fake, item);
        let result: Awaited<ReturnType<McpOnFake['call']>>;
        try {
          result = await h.call('generate_image', planned.args);
        } catch (error) {
          scanner.value(`call ${item.index} threw`, error);
          tally.add('crash (the call threw)');
          problems.push(`#${item.index} (${label}) threw ${String(error)}`);
          continue;
        }
        scanner.value(`call ${item.index} result`, result);
        const text = textOf(result);
        if (/\n\s+at .+:\d+:\d+/.test(text)) problems.push(`#${item.index} (${label}): a stack trace in the result`);
        if (result.isError === true) {
          const kind = ERROR_WORDS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'unclassified';
          tally.add(`isError: ${kind}`);
          byFault.add(`${fault?.kind ?? 'none'} → isError ${kind}`);
          if (!fault) problems.push(`#${item.index}: no fault, yet an error: ${text}`);
          else if (fault.recoverable) problems.push(`#${item.index} (${label}) should have recovered: ${text}`);
          else if (!(ALLOWED[fault.kind] ?? []).includes(kind))
            problems.push(`#${item.index} (${label}): ${kind}: ${text}`);
          if (servedImages(fake.log, planned.args.prompt) > 0)
            problems.push(`#${item.index} (${label}): served images were not delivered`);
          continue;
        }
        const structured = result.structuredContent as unknown as Structured;
        const complete = structured.images.length === planned.args.n && structured.failed.length === 0;
        tally.add(complete ? (fault ? 'images (recovered from a fault)' : 'images (no fault)') : 'partial');
        byFault.add(`${fault?.kind ?? 'none'} → ${complete ? 'images' : 'partial'}`);
        if (!complete) problems.push(`#${item.index} (${label}): ${structured.images.length}/${planned.args.n} images`);
        const served = servedImages(fake.log, planned.args.prompt);
        if (structured.images.length !== served)
          problems.push(
            `#${item.index} (${label}): ${structured.images.length} images saved, the fake served ${served}`,
          );
        const indexes = structured.images.map((i) => i.index);
        if (new Set(indexes).size !== indexes.length)
          problems.push(`#${item.index} (${label}): duplicate indexes ${indexes}`);
        for (const image of structured.images) {
          const bytes = await readFile(image.path);
          const expected = await expectedImageHash(planned.args.prompt, image.index, planned.width, planned.height);
          if (sha256(bytes) !== expected)
            problems.push(`#${item.index} (${label}): ${basename(image.path)} is not image ${image.index}`);
        }
        delivered += structured.images.length;
        costMicros += micros(structured.cost?.usd);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    watch.stop();

    const files = (await listFiles(h.outputDir)).filter((name) => name !== LEDGER_FILE);
    // The spend ledger: one valid JSON line per call; its costs and images add up to the results'.
    const ledgerText = await readFile(join(h.outputDir, LEDGER_FILE), 'utf8');
    const ledgerLines = ledgerText.split('\n').filter((line) => line !== '');
    const ledger = ledgerLines.flatMap((line) => {
      try {
        return [JSON.parse(line) as { cost: { usd: number | null }; images: number; outcome: string }];
      } catch {
        problems.push(`ledger: not JSON: ${line.slice(0, 80)}`);
        return [];
      }
    });
    const ledgerMicros = ledger.reduce((sum, line) => sum + micros(line.cost.usd), 0);
    const ledgerImages = ledger.reduce((sum, line) => sum + line.images, 0);
    scanner.lines('captured output', lines).lines('server log', h.logs);
    await scanner.dir(h.outputDir);
    const summary = describePlan(plan);
    console.log(
      [
        `MCP fault matrix (${scale.form}): ${plan.length} generate_image calls, ${summary.faulted} faulted (${(summary.share * 100).toFixed(0)} %), ${summary.persistent} beyond every retry; ${h.requests.length} HTTP requests, ${h.delays.length} retries; ${files.length} files saved`,
        tally.table('outcomes:'),
        byFault.table('by fault:'),
        `unhandled rejections / uncaught exceptions: ${watch.failures.length}; canary key occurrences: ${scanner.hits.length} in ${scanner.scanned} texts and files`,
      ].join('\n'),
    );

    const crashes = tally.get('crash (the call threw)');
    await recordFigures({
      suite: 'mcp-faults',
      title: 'Fault matrix through the MCP server (generate_image)',
      rows: [
        { figure: 'generate_image calls', value: plan.length, target: scale.form === 'full' ? '≥ 200' : undefined },
        {
          figure: 'faulted (share)',
          value: `${summary.faulted} (${(summary.share * 100).toFixed(0)} %)`,
          target: '≈ 30 %',
        },
        {
          figure: 'ended with all images saved',
          value: tally.get('images (no fault)') + tally.get('images (recovered from a fault)'),
        },
        {
          figure: 'ended with an isError result',
          value: [...tally.counts].filter(([k]) => k.startsWith('isError')).reduce((n, [, v]) => n + v, 0),
        },
        { figure: 'crashes', value: crashes, target: '0', verdict: verdict(crashes === 0) },
        {
          figure: 'unhandled rejections',
          value: watch.failures.length,
          target: '0',
          verdict: verdict(watch.failures.length === 0),
        },
        {
          figure: 'files saved / images delivered',
          value: `${files.length} / ${delivered}`,
          target: 'equal',
          verdict: verdict(files.length === delivered),
        },
        {
          figure: 'invariant violations (incl. duplicate images)',
          value: problems.length,
          target: '0',
          verdict: verdict(problems.length === 0),
        },
        {
          figure: 'ledger lines / calls',
          value: `${ledgerLines.length} / ${plan.length}`,
          target: 'equal',
          verdict: verdict(ledgerLines.length === plan.length),
        },
        {
          figure: 'ledger spend / results’ cost (USD)',
          value: `${ledgerMicros / 1e6} / ${costMicros / 1e6}`,
          target: 'equal',
          verdict: verdict(ledgerMicros === costMicros),
        },
        {
          figure: 'canary key occurrences',
          value: scanner.hits.length,
          target: '0',
          verdict: verdict(scanner.hits.length === 0),
        },
      ],
      details: {
        outcomes: tally.toObject(),
        byFault: byFault.toObject(),
        planByKind: summary.byKind,
        retries: h.delays.length,
        httpRequests: h.requests.length,
      },
    });

    expect(watch.failures).toEqual([]);
    expect(problems).toEqual([]);
    expect(tally.total()).toBe(plan.length);
    expect(summary.share).toBeGreaterThanOrEqual(0.29);
    expect(Object.keys(summary.byKind).length).toBe(KINDS.length);
    // one file per delivered image: none twice, no temp file left behind
    expect(files.length).toBe(delivered);
    expect(files.filter((f) => f.startsWith('.') || f.endsWith('.tmp'))).toEqual([]);
    expect(scanner.hits, scanner.report()).toEqual([]);
    expect(ledgerLines).toHaveLength(plan.length);
    expect(ledger).toHaveLength(plan.length);
    expect(ledgerMicros).toBe(costMicros);
    expect(costMicros).toBeGreaterThan(0);
    expect(ledgerImages).toBe(delivered);
    expect(ledger.filter((line) => line.outcome === 'ok').length).toBe(
      plan.length -
        tally.get('crash (the call threw)') -
        [...tally.counts].filter(([k]) => k.startsWith('isError')).reduce((n, [, v]) => n + v, 0),
    );
    expect(fake.log.some((e) => e.authValid === true)).toBe(true);
  }, 600_000);
});
