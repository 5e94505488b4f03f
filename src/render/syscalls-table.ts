// The syscall section of the terminal report.
import type { SyscallFacts } from '../probes/syscalls/scan.js';
import type { Style } from './style.js';

export function renderSyscallSection(f: SyscallFacts, s: Style, section: (t: string, rows: [string, string][], s: Style) => string): string {
  return section('Syscalls', [['scan', f.known ? 'done' : `unknown (${f.reason})`]], s);
}
