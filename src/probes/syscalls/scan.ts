// Glue between the facts and the syscall table: builds the scan's plan lines from what the
// file probes found (arch, capabilities, kernel, sysctls), and turns the helper's answers
// back into one disposition per syscall. (Integration pending: see plan.ts, dispositions.ts.)
import type { Fact } from '../fact.js';
import { unknown } from '../fact.js';
import type { FileFacts } from '../index.js';

export interface SyscallScan { lines: string[] }
export type SyscallFacts = Fact<unknown>;

export function buildSyscallScan(_arch: string, _files: FileFacts): SyscallScan | null {
  return null;
}
export function interpretSyscallScan(_scan: SyscallScan, _lines: Record<string, unknown>[], _note: string | null): SyscallFacts {
  return unknown('syscall scan not integrated yet', 'helper');
}
export function skippedSyscallScan(why: string): SyscallFacts {
  return unknown(why, 'helper');
}
