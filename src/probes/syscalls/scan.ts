// Glue between the facts and the syscall table: builds the scan's plan from what the file
// probes found (arch, capabilities, kernel, user namespace, sysctls), and turns the helper's
// answer back into one disposition per syscall.
import type { HelperAnswer, Read } from '../../readers/host.js';
import { type Fact, known, unknown } from '../fact.js';
import type { FileFacts } from '../file-facts.js';
import { kernelInterfaceOf } from '../kernel.js';
import { type SyscallScan as ScanResult, syscallDispositions } from './dispositions.js';
import { type SyscallPlan, buildSyscallPlan } from './plan.js';
import { archFromMachine } from './table.js';

export type SyscallFacts = Fact<ScanResult>;

export function buildSyscallScan(machine: string, files: FileFacts): SyscallPlan | null {
  const arch = archFromMachine(machine);
  if (!arch) return null;
  const eff = files.process.capabilities.effective;
  const user = files.namespaces.entries.user;
  return buildSyscallPlan({
    arch,
    effectiveCaps: eff.known ? BigInt(eff.value.mask) : null,
    kernelRelease: files.kernel.uname.known ? files.kernel.uname.value.release : null,
    inInitUserNs: user.known ? user.value.isInitial : null,
    sysctls: Object.fromEntries(Object.entries(files.sysctls).map(([k, f]) => [k, f.known ? f.value : null])),
    kernelInterface: kernelInterfaceOf(files.kernel.uname),
    seccomp: files.process.seccomp.known ? files.process.seccomp.value : null,
    workloadSeccomp: files.workload.process.seccomp.known ? files.workload.process.seccomp.value : null,
    launcherAnswers: files.launcher.known && files.launcher.value ? ['clone3'] : [],
  });
}

export function interpretSyscallScan(plan: SyscallPlan, answer: Read<HelperAnswer>): SyscallFacts {
  const scan = syscallDispositions(plan, answer);
  return known(scan, 'helper syscall scan');
}

export function skippedSyscallScan(why: string): SyscallFacts {
  return unknown(why, 'helper syscall scan');
}
