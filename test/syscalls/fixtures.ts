// Helper answers recorded under runc 1.1.5 on this machine (Firecracker VM, kernel
// 6.18.44-fc-v669, dmesg_restrict=1, unprivileged_bpf_disabled=2, perf_event_paranoid=2,
// unprivileged_userfaultfd=0, io_uring_disabled=0), each with the capabilities the
// container had and the seccomp profile applied (converted from its engine format by
// applying arch, caps and minKernel, as Docker and Podman do).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HelperAnswer, Read } from '../../src/readers/host.js';
import { parseHelperOutput } from '../../src/readers/helper-process.js';
import type { PlanFacts } from '../../src/probes/syscalls/plan.js';
import { CAPABILITY_BITS, type CapName } from '../../src/probes/syscalls/table.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export const capSet = (...names: CapName[]) => names.reduce((acc, n) => acc | (1n << BigInt(CAPABILITY_BITS[n])), 0n);

export const DOCKER_CAPS = capSet('CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE');
export const PODMAN_CAPS = capSet('CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT');

export function machineFacts(effectiveCaps: bigint | null): PlanFacts {
  return {
    arch: 'x86_64',
    effectiveCaps,
    kernelRelease: '6.18.44-fc-v669',
    inInitUserNs: true,
    sysctls: {
      'kernel.dmesg_restrict': 1,
      'kernel.unprivileged_bpf_disabled': 2,
      'kernel.perf_event_paranoid': 2,
      'vm.unprivileged_userfaultfd': 0,
      'kernel.io_uring_disabled': 0,
    },
  };
}

export const FIXTURES = {
  /** Docker default profile, root with Docker's default capabilities */
  dockerRoot: { file: 'runc-docker-root.jsonl', caps: DOCKER_CAPS },
  /** Docker default profile, uid 20000, no capabilities */
  dockerNoCaps: { file: 'runc-docker-nocaps.jsonl', caps: 0n },
  /** containers-common profile, root with Podman's default capabilities */
  containersRoot: { file: 'runc-cc-root.jsonl', caps: PODMAN_CAPS },
  /** no seccomp, Docker's capabilities plus CAP_SYS_ADMIN */
  noneAdmin: { file: 'runc-none-admin.jsonl', caps: DOCKER_CAPS | capSet('CAP_SYS_ADMIN') },
  /** Docker's rules with getppid -> SCMP_ACT_KILL and getpgrp -> SCMP_ACT_TRAP */
  dockerKillTrap: { file: 'runc-docker-killtrap.jsonl', caps: DOCKER_CAPS },
  /** Docker's rules with defaultErrnoRet 38 (ENOSYS) */
  dockerEnosys: { file: 'runc-docker-enosys.jsonl', caps: DOCKER_CAPS },
} as const;

export function recordedAnswer(file: string, cut?: number): Read<HelperAnswer> {
  let text = fs.readFileSync(path.join(here, 'fixtures', file), 'utf8');
  if (cut !== undefined) text = text.slice(0, cut);
  const { lines, garbage } = parseHelperOutput(text);
  return { ok: true, value: { lines, garbage, exit: { code: 0, signal: null }, timedOut: false, elapsedMs: 100 } };
}
