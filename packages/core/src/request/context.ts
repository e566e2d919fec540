/** The state one validation run shares between its checks (validate.ts, family-rules.ts, edit-inputs.ts). */
import type { ModelFamily, Problem } from '../types.js';

export interface Context {
  raw: Record<string, unknown>;
  /** Fields (first path segment) that failed the shape check: no further checks on them. */
  bad: Set<string>;
  problems: Problem[];
  warnings: string[];
  family?: ModelFamily;
  /** How messages name the model: the id asked for, else the family label. */
  name: string;
  edit: boolean;
}

/** A field is checked by the rules below only when present and of the right shape. */
export function has(ctx: Context, field: string): boolean {
  return ctx.raw[field] !== undefined && !ctx.bad.has(field);
}

export function add(ctx: Context, problem: Problem): void {
  ctx.problems.push(problem);
  ctx.bad.add(problem.field.split(/[.[]/)[0] ?? problem.field);
}
