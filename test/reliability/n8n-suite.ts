// Issue 5 through real n8n (the pinned runtime, 2.40.7 by default): one workflow with a branch per concern (fault matrix, pacing, bad
// inputs), run in one `n8n execute` against three fake upstreams (so their logs never mix), then the
// analysis: items out vs items in, image identity against the fake's log, error kinds, pacing ratio,
// bad inputs refused before the network, the canary key scanned for everywhere. Used by n8n.test.ts
// (reduced form), n8n-full.mjs (full form) and n8n-memory.mjs.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_AZURE_DEPLOYMENTS,
  type FakeUpstream,
  type FaultSpec,
  type RequestLogEntry,
  startFakeUpstream,
} from '../fake-upstream/index.ts';
import { promptVariant, renderImage } from '../fake-upstream/images.ts';
import {
  type CommandResult,
  type CredentialSpec,
  createN8nHome,
  ensureN8n,
  executeSucceeded,
  type ItemJson,
  type N8nHome,
  N8N_VERSION,
  n8n,
  packPackage,
  parseRawOutput,
} from '../n8n/harness.ts';
import { model, workflow } from '../n8n/workflows.ts';
import { type BadInputCase, expressionParameters, n8nCorpus, PROFILES, reducedCorpus } from './n8n-bad-inputs.ts';
import type { FigureRow } from './figures.ts';
import { type ReliabilityScale, theoreticalMinimumMs } from './scale.ts';
import { CANARY_KEY, CANARY_TOKEN, SecretScanner } from './secrets.ts';

// ───────────────────────────── faults ─────────────────────────────

/**
 * The n8n fault mix: every kind the issue lists, weighted so that rate limits (the common case) come
 * twice as often; their probabilities add up to `rate`. Probabilistic faults on API routes share one
 * draw in the fake, so `rate` is the share of API requests faulted. (n8n-specific copy: the shared
 * test/reliability/fault-mix.ts, when it exists, should replace it.)
 */
export function n8nFaultMix(rate: number): FaultSpec[] {
  const weighted: Array<[FaultSpec, number]> = [
    [{ kind: 'rate_limit', retryAfter: 1 }, 2],
    [{ kind: 'rate_limit' }, 2],
    [{ kind: 'server_error', status: 500 }, 1],
    [{ kind: 'server_error', status: 502 }, 1],
    [{ kind: 'server_error', status: 503 }, 1],
    [{ kind: 'html_502' }, 1],
    [{ kind: 'reset' }, 1],
    [{ kind: 'hang' }, 1],
    [{ kind: 'truncated' }, 1],
    [{ kind: 'malformed_json' }, 1],
  ];
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  return [
    ...weighted.map(([spec, weight]) => ({ ...spec, probability: (rate * weight) / total })),
    // downloads of URL results (the files route) draw on their own
    { kind: 'expired_url', probability: rate },
  ];
}

/** One of each kind, queued ahead of the random ones, so that every kind shows up even in a small run. */
export function oneOfEachFault(): FaultSpec[] {
  return [
    { kind: 'rate_limit', retryAfter: 1 },
    { kind: 'rate_limit' },
    { kind: 'server_error', status: 500 },
    { kind: 'server_error', status: 502 },
    { kind: 'server_error', status: 503 },
    { kind: 'html_502' },
    { kind: 'reset' },
    { kind: 'hang' },
    { kind: 'truncated' },
    { kind: 'malformed_json' },
    { kind: 'expired_url' },
  ];
}

// ───────────────────────────── workflow ─────────────────────────────

export interface BranchSpec {
  /** the Brushwork node's name (unique) */
  name: string;
  /** one input item each */
  items: Array<Record<string, unknown>>;
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name: string }>;
  continueOnFail?: boolean;
}

/** Manual Trigger → for each branch: Set (raw JSON `{items}`) → Split Out → Brushwork. No Code node. */
export function itemsWorkflow(id: string, name: string, branches: BranchSpec[]): object {
  return workflow(
    id,
    name,
    branches.map(({ items, ...branch }) => ({ ...branch, prompts: [], items })),
  );
}

// ───────────────────────────── the plan ─────────────────────────────

export const WORKFLOW_ID = 'brushworkRelia001';
export const FAULT_OPENAI = 'Fault matrix OpenAI';
export const FAULT_AZURE = 'Fault matrix Azure URL';
export const PACING = 'Pacing';
export const badBranchName = (modelId: string) => `Bad inputs ${modelId}`;
/** Azure deployment of DALL-E 3 whose model the node does not know: the only way the node asks for URLs. */
export const URL_DEPLOYMENT = 'legacy-dalle';
const AZURE_API_VERSION = '2025-04-01-preview';

const CREDENTIALS = {
  faultOpenAi: { brushworkOpenAiApi: { id: 'reliaCredFault01', name: 'Reliability faults OpenAI' } },
  faultAzure: { brushworkAzureOpenAiApi: { id: 'reliaCredFault02', name: 'Reliability faults Azure' } },
  pace: { brushworkOpenAiApi: { id: 'reliaCredPace001', name: 'Reliability pacing OpenAI' } },
  bad: { brushworkOpenAiApi: { id: 'reliaCredBad0001', name: 'Reliability bad inputs OpenAI' } },
};

/** GPT image 2 sizes unique per item (so every image's bytes are unique: a duplicate cannot hide). */
export function uniqueSize(i: number): string {
  return `${256 + 16 * (i % 16)}x${256 + 16 * Math.floor(i / 16)}`;
}

export interface Fakes {
  faults: FakeUpstream;
  pacing: FakeUpstream;
  bad: FakeUpstream;
}

export function faultItems(scale: ReliabilityScale): {
  openai: Array<Record<string, unknown>>;
  azure: Array<Record<string, unknown>>;
} {
  const azureCount = Math.max(2, Math.round(scale.n8nItems / 5));
  const openaiCount = scale.n8nItems - azureCount;
  return {
    openai: Array.from({ length: openaiCount }, (_, i) => ({
      prompt: `Fault matrix item ${i}: a lighthouse on a cliff`,
      n: i % 4 === 3 ? 2 : 1,
      size: uniqueSize(i),
    })),
    azure: Array.from({ length: azureCount }, (_, i) => ({ prompt: `Fault matrix URL item ${i}: a harbour at dusk` })),
  };
}

export function credentialSpecs(fakes: Fakes): CredentialSpec[] {
  const openai = (ref: { id: string; name: string }, fake: FakeUpstream): CredentialSpec => ({
    id: ref.id,
    name: ref.name,
    type: 'brushworkOpenAiApi',
    data: { apiKey: CANARY_KEY, url: fake.openaiBaseUrl, organizationId: '', projectId: '' },
  });
  return [
    openai(CREDENTIALS.faultOpenAi.brushworkOpenAiApi, fakes.faults),
    openai(CREDENTIALS.pace.brushworkOpenAiApi, fakes.pacing),
    openai(CREDENTIALS.bad.brushworkOpenAiApi, fakes.bad),
    {
      id: CREDENTIALS.faultAzure.brushworkAzureOpenAiApi.id,
      name: CREDENTIALS.faultAzure.brushworkAzureOpenAiApi.name,
      type: 'brushworkAzureOpenAiApi',
      data: {
        apiKey: CANARY_TOKEN,
        endpoint: fakes.faults.azureEndpoint,
        apiVersion: AZURE_API_VERSION,
        api: 'deployment',
      },
    },
  ];
}

export function reliabilityBranches(scale: ReliabilityScale, corpus: BadInputCase[]): BranchSpec[] {
  const items = faultItems(scale);
  // One attempt may take 2 s (Timeout is in whole seconds): a `hang` costs that, then a retry. 1 s would
  // do on an idle machine; 2 s keeps honest answers on a loaded one from timing out.
  const faultOptions = { timeout: 2 };
  const branches: BranchSpec[] = [
    {
      name: FAULT_OPENAI,
      items: items.openai,
      parameters: {
        provider: 'openai',
        model: model('gpt-image-2'),
        n: '={{ $json.n }}',
        size: 'custom',
        customSize: '={{ $json.size }}',
        quality: 'low',
        options: faultOptions,
      },
      credentials: CREDENTIALS.faultOpenAi,
      continueOnFail: true,
    },
    {
      name: FAULT_AZURE,
      items: items.azure,
      parameters: {
        provider: 'azure',
        deployment: URL_DEPLOYMENT,
        model: model(URL_DEPLOYMENT),
        size: '1024x1024',
        options: faultOptions,
      },
      credentials: CREDENTIALS.faultAzure,
      continueOnFail: true,
    },
    {
      name: PACING,
      items: Array.from({ length: scale.pacing.images }, (_, i) => ({ prompt: `Pacing item ${i}: a paper crane` })),
      parameters: {
        provider: 'openai',
        model: model('gpt-image-2'),
        size: 'custom',
        customSize: '256x256',
        quality: 'low',
      },
      credentials: CREDENTIALS.pace,
      continueOnFail: true,
    },
  ];
  for (const profile of PROFILES) {
    const cases = corpus.filter((c) => c.model === profile.model);
    if (cases.length === 0) continue;
    branches.push({
      name: badBranchName(profile.model),
      items: cases.map((c) => c.item),
      parameters: { provider: 'openai', model: model(profile.model), ...expressionParameters(profile.model) },
      credentials: CREDENTIALS.bad,
      continueOnFail: true,
    });
  }
  return branches;
}

// ───────────────────────────── running ─────────────────────────────

export interface CommandRecord extends CommandResult {
  args: string[];
  wallMs: number;
}

/** The harness's runner (stdout and stderr through files, so big results arrive whole). */
export const runN8nCommand = n8n;

async function command(home: N8nHome, args: string[], records: CommandRecord[], timeoutMs = 240_000) {
  const started = Date.now();
  const result = await runN8nCommand(home, args, { timeoutMs });
  const record = { ...result, args, wallMs: Date.now() - started };
  records.push(record);
  if (!(args[0] === 'execute' ? executeSucceeded(result) : result.code === 0)) {
    throw new Error(
      `n8n ${args.join(' ')} failed (exit ${result.code}, signal ${result.signal}):\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-4000)}`,
    );
  }
  return record;
}

/** A fresh n8n home with the packed package, credentials and workflows imported. */
export async function prepareHome(
  credentials: CredentialSpec[],
  workflows: object[],
  records: CommandRecord[],
  log: (line: string) => void = () => {},
): Promise<N8nHome> {
  await ensureN8n(log);
  const packDir = await mkdtemp(join(tmpdir(), 'brushwork-relia-pack-'));
  const tarball = await packPackage(packDir);
  const home = await createN8nHome(tarball);
  await rm(packDir, { recursive: true, force: true });
  const importDir = join(home.dir, 'import');
  await mkdir(join(importDir, 'workflows'), { recursive: true });
  await writeFile(join(importDir, 'credentials.json'), JSON.stringify(credentials));
  for (const [i, workflow] of workflows.entries()) {
    await writeFile(join(importDir, 'workflows', `${i}.json`), JSON.stringify(workflow));
  }
  log('importing credentials and workflows into n8n...');
  await command(home, ['import:credentials', `--input=${join(importDir, 'credentials.json')}`], records);
  await command(home, ['import:workflow', '--separate', `--input=${join(importDir, 'workflows')}`], records);
  // The import file is the only place the key may be in plain text: it is the input. Gone before the scan.
  await rm(importDir, { recursive: true, force: true });
  return home;
}

export interface RunData {
  startTime: number;
  executionTime: number;
}

export interface SuiteRun {
  scale: ReliabilityScale;
  fakes: Fakes;
  home: N8nHome;
  corpus: BadInputCase[];
  branches: BranchSpec[];
  commands: CommandRecord[];
  execute: CommandRecord;
  outputs: Record<string, ItemJson[]>;
  nodeErrors: Record<string, string>;
  runData: Record<string, RunData>;
  raw: unknown;
  /** removes the n8n home and closes the fakes */
  dispose(): Promise<void>;
}

/** Starts the fakes, prepares n8n, runs the one workflow. */
export async function runN8nReliability(
  scale: ReliabilityScale,
  log: (line: string) => void = () => {},
): Promise<SuiteRun> {
  const validKeys = [CANARY_KEY, CANARY_TOKEN];
  const fakes: Fakes = {
    faults: await startFakeUpstream({
      validKeys,
      azureDeployments: { ...DEFAULT_AZURE_DEPLOYMENTS, [URL_DEPLOYMENT]: 'dall-e-3' },
      seed: 5,
    }),
    pacing: await startFakeUpstream({
      validKeys,
      rateLimit: {
        imagesPerMinute: scale.pacing.imagesPerWindow,
        retryAfter: true,
        windowMs: scale.pacing.windowMs,
      },
    }),
    bad: await startFakeUpstream({ validKeys }),
  };
  const commands: CommandRecord[] = [];
  let home: N8nHome | undefined;
  const dispose = async () => {
    await Promise.all([fakes.faults.close(), fakes.pacing.close(), fakes.bad.close()]);
    if (home) await rm(home.dir, { recursive: true, force: true });
  };
  try {
    // The whole corpus in the full form; in the reduced one a third of it (n8n takes tens of ms per item).
    const corpus = scale.form === 'full' ? n8nCorpus() : reducedCorpus(n8nCorpus());
    const branches = reliabilityBranches(scale, corpus);
    home = await prepareHome(
      credentialSpecs(fakes),
      [itemsWorkflow(WORKFLOW_ID, 'Brushwork reliability', branches)],
      commands,
      log,
    );
    // One of each kind first, then random ones: their rate is lowered by the queued ones' share of the
    // expected requests (about 1.5 per item), so that about `faultRate` of all requests are faulted in the
    // full form. (The reduced form has few requests: the queued ones make its share higher.)
    const queued = oneOfEachFault();
    fakes.faults.inject(queued);
    fakes.faults.inject(n8nFaultMix(Math.max(0.1, scale.faultRate - queued.length / (1.5 * scale.n8nItems))));
    log(`executing: ${branches.map((b) => `${b.name} (${b.items.length})`).join(', ')}`);
    const execute = await command(home, ['execute', `--id=${WORKFLOW_ID}`, '--rawOutput'], commands, 20 * 60_000);
    const parsed = parseRawOutput(execute.stdout);
    const runs = (parsed.raw as { data: { resultData: { runData: Record<string, Array<Partial<RunData>>> } } }).data
      .resultData.runData;
    const runData: Record<string, RunData> = {};
    for (const [node, list] of Object.entries(runs)) {
      runData[node] = { startTime: list[0]?.startTime ?? 0, executionTime: list[0]?.executionTime ?? 0 };
    }
    return {
      scale,
      fakes,
      home,
      corpus,
      branches,
      commands,
      execute,
      outputs: parsed.outputs,
      nodeErrors: parsed.errors,
      runData,
      raw: parsed.raw,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

// ───────────────────────────── analysis ─────────────────────────────

/** ImageError kinds: an error item with one of these is "classified". */
export const ERROR_KINDS = [
  'invalid_request',
  'content_policy',
  'rate_limit',
  'quota',
  'authentication',
  'permission',
  'model_not_found',
  'timeout',
  'network',
  'server',
  'bad_response',
  'cancelled',
];

function pairedIndex(item: ItemJson): number {
  const paired = item.pairedItem as { item?: number } | Array<{ item?: number }> | undefined;
  const first = Array.isArray(paired) ? paired[0] : paired;
  return typeof first?.item === 'number' ? first.item : -1;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface FaultMatrixFigures {
  itemsIn: number;
  /** input items with at least one output item */
  itemsAnswered: number;
  outputItems: number;
  /** input items that got their images / an error item */
  imageItems: number;
  errorItems: number;
  images: number;
  /** outcome → input items: "images", "error:server", … */
  outcomes: Record<string, number>;
  /** error items without an ImageError kind, or items with neither binary nor error */
  unclassified: string[];
  /** items whose output mixes images and errors, has the wrong number of images, or repeats one */
  duplicates: string[];
  /** images whose bytes are not what the fake rendered for that item and index */
  mismatched: string[];
  /** images for which the fake's log has no successful response with that prompt */
  unserved: string[];
  /** upstream requests (API and downloads) and the ones that got a fault */
  requests: number;
  faulted: number;
  faultsByKind: Record<string, number>;
  /** responses the fake completed with images, and images delivered: more served than delivered = retried after a lost answer */
  served200: number;
}

interface ExpectedItem {
  prompt: string;
  n: number;
  width: number;
  height: number;
}

function expectedItems(run: SuiteRun, branch: string): ExpectedItem[] {
  const spec = run.branches.find((b) => b.name === branch);
  if (!spec) return [];
  return spec.items.map((item) => {
    const size = String(item.size ?? '1024x1024');
    const [width, height] = size.split('x').map(Number) as [number, number];
    return { prompt: String(item.prompt), n: Number(item.n ?? 1), width, height };
  });
}

export async function analyseFaultMatrix(run: SuiteRun): Promise<FaultMatrixFigures> {
  const figures: FaultMatrixFigures = {
    itemsIn: 0,
    itemsAnswered: 0,
    outputItems: 0,
    imageItems: 0,
    errorItems: 0,
    images: 0,
    outcomes: {},
    unclassified: [],
    duplicates: [],
    mismatched: [],
    unserved: [],
    requests: run.fakes.faults.log.length,
    faulted: 0,
    faultsByKind: {},
    served200: 0,
  };
  const served = new Map<string, number>();
  for (const entry of run.fakes.faults.log) {
    if (entry.fault) {
      figures.faulted++;
      const key = entry.fault === 'server_error' ? `server_error ${entry.status}` : entry.fault;
      figures.faultsByKind[key] = (figures.faultsByKind[key] ?? 0) + 1;
    }
    if (entry.route !== 'files' && entry.status === 200 && !entry.fault && entry.images > 0) {
      figures.served200++;
      const prompt = String(entry.body?.prompt ?? '');
      served.set(prompt, (served.get(prompt) ?? 0) + 1);
    }
  }
  const seenHashes = new Set<string>();
  for (const branch of [FAULT_OPENAI, FAULT_AZURE]) {
    const expected = expectedItems(run, branch);
    const out = run.outputs[branch] ?? [];
    figures.itemsIn += expected.length;
    figures.outputItems += out.length;
    const byInput = new Map<number, ItemJson[]>();
    for (const item of out) {
      const i = pairedIndex(item);
      byInput.set(i, [...(byInput.get(i) ?? []), item]);
    }
    for (const [i, want] of expected.entries()) {
      const items = byInput.get(i) ?? [];
      const where = `${branch} item ${i}`;
      if (items.length > 0) figures.itemsAnswered++;
      const withBinary = items.filter((item) => item.binary?.data);
      const errors = items.filter((item) => !item.binary?.data);
      if (errors.length > 0) {
        const kind = String(errors[0]?.json.kind ?? '');
        const outcome = `error:${kind || 'none'}`;
        figures.outcomes[outcome] = (figures.outcomes[outcome] ?? 0) + 1;
        figures.errorItems++;
        if (!ERROR_KINDS.includes(kind) || typeof errors[0]?.json.error !== 'string')
          figures.unclassified.push(`${where}: ${JSON.stringify(errors[0]?.json).slice(0, 300)}`);
        if (errors.length > 1 || withBinary.length > 0)
          figures.duplicates.push(`${where}: ${errors.length} error items and ${withBinary.length} images`);
        continue;
      }
      if (items.length === 0) {
        figures.outcomes.missing = (figures.outcomes.missing ?? 0) + 1;
        continue;
      }
      figures.outcomes.images = (figures.outcomes.images ?? 0) + 1;
      figures.imageItems++;
      if (withBinary.length !== want.n)
        figures.duplicates.push(`${where}: ${withBinary.length} images for n=${want.n}`);
      const indexes = new Set<number>();
      for (const item of withBinary) {
        const binary = item.binary?.data;
        if (!binary) continue;
        figures.images++;
        const bytes = new Uint8Array(Buffer.from(binary.data, 'base64'));
        const hash = sha256(bytes);
        const index = Number(item.json.index);
        if (indexes.has(index)) figures.duplicates.push(`${where}: index ${index} twice`);
        indexes.add(index);
        // URL results (DALL-E 3 sizes) may share bytes between items; the GPT image 2 ones never do.
        if (branch === FAULT_OPENAI) {
          if (seenHashes.has(hash)) figures.duplicates.push(`${where}: image ${index} repeats another image`);
          seenHashes.add(hash);
        }
        const rendered = await renderImage({
          kind: 'solid',
          width: want.width,
          height: want.height,
          format: 'png',
          transparent: false,
          variant: promptVariant(want.prompt) + index,
        });
        if (sha256(rendered.bytes) !== hash) figures.mismatched.push(`${where}: image ${index}`);
      }
      if ((served.get(want.prompt) ?? 0) < 1) figures.unserved.push(where);
    }
    for (const item of out) {
      if (pairedIndex(item) < 0 || pairedIndex(item) >= expected.length)
        figures.unclassified.push(`${branch}: output item paired to ${JSON.stringify(item.pairedItem)}`);
    }
  }
  return figures;
}

export interface PacingFigures {
  images: number;
  imagesPerWindow: number;
  windowMs: number;
  delivered: number;
  failures: number;
  rateLimited: number;
  requests: number;
  totalMs: number;
  minimumMs: number;
  ratio: number;
}

export function analysePacing(run: SuiteRun): PacingFigures {
  const out = run.outputs[PACING] ?? [];
  const { images, imagesPerWindow, windowMs } = run.scale.pacing;
  const minimumMs = theoreticalMinimumMs(images, imagesPerWindow, windowMs);
  const totalMs = run.runData[PACING]?.executionTime ?? 0;
  return {
    images,
    imagesPerWindow,
    windowMs,
    delivered: out.filter((item) => item.binary?.data).length,
    failures: out.filter((item) => !item.binary?.data).length,
    rateLimited: run.fakes.pacing.log.filter((entry: RequestLogEntry) => entry.status === 429).length,
    requests: run.fakes.pacing.log.length,
    totalMs,
    minimumMs,
    ratio: minimumMs > 0 ? totalMs / minimumMs : Number.NaN,
  };
}

export interface BadInputFigures {
  cases: number;
  /** cases answered by exactly one error item that names the field */
  rejected: number;
  /** requests the fake saw for them (must be 0) */
  requests: number;
  failures: string[];
  byField: Record<string, number>;
  /** who rejected them: the core's validation (a problem list) or n8n's own parameter checks */
  byOrigin: { core: number; n8n: number };
}

/** The node's label for a field, as its error descriptions use it. */
const FIELD_LABELS: Record<string, string> = {
  prompt: 'Prompt',
  n: 'Number of Images',
  size: 'Size',
  quality: 'Quality',
  style: 'Style',
  background: 'Background',
  outputFormat: 'Output Format',
  outputCompression: 'Output Compression',
  moderation: 'Moderation',
};

/** Whether an error item names the field: the core's problem list, or the text (n8n's own checks). */
export function namesField(json: Record<string, unknown>, field: string): boolean {
  const problems = Array.isArray(json.problems) ? (json.problems as Array<{ field?: unknown }>) : [];
  if (problems.some((p) => String(p.field ?? '').split(/[.[]/)[0] === field)) return true;
  const text = `${String(json.error ?? '')}\n${String(json.description ?? '')}`;
  const label = FIELD_LABELS[field] ?? field;
  return text.includes(`${label}:`) || text.includes(`'${label}'`) || text.includes(`"${label}"`);
}

export function analyseBadInputs(run: SuiteRun): BadInputFigures {
  const figures: BadInputFigures = {
    cases: run.corpus.length,
    rejected: 0,
    requests: run.fakes.bad.log.length,
    failures: [],
    byField: {},
    byOrigin: { core: 0, n8n: 0 },
  };
  for (const profile of PROFILES) {
    const cases = run.corpus.filter((c) => c.model === profile.model);
    const out = run.outputs[badBranchName(profile.model)] ?? [];
    cases.forEach((c, i) => {
      const items = out.filter((item) => pairedIndex(item) === i);
      const first = items[0];
      const json = (first?.json ?? {}) as Record<string, unknown>;
      const problem =
        items.length !== 1
          ? `${items.length} output items`
          : first?.binary
            ? 'an image was made'
            : !namesField(json, c.field)
              ? `error does not name ${c.field}: ${JSON.stringify(json).slice(0, 400)}`
              : json.status !== undefined
                ? `rejected by the server (status ${String(json.status)}), not before the call`
                : undefined;
      if (problem) figures.failures.push(`${c.label}: ${problem}`);
      else {
        figures.rejected++;
        figures.byField[c.field] = (figures.byField[c.field] ?? 0) + 1;
        if (Array.isArray(json.problems)) figures.byOrigin.core++;
        else figures.byOrigin.n8n++;
      }
    });
  }
  return figures;
}

export interface SecretFigures {
  scanned: number;
  hits: string[];
}

/** Every n8n command's output, the execution JSON, every error item, the fakes' logs and the n8n home's files. */
export async function scanSecrets(run: SuiteRun): Promise<SecretFigures> {
  const scanner = new SecretScanner([CANARY_KEY, CANARY_TOKEN]);
  for (const record of run.commands) {
    const what = `n8n ${record.args[0]}`;
    scanner.text(`${what} stdout`, record.stdout);
    scanner.text(`${what} stderr`, record.stderr);
  }
  scanner.text('execution JSON', JSON.stringify(run.raw));
  for (const [node, items] of Object.entries(run.outputs)) {
    items.forEach((item, i) => {
      if (!item.binary) scanner.value(`${node} item ${i}`, item.json);
    });
  }
  for (const [name, fake] of Object.entries(run.fakes)) scanner.text(`fake ${name} log`, JSON.stringify(fake.log));
  await scanner.dir(run.home.dir);
  return { scanned: scanner.scanned, hits: scanner.hits.map((hit) => `${hit.where}: ${hit.form}: …${hit.context}…`) };
}

/** Exit and the absence of crash signs in n8n's own output. */
export function cleanExit(record: CommandRecord): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  if (record.code !== 0) problems.push(`exit code ${record.code}`);
  if (record.signal) problems.push(`signal ${record.signal}`);
  const text = `${record.stderr}\n${record.stdout.slice(0, record.stdout.search(/^\{\s*$/m) + 1 || undefined)}`;
  for (const sign of [/unhandled ?rejection/i, /uncaught exception/i, /FATAL ERROR/, /heap out of memory/i]) {
    if (sign.test(text)) problems.push(`output matches ${sign}`);
  }
  return { ok: problems.length === 0, problems };
}

export interface N8nReliabilityFigures {
  form: ReliabilityScale['form'];
  faults: FaultMatrixFigures;
  pacing: PacingFigures & { target: number; met: boolean };
  badInputs: BadInputFigures;
  secrets: SecretFigures;
  exit: { ok: boolean; problems: string[] };
  n8n: { commands: number; executeMs: number; totalMs: number };
}

export const PACING_TARGET = 1.15;

export async function figuresOf(run: SuiteRun): Promise<N8nReliabilityFigures> {
  const pacing = analysePacing(run);
  return {
    form: run.scale.form,
    faults: await analyseFaultMatrix(run),
    pacing: { ...pacing, target: PACING_TARGET, met: pacing.failures === 0 && pacing.ratio <= PACING_TARGET },
    badInputs: analyseBadInputs(run),
    secrets: await scanSecrets(run),
    exit: cleanExit(run.execute),
    n8n: {
      commands: run.commands.length,
      executeMs: run.execute.wallMs,
      totalMs: run.commands.reduce((sum, c) => sum + c.wallMs, 0),
    },
  };
}

/** A short human-readable table of the figures. */
export function figuresTable(f: N8nReliabilityFigures): string {
  const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : 'n/a');
  const outcomes = Object.entries(f.faults.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const kinds = Object.entries(f.faults.faultsByKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `n8n node reliability (${f.form} form, real n8n ${N8N_VERSION})`,
    `fault matrix: ${f.faults.itemsIn} items in, ${f.faults.itemsAnswered} answered, ${f.faults.outputItems} output items (${f.faults.images} images)`,
    `  outcomes by input item: ${outcomes}`,
    `  upstream requests ${f.faults.requests}, faulted ${f.faults.faulted} (${pct(f.faults.faulted, f.faults.requests)}): ${kinds}`,
    `  unclassified ${f.faults.unclassified.length}, duplicated ${f.faults.duplicates.length}, wrong bytes ${f.faults.mismatched.length}, not served ${f.faults.unserved.length}; successful upstream answers ${f.faults.served200}`,
    `pacing: ${f.pacing.delivered}/${f.pacing.images} images at ${f.pacing.imagesPerWindow} per ${f.pacing.windowMs / 1000} s, failures ${f.pacing.failures}, 429s ${f.pacing.rateLimited}`,
    `  ${(f.pacing.totalMs / 1000).toFixed(2)} s / minimum ${(f.pacing.minimumMs / 1000).toFixed(2)} s = ${f.pacing.ratio.toFixed(3)}x (target <= ${f.pacing.target}x) ${f.form === 'full' ? (f.pacing.met ? 'MET' : 'MISSED') : '(reduced form: not judged)'}`,
    `bad inputs: ${f.badInputs.rejected}/${f.badInputs.cases} rejected naming the field (core ${f.badInputs.byOrigin.core}, n8n ${f.badInputs.byOrigin.n8n}), upstream requests ${f.badInputs.requests}`,
    `secrets: ${f.secrets.hits.length} occurrences of the canary key in ${f.secrets.scanned} texts/files scanned`,
    `n8n exit: ${f.exit.ok ? 'clean' : f.exit.problems.join('; ')}; ${f.n8n.commands} n8n commands, execute ${(f.n8n.executeMs / 1000).toFixed(1)} s, all ${(f.n8n.totalMs / 1000).toFixed(1)} s`,
  ];
  return lines.join('\n');
}

/** The figures as rows for run-full.mjs (figures.ts); timed ones judged in the full form only. */
export function figureRows(f: N8nReliabilityFigures): FigureRow[] {
  const zero = (value: number): FigureRow['verdict'] => (value === 0 ? 'MET' : 'MISSED');
  const outcomes = Object.entries(f.faults.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const share = f.faults.requests > 0 ? (100 * f.faults.faulted) / f.faults.requests : 0;
  return [
    {
      figure: 'n8n fault matrix: items answered / items in',
      value: `${f.faults.itemsAnswered}/${f.faults.itemsIn}`,
      target: 'all',
      verdict: f.faults.itemsAnswered === f.faults.itemsIn ? 'MET' : 'MISSED',
    },
    { figure: 'n8n fault matrix: outcomes by item', value: outcomes },
    {
      figure: 'n8n fault matrix: upstream requests faulted',
      value: `${f.faults.faulted}/${f.faults.requests} (${share.toFixed(1)} %)`,
      target: 'about 30 %',
    },
    {
      figure: 'n8n fault matrix: unclassified error items',
      value: f.faults.unclassified.length,
      target: '0',
      verdict: zero(f.faults.unclassified.length),
    },
    {
      figure: 'n8n fault matrix: duplicated or wrong images',
      value: f.faults.duplicates.length + f.faults.mismatched.length,
      target: '0',
      verdict: zero(f.faults.duplicates.length + f.faults.mismatched.length),
    },
    {
      figure: `n8n pacing: failures (${f.pacing.images} images at ${f.pacing.imagesPerWindow}/${f.pacing.windowMs / 1000} s)`,
      value: f.pacing.failures,
      target: '0',
      verdict: zero(f.pacing.failures),
    },
    {
      figure: 'n8n pacing: total time / theoretical minimum',
      value: `${f.pacing.ratio.toFixed(3)}x (${(f.pacing.totalMs / 1000).toFixed(1)} s / ${(f.pacing.minimumMs / 1000).toFixed(1)} s)`,
      target: `<= ${f.pacing.target}x`,
      ...(f.form === 'full' ? { verdict: f.pacing.met ? 'MET' : 'MISSED' } : {}),
    },
    {
      figure: 'n8n bad inputs: rejected naming the field / cases',
      value: `${f.badInputs.rejected}/${f.badInputs.cases}`,
      target: 'all',
      verdict: f.badInputs.rejected === f.badInputs.cases ? 'MET' : 'MISSED',
    },
    {
      figure: 'n8n bad inputs: upstream requests',
      value: f.badInputs.requests,
      target: '0',
      verdict: zero(f.badInputs.requests),
    },
    {
      figure: `n8n secrets: canary occurrences (${f.secrets.scanned} texts/files)`,
      value: f.secrets.hits.length,
      target: '0',
      verdict: zero(f.secrets.hits.length),
    },
    {
      figure: 'n8n exit',
      value: f.exit.ok ? 'clean' : f.exit.problems.join('; '),
      target: 'clean',
      verdict: f.exit.ok ? 'MET' : 'MISSED',
    },
  ];
}
