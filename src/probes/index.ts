// Gathers every fact, in one place, in a fixed order. File facts are synchronous and cheap;
// the native helper (CPUID, syslog, mmap probes, the syscall scan) runs once, asynchronously,
// started before the file probes so the two overlap.
import type { Host } from '../readers/host.js';
import { probeCgroups, type CgroupFacts } from './cgroups.js';
import { probeKernel, type KernelFacts } from './kernel.js';
import { probeKubernetes, type KubernetesFacts } from './kubernetes.js';
import { probeLsm, type LsmFacts } from './lsm.js';
import { probeMaps, type MapsFacts } from './maps.js';
import { probeMarkers, type MarkerFacts } from './markers.js';
import { probeMounts, type MountFacts } from './mounts.js';
import { probeNamespaces, type NamespaceFacts } from './namespaces.js';
import { nativePlan, startNative, type NativeFacts, type NativeOptions } from './native.js';
import { probePlatform, type PlatformFacts } from './platform.js';
import { probeProcess, type ProcessFacts } from './process.js';
import { probeSysctls } from './sysctls.js';
import type { SysctlName } from './syscalls/table.js';
import type { Fact } from './fact.js';

export interface Facts {
  kernel: KernelFacts;
  process: ProcessFacts;
  namespaces: NamespaceFacts;
  lsm: LsmFacts;
  mounts: MountFacts;
  cgroups: CgroupFacts;
  kubernetes: KubernetesFacts;
  platform: PlatformFacts;
  markers: MarkerFacts;
  maps: Fact<MapsFacts>;
  /** sysctls that gate syscalls before seccomp (null: unreadable) */
  sysctls: Record<SysctlName, Fact<number>>;
  native: NativeFacts;
}

export type FileFacts = Omit<Facts, 'native'>;

export function gatherFileFacts(host: Host): FileFacts {
  const mounts = probeMounts(host);
  return {
    kernel: probeKernel(host),
    process: probeProcess(host),
    namespaces: probeNamespaces(host),
    lsm: probeLsm(host),
    mounts,
    cgroups: probeCgroups(host, mounts.entries),
    kubernetes: probeKubernetes(host, mounts.entries),
    platform: probePlatform(host),
    markers: probeMarkers(host),
    maps: probeMaps(host),
    sysctls: probeSysctls(host),
  };
}

/** One pass of every file probe, and the native plan it leads to (null: no helper run). A
 *  remote host runs it in rounds until the probes ask nothing new (readers/remote/remote-host.ts). */
export function prefetchPass(opts: NativeOptions): (host: Host) => string[] | null {
  return (host) => {
    const files = gatherFileFacts(host);
    return opts.helper ? nativePlan(host.uname().machine, files, opts).plan : null;
  };
}

export async function gatherFacts(host: Host, opts: NativeOptions): Promise<Facts> {
  // the helper starts on the probes that need no file fact and runs beside the (synchronous)
  // file probes; the syscall plan, which needs them, follows on its stdin
  const native = startNative(host, opts);
  // one turn of the event loop: the live host's spawn (reached through promise callbacks
  // alone) happens before the file probes take the thread
  await new Promise((resolve) => setImmediate(resolve));
  let files: FileFacts;
  try {
    files = gatherFileFacts(host);
  } catch (err) {
    native.cancel(); // the helper must not wait on its stdin for a plan that will not come
    throw err;
  }
  return { ...files, native: await native.finish(files) };
}
