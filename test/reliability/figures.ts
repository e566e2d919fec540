// Figures of the reliability suites, collected for run-full.mjs (and the README's reliability section).
// A suite calls recordFigures(); when RELIABILITY_FIGURES_DIR is set (run-full.mjs sets it) the figures
// land there as <suite>.json, otherwise nothing is written. The n8n suites use the same shape.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reliabilityScale } from './scale.ts';

export interface FigureRow {
  figure: string;
  value: string | number;
  /** what the issue asks for, in words ("0", "≤ 1.15x") */
  target?: string;
  /** MET / MISSED against the target (timed figures are judged here, never in a test assertion) */
  verdict?: 'MET' | 'MISSED';
}

export interface SuiteFigures {
  suite: string;
  title: string;
  form: 'reduced' | 'full';
  rows: FigureRow[];
  /** anything else worth keeping (outcome counts by kind, …) */
  details?: Record<string, unknown>;
}

export function verdict(met: boolean): 'MET' | 'MISSED' {
  return met ? 'MET' : 'MISSED';
}

/** Writes the figures when RELIABILITY_FIGURES_DIR is set. */
export async function recordFigures(figures: Omit<SuiteFigures, 'form'>): Promise<void> {
  const dir = process.env.RELIABILITY_FIGURES_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  const full: SuiteFigures = { ...figures, form: reliabilityScale().form };
  await writeFile(join(dir, `${figures.suite}.json`), `${JSON.stringify(full, null, 2)}\n`);
}
