// Runs the fake upstream in its own process (Node 24 strips the types):
//   ./node_modules/.bin/node test/fake-upstream/cli.ts --port 0 [--host 127.0.0.1] [--image-kind photo]
//     [--seed 1] [--latency-ms 0] [--url-ttl-ms 3600000] [--trigger-word forbidden]
//     [--rate-limit 30] [--rate-limit-retry-after] [--rate-limit-window-ms 60000] [--keys k1,k2] [--no-auth]
// Prints one JSON line on stdout: {"url","openaiBaseUrl","azureEndpoint","controlUrl","pid"}.
// Drive it over HTTP with connectFakeUpstream(url) (control-client.ts) or /__control/* directly.
import { parseArgs } from 'node:util';
import { startFakeUpstream, type FakeUpstreamOptions } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'image-kind': { type: 'string' },
    seed: { type: 'string' },
    'latency-ms': { type: 'string' },
    'url-ttl-ms': { type: 'string' },
    'trigger-word': { type: 'string' },
    'rate-limit': { type: 'string' },
    'rate-limit-retry-after': { type: 'boolean', default: false },
    'rate-limit-window-ms': { type: 'string' },
    keys: { type: 'string' },
    'no-auth': { type: 'boolean', default: false },
  },
  strict: true,
});

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    process.stderr.write(`--${name} must be a number\n`);
    process.exit(2);
  }
  return n;
}

const kind = values['image-kind'];
if (kind !== undefined && kind !== 'solid' && kind !== 'photo') {
  process.stderr.write('--image-kind must be solid or photo\n');
  process.exit(2);
}
const options: FakeUpstreamOptions = {
  host: values.host,
  port: num('port', values.port),
  seed: num('seed', values.seed),
  latencyMs: num('latency-ms', values['latency-ms']),
  urlTtlMs: num('url-ttl-ms', values['url-ttl-ms']),
  triggerWord: values['trigger-word'],
  imageKind: kind,
  requireAuth: !values['no-auth'],
};
if (values.keys) options.validKeys = values.keys.split(',').filter(Boolean);
const limit = num('rate-limit', values['rate-limit']);
if (limit !== undefined)
  options.rateLimit = {
    imagesPerMinute: limit,
    retryAfter: values['rate-limit-retry-after'] ?? false,
    windowMs: num('rate-limit-window-ms', values['rate-limit-window-ms']),
  };

const fake = await startFakeUpstream(options);
process.stdout.write(
  `${JSON.stringify({
    url: fake.url,
    openaiBaseUrl: fake.openaiBaseUrl,
    azureEndpoint: fake.azureEndpoint,
    controlUrl: `${fake.url}/__control`,
    pid: process.pid,
  })}\n`,
);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await fake.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
