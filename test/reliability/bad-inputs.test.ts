// The bad-input corpus (bad-inputs.ts) through @brushwork/core (validate + client) and the MCP tools:
// every input refused before any network call (the fake's request log stays empty, the transport was
// never called) with a message naming the field, and the canary key nowhere in what comes back.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EditRequest, ImageError, type ImageRequest, validateEdit, validateGenerate } from '@brushwork/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fake-upstream/index.ts';
import { greyPng } from '../fake-upstream/test-helpers.ts';
import {
  BAD_INPUTS,
  type BadInput,
  badToolCalls,
  IMAGE_PLACEHOLDER,
  namesField,
  OUTSIDE_PLACEHOLDER,
} from './bad-inputs.ts';
import {
  coreClient,
  listFiles,
  type McpOnFake,
  openaiProvider,
  startCanaryFake,
  startMcpOnFake,
  textOf,
} from './harness.ts';
import { recordFigures, verdict } from './figures.ts';
import { captureOutput, SecretScanner } from './secrets.ts';

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startCanaryFake();
});
afterAll(async () => {
  await fake?.close();
});

const active = BAD_INPUTS;

/** A problem names the field when it is the field or lies under it (images[0] under images, images[0].bytes). */
function problemNames(field: string, problemField: string): boolean {
  return problemField === field || problemField.startsWith(`${field}[`) || problemField.startsWith(`${field}.`);
}

async function refusedByCore(
  entry: BadInput,
  core: ReturnType<typeof coreClient>,
  scanner: SecretScanner,
): Promise<string | undefined> {
  const outcome = entry.kind === 'edit' ? validateEdit(entry.request) : validateGenerate(entry.request);
  if (outcome.ok) return 'validate accepted it';
  if (!outcome.problems.some((p) => problemNames(entry.field, p.field)))
    return `validate named ${outcome.problems.map((p) => p.field).join(', ')}, not ${entry.field}`;
  try {
    if (entry.kind === 'edit') await core.client.edit(entry.request as EditRequest);
    else await core.client.generate(entry.request as ImageRequest);
    return 'the client accepted it';
  } catch (error) {
    scanner.value(`core error for ${entry.id}`, error);
    if (!(error instanceof ImageError)) return `threw ${String(error)}`;
    if (error.kind !== 'invalid_request') return `kind ${error.kind}`;
    if (!(error.problems ?? []).some((p) => problemNames(entry.field, p.field)))
      return `error problems name ${(error.problems ?? []).map((p) => p.field).join(', ')}`;
    const named = (error.problems ?? []).some(
      (p) => problemNames(entry.field, p.field) && namesField(p.message, p.field),
    );
    if (!named && !namesField(error.message, entry.field))
      return `message does not name ${entry.field}: ${error.message}`;
  }
  return undefined;
}

describe(`bad-input corpus through the core (${active.length} inputs)`, () => {
  it('the corpus holds at least 200 invalid inputs across every family and category', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(200);
    expect(active.length).toBeGreaterThanOrEqual(200);
    expect(new Set(BAD_INPUTS.map((e) => e.id)).size).toBe(BAD_INPUTS.length);
    const models = new Set(
      BAD_INPUTS.map((e) => (e.request as { model?: unknown } | null)?.model).filter((m) => typeof m === 'string'),
    );
    for (const model of [
      'dall-e-2',
      'dall-e-3',
      'gpt-image-1.5',
      'gpt-image-1-mini',
      'gpt-image-2',
      'gpt-image-2.6-flare',
    ])
      expect(models).toContain(model);
  });

  it('each is refused before any network call, naming the field; no key in any error or output', async () => {
    fake.clearLog();
    const core = coreClient(openaiProvider(fake));
    const scanner = new SecretScanner();
    const failures: string[] = [];
    const { lines } = await captureOutput(async () => {
      for (const entry of active) {
        const problem = await refusedByCore(entry, core, scanner);
        if (problem) failures.push(`${entry.id}: ${problem}`);
      }
    });
    scanner.lines('captured output', lines);
    const byCategory: Record<string, number> = {};
    for (const e of active) byCategory[e.category] = (byCategory[e.category] ?? 0) + 1;
    console.log(
      `core bad-input corpus: ${active.length} inputs, ${active.length - failures.length} refused before the network naming the field; fake requests ${fake.log.length}, transport calls ${core.requests.length}\n` +
        Object.entries(byCategory)
          .map(([k, v]) => `  ${k.padEnd(44)} ${v}`)
          .join('\n'),
    );
    await recordFigures({
      suite: 'core-bad-inputs',
      title: 'Bad-input corpus through @brushwork/core',
      rows: [
        { figure: 'invalid inputs', value: active.length, target: '≥ 200', verdict: verdict(active.length >= 200) },
        {
          figure: 'refused naming the field',
          value: active.length - failures.length,
          target: 'all',
          verdict: verdict(failures.length === 0),
        },
        {
          figure: 'requests that reached the fake',
          value: fake.log.length,
          target: '0',
          verdict: verdict(fake.log.length === 0),
        },
        {
          figure: 'canary key occurrences',
          value: scanner.hits.length,
          target: '0',
          verdict: verdict(scanner.hits.length === 0),
        },
      ],
      details: { byCategory },
    });
    expect(failures).toEqual([]);
    expect(core.requests).toHaveLength(0);
    expect(fake.log).toHaveLength(0);
    expect(scanner.hits, scanner.report()).toEqual([]);
  });
});

describe('bad-input corpus through the MCP tools', () => {
  let h: McpOnFake;
  let validImage: string;
  let outsideImage: string;
  const substitute = (value: unknown): unknown =>
    value === IMAGE_PLACEHOLDER
      ? validImage
      : value === OUTSIDE_PLACEHOLDER
        ? outsideImage
        : Array.isArray(value)
          ? value.map(substitute)
          : value;
  beforeAll(async () => {
    h = await startMcpOnFake(fake);
    validImage = join(h.outputDir, 'valid-input.png');
    outsideImage = join(h.root, 'outside.png');
    await mkdir(h.outputDir, { recursive: true });
    await writeFile(validImage, greyPng(16, 16));
    await writeFile(outsideImage, greyPng(16, 16));
  });
  afterAll(async () => {
    await h?.close();
  });

  const calls = badToolCalls();

  it(`each of ${calls.length} tool calls is an isError result naming the argument; nothing sent, nothing saved, no key`, async () => {
    expect(calls.length).toBeGreaterThanOrEqual(200);
    fake.clearLog();
    const scanner = new SecretScanner();
    const failures: string[] = [];
    const { lines } = await captureOutput(async () => {
      for (const call of calls) {
        const args = Object.fromEntries(Object.entries(call.args).map(([k, v]) => [k, substitute(v)]));
        let text: string;
        try {
          const result = await h.call(call.name, args);
          scanner.value(`tool result for ${call.id}`, result);
          text = textOf(result);
          if (result.isError !== true) {
            failures.push(`${call.id}: not an error result: ${text.slice(0, 200)}`);
            continue;
          }
        } catch (error) {
          // the SDK client throws McpError for protocol-level refusals; the message must still name the field
          scanner.value(`tool error for ${call.id}`, error);
          text = error instanceof Error ? error.message : String(error);
        }
        if (!namesField(text, call.field))
          failures.push(`${call.id}: message does not name ${call.field}: ${text.slice(0, 300)}`);
        if (/\n\s+at .+\(.*:\d+:\d+\)/.test(text)) failures.push(`${call.id}: a stack trace in the result`);
      }
    });
    scanner.lines('captured output', lines).lines('server log', h.logs);
    await scanner.dir(h.outputDir);
    console.log(
      `MCP bad-input corpus: ${calls.length} tool calls, ${calls.length - failures.length} refused naming the argument; fake requests ${fake.log.length}, transport calls ${h.requests.length}`,
    );
    await recordFigures({
      suite: 'mcp-bad-inputs',
      title: 'Bad-input corpus through the MCP tools (generate_image, edit_image)',
      rows: [
        { figure: 'invalid tool calls', value: calls.length, target: '≥ 200', verdict: verdict(calls.length >= 200) },
        {
          figure: 'isError naming the argument',
          value: calls.length - failures.length,
          target: 'all',
          verdict: verdict(failures.length === 0),
        },
        {
          figure: 'requests that reached the fake',
          value: fake.log.length,
          target: '0',
          verdict: verdict(fake.log.length === 0),
        },
        {
          figure: 'canary key occurrences',
          value: scanner.hits.length,
          target: '0',
          verdict: verdict(scanner.hits.length === 0),
        },
      ],
    });
    expect(failures).toEqual([]);
    expect(h.requests).toHaveLength(0);
    expect(fake.log).toHaveLength(0);
    expect(await listFiles(h.outputDir)).toEqual(['valid-input.png']);
    expect(scanner.hits, scanner.report()).toEqual([]);
  });

  it('outside the allowed directories, a missing path gets the same answer as an existing one (issue 14, finding 5)', async () => {
    fake.clearLog();
    const answer = async (reference: string) =>
      textOf(await h.call('edit_image', { prompt: 'add a hat', images: [reference] }))
        .replaceAll('outside.png', 'NAME')
        .replaceAll('does-not-exist.png', 'NAME');
    for (const [existing, missing] of [
      ['../outside.png', '../does-not-exist.png'],
      [outsideImage, join(h.root, 'does-not-exist.png')],
      [`file://${outsideImage}`, `file://${join(h.root, 'does-not-exist.png')}`],
    ]) {
      const said = await answer(existing!);
      expect(said).toMatch(/images\[0\]: .* is outside/);
      expect(await answer(missing!)).toBe(said);
    }
    expect(fake.log).toHaveLength(0);
  });
});
