// Runs a signal table over the facts: every matching row becomes a piece of evidence, and
// each candidate's score is the sum of its rows' weights. A row that throws is recorded as
// such and never stops the others.
import type { Facts } from '../probes/index.js';
import type { Signal } from './sandbox-signals.js';

export interface Evidence {
  signal: string;
  indicates: string;
  weight: number;
  source: string;
  observed: string;
  pattern: string;
  reference: string;
}

export interface Scored<C extends string> {
  evidence: Evidence[];
  /** candidates with any evidence, best first */
  ranking: { candidate: C; score: number }[];
  /** rows whose match function failed (a bug, kept visible) */
  faults: string[];
}

export function scoreSignals<C extends string>(table: readonly Signal<C>[], f: Facts): Scored<C> {
  const evidence: Evidence[] = [];
  const faults: string[] = [];
  const scores = new Map<C, number>();
  for (const s of table) {
    let observed: string | null;
    try {
      observed = s.match(f);
    } catch (err) {
      faults.push(`${s.id}: ${(err as Error).message}`);
      continue;
    }
    if (observed === null) continue;
    evidence.push({ signal: s.id, indicates: s.indicates, weight: s.weight, source: s.source, observed, pattern: s.pattern, reference: s.reference });
    scores.set(s.indicates, (scores.get(s.indicates) ?? 0) + s.weight);
  }
  const ranking = [...scores.entries()].map(([candidate, score]) => ({ candidate, score })).sort((a, b) => b.score - a.score);
  return { evidence, ranking, faults };
}

export type ConfidenceLabel = 'high' | 'medium' | 'low';

/** Confidence grows with the winner's score and its margin over the runner-up. */
export function confidence(score: number, runnerUp: number): { value: number; label: ConfidenceLabel } {
  const margin = Math.max(0, score - Math.max(0, runnerUp));
  const value = Math.round(Math.min(0.99, (1 - Math.exp(-score / 5)) * (1 - Math.exp(-(margin + 1) / 3))) * 100) / 100;
  return { value, label: value >= 0.7 ? 'high' : value >= 0.4 ? 'medium' : 'low' };
}
