// What it costs, end to end against the fake upstream: cost and provenance on every result, files saved
// byte for byte as received, estimate_cost without an upstream call, caps that refuse before any request
// (the fake's request log proves it) — ten concurrent calls against a budget that fits three let exactly
// three through — and one ledger line per call, task-augmented calls included.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { estimateCost } from '@brushwork/core';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { fakeUpstreamSuite, KEY, type McpHarness, textOf } from './harness.ts';

const { fake, openai, start } = await fakeUpstreamSuite();
let h: McpHarness | undefined;

interface CostFields {
  usd: number | null;
  basis: string;
  priceDate: string | null;
}
interface Structured {
  images: { path: string; cost?: CostFields; provenance: string }[];
  cost?: CostFields;
}

const request = { prompt: 'a lighthouse at dusk', model: 'gpt-image-1.5', size: '1024x1024', quality: 'low' };
const upstreamCalls = () => fake.log.filter((e) => e.route === 'openai.generations' || e.route === 'openai.edits');

describe('cost and provenance on results', () => {
  it('reports the cost from the usage, per result and per image, and C2PA kept byte for byte', async () => {
    fake.configure({ c2pa: true });
    h = await start(openai());
    const result = await h.call('generate_image', { ...request, n: 2 });
    expect(result.isError, textOf(result)).toBeFalsy();
    const structured = result.structuredContent as unknown as Structured;
    expect(structured.cost).toMatchObject({ basis: 'usage', priceDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
    expect(structured.cost!.usd).toBeGreaterThan(0);
    const shares = structured.images.map((image) => image.cost!.usd!);
    expect(Math.round((shares[0]! + shares[1]!) * 1e6)).toBe(Math.round(structured.cost!.usd! * 1e6));
    expect(structured.images.map((image) => image.provenance)).toEqual(['c2pa', 'c2pa']);
    expect(textOf(result)).toMatch(/Cost: \$[\d.]+ \(from the usage the API reported; prices checked \d{4}-/);
    expect(textOf(result)).toMatch(/C2PA content credentials/);

    // The saved files are the upstream's bytes, as they arrived.
    const body = JSON.parse(Buffer.from(h.responses.at(-1)!.body!).toString('utf8')) as {
      data: { b64_json: string }[];
    };
    for (const [i, image] of structured.images.entries()) {
      expect(Buffer.compare(await readFile(image.path), Buffer.from(body.data[i]!.b64_json, 'base64'))).toBe(0);
    }
  });

  it('reports provenance none for unsigned images', async () => {
    h = await start(openai());
    const result = await h.call('generate_image', request);
    expect((result.structuredContent as unknown as Structured).images[0]!.provenance).toBe('none');
  });
});

describe('estimate_cost', () => {
  it('estimates generate and edit calls without any upstream request', async () => {
    h = await start(openai({ BRUSHWORK_BUDGET_USD: '5' }));
    const generate = await h.call('estimate_cost', { ...request, n: 3 });
    expect(generate.isError, textOf(generate)).toBeFalsy();
    const expected = estimateCost({ ...request, n: 3 });
    expect(generate.structuredContent).toMatchObject({
      operation: 'generate',
      model: 'gpt-image-1.5',
      estimate: { usd: expected.usd, basis: 'estimate' },
      images: 3,
      spend: { budgetUsd: 5, spentUsd: 0, window: 'today (UTC)' },
    });
    expect(textOf(generate)).toMatch(/The spend caps allow it/);

    const { mkdir } = await import('node:fs/promises');
    await mkdir(h.outputDir, { recursive: true });
    const { encodePng } = await import('@brushwork/core');
    const png = encodePng({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 4) });
    await writeFile(join(h.outputDir, 'in.png'), png);
    const edit = await h.call('estimate_cost', { operation: 'edit', prompt: 'add a moon', images: ['in.png'] });
    expect(edit.isError, textOf(edit)).toBeFalsy();
    expect((edit.structuredContent as { estimate: CostFields }).estimate.usd).toBeGreaterThan(0);
    const missing = await h.call('estimate_cost', { operation: 'edit', prompt: 'add a moon' });
    expect(missing.isError).toBe(true);
    expect(fake.log).toEqual([]);
  });

  it('says when the caps would refuse the call', async () => {
    h = await start(openai({ BRUSHWORK_MAX_COST_PER_CALL_USD: '0.001' }));
    const result = await h.call('estimate_cost', request);
    expect((result.structuredContent as { spend: { refusal?: string } }).spend.refusal).toMatch(
      /BRUSHWORK_MAX_COST_PER_CALL_USD \$0\.001/,
    );
    expect(textOf(result)).toMatch(/would be refused now/);
  });
});

describe('spend caps refuse before any upstream request', () => {
  it('per call: the refusal names the cap, the estimate and the spend so far', async () => {
    h = await start(openai({ BRUSHWORK_MAX_COST_PER_CALL_USD: '0.001' }));
    const result = await h.call('generate_image', request);
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/BRUSHWORK_MAX_COST_PER_CALL_USD \$0\.001/);
    expect(text).toMatch(/estimated cost \$0\.0\d+/);
    expect(text).toMatch(/Spent so far today \(UTC\): \$0/);
    expect(upstreamCalls()).toEqual([]);
    expect(await h.files()).toEqual([]);
  });

  it('budget: ten concurrent calls against a budget that fits three let exactly three through', async () => {
    const estimate = estimateCost(request).usd!;
    // Fits three estimates even when the first settle a little above them (estimates are within 10 %),
    // never four.
    const budget = Number((estimate * 3.35).toFixed(6));
    h = await start(openai({ BRUSHWORK_BUDGET_USD: String(budget) }));
    const results = await Promise.all(Array.from({ length: 10 }, () => h!.call('generate_image', request)));
    const ok = results.filter((r) => !r.isError);
    const refused = results.filter((r) => r.isError);
    expect(ok).toHaveLength(3);
    expect(upstreamCalls()).toHaveLength(3);
    for (const result of refused) {
      expect(textOf(result)).toMatch(/BRUSHWORK_BUDGET_USD/);
      expect(textOf(result)).toMatch(/No request was sent/);
    }
    const ledger = await h.ledger();
    expect(ledger).toHaveLength(3);
    const spent = ledger.reduce((sum, line) => sum + ((line['cost'] as CostFields).usd ?? 0), 0);
    const reported = ok.reduce((sum, r) => sum + (r.structuredContent as unknown as Structured).cost!.usd!, 0);
    expect(Math.round(spent * 1e6)).toBe(Math.round(reported * 1e6));
    expect(spent).toBeLessThanOrEqual(budget);
  });

  it('task-augmented calls go through the guard too', async () => {
    h = await start(openai({ BRUSHWORK_MAX_COST_PER_CALL_USD: '0.001' }));
    const created = await h.client.request(
      { method: 'tools/call', params: { name: 'generate_image', arguments: request, task: {} } },
      CreateTaskResultSchema,
    );
    let task = created.task;
    while (task.status === 'working') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      task = await h.client.experimental.tasks.getTask(task.taskId);
    }
    expect(task.status).toBe('failed');
    const result = await h.client.request(
      { method: 'tasks/result', params: { taskId: task.taskId } },
      CallToolResultSchema,
    );
    expect(textOf(result)).toMatch(/BRUSHWORK_MAX_COST_PER_CALL_USD/);
    expect(upstreamCalls()).toEqual([]);
  });
});

describe('the spend ledger', () => {
  it('one line per call, without the prompt unless BRUSHWORK_LEDGER_PROMPTS=1', async () => {
    h = await start(openai());
    const first = await h.call('generate_image', { ...request, n: 2 });
    fake.inject({ kind: 'insufficient_quota', times: 1 });
    await h.call('generate_image', request);
    const ledger = await h.ledger();
    expect(ledger).toHaveLength(2);
    expect(ledger[0]).toMatchObject({
      tool: 'generate_image',
      model: 'gpt-image-1.5',
      size: '1024x1024',
      quality: 'low',
      n: 2,
      images: 2,
      outcome: 'ok',
      cost: (first.structuredContent as unknown as Structured).cost,
      files: (first.structuredContent as unknown as Structured).images.map((i) => i.path.split('/').at(-1)),
    });
    expect(ledger[1]).toMatchObject({ outcome: 'error', images: 0 });
    expect(ledger.filter((line) => 'prompt' in line)).toEqual([]);
    expect(JSON.stringify(ledger)).not.toContain(KEY);
    await h.close();

    h = await start(openai({ BRUSHWORK_LEDGER_PROMPTS: '1' }));
    await h.call('generate_image', request);
    expect((await h.ledger())[0]).toMatchObject({ prompt: request.prompt });
  });
});
