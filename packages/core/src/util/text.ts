/** Small text helpers for messages. */

/** White space runs collapsed to one space, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` characters, an ellipsis marking a cut. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A wait in words for people, rounded up so that waiting that long is always enough: under 10 s to a
 * tenth ("0.4 s", "1.5 s"), under two minutes in whole seconds ("21 s"), beyond in minutes ("3 min").
 */
export function waitText(ms: number): string {
  if (ms < 10_000) return `${Math.max(1, Math.ceil(ms / 100)) / 10} s`;
  if (ms < 120_000) return `${Math.ceil(ms / 1000)} s`;
  return `${Math.ceil(ms / 60_000)} min`;
}
