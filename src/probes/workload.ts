// The workload: the process the container was started for. The tool itself — or the helper that
// --via and kubectl sbx send — is a probe exec'd beside it, and an exec'd process can be confined
// differently: runsc exec runs unfiltered while the container's first process has the OCI seccomp
// filter; docker exec -u 0 and --privileged, kubectl debug profiles, a stacked AppArmor label
// (containerd#12887). So the workload's own status, labels, cgroup, namespaces and root mount are
// read here, from /proc/PID, to be held against the probe's (/proc/self) by the classifier.
//
// The workload is PID 1 of the probe's pid namespace unless the caller names another process
// (--workload-pid; kubectl sbx's debug container targets the pod's container, whose main process
// is PID 1 of the namespace it shares). Whether PID 1 is this container's at all (the host's pid
// namespace, a pod's pause process) is the classifier's question; the facts to answer it are here.
import type { Host } from '../readers/host.js';
import { type CgroupLine, parseCgroupFile } from './cgroups.js';
import { type Fact, invalid, known, parseRead, unknown } from './fact.js';
import { type LsmLabels, probeLsmLabels } from './lsm.js';
import { coveringMount, isReadOnly, type MountEntry, parseMountinfo } from './mounts.js';
import { type NamespaceFacts, probeNamespaceLinks } from './namespaces.js';
import { type ProcessFacts, probeProcess } from './process.js';

export interface WorkloadChoice {
  pid: number;
  /** named by the caller rather than taken to be PID 1 */
  given: boolean;
}

export const DEFAULT_WORKLOAD: WorkloadChoice = { pid: 1, given: false };

/** The root mount as mountinfo gives it: enough to tell whether two processes share it. */
export interface RootMount { mountId: number; device: string; root: string; fsType: string; readOnly: boolean }

export interface WorkloadFacts extends WorkloadChoice {
  comm: Fact<string>;
  process: ProcessFacts;
  lsm: LsmLabels;
  namespaces: NamespaceFacts['entries'];
  cgroup: Fact<CgroupLine[]>;
  /** the workload's root mount, from its own mountinfo (the probe's is facts.mounts.root) */
  rootMount: Fact<RootMount>;
}

function rootMountOf(host: Host, proc: string): Fact<RootMount> {
  const path = `${proc}/mountinfo`;
  const entries = parseRead(host.readFile(path), path, parseMountinfo);
  if (!entries.known) return entries;
  const m: MountEntry | null = coveringMount(entries.value, '/');
  return m ? known({ mountId: m.id, device: m.device, root: m.root, fsType: m.fsType, readOnly: isReadOnly(m) }, path) : unknown(`${path}: no root mount`, path);
}

/** PID 1's comm and cgroup as other probes read them (markers, cgroups): the workload's own when
 *  it is PID 1, so those files are not read twice. */
export interface Pid1Reads { comm: Fact<string>; cgroup: Fact<CgroupLine[]> }

export function probeWorkload(host: Host, choice: WorkloadChoice = DEFAULT_WORKLOAD, pid1?: Pid1Reads): WorkloadFacts {
  const proc = `/proc/${choice.pid}`;
  const read = choice.pid === 1 ? pid1 : undefined;
  return {
    ...choice,
    comm: read?.comm ?? parseRead(host.readFile(`${proc}/comm`), `${proc}/comm`, (t) => t.trim() || invalid('empty')),
    process: probeProcess(host, proc),
    lsm: probeLsmLabels(host, proc),
    namespaces: probeNamespaceLinks(host, proc),
    cgroup: read?.cgroup ?? parseRead(host.readFile(`${proc}/cgroup`), `${proc}/cgroup`, parseCgroupFile),
    rootMount: rootMountOf(host, proc),
  };
}
