// Issue 11, part 2: MCP server replicas behind a real load balancer. Two built CLIs in stateless mode
// (`--http --stateless`, one by flag, one by BRUSHWORK_HTTP_STATELESS) share one output directory behind
// Debian's nginx, round-robin, configured with the very site config the deployment guide shows
// (docs/nginx/brushwork-mcp.conf). nginx names the replica that answered in X-Brushwork-Replica.
//
// Reduced size in `npm test`; BRUSHWORK_REPLICAS_FULL=1 runs full-size images and more calls.
import { lstat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { type BalancedClient, type CallOutcome, connectBalanced, type RpcAnswer, rpc } from './balanced-client.ts';
import { KEY } from './harness.ts';
import { findNginx, NGINX_MISSING, NGINX_SITE_FILE, type NginxHandle, startNginx } from './nginx.ts';
import { type Replica, startReplica } from './replicas.ts';
import { imageFiles } from './harness.ts';

const FULL = process.env.BRUSHWORK_REPLICAS_FULL === '1';
const SCALE = FULL
  ? { calls: 300, clients: 10, reads: 40, killCalls: 120, size: '1024x1024', imageKind: 'photo' as const }
  : { calls: 100, clients: 5, reads: 20, killCalls: 40, size: '256x256', imageKind: 'solid' as const };
const TOKEN = 'replica-test-token-0123456789';
/** Per test: the full size moves 300 images of 3 MB through nginx. */
const TEST_TIMEOUT = FULL ? 600_000 : 60_000;
const PROMPTS = ['a lighthouse at dusk', 'a red fox in snow', 'a paper boat'];

let fake: FakeUpstream;
let root: string;
let outputDir: string;
let replicas: Replica[] = [];
let nginx: NginxHandle | undefined;
/** "127.0.0.1:PORT" → replica name */
const nameOf = new Map<string, string>();
const figures: string[] = [];

beforeAll(async () => {
  if (!findNginx()) throw new Error(NGINX_MISSING);
  fake = await startFakeUpstream({ imageKind: SCALE.imageKind });
  root = await mkdtemp(join(tmpdir(), 'brushwork-replicas-'));
  outputDir = join(root, 'shared-images');
  const env = {
    HOME: root,
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: fake.openaiBaseUrl,
    BRUSHWORK_HTTP_TOKEN: TOKEN,
    BRUSHWORK_OUTPUT_DIR: outputDir,
  };
  replicas = await Promise.all([
    startReplica('A', ['--stateless'], env),
    startReplica('B', [], { ...env, BRUSHWORK_HTTP_STATELESS: '1' }),
  ]);
  for (const replica of replicas) nameOf.set(`127.0.0.1:${replica.port}`, replica.name);
  nginx = await startNginx(replicas.map((replica) => ({ host: '127.0.0.1', port: replica.port })));
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  await Promise.all(replicas.map((replica) => replica.stop()));
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
  if (figures.length)
    console.log(`MCP replicas behind nginx (${FULL ? 'full' : 'reduced'} size)\n${figures.join('\n')}`);
});

const served = (outcome: { upstreams: string[] }) => nameOf.get(outcome.upstreams.at(-1) ?? '') ?? '?';
const tally = (names: string[]) =>
  Object.fromEntries([...new Set(names)].sort().map((name) => [name, names.filter((n) => n === name).length]));

/** Every entry of the shared folder, hidden temp files included. */
const everything = () => imageFiles(outputDir);

interface SavedImage {
  path: string;
  uri: string;
  bytes: number;
}
/** A failed call in a few words (nginx's 502 page is a whole HTML document). */
const failureOf = (outcome: CallOutcome) => {
  const text = outcome.error ?? JSON.stringify(outcome.result?.content);
  if (/502 Bad Gateway/.test(text)) return 'HTTP 502 from nginx (the replica died before answering)';
  if (/answer stream broke/.test(text)) return 'answer stream cut off (the replica died while answering)';
  return text.split('\n')[0]!;
};

const imageOf = (outcome: CallOutcome) =>
  (outcome.result?.structuredContent as { images?: SavedImage[] } | undefined)?.images?.[0];

/** `count` generate_image calls spread over `clients` clients, each calling one at a time. */
async function runCalls(
  count: number,
  clients: BalancedClient[],
  after?: (outcome: CallOutcome, done: number) => void,
): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = [];
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < count) {
        const i = next++;
        const outcome = await client.call('generate_image', {
          prompt: PROMPTS[i % PROMPTS.length]!,
          model: 'gpt-image-2',
          size: SCALE.size,
          quality: 'low',
        });
        outcomes.push(outcome);
        after?.(outcome, outcomes.length);
      }
    }),
  );
  return outcomes;
}

async function connectClients(count: number): Promise<BalancedClient[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => connectBalanced(nginx!.url, TOKEN, `replica-test-${i}`)));
}

describe('MCP server replicas behind nginx (issue 11)', () => {
  it('the deployment guide shows the very nginx site config this test runs', async () => {
    const guide = await readFile(resolve(import.meta.dirname, '../../docs/deploy.md'), 'utf8');
    const site = await readFile(NGINX_SITE_FILE, 'utf8');
    expect(guide).toContain(`\`\`\`nginx\n${site}\`\`\``);
  });

  it(
    `${SCALE.calls} generate_image calls from ${SCALE.clients} clients all succeed, served by both replicas`,
    async () => {
      const clients = await connectClients(SCALE.clients);
      const outcomes = await runCalls(SCALE.calls, clients);
      await Promise.all(clients.map((client) => client.close()));

      const failures = outcomes.filter((o) => o.error !== undefined || o.result?.isError);
      expect(failures.map((o) => o.error ?? JSON.stringify(o.result?.content))).toEqual([]);
      const images = outcomes.map(imageOf);
      const paths = images.map((image) => image?.path);
      expect(new Set(paths).size).toBe(SCALE.calls);
      for (const image of images) expect((await lstat(image!.path)).size).toBe(image!.bytes);
      const byReplica = tally(outcomes.map(served));
      expect(Object.keys(byReplica)).toEqual(['A', 'B']);
      figures.push(
        `calls: ${outcomes.length - failures.length}/${SCALE.calls} ok, by replica ${JSON.stringify(byReplica)}, ${new Set(paths).size} distinct files`,
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'resources/list is the same from either replica; resources/read alternates replicas and returns the files',
    async () => {
      const lists = [
        await rpc(nginx!.url, TOKEN, 'resources/list', {}),
        await rpc(nginx!.url, TOKEN, 'resources/list', {}),
      ];
      expect(new Set(lists.map(served))).toEqual(new Set(['A', 'B']));
      const uris = lists.map(
        (list) =>
          ((list.message?.result ?? { resources: [] }) as { resources: { uri: string }[] }).resources
            .map((r) => r.uri)
            .filter((uri) => uri.startsWith('brushwork://images/')), // not the viewer app (ui://brushwork/viewer)
      );
      expect(uris[0]!.length).toBeGreaterThanOrEqual(SCALE.reads);
      expect(uris[1]).toEqual(uris[0]);

      const reads: string[] = [];
      for (const uri of uris[0]!.slice(0, SCALE.reads)) {
        const read = await rpc(nginx!.url, TOKEN, 'resources/read', { uri });
        const blob = (read.message?.result as { contents: { blob: string }[] } | undefined)?.contents[0]?.blob;
        const name = decodeURIComponent(uri.slice('brushwork://images/'.length));
        expect(Buffer.from(blob ?? '', 'base64').equals(await readFile(join(outputDir, name))), uri).toBe(true);
        reads.push(served(read));
      }
      // one nginx worker, round-robin, one request at a time: every read goes to the other replica
      expect(reads.every((name, i) => i === 0 || name !== reads[i - 1])).toBe(true);
      figures.push(`resource reads: ${reads.length} ok, by replica ${JSON.stringify(tally(reads))}, alternating`);
    },
    TEST_TIMEOUT,
  );

  it(
    'a client that drops its connection cancels the call: the upstream request is aborted, no file is left',
    async () => {
      const before = await everything();
      const generations = () => fake.log.filter((entry) => entry.route === 'openai.generations');
      const sent = generations().length;
      fake.inject({ kind: 'hang', route: 'openai.generations' });
      const url = new URL(nginx!.url);
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
        },
      });
      req.on('error', () => {});
      req.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'generate_image', arguments: { prompt: 'never finished', size: SCALE.size } },
        }),
      );
      await vi.waitFor(() => expect(generations().length).toBe(sent + 1), { timeout: 20_000 });
      const upstream = generations().at(-1)!;
      expect(upstream.fault).toBe('hang');
      req.destroy();
      // nginx closes the replica's connection; the replica aborts the call and with it the upstream request
      await vi.waitFor(() => expect(upstream.closedBeforeAnswer).toBe(true), { timeout: 20_000 });
      const aborting = replicas.filter((replica) => /call aborted/.test(replica.stderr()));
      expect(aborting.length).toBe(1);
      expect(await everything()).toEqual(before);
      expect(generations().length).toBe(sent + 1);
      figures.push(
        `dropped connection: upstream request closed before its answer, on replica ${aborting[0]?.name}; files before/after ${before.length}/${(await everything()).length}`,
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'one replica killed mid-run: calls in flight fail with an error, the next calls succeed on the other',
    async () => {
      const [victim, survivor] = replicas as [Replica, Replica];
      const clients = await connectClients(SCALE.clients);
      // every answer takes a moment, so calls are in flight on the victim when it dies
      fake.setLatency(100);
      let victimGone = false;
      let killing: Promise<void> | undefined;
      const startedAfterDeath = new Set<CallOutcome>();
      const clientOfOutcome = new Map<CallOutcome, number>();
      const wrapped = clients.map((client, c) => ({
        call: async (tool: string, args: Record<string, unknown>) => {
          const afterDeath = victimGone;
          const outcome = await client.call(tool, args);
          if (afterDeath) startedAfterDeath.add(outcome);
          clientOfOutcome.set(outcome, c);
          return outcome;
        },
        close: client.close,
      }));
      const outcomes = await runCalls(SCALE.killCalls, wrapped, (_outcome, done) => {
        if (done === Math.floor(SCALE.killCalls / 3) && !killing) {
          killing = victim.kill().then(() => {
            victimGone = true;
          });
        }
      });
      await killing;
      fake.setLatency(0);
      await Promise.all(clients.map((client) => client.close()));

      const failed = outcomes.filter((o) => o.error !== undefined || o.result?.isError);
      const ok = outcomes.filter((o) => !failed.includes(o));
      // nothing lost: every call came back, as a result or as an error the client saw
      expect(outcomes.length).toBe(SCALE.killCalls);
      for (const outcome of failed) {
        expect(outcome.error ?? JSON.stringify(outcome.result?.content)).toMatch(/\S/);
        expect(startedAfterDeath.has(outcome)).toBe(false);
      }
      // at most the calls in flight when the victim died (one per client)
      expect(failed.length).toBeLessThanOrEqual(SCALE.clients);
      for (const outcome of ok) expect((await lstat(imageOf(outcome)!.path)).isFile()).toBe(true);
      // after the death every call succeeds on the survivor, for every client
      const after = outcomes.filter((o) => startedAfterDeath.has(o));
      expect(after.length).toBeGreaterThan(0);
      expect(after.filter((o) => !ok.includes(o))).toEqual([]);
      expect(new Set(after.map(served))).toEqual(new Set([survivor.name]));
      expect(new Set(after.map((o) => clientOfOutcome.get(o))).size).toBe(SCALE.clients);
      const passedOn = after.filter((o) => o.upstreams.length > 1).length;
      figures.push(
        `kill: replica ${victim.name} killed after ${Math.floor(SCALE.killCalls / 3)} of ${SCALE.killCalls} calls: ${ok.length} ok, ${failed.length} failed with an error ${JSON.stringify(tally(failed.map(failureOf)))}, 0 lost`,
        `  after its death: ${after.length}/${after.length} calls ok on ${survivor.name} (${passedOn} first tried ${victim.name}, refused, passed on by nginx; the others went straight to ${survivor.name}: nginx had marked ${victim.name} down)`,
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'nginx hands a call the dead replica refused to the other one (proxy_next_upstream error)',
    async () => {
      const [victim, survivor] = replicas as [Replica, Replica];
      await victim.kill();
      // a fresh nginx has not marked the dead replica down yet: round-robin sends it the first call
      const fresh = await startNginx(replicas.map((replica) => ({ host: '127.0.0.1', port: replica.port })));
      try {
        const answers: RpcAnswer[] = [];
        for (let i = 0; i < 2; i++) {
          answers.push(
            await rpc(fresh.url, TOKEN, 'tools/call', {
              name: 'generate_image',
              arguments: { prompt: 'handed over', size: SCALE.size, quality: 'low' },
            }),
          );
        }
        expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
        const succeeded = (answer: RpcAnswer) =>
          answer.message?.result !== undefined && (answer.message.result as { isError?: boolean }).isError !== true;
        expect(answers.map(succeeded)).toEqual([true, true]);
        expect(answers.map(served)).toEqual([survivor.name, survivor.name]);
        const tried = answers.map((answer) => answer.upstreams.map((address) => nameOf.get(address)));
        expect(tried).toContainEqual([victim.name, survivor.name]);
        figures.push(
          `dead replica refused: ${tried.filter((t) => t.length > 1).length} of 2 calls went to ${victim.name} first, were refused and passed on to ${survivor.name}; both ok`,
        );
      } finally {
        await fresh.stop();
      }
    },
    TEST_TIMEOUT,
  );
});
