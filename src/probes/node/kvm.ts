// /dev/kvm asked, read-only, through the helper's `kvm` request (src/helper/README.md):
// KVM_GET_API_VERSION and KVM_CHECK_EXTENSION, in a forked child with a timeout. Never
// KVM_CREATE_VM: kata-check's full check creates one (kata-check.go genericKvmIsUsable), and on a
// PVM host (kvm_pvm) creating a VM hangs. So "answers" here means the module answers ioctls on
// /dev/kvm — not that a VM could boot.
import type { Host } from '../../readers/host.js';
import { brief, type Fact, known, unknown } from '../fact.js';

/** linux include/uapi/linux/kvm.h. The stable API version is 12 (KVM_API_VERSION). */
export const KVM_CAPS = { USER_MEMORY: 3, NR_VCPUS: 9, IRQFD: 32, IOEVENTFD: 36, MAX_VCPUS: 66 } as const;
export const KVM_API_VERSION = 12;

export interface KvmAnswer {
  apiVersion: number;
  /** KVM_CAP_* name → the ioctl's answer (0 no, ≥1 yes or a count; negative: -errno) */
  caps: Record<string, number>;
}

export const KVM_REQUEST = `kvm ${Object.values(KVM_CAPS).join(' ')}`;

/** Reads the helper's answer line; any other shape is unknown with what was seen. */
export function readKvmLine(line: Record<string, unknown> | undefined): Fact<KvmAnswer> {
  const src = 'sbx-helper kvm (/dev/kvm ioctls)';
  if (!line) return unknown('the helper gave no kvm answer', src);
  if (typeof line.open_errno === 'number') return unknown(`open /dev/kvm: errno ${line.open_errno}`, src);
  if (line.timeout === true) return unknown('the KVM ioctls did not answer within the timeout', src);
  if (typeof line.api_version !== 'number' || typeof line.caps !== 'object' || line.caps === null) return unknown(`unexpected answer ${brief(line)}`, src);
  if (line.api_version < 0) return unknown(`KVM_GET_API_VERSION failed: errno ${brief(line.api_errno)}`, src);
  const byNumber = line.caps as Record<string, unknown>;
  const caps: Record<string, number> = {};
  for (const [name, nr] of Object.entries(KVM_CAPS)) {
    const v = byNumber[String(nr)];
    if (typeof v === 'number') caps[name] = v;
  }
  return known({ apiVersion: line.api_version, caps }, src);
}

/** The helper plan that asks /dev/kvm, or null when it is not asked. */
export function kvmPlan(opts: { helper: boolean; timeoutMs: number }, deviceExists: boolean | null): string[] | null {
  if (deviceExists === false || !opts.helper) return null;
  return [`timeout_ms ${Math.min(5000, opts.timeoutMs)}`, KVM_REQUEST];
}

export async function probeKvm(host: Host, opts: { helper: boolean; timeoutMs: number }, deviceExists: boolean | null): Promise<Fact<KvmAnswer>> {
  const src = 'sbx-helper kvm (/dev/kvm ioctls)';
  if (deviceExists === false) return unknown('no /dev/kvm to ask', '/dev/kvm');
  if (!opts.helper) return unknown('not asked: --no-helper', src);
  const answer = await host.runHelper(kvmPlan(opts, deviceExists)!, { timeoutMs: opts.timeoutMs });
  if (!answer.ok) {
    // --root reads another node's files; its /dev/kvm cannot be asked from here
    const why = answer.error.code === 'NOT_RECORDED' ? 'not asked: a --root directory holds files only (its /dev/kvm cannot be opened from here)' : answer.error.message;
    return unknown(why, src);
  }
  return readKvmLine(answer.value.lines.find((l) => l.req === 'kvm'));
}
