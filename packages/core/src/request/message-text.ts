/** How validation messages show values: short, typed, never a whole prompt. */

export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(excerpt(value))}`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : `${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Values in messages: short simple strings bare, everything else JSON (shortened). */
export function show(value: unknown): string {
  if (typeof value === 'string' && /^[\w.:+-]{1,64}$/.test(value)) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(excerpt(value)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Long strings are cut so that problems never carry a whole prompt. */
export function excerpt(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 80) return `${value.slice(0, 77)}…`;
  return value;
}
