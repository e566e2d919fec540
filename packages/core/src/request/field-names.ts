/**
 * Request field names (camelCase, as the core and the n8n node speak them) ⇄ wire names (snake_case,
 * as the API and the MCP tool arguments spell them). The one map of the project.
 */

/** "outputCompression" → "output_compression"; "images[0]" → "images[0]" (only the letters change). */
export function toWireName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** "output_compression" → "outputCompression" (also "output-compression", "Output_Compression" → "OutputCompression"). */
export function fromWireName(name: string): string {
  return name.replace(/[_-]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

/** Request fields whose wire name differs from their own. */
const CAMEL_FIELDS = /\b(responseFormat|outputFormat|outputCompression|partialImages|inputFidelity)\b/g;

/** A text about request fields (a validation message) in wire words: "outputFormat" → "output_format". */
export function toWireNames(text: string): string {
  return text.replace(CAMEL_FIELDS, toWireName);
}
