// Gathers the facts of one place in a fixed order: the file probes (synchronous, cheap) and the
// native helper (CPUID, syslog, mmap probes, the probe's own prctl flags, the syscall scan),
// which is started before the file probes so the two overlap.
import type { Host } from '../readers/host.js';
import { probeCgroups } from './cgroups.js';
import type { FileFacts } from './file-facts.js';
import { probeKernel } from './kernel.js';
import { probeKubernetes } from './kubernetes.js';
import { probeLauncher } from './launcher.js';
import { probeLsm } from './lsm.js';
import { probeMaps } from './maps.js';
import { probeMarkers } from './markers.js';
import { probeMounts } from './mounts.js';
import { probeNamespaces } from './namespaces.js';
import { nativePlan, startNative, type NativeFacts, type NativeOptions } from './native.js';
import { probePlatform } from './platform.js';
import { probeProcess } from './process.js';
import { probeSysctls } from './sysctls.js';
import { DEFAULT_WORKLOAD, probeWorkload, type WorkloadChoice } from './workload.js';

export type { FileFacts } from './file-facts.js';

export interface Facts extends FileFacts {
  native: NativeFacts;
}

export interface GatherOptions extends NativeOptions {
  /** the workload's process; PID 1 unless given */
  workload?: WorkloadChoice;
}

export function gatherFileFacts(host: Host, workload: WorkloadChoice = DEFAULT_WORKLOAD): FileFacts {
  const mounts = probeMounts(host);
  const cgroups = probeCgroups(host, mounts.entries);
  const markers = probeMarkers(host);
  return {
    kernel: probeKernel(host),
    process: probeProcess(host),
    namespaces: probeNamespaces(host),
    lsm: probeLsm(host),
    mounts,
    cgroups,
    kubernetes: probeKubernetes(host, mounts.entries),
    platform: probePlatform(host),
    markers,
    maps: probeMaps(host),
    sysctls: probeSysctls(host),
    workload: probeWorkload(host, workload, { comm: markers.pid1Comm, cgroup: cgroups.pid1Lines }),
    launcher: probeLauncher(host),
  };
}

/** One pass of every file probe, and the native plan it leads to (null: no helper run). A
 *  remote host runs it in rounds until the probes ask nothing new (readers/remote/remote-host.ts). */
export function prefetchPass(opts: GatherOptions): (host: Host) => string[] | null {
  return (host) => {
    const files = gatherFileFacts(host, opts.workload);
    return opts.helper ? nativePlan(host.uname().machine, files, opts).plan : null;
  };
}

export async function gatherFacts(host: Host, opts: GatherOptions): Promise<Facts> {
  // the helper starts on the probes that need no file fact and runs beside the (synchronous)
  // file probes; the syscall plan, which needs them, follows on its stdin
  const native = startNative(host, opts);
  // one turn of the event loop: the live host's spawn (reached through promise callbacks
  // alone) happens before the file probes take the thread
  await new Promise((resolve) => setImmediate(resolve));
  let files: FileFacts;
  try {
    files = gatherFileFacts(host, opts.workload);
  } catch (err) {
    native.cancel(); // the helper must not wait on its stdin for a plan that will not come
    throw err;
  }
  return { ...files, native: await native.finish(files) };
}
