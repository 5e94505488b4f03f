// Pure functions over NodeFacts: for each sandbox (gVisor per platform, Kata per hypervisor,
// Sysbox), is this node able to run it and set up for it, item by item, each with what was
// observed, where, the upstream reference, and the command that fixes it. Requirements are data
// in node-requirements.ts.
import type { Fact } from '../probes/fact.js';
import type { Handler } from '../probes/node/configs.js';
import { CONTAINERD_CRI_PLUGINS } from '../probes/node/configs.js';
import { releaseNumbers } from '../probes/node/host-files.js';
import { debugLogDir, type NodeFacts } from '../probes/node/index.js';
import { KVM_API_VERSION } from '../probes/node/kvm.js';
import { type CheckExitCode, exitCodeFor } from '../exit-codes.js';
import {
  FIXES, GVISOR_KVM_REFERENCE, GVISOR_PLATFORM_OF, GVISOR_RELEASES, KATA_CGROUP_REFERENCE, KATA_CHECK_REFERENCE, KATA_CONFIG_REFERENCE, KATA_CPU,
  KATA_HYPERVISORS, KATA_MODULES, RUNTIME_CLASS_OVERHEAD, SANDBOX_IDS, SANDBOX_TITLES, type SandboxId, SYSBOX_PROGRAMS, SYSBOX_REFERENCE, SYSBOX_SHIFTFS,
} from './node-requirements.js';

export type ItemStatus = 'ok' | 'missing' | 'unknown';
export type Readiness = 'ready' | 'not-ready' | 'unknown';

export interface CheckItem {
  id: string;
  what: string;
  status: ItemStatus;
  /** false: reported, but does not decide readiness (advice, or what only some setups need) */
  blocking: boolean;
  observed: string;
  source: string;
  reference: string;
  fix?: string;
}

export interface HandlerUse {
  name: string;
  engine: Handler['engine'];
  file: string;
  /** takes effect at the engine's next start (a K3s template) */
  pending: boolean;
  usable: boolean | null;
  problems: string[];
}

export interface SandboxReadiness {
  id: SandboxId;
  title: string;
  status: Readiness;
  /** one line: ready under which handlers, or the missing items */
  summary: string;
  items: CheckItem[];
  handlers: HandlerUse[];
  /** RuntimeClass manifests for the ready CRI handlers (deploy/runtimeclasses.yaml's form) */
  runtimeClasses: string[];
}

export interface NodeVerdict {
  sandboxes: SandboxReadiness[];
  /** every fix, once, in sandbox order */
  fixes: string[];
}

const show = <T>(f: Fact<T>, fmt: (v: T) => string): string => (f.known ? fmt(f.value) : `unknown (${f.reason})`);

/** 20221219 from a dpkg version "0.0~20221219.0-2+b3" or a release name "release-20221219.0". */
export function runscReleaseDate(version: string): number | null {
  const m = /(20\d{6})/.exec(version);
  return m ? Number(m[1]) : null;
}

interface Runsc { found: boolean | null; path: string | null; date: number | null; versionText: string; versionSource: string }

/** runsc by name (the one on the service PATH) or by the path a handler gives it. Its version
 *  comes from dpkg only: a runsc from elsewhere carries its version in the binary (`runsc
 *  --version`; the release string lies in its read-only data, megabytes in, past what this check
 *  reads of a file), and this check runs nothing. */
function runscInfo(f: NodeFacts, name = 'runsc'): Runsc {
  const p = f.programs[name] ?? f.programs.runsc;
  const pkg = f.packages.known ? f.packages.value.runsc : undefined;
  const fromDpkg = pkg && p.known && p.value && /^\/usr\/s?bin\//.test(p.value.resolved);
  const path = p.known && p.value ? p.value.path : null;
  return {
    found: p.known ? p.value !== null : null,
    path,
    date: fromDpkg ? runscReleaseDate(pkg!) : null,
    versionText: fromDpkg ? `${pkg} (dpkg)` : path
      ? `${path} is not from a dpkg package: \`${path} --version\` tells its version (the release string is also in the binary's read-only data, beyond the 4 MiB this check reads of a file); this check runs nothing`
      : 'no runsc',
    versionSource: fromDpkg ? '/var/lib/dpkg/status' : p.source,
  };
}

function moduleItem(f: NodeFacts, name: string, desc: string, blocking: boolean, reference: string): CheckItem[] {
  const st = f.modules.states[name];
  if (!st || !st.known) {
    return [{ id: `module-${name}`, what: `kernel module ${name} (${desc})`, status: 'unknown', blocking, observed: st ? st.reason : 'not read', source: st?.source ?? `/sys/module/${name}`, reference }];
  }
  const s = st.value;
  const present = s.loaded || s.builtin === true;
  const out: CheckItem[] = [];
  const where = s.builtin ? 'built into the kernel' : s.loaded ? 'loaded' : s.available === false ? 'not loaded, and not in this kernel\'s modules.dep' : s.available ? 'not loaded (available: modprobe can load it)' : 'not loaded';
  out.push({
    id: `module-${name}`, what: `kernel module ${name} (${desc})`, status: present ? 'ok' : 'missing', blocking, observed: where, source: st.source, reference,
    fix: present ? undefined : s.available === false ? `the running kernel ${f.modules.release.known ? f.modules.release.value : ''} has no ${name} module: a kernel built with it is needed` : FIXES.module.text(name),
  });
  if (s.loaded && !s.builtin && !s.persisted) {
    out.push({
      id: `persist-${name}`, what: `${name} loaded again at boot`, status: 'missing', blocking: false,
      observed: `loaded now, but named in no modules-load.d file${f.modules.persistSources.length ? ` (read: ${f.modules.persistSources.join(', ')})` : ''}`,
      source: 'modules-load.d', reference: FIXES.persistModule.reference, fix: FIXES.persistModule.text(name),
    });
  } else if (present && s.persisted) {
    out.push({ id: `persist-${name}`, what: `${name} loaded again at boot`, status: 'ok', blocking: false, observed: `named in ${s.persisted}`, source: s.persisted, reference: FIXES.persistModule.reference });
  }
  return out;
}

function kvmDeviceItem(f: NodeFacts, reference: string): CheckItem {
  const dev = f.devices['/dev/kvm'];
  if (dev.known && !dev.value.exists) {
    return { id: 'dev-kvm', what: '/dev/kvm answers', status: 'missing', blocking: true, observed: 'no /dev/kvm', source: '/dev/kvm', reference, fix: 'load kvm and kvm_intel or kvm_amd (needs VT-x/AMD-V)' };
  }
  const k = f.kvm;
  if (!k.known) return { id: 'dev-kvm', what: '/dev/kvm answers', status: 'unknown', blocking: true, observed: k.reason, source: k.source, reference };
  const ok = k.value.apiVersion === KVM_API_VERSION;
  const caps = Object.entries(k.value.caps).map(([n, v]) => `${n}=${v}`).join(' ');
  return {
    id: 'dev-kvm', what: '/dev/kvm answers', status: ok ? 'ok' : 'missing', blocking: true,
    observed: `KVM_GET_API_VERSION ${k.value.apiVersion}${caps ? `; KVM_CHECK_EXTENSION ${caps}` : ''} (no VM created)`, source: k.source, reference,
  };
}

/** Hardware virtualization: vmx or svm, or a kvm_intel/kvm_amd nested parameter that is on. */
function hardwareVirtItem(f: NodeFacts, reference: string): CheckItem {
  if (!f.cpu.known) return { id: 'hw-virt', what: 'hardware virtualization (vmx/svm) or nested virtualization', status: 'unknown', blocking: true, observed: f.cpu.reason, source: f.cpu.source, reference };
  const flags = f.cpu.value.flags.filter((x) => x === 'vmx' || x === 'svm');
  const nested = (['kvm_intel', 'kvm_amd'] as const).map((m) => [m, f.nested[m]] as const).filter(([, v]) => v.known && v.value !== null);
  const nestedOn = nested.filter(([, v]) => v.known && /^(Y|1)$/.test(v.value ?? ''));
  const pvm = f.modules.states.kvm_pvm?.known && f.modules.states.kvm_pvm.value.loaded;
  const observed = [
    flags.length ? `CPU flags: ${flags.join(' ')}` : 'no vmx or svm CPU flag',
    nested.length ? nested.map(([m, v]) => `${m} nested=${v.known ? v.value : '?'}`).join(', ') : 'no kvm_intel or kvm_amd module',
    pvm ? '/dev/kvm is served by kvm_pvm (PVM: runs only PVM-aware guest kernels)' : '',
  ].filter(Boolean).join('; ');
  const ok = flags.length > 0 || nestedOn.length > 0;
  return {
    id: 'hw-virt', what: 'hardware virtualization (vmx/svm) or nested virtualization', status: ok ? 'ok' : 'missing', blocking: true, observed,
    source: `${f.cpu.source}, /sys/module/kvm_{intel,amd}/parameters/nested`, reference, fix: ok ? undefined : FIXES.hardwareVirt.text,
  };
}

function programItem(f: NodeFacts, name: string, what: string, blocking: boolean, reference: string, fix?: string): CheckItem {
  const p = f.programs[name];
  if (!p) return { id: `program-${name}`, what, status: 'unknown', blocking, observed: 'not looked up', source: name, reference };
  if (!p.known) return { id: `program-${name}`, what, status: 'unknown', blocking, observed: p.reason, source: p.source, reference };
  return {
    id: `program-${name}`, what, status: p.value ? 'ok' : 'missing', blocking,
    observed: p.value ? (p.value.resolved !== p.value.path ? `${p.value.path} → ${p.value.resolved}` : p.value.path) : 'not found',
    source: p.source, reference, fix: p.value ? undefined : fix,
  };
}

function handlerProgramProblems(f: NodeFacts, h: Handler): { usable: boolean | null; problems: string[] } {
  const problems: string[] = [];
  let unknownSeen = false;
  const need = (fact: Fact<unknown> | undefined, label: string) => {
    if (!fact) return;
    if (!fact.known) {
      unknownSeen = true;
      problems.push(`${label}: unknown (${fact.reason})`);
    } else if (fact.value === null) problems.push(`${label} not found`);
  };
  need(h.programFound, `${h.engine === 'docker' ? 'runtime' : h.engine === 'cri-o' ? 'runtime_path' : 'shim'} ${h.program}`);
  if (h.gvisor) {
    if (h.engine !== 'docker') need(f.programs[h.gvisor.runsc], `runsc (${h.gvisor.runsc}, ${h.gvisor.binaryName ? "the runc shim's BinaryName" : "the shim's binary_name"})`);
    if (!h.gvisor.configFile.known) {
      unknownSeen = true;
      problems.push(`shim config: ${h.gvisor.configFile.reason}`);
    }
  }
  if (h.kata) {
    if (!h.kata.configFile.known) problems.push(`Kata configuration: ${h.kata.configFile.reason}`);
    else if (h.kata.hypervisorPath) need(f.programs[h.kata.hypervisorPath], `hypervisor ${h.kata.hypervisorPath}`);
  }
  return { usable: problems.length === 0 ? true : unknownSeen && problems.every((p) => p.includes('unknown')) ? null : false, problems };
}

/** The platform a gVisor handler runs: its own setting, else runsc's default for the version. */
export function gvisorPlatform(h: Handler, runsc: Runsc): { platform: string | null; why: string } {
  if (h.gvisor?.platform) return { platform: h.gvisor.platform, why: `set by ${h.engine === 'docker' ? `runtimeArgs in ${h.file}` : h.gvisor.configFile.known ? h.gvisor.configFile.value : h.file}` };
  if (runsc.date === null) return { platform: null, why: `runsc's default, which depends on its version (${GVISOR_RELEASES.systrapDefault.what}: ${GVISOR_RELEASES.systrapDefault.reference}), and the version is unknown${runsc.path ? ` (${runsc.versionText})` : ''}` };
  const p = runsc.date >= GVISOR_RELEASES.systrapDefault.date ? 'systrap' : 'ptrace';
  return { platform: p, why: `runsc ${runsc.date}'s default (systrap from release-${GVISOR_RELEASES.systrapDefault.date}.0)` };
}

function handlersItem(id: SandboxId, uses: HandlerUse[], fix: string, what: string): CheckItem {
  const usable = uses.filter((u) => u.usable === true);
  const status: ItemStatus = usable.length ? 'ok' : uses.some((u) => u.usable === null) ? 'unknown' : 'missing';
  const observed = uses.length
    ? uses.map((u) => `${u.name} (${u.engine}, ${u.file}${u.pending ? ', from the next start' : ''}): ${u.usable ? 'usable' : u.problems.join('; ')}`).join(' | ')
    : 'no handler registered for it';
  return { id: `handler-${id}`, what, status, blocking: true, observed, source: 'containerd, K3s, Docker and CRI-O configs', reference: 'containerd CRI runtimes; dockerd runtimes; crio.conf runtimes', fix: status === 'ok' ? undefined : fix };
}

function crIPlugin(f: NodeFacts): string {
  // the stanza in the form of the config already there: v3 (containerd 2.x), else v2's
  const file = f.registrations.files.find((x) => x.path === '/etc/containerd/config.toml');
  return file?.version === 3 ? CONTAINERD_CRI_PLUGINS[2] : CONTAINERD_CRI_PLUGINS[1];
}

function runtimeClass(id: SandboxId, h: HandlerUse): string {
  const name = h.name === 'runsc' ? 'gvisor' : h.name;
  const o = RUNTIME_CLASS_OVERHEAD[id];
  return `apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: ${name}\nhandler: ${h.name}${o ? `\noverhead:\n  podFixed:\n    memory: "${o.memory}"\n    cpu: "${o.cpu}"` : ''}`;
}

function decide(id: SandboxId, items: CheckItem[], handlers: HandlerUse[]): SandboxReadiness {
  const blocking = items.filter((i) => i.blocking);
  const status: Readiness = blocking.some((i) => i.status === 'missing') ? 'not-ready' : blocking.some((i) => i.status === 'unknown') ? 'unknown' : 'ready';
  const usable = handlers.filter((h) => h.usable === true);
  const summary = status === 'ready'
    ? `ready under ${usable.map((h) => `${h.name} (${h.engine})`).join(', ')}`
    : status === 'not-ready'
      ? `missing: ${blocking.filter((i) => i.status === 'missing').map((i) => i.what).join('; ')}`
      : `undetermined: ${blocking.filter((i) => i.status === 'unknown').map((i) => i.what).join('; ')}`;
  const runtimeClasses = status === 'ready' ? usable.filter((h) => h.engine !== 'docker').map((h) => runtimeClass(id, h)) : [];
  return { id, title: SANDBOX_TITLES[id], status, summary, items, handlers, runtimeClasses };
}

function gvisor(f: NodeFacts, id: 'gvisor-ptrace' | 'gvisor-systrap' | 'gvisor-kvm'): SandboxReadiness {
  const runsc = runscInfo(f);
  const items: CheckItem[] = [];
  items.push(programItem(f, 'runsc', 'runsc', true, 'google/gvisor g3doc/user_guide/install.md', FIXES.gvisorInstall.text));
  items.push(programItem(f, 'containerd-shim-runsc-v1', 'containerd-shim-runsc-v1 (Kubernetes needs it: containerd and CRI-O start runsc through it; Debian\'s runsc package has none)', false, 'google/gvisor g3doc/user_guide/containerd/quick_start.md', FIXES.gvisorInstall.text));
  items.push({
    id: 'runsc-version', what: 'runsc version', status: runsc.date !== null ? 'ok' : runsc.found ? 'unknown' : 'missing', blocking: false,
    observed: runsc.versionText, source: runsc.versionSource, reference: 'gVisor releases are release-YYYYMMDD.N',
  });
  // cgroup mode against the version
  const mode = f.cgroupMode;
  const cgRef = `${GVISOR_RELEASES.cgroupV2.reference}; ${GVISOR_RELEASES.cgroupV2Paths.reference}`;
  if (!mode.known) items.push({ id: 'cgroups', what: 'runsc works with this cgroup mode', status: 'unknown', blocking: true, observed: mode.reason, source: mode.source, reference: cgRef });
  else if (mode.value !== 'v2') {
    items.push({ id: 'cgroups', what: 'runsc works with this cgroup mode', status: 'ok', blocking: true, observed: `cgroup ${mode.value}: runsc uses the v1 hierarchies`, source: mode.source, reference: cgRef });
  } else {
    const need = GVISOR_RELEASES.cgroupV2Paths.date;
    const st: ItemStatus = runsc.date === null ? (runsc.found === false ? 'missing' : 'unknown') : runsc.date >= need ? 'ok' : 'missing';
    items.push({
      id: 'cgroups', what: 'runsc works with this cgroup mode', status: st, blocking: true,
      observed: `cgroup v2 (unified); runsc ${runsc.date ?? 'version unknown'}; needs release-${need}.0 or later (${GVISOR_RELEASES.cgroupV2Paths.what})`,
      source: `${mode.source}, ${runsc.versionSource}`, reference: cgRef, fix: st === 'missing' ? FIXES.cgroupV2Runsc.text : undefined,
    });
  }
  if (id === 'gvisor-systrap') {
    const need = GVISOR_RELEASES.systrap.date;
    items.push({
      id: 'systrap', what: 'runsc has the systrap platform', status: runsc.date === null ? (runsc.found === false ? 'missing' : 'unknown') : runsc.date >= need ? 'ok' : 'missing', blocking: true,
      observed: `runsc ${runsc.date ?? 'version unknown'}; systrap from release-${need}.0`, source: runsc.versionSource, reference: GVISOR_RELEASES.systrap.reference,
      fix: runsc.date !== null && runsc.date < need ? FIXES.gvisorInstall.text : undefined,
    });
  }
  if (id === 'gvisor-kvm') {
    items.push(kvmDeviceItem(f, GVISOR_KVM_REFERENCE));
    items.push(hardwareVirtItem(f, GVISOR_KVM_REFERENCE));
  }
  const platformName = id.slice('gvisor-'.length);
  const uses: HandlerUse[] = [];
  for (const h of f.registrations.handlers.filter((x) => x.kind === 'gvisor')) {
    // a handler's own runsc (the runc shim's BinaryName, the runsc shim's binary_name) has its own version
    const own = h.gvisor && h.engine !== 'docker' && h.gvisor.runsc !== 'runsc' ? runscInfo(f, h.gvisor.runsc) : runsc;
    const p = gvisorPlatform(h, own);
    if (p.platform !== null && GVISOR_PLATFORM_OF[p.platform] !== id) continue;
    const { usable, problems } = handlerProgramProblems(f, h);
    if (p.platform === null) problems.push(`platform: ${p.why}`);
    if (h.gvisor?.debugLog) {
      const dir = debugLogDir(h.gvisor.debugLog);
      const exists = f.dirs[dir] ?? null;
      if (exists && exists.known && !exists.value) {
        items.push({
          id: `debug-log-${h.name}`, what: `debug-log directory of handler ${h.name}`, status: 'missing', blocking: false,
          observed: `debug-log = "${h.gvisor.debugLog}": ${dir} does not exist`, source: exists.source, reference: FIXES.mkdir.reference, fix: FIXES.mkdir.text(dir),
        });
      } else if (exists && exists.known) {
        items.push({ id: `debug-log-${h.name}`, what: `debug-log directory of handler ${h.name}`, status: 'ok', blocking: false, observed: `debug-log = "${h.gvisor.debugLog}": ${dir} exists`, source: exists.source, reference: FIXES.mkdir.reference });
      }
    }
    const config = h.gvisor && h.engine !== 'docker' ? show(h.gvisor.configFile, (v) => v ?? 'no shim config file') : null;
    items.push({
      id: `platform-${h.name}-${h.engine}`, what: `handler ${h.name} (${h.engine}) platform`, status: p.platform ? 'ok' : 'unknown', blocking: false,
      observed: `${p.platform ?? 'unknown'}: ${p.why}${config ? `; shim config ${config}` : ''}${h.gvisor?.debug ? `; debug=${h.gvisor.debug}` : ''}`,
      source: h.file, reference: 'runsc/config/flags.go "platform", "debug", "debug-log"; gVisor g3doc/user_guide/containerd/configuration.md (runsc_config)',
    });
    uses.push({ name: h.name, engine: h.engine, file: h.file, pending: h.pending, usable: p.platform === null && usable ? null : usable, problems });
  }
  const platformArg = id === 'gvisor-ptrace' && runsc.date !== null && runsc.date < GVISOR_RELEASES.systrapDefault.date ? null : `--platform=${platformName}`;
  const fix = [FIXES.containerdRunsc.text(crIPlugin(f)) + (platformName !== 'systrap' || (runsc.date !== null && runsc.date < GVISOR_RELEASES.systrapDefault.date) ? `\n# and in the shim config (ConfigPath): [runsc_config] platform = "${platformName}"` : ''),
    FIXES.dockerRunsc.text(runsc.path ?? '/usr/local/bin/runsc', platformArg)].join('\n');
  items.push(handlersItem(id, uses, fix, `a handler that runs runsc with platform ${platformName}, its programs present`));
  return decide(id, items, uses);
}

function kata(f: NodeFacts, id: 'kata-qemu' | 'kata-clh' | 'kata-fc'): SandboxReadiness {
  const spec = KATA_HYPERVISORS[id];
  const items: CheckItem[] = [];
  items.push(programItem(f, 'containerd-shim-kata-v2', 'containerd-shim-kata-v2', true, 'kata-containers docs/install', 'install Kata Containers (kata-deploy, or the release tarball into /opt/kata)'));
  items.push(programItem(f, 'kata-runtime', 'kata-runtime (kata-check)', false, 'kata-containers docs/install'));
  // CPU, as kata-check reads it
  if (!f.cpu.known) items.push({ id: 'cpu', what: 'CPU vendor and flags', status: 'unknown', blocking: true, observed: f.cpu.reason, source: f.cpu.source, reference: KATA_CHECK_REFERENCE });
  else {
    const vendor = f.cpu.value.vendor as keyof typeof KATA_CPU | null;
    const spec2 = vendor && vendor in KATA_CPU ? KATA_CPU[vendor] : null;
    items.push({ id: 'cpu-vendor', what: 'CPU vendor GenuineIntel or AuthenticAMD', status: spec2 ? 'ok' : 'missing', blocking: true, observed: f.cpu.value.vendor ?? 'no vendor_id', source: f.cpu.source, reference: KATA_CHECK_REFERENCE });
    const wanted = spec2 ? Object.entries(spec2.flags) : [['vmx|svm', 'Virtualization support'], ['lm', '64Bit CPU'], ['sse4_1', 'SSE4.1']];
    for (const [flag, desc] of wanted) {
      const has = flag.split('|').some((x) => f.cpu.known && f.cpu.value.flags.includes(x));
      items.push({
        id: `cpu-${flag}`, what: `CPU flag ${flag} (${desc})`, status: has ? 'ok' : 'missing', blocking: true, observed: has ? 'present' : 'absent', source: f.cpu.source, reference: KATA_CHECK_REFERENCE,
        fix: has || desc !== 'Virtualization support' ? undefined : FIXES.hardwareVirt.text,
      });
    }
    const virt = Object.keys(spec2?.flags ?? {}).find((x) => x === 'vmx' || x === 'svm');
    const hasVirt = virt ? f.cpu.value.flags.includes(virt) : false;
    for (const m of KATA_MODULES) {
      const vendorModule = m.name === 'KVM_VENDOR';
      const name = vendorModule ? (spec2?.kvmModule ?? 'kvm_intel') : m.name;
      const desc = vendorModule ? (name === 'kvm_amd' ? 'AMD KVM' : 'Intel KVM') : m.desc;
      // vhost_vsock: kata-check does not require it; QEMU's agent channel does (below, as /dev/vhost-vsock)
      const found = moduleItem(f, name, desc, m.required, KATA_CHECK_REFERENCE);
      // kvm_intel / kvm_amd refuse to load without VT-x / AMD-V: modprobe is not the fix then
      if (vendorModule && !hasVirt) for (const i of found) if (i.id === `module-${name}` && i.status === 'missing') i.fix = `${name} loads only with the ${virt ?? 'vmx/svm'} CPU flag: ${FIXES.hardwareVirt.text}`;
      items.push(...found);
    }
  }
  items.push(kvmDeviceItem(f, KATA_CHECK_REFERENCE));
  if (spec.vhostVsock) {
    const d = f.devices['/dev/vhost-vsock'];
    items.push({
      id: 'dev-vhost-vsock', what: '/dev/vhost-vsock (the agent\'s vsock channel)', status: d.known ? (d.value.exists ? 'ok' : 'missing') : 'unknown', blocking: true,
      observed: d.known ? (d.value.exists ? `${d.value.type} device` : 'absent') : d.reason, source: '/dev/vhost-vsock', reference: spec.reference,
      fix: d.known && !d.value.exists ? FIXES.module.text('vhost_vsock') : undefined,
    });
  }
  // handlers whose configuration selects this hypervisor
  const uses: HandlerUse[] = [];
  for (const h of f.registrations.handlers.filter((x) => x.kind === 'kata')) {
    const hv = h.kata?.hypervisor ?? null;
    if (hv !== null && hv !== spec.section) continue;
    const { usable, problems } = handlerProgramProblems(f, h);
    if (hv === null) problems.push('its Kata configuration names no [hypervisor.*] section');
    const k = h.kata!;
    items.push({
      id: `kata-config-${h.name}`, what: `handler ${h.name} (${h.engine}) configuration`, status: k.configFile.known ? 'ok' : 'unknown', blocking: false,
      observed: `${show(k.configFile, (v) => v)}; hypervisor ${hv ?? '?'} at ${k.hypervisorPath ?? '?'}; disable_guest_seccomp=${k.disableGuestSeccomp ?? 'unset (default true)'}; sandbox_cgroup_only=${k.sandboxCgroupOnly ?? 'unset'} with cgroup ${show(f.cgroupMode, (v) => v)}`,
      source: k.configFile.source, reference: `${KATA_CONFIG_REFERENCE}; ${KATA_CGROUP_REFERENCE}`,
    });
    uses.push({ name: h.name, engine: h.engine, file: h.file, pending: h.pending, usable: hv === null ? false : usable, problems });
  }
  if (!uses.length && f.kataDefaults.configFile.known && f.kataDefaults.hypervisor === spec.section) {
    items.push({
      id: 'kata-config', what: 'Kata configuration (no handler uses it yet)', status: 'ok', blocking: false,
      observed: `${f.kataDefaults.configFile.value}: hypervisor ${f.kataDefaults.hypervisor} at ${f.kataDefaults.hypervisorPath ?? '?'}`, source: f.kataDefaults.configFile.source, reference: KATA_CONFIG_REFERENCE,
    });
  }
  items.push(handlersItem(id, uses, FIXES.containerdKata.text(crIPlugin(f)), `a handler whose Kata configuration selects ${spec.section}, its programs present`));
  return decide(id, items, uses);
}

function sysbox(f: NodeFacts): SandboxReadiness {
  const items: CheckItem[] = SYSBOX_PROGRAMS.map((p) => programItem(f, p, p, true, SYSBOX_REFERENCE, 'install Sysbox (nestybox/sysbox docs/user-guide/install-package.md)'));
  const rel = releaseNumbers(f.release);
  const shift = f.modules.states.shiftfs;
  if (!rel) items.push({ id: 'kernel', what: 'kernel: ID-mapped mounts (5.12+) or shiftfs', status: 'unknown', blocking: true, observed: f.release.known ? f.release.value : f.release.reason, source: f.release.source, reference: SYSBOX_SHIFTFS.reference });
  else {
    const below = (v: readonly number[]) => rel[0] < v[0] || (rel[0] === v[0] && rel[1] < v[1]);
    const hasShift = shift?.known ? shift.value.loaded || shift.value.builtin === true : null;
    const need = below(SYSBOX_SHIFTFS.requiredBelow);
    const status: ItemStatus = !need ? 'ok' : hasShift === null ? 'unknown' : hasShift ? 'ok' : 'missing';
    items.push({
      id: 'kernel', what: 'kernel: ID-mapped mounts (5.12+) or shiftfs', status, blocking: true,
      observed: `kernel ${rel.join('.')}: ${need ? `shiftfs required, ${hasShift ? 'loaded' : 'not loaded'}` : below(SYSBOX_SHIFTFS.recommendedBelow) ? 'shiftfs not required (recommended below 5.19)' : 'shiftfs not needed'}`,
      source: `${f.release.source}, /sys/module/shiftfs`, reference: SYSBOX_SHIFTFS.reference,
    });
  }
  const uses: HandlerUse[] = f.registrations.handlers.filter((h) => h.kind === 'sysbox').map((h) => ({ name: h.name, engine: h.engine, file: h.file, pending: h.pending, ...handlerProgramProblems(f, h) }));
  items.push(handlersItem('sysbox', uses, '# /etc/docker/daemon.json: { "runtimes": { "sysbox-runc": { "path": "/usr/bin/sysbox-runc" } } }, or CRI-O [crio.runtime.runtimes.sysbox-runc] (Sysbox\'s installer does this)', 'a handler that runs sysbox-runc'));
  return decide('sysbox', items, uses);
}

export function judgeNode(f: NodeFacts): NodeVerdict {
  const sandboxes = SANDBOX_IDS.map((id) =>
    id.startsWith('gvisor-') ? gvisor(f, id as 'gvisor-ptrace') : id.startsWith('kata-') ? kata(f, id as 'kata-qemu') : sysbox(f));
  const fixes: string[] = [];
  for (const s of sandboxes) for (const i of s.items) if (i.fix && i.status === 'missing' && !fixes.includes(i.fix)) fixes.push(i.fix);
  return { sandboxes, fixes };
}

// ---------- --expect ----------

export type NodeExpectation = { key: 'ready'; value: SandboxId } | { key: 'handler'; value: string };
export interface NodeExpectationResult { expectation: string; status: 'pass' | 'fail' | 'undetermined'; observed: string }

export function parseNodeExpectation(text: string): NodeExpectation | string {
  const m = /^([a-z]+)=(.+)$/.exec(text);
  if (!m) return `expected KEY=VALUE; keys: ready=${SANDBOX_IDS.join('|')}, handler=NAME`;
  if (m[1] === 'ready') return (SANDBOX_IDS as readonly string[]).includes(m[2]) ? { key: 'ready', value: m[2] as SandboxId } : `ready= takes one of ${SANDBOX_IDS.join(', ')}`;
  if (m[1] === 'handler') return { key: 'handler', value: m[2] };
  return `unknown key "${m[1]}"; keys: ready=${SANDBOX_IDS.join('|')}, handler=NAME`;
}

export function checkNodeExpectations(list: NodeExpectation[], f: NodeFacts, v: NodeVerdict): { results: NodeExpectationResult[]; exitCode: CheckExitCode } {
  const results = list.map((e): NodeExpectationResult => {
    const expectation = `${e.key}=${e.value}`;
    if (e.key === 'ready') {
      const s = v.sandboxes.find((x) => x.id === e.value)!;
      return { expectation, status: s.status === 'ready' ? 'pass' : s.status === 'not-ready' ? 'fail' : 'undetermined', observed: `${s.status}: ${s.summary}` };
    }
    const hs = f.registrations.handlers.filter((h) => h.name === e.value);
    if (!hs.length) {
      const unreadable = f.registrations.files.filter((x) => !x.state.known);
      return unreadable.length
        ? { expectation, status: 'undetermined', observed: `not in the configs read; unreadable: ${unreadable.map((x) => x.path).join(', ')}` }
        : { expectation, status: 'fail', observed: `no runtime registered as ${e.value}` };
    }
    const found = hs.filter((h) => h.programFound.known && h.programFound.value);
    if (found.length) return { expectation, status: 'pass', observed: found.map((h) => `${h.engine} ${h.file}: ${h.program}`).join('; ') };
    return hs.some((h) => !h.programFound.known)
      ? { expectation, status: 'undetermined', observed: hs.map((h) => `${h.engine}: ${show(h.programFound, () => '')}`).join('; ') }
      : { expectation, status: 'fail', observed: hs.map((h) => `${h.engine} ${h.file}: ${h.program} not found`).join('; ') };
  });
  return { results, exitCode: exitCodeFor(results.map((r) => r.status)) };
}
