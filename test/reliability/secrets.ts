// A recognisable API key and a scanner that looks for it everywhere a key must never show up: strings,
// objects (errors included: message, JSON, util.inspect, stack), log lines, files and directories.
// Used by the core and MCP suites and by the n8n suites.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';

/** The canary: an OpenAI-shaped key nobody could mistake for anything else. */
export const CANARY_KEY = 'sk-brushwork-SECRET-canary-7f3a9c1e5b2d4f60a8e1c3b5d7f9a2c4';
/** A second secret for places that take a different credential (MCP HTTP bearer token, Azure key). */
export const CANARY_TOKEN = 'brushwork-SECRET-token-canary-4d2b6f8a0c1e3579bdf02468ace13579';

/** The Entra ID client secret (Azure keyless) the fake's token endpoint accepts in the canary suites. */
export const CANARY_CLIENT_SECRET = 'entra-SECRET-appkey-canary-8c1f4a7d2e5b9036c4f7a1d8e2b5c9f3';
/** Every Entra ID token the fake issues in the canary suites starts with this: a token fragment is a leak. */
export const CANARY_TOKEN_PREFIX = 'eyJ0-SECRET-access-canary-6b3e9d1a4c7f2058-';

/** Length of the fragments scanned for: any 8 characters of a secret in a row count as a leak. */
export const FRAGMENT_LENGTH = 8;

/**
 * Text that is not secret although the canaries contain it: the project's own name, in every path,
 * URI and log line. Fragments lying wholly inside these are not scanned for.
 */
const PUBLIC_TEXT = ['sk-brushwork-', 'brushwork-'];

/** Every FRAGMENT_LENGTH-character piece of `secret`, except those inside PUBLIC_TEXT. */
export function secretFragments(secret: string): string[] {
  const pieces = new Set<string>();
  for (let at = 0; at + FRAGMENT_LENGTH <= secret.length; at++) {
    const piece = secret.slice(at, at + FRAGMENT_LENGTH);
    if (!PUBLIC_TEXT.some((text) => text.includes(piece))) pieces.add(piece);
  }
  return [...pieces];
}

/**
 * Forms a leaked key takes in text: as is, URL- and base64-encoded, JSON-escaped, and any 8 characters
 * of it in a row (a key cut short by a truncated message still leaks).
 */
export function secretForms(secret: string): string[] {
  const whole = new Set<string>([
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`Bearer ${secret}`).toString('base64'),
    JSON.stringify(secret).slice(1, -1),
  ]);
  return [...[...whole].filter((form) => form.length >= 16), ...secretFragments(secret)];
}

export interface SecretHit {
  /** where it was found: "error[3].message", "stderr line 12", "file out/x.png" */
  where: string;
  /** the form of the secret that matched */
  form: string;
  /** a few characters around it, with the secret itself masked */
  context: string;
}

export class SecretScanner {
  readonly hits: SecretHit[] = [];
  /** how many texts / files were scanned (a scan that looked at nothing proves nothing) */
  scanned = 0;
  private readonly forms: string[];

  constructor(secrets: readonly string[] = [CANARY_KEY, CANARY_TOKEN, CANARY_CLIENT_SECRET, CANARY_TOKEN_PREFIX]) {
    this.forms = secrets.flatMap(secretForms);
  }

  /** Scans one text. */
  text(where: string, value: string | undefined | null): this {
    if (value === undefined || value === null) return this;
    this.scanned++;
    for (const form of this.forms) {
      let at = value.indexOf(form);
      while (at !== -1) {
        const context = value
          .slice(Math.max(0, at - 40), at + form.length + 40)
          .split(form)
          .join('<SECRET>');
        this.hits.push({ where, form: form === this.forms[0] ? 'key' : `form "${form.slice(0, 4)}…"`, context });
        at = value.indexOf(form, at + form.length);
      }
    }
    return this;
  }

  /** Scans bytes as latin1 and utf8 text (file contents, image bytes). */
  bytes(where: string, value: Uint8Array): this {
    const buffer = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    this.text(where, buffer.toString('latin1'));
    this.text(`${where} (utf8)`, buffer.toString('utf8'));
    return this;
  }

  /**
   * Scans any value the way it can leave the process: String(), JSON.stringify, util.inspect (deep,
   * hidden properties too), and for errors message, stack and cause chain.
   */
  value(where: string, value: unknown): this {
    if (typeof value === 'string') return this.text(where, value);
    if (value instanceof Uint8Array) return this.bytes(where, value);
    try {
      this.text(`${where} (String)`, String(value));
    } catch {
      // objects without a usable toString are covered by inspect below
    }
    try {
      this.text(`${where} (JSON)`, JSON.stringify(value, bytesReplacer));
    } catch {
      // circular structures: inspect copes
    }
    this.text(`${where} (inspect)`, inspect(value, { depth: 8, showHidden: true, maxStringLength: Infinity }));
    if (value instanceof Error) {
      this.text(`${where}.message`, value.message);
      this.text(`${where}.stack`, value.stack);
      let cause: unknown = (value as { cause?: unknown }).cause;
      for (let depth = 0; cause !== undefined && depth < 5; depth++) {
        this.text(`${where}.cause[${depth}] (inspect)`, inspect(cause, { depth: 8, showHidden: true }));
        if (cause instanceof Error) this.text(`${where}.cause[${depth}].stack`, cause.stack);
        cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
      }
    }
    return this;
  }

  /** Scans lines (captured stderr, console output, a server's log). */
  lines(where: string, lines: readonly string[]): this {
    lines.forEach((line, i) => {
      this.text(`${where} line ${i + 1}`, line);
    });
    return this;
  }

  /** Scans a file's name and its contents. */
  async file(path: string): Promise<this> {
    this.text(`file name ${path}`, path);
    this.bytes(`file ${path}`, await readFile(path));
    return this;
  }

  /** Scans every file name and file under a directory (recursively). Missing directories are fine. */
  async dir(root: string): Promise<this> {
    let entries: string[];
    try {
      entries = await readdir(root);
    } catch {
      return this;
    }
    for (const entry of entries) {
      const path = join(root, entry);
      const info = await stat(path);
      if (info.isDirectory()) await this.dir(path);
      else if (info.isFile()) await this.file(path);
    }
    return this;
  }

  /** One line per hit, for an assertion message. */
  report(): string {
    return this.hits.map((hit) => `${hit.where}: ${hit.form}: …${hit.context}…`).join('\n');
  }
}

/** Image bytes are summarised in JSON (their content is scanned separately when it matters). */
function bytesReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') return '<Buffer>';
  return value;
}

/**
 * Captures everything written to process.stdout / process.stderr and console.* while `fn` runs
 * (the writes still go through, so a failing test shows its output).
 */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const record = (chunk: unknown) => {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString() : '';
    lines.push(...text.split('\n').filter((line) => line !== ''));
  };
  const originalOut = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const originalConsole = methods.map((m) => console[m]);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    return (originalOut as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    return (originalErr as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  methods.forEach((m, i) => {
    const original = originalConsole[i] as (...args: unknown[]) => void;
    console[m] = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 6 }))).join(' '));
      original(...args);
    };
  });
  try {
    const value = await fn();
    return { value, lines };
  } finally {
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
    methods.forEach((m, i) => {
      console[m] = originalConsole[i] as (typeof console)[typeof m];
    });
  }
}
