// Every fact `sbx-detect node` uses, gathered in one place. Files first (synchronous, through the
// Host); then the one helper call that asks /dev/kvm its API version and extensions.
import type { Host } from '../../readers/host.js';
import { type Fact, fromReadError, known, parseRead } from '../fact.js';
import { probeKataDefaults, probeRegistrations, type KataSettings, type RegistrationFacts } from './configs.js';
import {
  type Binary, type CgroupMode, type CpuInfo, type DeviceFact, findBinary, type PackageVersions, type ModuleFacts, parseCpuinfo, probeCgroupMode, probeDevice,
  probeModules, probeOsRelease, probePackages, probeRelease,
} from './host-files.js';
import { type KvmAnswer, kvmPlan, probeKvm } from './kvm.js';

/** Programs looked up by name in the service PATH (each sandbox's table says which it needs). */
export const PROGRAMS = [
  'runsc', 'containerd-shim-runsc-v1', 'kata-runtime', 'containerd-shim-kata-v2', 'sysbox-runc', 'sysbox-mgr', 'sysbox-fs',
  'containerd', 'dockerd', 'crio', 'k3s',
] as const;

/** Kernel modules read under /sys/module: kata-check's list (kata-check_amd64.go archRequiredKernelModules),
 *  kvm_pvm (a PVM host), shiftfs (Sysbox on kernels before 5.12). */
export const MODULES = ['kvm', 'kvm_intel', 'kvm_amd', 'kvm_pvm', 'vhost', 'vhost_net', 'vhost_vsock', 'shiftfs'] as const;

export const DEVICES = ['/dev/kvm', '/dev/vhost-vsock', '/dev/vhost-net'] as const;

export interface NodeFacts {
  os: Fact<string>;
  release: Fact<string>;
  machine: string;
  cgroupMode: Fact<CgroupMode>;
  packages: Fact<PackageVersions>;
  cpu: Fact<CpuInfo>;
  modules: ModuleFacts;
  /** /sys/module/kvm_{intel,amd}/parameters/nested: Y or 1 lets this host run nested guests */
  nested: Record<'kvm_intel' | 'kvm_amd', Fact<string | null>>;
  devices: Record<string, Fact<DeviceFact>>;
  kvm: Fact<KvmAnswer>;
  programs: Record<string, Fact<Binary | null>>;
  registrations: RegistrationFacts;
  kataDefaults: KataSettings;
  /** directories named by a runsc debug-log setting: exist or not */
  dirs: Record<string, Fact<boolean>>;
}

export interface NodeOptions { helper: boolean; timeoutMs: number }

function nestedParam(host: Host, mod: string): Fact<string | null> {
  const p = `/sys/module/${mod}/parameters/nested`;
  const r = host.readFile(p);
  if (r.ok) return known(r.value.trim(), p);
  return r.error.code === 'ENOENT' ? known(null, p) : fromReadError(r.error);
}

/** runsc's debug-log: a value ending in "/" is a directory for per-command files, else a file
 *  whose directory must exist (runsc/config/flags.go "debug-log"). */
export function debugLogDir(value: string): string {
  const v = value.replace(/%[A-Z_]+%.*$/, ''); // %ID%, %TIMESTAMP%, %COMMAND% expand at run time
  if (v.endsWith('/')) return v.replace(/\/+$/, '') || '/';
  const i = v.lastIndexOf('/');
  return i <= 0 ? '/' : v.slice(0, i);
}

/** Every fact but /dev/kvm's answer: synchronous file reads only. */
export function gatherNodeFileFacts(host: Host): Omit<NodeFacts, 'kvm'> {
  const release = probeRelease(host);
  const devices: Record<string, Fact<DeviceFact>> = {};
  for (const d of DEVICES) devices[d] = probeDevice(host, d);
  const programs: Record<string, Fact<Binary | null>> = {};
  for (const p of PROGRAMS) programs[p] = findBinary(host, p);
  const registrations = probeRegistrations(host);
  const kataDefaults = probeKataDefaults(host);
  const dirs: Record<string, Fact<boolean>> = {};
  for (const h of registrations.handlers) {
    if (h.gvisor && !(h.gvisor.runsc in programs)) programs[h.gvisor.runsc] = findBinary(host, h.gvisor.runsc);
    const dir = h.gvisor?.debugLog ? debugLogDir(h.gvisor.debugLog) : null;
    if (dir !== null && !(dir in dirs)) {
      const st = host.stat(dir);
      dirs[dir] = st.ok ? known(st.value.type === 'dir', dir) : st.error.code === 'ENOENT' ? known(false, dir) : fromReadError(st.error);
    }
    const hv = h.kata?.hypervisorPath;
    if (hv && !(hv in programs)) programs[hv] = findBinary(host, hv);
  }
  if (kataDefaults.hypervisorPath && !(kataDefaults.hypervisorPath in programs)) programs[kataDefaults.hypervisorPath] = findBinary(host, kataDefaults.hypervisorPath);
  return {
    os: probeOsRelease(host),
    release,
    machine: host.uname().machine || 'unknown',
    cgroupMode: probeCgroupMode(host),
    packages: probePackages(host),
    cpu: parseRead(host.readFile('/proc/cpuinfo'), '/proc/cpuinfo', parseCpuinfo),
    modules: probeModules(host, MODULES, release),
    nested: { kvm_intel: nestedParam(host, 'kvm_intel'), kvm_amd: nestedParam(host, 'kvm_amd') },
    devices,
    programs,
    registrations,
    kataDefaults,
    dirs,
  };
}

const kvmDeviceExists = (files: Omit<NodeFacts, 'kvm'>): boolean | null => {
  const d = files.devices['/dev/kvm'];
  return d.known ? d.value.exists : null;
};

export async function gatherNodeFacts(host: Host, opts: NodeOptions): Promise<NodeFacts> {
  const files = gatherNodeFileFacts(host);
  return { ...files, kvm: await probeKvm(host, opts, kvmDeviceExists(files)) };
}

/** One pass for a remote host (--via): every file read, and the helper plan it leads to
 *  (readers/remote/remote-host.ts runs it in rounds until nothing new is asked). */
export function nodePrefetchPass(opts: NodeOptions): (host: Host) => string[] | null {
  return (host) => kvmPlan(opts, kvmDeviceExists(gatherNodeFileFacts(host)));
}

