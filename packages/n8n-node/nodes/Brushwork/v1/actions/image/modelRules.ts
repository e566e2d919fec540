/**
 * Display conditions by model family, derived from the core's model table (FAMILIES and
 * FAMILY_VARIANTS). n8n evaluates them in the editor, so "which rules apply to this model id" is
 * compiled into regular expressions with the core's semantics: case-insensitive (spelled out, as n8n
 * takes no flags), a "vendor/"
 * namespace ignored, the longest matching prefix wins, and a prefix ending in a digit does not match
 * when another digit follows. The node states no model rule of its own.
 */
import { FAMILIES, FAMILY_VARIANTS, type ModelFamily } from '@brushwork/core';
import type { IDisplayOptions } from 'n8n-workflow';

/** One set of rules: a family, or a variant of one (a model with a few exceptions). */
export interface RuleGroup {
  key: string;
  label: string;
  family: ModelFamily;
  /** Regex source (no anchors, no flags) matching ids whose rules are this group's. */
  pattern: string;
}

interface PrefixEntry {
  prefix: string;
  key: string;
}

/**
 * Literal text as a pattern that ignores case. n8n's `regex` condition takes a bare pattern without
 * flags, so case-insensitivity is spelled out: `a` becomes `[aA]`.
 */
function literal(text: string): string {
  return [...text]
    .map((char) => {
      const lower = char.toLowerCase();
      const upper = char.toUpperCase();
      if (lower !== upper) return `[${lower}${upper}]`;
      return /[.*+?^${}()|[\]\\/-]/.test(char) ? `\\${char}` : char;
    })
    .join('');
}

/** A prefix as a pattern: a trailing digit must not be followed by another digit. */
function prefixPattern(prefix: string): string {
  return literal(prefix) + (/\d$/.test(prefix) ? '(?!\\d)' : '');
}

/** Skips everything up to the last "/" (a host's vendor namespace) and leading spaces. */
const HEAD = '\\s*(?:.*\\/)?(?![^\\/]*\\/)';

function buildGroups(): RuleGroup[] {
  const entries: PrefixEntry[] = [
    ...FAMILIES.flatMap((family) =>
      family.prefixes.map((prefix) => ({ prefix: prefix.toLowerCase(), key: family.id })),
    ),
    ...FAMILY_VARIANTS.map((variant) => ({ prefix: variant.prefix.toLowerCase(), key: `variant:${variant.prefix}` })),
  ];
  const patternOf = (key: string) => {
    const alternatives = entries
      .filter((entry) => entry.key === key)
      .map(({ prefix }) => {
        const exclusions = entries
          .filter(
            (other) => other.key !== key && other.prefix.length > prefix.length && other.prefix.startsWith(prefix),
          )
          .map((other) => `(?!${prefixPattern(other.prefix.slice(prefix.length))})`)
          .join('');
        return `${prefixPattern(prefix)}${exclusions}`;
      });
    return `(?:${alternatives.join('|')})`;
  };
  return [
    ...FAMILIES.map((family) => ({ key: family.id, label: family.label, family, pattern: patternOf(family.id) })),
    ...FAMILY_VARIANTS.map((variant) => {
      const base = FAMILIES.find((family) => family.id === variant.family) as ModelFamily;
      const key = `variant:${variant.prefix}`;
      return {
        key,
        label: `${variant.prefix} (${base.label})`,
        family: { ...base, ...variant.changes } as ModelFamily,
        pattern: patternOf(key),
      };
    }),
  ];
}

export const RULE_GROUPS: readonly RuleGroup[] = buildGroups();

function regexCondition(source: string) {
  return { _cnd: { regex: source } };
}

function union(groups: readonly RuleGroup[]): string {
  return `(?:${groups.map((group) => group.pattern).join('|')})`;
}

/** Regex source matching the model ids of any of `groups`. */
export function groupsRegex(groups: readonly RuleGroup[]): string {
  return `^${HEAD}${union(groups)}`;
}

/**
 * `hide` rules: hide the field unless the model's rules are one of `groups`. `hide` rather than
 * `show`, because n8n shows every `show`-conditioned field when the value is an expression; with
 * `hide`, a model given as an expression gets the generic (unknown model) fields.
 */
export function onlyFor(groups: readonly RuleGroup[]): NonNullable<IDisplayOptions['hide']> {
  return { model: [regexCondition(`^(?!${HEAD}${union(groups)})`)] };
}

/** `hide` rules: hide the field when the model belongs to any known family. */
export function onlyForUnknownModels(): NonNullable<IDisplayOptions['hide']> {
  return { model: [regexCondition(`^${HEAD}${union(RULE_GROUPS)}`)] };
}

/** The group whose rules apply to a model id, by the same regexes the editor uses. */
export function groupOf(model: string): RuleGroup | undefined {
  return RULE_GROUPS.find((group) => new RegExp(`^${HEAD}${group.pattern}`).test(model));
}
