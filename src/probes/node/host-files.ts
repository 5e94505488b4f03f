// `sbx-detect node`: what the node itself has — binaries, package versions, CPU flags, kernel
// modules, devices, the cgroup mode. Every read goes through the Host, so `--root DIR` (a
// snapshot directory, or /host inside `kubectl debug node/NAME`) reads another node's files.
// Facts only; what they mean for gVisor, Kata and Sysbox is src/classifier/node-readiness.ts.
import type { Host } from '../../readers/host.js';
import { cgroupMode, type CgroupMode } from '../cgroups.js';
import { type Fact, fromReadError, known, parseRead, unknown } from '../fact.js';
import { parseRelease } from '../kernel.js';
import { parseMountinfo } from '../mounts.js';

/** Where binaries are looked for: systemd's default PATH for services (containerd, dockerd,
 *  crio and k3s run under systemd with it; systemd.exec(5) "PATH"), in that order, so the answer
 *  does not depend on the shell this tool was started from, and is the same under --root. */
export const SERVICE_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

export interface Binary {
  /** the path found (in SERVICE_PATH, or the absolute path a config names) */
  path: string;
  /** the file it resolves to, after symbolic links */
  resolved: string;
}

const MAX_LINKS = 8;

/** Follows symbolic links by hand (lstat + readlink), so a snapshot root resolves inside itself. */
export function resolveFile(host: Host, path: string): Fact<Binary> {
  let p = path;
  for (let i = 0; i <= MAX_LINKS; i++) {
    const st = host.stat(p);
    if (!st.ok) return fromReadError(st.error);
    if (st.value.type === 'link') {
      const l = host.readLink(p);
      if (!l.ok) return fromReadError(l.error);
      p = l.value.startsWith('/') ? l.value : `${p.slice(0, p.lastIndexOf('/'))}/${l.value}`;
      continue;
    }
    if (st.value.type !== 'file') return unknown(`${p} is a ${st.value.type}, not a program`, path);
    if ((st.value.mode & 0o111) === 0) return unknown(`${p} is not executable (mode ${st.value.mode.toString(8)})`, path);
    return known({ path, resolved: normalize(p) }, path);
  }
  return unknown(`more than ${MAX_LINKS} symbolic links from ${path}`, path);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** A program by name in SERVICE_PATH, or by absolute path. Not found is a known null. */
export function findBinary(host: Host, name: string): Fact<Binary | null> {
  if (name.startsWith('/')) {
    const f = resolveFile(host, name);
    if (f.known) return f;
    return /^ENOENT/.test(f.reason) ? known(null, name) : f;
  }
  const reasons: string[] = [];
  for (const dir of SERVICE_PATH) {
    const f = resolveFile(host, `${dir}/${name}`);
    if (f.known) return f;
    if (!/^ENOENT/.test(f.reason)) reasons.push(f.reason);
  }
  // a directory we could not read is not "absent": say so instead of a definite no
  if (reasons.some((r) => /^E(ACCES|PERM|IO)/.test(r))) return unknown(reasons.join('; '), SERVICE_PATH.map((d) => `${d}/${name}`).join(', '));
  return known(null, `${SERVICE_PATH.join(':')} (${name})`);
}

// ---------- packages (dpkg) ----------

/** package name → installed version */
export interface PackageVersions { [name: string]: string }

const DPKG_STATUS = '/var/lib/dpkg/status';

/** Installed versions of the named packages from dpkg's status file (deb-control(5) stanzas). */
export function parseDpkgStatus(text: string, names: readonly string[]): PackageVersions {
  const want = new Set(names);
  const out: PackageVersions = {};
  for (const stanza of text.split(/\n\s*\n/)) {
    const pkg = /^Package: (.+)$/m.exec(stanza)?.[1]?.trim();
    if (!pkg || !want.has(pkg)) continue;
    const status = /^Status: (.+)$/m.exec(stanza)?.[1] ?? '';
    const version = /^Version: (.+)$/m.exec(stanza)?.[1]?.trim();
    if (version && /\binstalled$/.test(status.trim())) out[pkg] = version;
  }
  return out;
}

export const PACKAGES = ['runsc', 'containerd', 'containerd.io', 'docker.io', 'docker-ce', 'cri-o', 'kata-containers', 'sysbox-ce', 'qemu-system-x86'] as const;

export function probePackages(host: Host): Fact<PackageVersions> {
  return parseRead(host.readFile(DPKG_STATUS), DPKG_STATUS, (t) => parseDpkgStatus(t, PACKAGES));
}

// ---------- CPU ----------

export interface CpuInfo { vendor: string | null; flags: string[] }

/** The first processor's vendor_id and flags, as kata-check reads them (getCPUInfo, getCPUFlags). */
export function parseCpuinfo(text: string): CpuInfo {
  const first = text.split(/\n\n/)[0] ?? '';
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(first)?.[1]?.trim() ?? null;
  // arm64 says "Features" where x86 says "flags"
  const flags = field('flags') ?? field('Features') ?? '';
  return { vendor: field('vendor_id'), flags: flags.split(/\s+/).filter(Boolean) };
}

// ---------- kernel modules ----------

export interface ModuleState {
  /** /sys/module/NAME exists: loaded, or built in with parameters */
  loaded: boolean;
  /** listed in /lib/modules/RELEASE/modules.builtin */
  builtin: boolean | null;
  /** listed in modules.dep: modprobe could load it */
  available: boolean | null;
  /** named in a modules-load.d file (or /etc/modules): loaded again at boot */
  persisted: string | null;
}

const MODULES_LOAD_DIRS = ['/etc/modules-load.d', '/run/modules-load.d', '/usr/local/lib/modules-load.d', '/usr/lib/modules-load.d', '/lib/modules-load.d'];

/** modules-load.d(5): one module per line, # and ; start comments. Debian's /etc/modules too. */
export function parseModulesLoad(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/[#;].*$/, '').trim()).filter(Boolean).map((m) => m.split(/\s+/)[0]);
}

/** "kernel/drivers/vhost/vhost_vsock.ko.xz:" → vhost_vsock (dashes and underscores are one to modprobe). */
export function moduleNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /([^/\s:]+)\.ko(?:\.[a-z]+)?:?(?:\s|$)/.exec(line);
    if (m) out.add(m[1].replace(/-/g, '_'));
  }
  return out;
}

export interface ModuleFacts {
  release: Fact<string>;
  states: Record<string, Fact<ModuleState>>;
  /** which files were read for persistence, and which were not there */
  persistSources: string[];
}

export function probeModules(host: Host, names: readonly string[], release: Fact<string>): ModuleFacts {
  const persisted = new Map<string, string>();
  const persistSources: string[] = [];
  const addFile = (path: string) => {
    const r = host.readFile(path);
    if (!r.ok) return;
    persistSources.push(path);
    for (const m of parseModulesLoad(r.value)) if (!persisted.has(m.replace(/-/g, '_'))) persisted.set(m.replace(/-/g, '_'), path);
  };
  for (const dir of MODULES_LOAD_DIRS) {
    const l = host.readDir(dir);
    if (l.ok) for (const n of l.value.filter((n) => n.endsWith('.conf'))) addFile(`${dir}/${n}`);
  }
  addFile('/etc/modules');
  const lists = (file: string): Set<string> | null => {
    if (!release.known) return null;
    const r = host.readFile(`/lib/modules/${release.value}/${file}`);
    return r.ok ? moduleNames(r.value) : null;
  };
  const builtin = lists('modules.builtin');
  const dep = lists('modules.dep');
  const states: Record<string, Fact<ModuleState>> = {};
  for (const name of names) {
    const st = host.stat(`/sys/module/${name}`);
    if (!st.ok && st.error.code !== 'ENOENT') {
      states[name] = fromReadError(st.error);
      continue;
    }
    states[name] = known(
      { loaded: st.ok, builtin: builtin ? builtin.has(name) : null, available: dep ? dep.has(name) : null, persisted: persisted.get(name) ?? null },
      `/sys/module/${name}${release.known ? `, /lib/modules/${release.value}/modules.{builtin,dep}` : ''}, modules-load.d`,
    );
  }
  return { release, states, persistSources };
}

// ---------- cgroups ----------

/** The node's cgroup mode, from PID 1's mount table (the node's own, also in a debug pod with
 *  hostPID), else ours. Same rule as containerd/cgroups Mode(): cgroup2 at /sys/fs/cgroup is
 *  unified, cgroup v1 hierarchies plus a cgroup2 mount (/sys/fs/cgroup/unified) is hybrid. */
export function probeCgroupMode(host: Host): Fact<CgroupMode> {
  for (const path of ['/proc/1/mountinfo', '/proc/self/mountinfo']) {
    const f = parseRead(host.readFile(path), path, parseMountinfo);
    if (!f.known) continue;
    const cg = f.value.filter((e) => e.mountPoint.startsWith('/sys/fs/cgroup'));
    const mode = cgroupMode(cg);
    if (mode) return known(mode, path);
  }
  // a snapshot without a mount table: the files cgroup v2 puts at its root
  const v2 = host.stat('/sys/fs/cgroup/cgroup.controllers');
  if (v2.ok) return known('v2', '/sys/fs/cgroup/cgroup.controllers');
  const hybrid = host.stat('/sys/fs/cgroup/unified/cgroup.controllers');
  if (hybrid.ok) return known('hybrid', '/sys/fs/cgroup/unified/cgroup.controllers');
  return unknown('no cgroup mount in /proc/1/mountinfo or /proc/self/mountinfo, and no /sys/fs/cgroup/cgroup.controllers', '/proc/1/mountinfo');
}

// ---------- kernel, OS ----------

export function probeRelease(host: Host): Fact<string> {
  const r = host.readFile('/proc/sys/kernel/osrelease');
  if (r.ok && r.value.trim()) return known(r.value.trim(), '/proc/sys/kernel/osrelease');
  const u = host.uname().release;
  return u ? known(u, 'uname(2)') : r.ok ? unknown('empty', '/proc/sys/kernel/osrelease') : fromReadError(r.error);
}

export function releaseNumbers(release: Fact<string>): [number, number, number] | null {
  return release.known ? parseRelease(release.value) : null;
}

export function probeOsRelease(host: Host): Fact<string> {
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    const r = host.readFile(p);
    if (r.ok) {
      const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(r.value)?.[1];
      return pretty ? known(pretty, p) : unknown(`${p}: no PRETTY_NAME`, p);
    }
  }
  return unknown('ENOENT: /etc/os-release, /usr/lib/os-release', '/etc/os-release');
}

export interface DeviceFact { exists: boolean; type?: string; mode?: number; gid?: number }

export function probeDevice(host: Host, path: string): Fact<DeviceFact> {
  const st = host.stat(path);
  if (st.ok) return known({ exists: true, type: st.value.type, mode: st.value.mode, gid: st.value.gid }, path);
  return st.error.code === 'ENOENT' ? known({ exists: false }, path) : fromReadError(st.error);
}

export type { CgroupMode };
