// Where sandbox runtimes are registered on a node, and how each is configured: containerd
// (v1, v2 and v3 config formats), K3s's containerd and its Go template, Docker's daemon.json,
// CRI-O's crio.conf and crio.conf.d; then, per handler, the runsc or Kata configuration file it
// would use. TOML is parsed by smol-toml (TOML 1.0); nothing here parses TOML by hand.
import { parse as parseToml } from 'smol-toml';
import type { Host } from '../../readers/host.js';
import { type Fact, fromReadError, known, unknown } from '../fact.js';
import { type Binary, findBinary } from './host-files.js';

export type Engine = 'containerd' | 'k3s' | 'docker' | 'cri-o';
export type SandboxKind = 'gvisor' | 'kata' | 'sysbox';
type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Each config file the node may have, with its engine and its upstream reference. */
export const CONFIG_FILES: readonly { path: string; engine: Engine; format: 'toml' | 'toml-template' | 'json'; reference: string }[] = [
  { path: '/etc/containerd/config.toml', engine: 'containerd', format: 'toml', reference: 'containerd-config.toml(5); containerd docs/cri/config.md' },
  // K3s writes config.toml from its base template at every start; a config(-v3).toml.tmpl beside it replaces the template
  { path: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml', engine: 'k3s', format: 'toml', reference: 'K3s docs, Advanced Options: Configuring containerd' },
  { path: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl', engine: 'k3s', format: 'toml-template', reference: 'K3s docs, Advanced Options: Configuring containerd (Base template, {{ template "base" . }})' },
  { path: '/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl', engine: 'k3s', format: 'toml-template', reference: 'K3s docs: config-v3.toml.tmpl for containerd 2.x' },
  { path: '/etc/docker/daemon.json', engine: 'docker', format: 'json', reference: 'dockerd(8) "Daemon configuration file": runtimes, default-runtime' },
  { path: '/etc/crio/crio.conf', engine: 'cri-o', format: 'toml', reference: 'crio.conf(5): [crio.runtime.runtimes.NAME]' },
];
export const CRIO_DROPIN_DIR = '/etc/crio/crio.conf.d';

/**
 * A K3s template is Go text/template around TOML. The TOML is what is left once the actions are
 * taken out: a line that is only an action ({{ template "base" . }}, {{- if … }}) goes, an action
 * inside a value becomes the placeholder TEMPLATE. The base template's own tables are not in
 * this text, so a fragment that redefines one of them parses here and would fail in K3s.
 */
export function untemplate(text: string): string {
  return text
    .split('\n')
    .map((l) => (/^\s*(\{\{.*?\}\}\s*)+$/.test(l) ? '' : l.replace(/\{\{.*?\}\}/g, 'TEMPLATE')))
    .join('\n');
}

export interface LoadedConfig { path: string; data: Table }

/** A config file: parsed (known), absent (known null), or unreadable/unparseable (unknown, why). */
export function loadConfig(host: Host, path: string, format: 'toml' | 'toml-template' | 'json'): Fact<LoadedConfig | null> {
  const r = host.readFile(path);
  if (!r.ok) return r.error.code === 'ENOENT' ? known(null, path) : fromReadError(r.error);
  try {
    const data = format === 'json' ? JSON.parse(r.value) : parseToml(format === 'toml-template' ? untemplate(r.value) : r.value);
    if (!isTable(data)) return unknown(`${path}: not an object at the top`, path);
    return known({ path, data }, path);
  } catch (err) {
    return unknown(`${path}: cannot parse ${format === 'json' ? 'JSON' : 'TOML'}: ${(err as Error).message.split('\n')[0]}`, path);
  }
}

// ---------- handlers ----------

export interface GvisorSettings {
  /** the shim's config file (containerd options ConfigPath, CRI-O runtime_config_path, or the shim's own default paths) */
  configFile: Fact<string | null>;
  /** runsc --platform, if the handler sets one */
  platform: string | null;
  debug: string | null;
  debugLog: string | null;
  /** the runsc the shim starts (binary_name; default "runsc" on PATH), or the runc shim's BinaryName */
  runsc: string;
  /** runsc is the BinaryName of containerd's runc shim, not the runsc shim's binary_name */
  binaryName?: boolean;
}

export interface KataSettings {
  configFile: Fact<string>;
  /** [hypervisor.NAME] of configuration.toml */
  hypervisor: string | null;
  hypervisorPath: string | null;
  disableGuestSeccomp: boolean | null;
  sandboxCgroupOnly: boolean | null;
}

export interface Handler {
  name: string;
  engine: Engine;
  /** the file that registers it */
  file: string;
  /** K3s template: applies from the next K3s start */
  pending: boolean;
  isDefault: boolean;
  runtimeType: string | null;
  /** the program the engine starts for it: a containerd shim, Docker's runtime path, CRI-O's runtime_path */
  program: string;
  programFound: Fact<Binary | null>;
  kind: SandboxKind | 'runc' | 'other';
  gvisor?: GvisorSettings;
  kata?: KataSettings;
}

export interface ConfigFileFact {
  path: string;
  engine: Engine;
  reference: string;
  state: Fact<'absent' | 'parsed'>;
  /** containerd's config `version` (1 when absent; 2; 3 for containerd 2.x) */
  version?: number;
  handlers: string[];
}

export interface RegistrationFacts {
  files: ConfigFileFact[];
  handlers: Handler[];
}

/** containerd's runtime_type → shim binary: io.containerd.NAME.VERSION → containerd-shim-NAME-VERSION
 *  (containerd runtime/v2/shim/util.go BinaryName, shimBinaryFormat "containerd-shim-%s-%s"). */
export function shimBinary(runtimeType: string): string | null {
  const parts = runtimeType.split('.');
  return parts.length >= 2 ? `containerd-shim-${parts[parts.length - 2]}-${parts[parts.length - 1]}` : null;
}

/** The runtimes tables of a containerd config, whichever version wrote it:
 *  v1 [plugins.cri.containerd.runtimes], v2 [plugins."io.containerd.grpc.v1.cri".containerd.runtimes],
 *  v3 (containerd 2.x) [plugins."io.containerd.cri.v1.runtime".containerd.runtimes]. */
export const CONTAINERD_CRI_PLUGINS = ['cri', 'io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime'] as const;

function containerdRuntimes(data: Table): { runtimes: Table; defaultName: string | null; plugin: string } | null {
  const plugins = isTable(data.plugins) ? data.plugins : null;
  if (!plugins) return null;
  for (const id of CONTAINERD_CRI_PLUGINS) {
    const p = plugins[id];
    if (!isTable(p) || !isTable(p.containerd)) continue;
    const c = p.containerd;
    if (isTable(c.runtimes)) return { runtimes: c.runtimes, defaultName: str(c.default_runtime_name) ?? 'runc', plugin: id };
  }
  return null;
}

function kindOf(program: string, runtimeType: string | null, binaryName: string | null): Handler['kind'] {
  const names = [program, binaryName ?? ''].map(basename);
  if (runtimeType && /^io\.containerd\.runsc\.v\d+$/.test(runtimeType)) return 'gvisor';
  if (runtimeType && /^io\.containerd\.kata[\w-]*\.v2$/.test(runtimeType)) return 'kata';
  if (names.some((n) => n === 'runsc' || n === 'containerd-shim-runsc-v1')) return 'gvisor';
  if (names.some((n) => n === 'kata-runtime' || /^containerd-shim-kata[\w-]*-v2$/.test(n))) return 'kata';
  if (names.some((n) => n === 'sysbox-runc')) return 'sysbox';
  if (names.some((n) => n === 'runc' || n === 'crun' || n === 'containerd-shim-runc-v2')) return 'runc';
  return 'other';
}

/** The gVisor shim's own config paths when no ConfigPath is given (gVisor pkg/shim/v1/runsc/options.go GetRuntimeOptions). */
export const RUNSC_SHIM_DEFAULT_CONFIGS = ['/run/containerd/runsc/config.toml', '/etc/containerd/runsc/config.toml'] as const;

/** Kata's configuration search: /etc first, then the packaged defaults (katautils config.go
 *  GetDefaultConfigFilePaths; src/runtime/Makefile SYSCONFIG, CONFIG_PATH). */
export const KATA_DEFAULT_CONFIGS = ['/etc/kata-containers/configuration.toml', '/usr/share/defaults/kata-containers/configuration.toml'] as const;

/** runsc flags from Docker's runtimeArgs: --flag=value, --flag value, or a bare --flag. */
export function runscArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([\w-]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) continue;
    if (m[2] !== undefined) out[m[1]] = m[2];
    else if (i + 1 < args.length && !args[i + 1].startsWith('-') && m[1] !== 'debug') out[m[1]] = args[++i];
    else out[m[1]] = 'true';
  }
  return out;
}

function gvisorFromShimConfig(host: Host, explicit: string | null): GvisorSettings {
  let configFile: Fact<string | null>;
  let cfg: Table | null = null;
  const candidates = explicit ? [explicit] : [...RUNSC_SHIM_DEFAULT_CONFIGS];
  configFile = known(null, candidates.join(', '));
  for (const p of candidates) {
    const f = loadConfig(host, p, 'toml');
    if (!f.known) {
      configFile = unknown(f.reason, p);
      break;
    }
    if (f.value) {
      configFile = known(p, p);
      cfg = f.value.data;
      break;
    }
    if (explicit) configFile = unknown(`ConfigPath names ${p}, which does not exist (the shim then fails: "decode config file")`, p);
  }
  const rc = cfg && isTable(cfg.runsc_config) ? cfg.runsc_config : {};
  const flag = (k: string) => (rc[k] === undefined ? null : String(rc[k]));
  return { configFile, platform: flag('platform'), debug: flag('debug'), debugLog: flag('debug-log'), runsc: str(cfg?.binary_name) ?? 'runsc' };
}

function kataFromConfig(host: Host, explicit: string | null): KataSettings {
  const candidates = explicit ? [explicit] : [...KATA_DEFAULT_CONFIGS];
  for (const p of candidates) {
    const f = loadConfig(host, p, 'toml');
    if (!f.known) return { configFile: unknown(f.reason, p), hypervisor: null, hypervisorPath: null, disableGuestSeccomp: null, sandboxCgroupOnly: null };
    if (!f.value) continue;
    const d = f.value.data;
    const hv = isTable(d.hypervisor) ? d.hypervisor : {};
    const name = Object.keys(hv)[0] ?? null;
    const section = name && isTable(hv[name]) ? (hv[name] as Table) : {};
    const rt = isTable(d.runtime) ? d.runtime : {};
    const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);
    return {
      configFile: known(p, p), hypervisor: name, hypervisorPath: str(section.path) ?? null,
      disableGuestSeccomp: bool(rt.disable_guest_seccomp), sandboxCgroupOnly: bool(rt.sandbox_cgroup_only),
    };
  }
  return {
    configFile: unknown(`no Kata configuration at ${candidates.join(' or ')}`, candidates.join(', ')),
    hypervisor: null, hypervisorPath: null, disableGuestSeccomp: null, sandboxCgroupOnly: null,
  };
}

/** containerd's runc shims (io.containerd.runc.v1/v2) start the program their BinaryName option
 *  names (containerd runtime/v2/runc/options: BinaryName, default "runc"). */
const RUNC_SHIM = /^io\.containerd\.runc\.v\d+$/;

function detail(host: Host, h: Omit<Handler, 'gvisor' | 'kata'>, configPath: string | null, runtimeArgs: string[], binaryName: string | null = null): Handler {
  if (h.kind === 'gvisor') {
    if (h.runtimeType && RUNC_SHIM.test(h.runtimeType) && binaryName) {
      // runsc behind the runc shim: the shim reads no runsc config file, and runsc's flags are
      // whatever BinaryName passes it (a wrapper script's own)
      return { ...h, gvisor: { configFile: known(null, h.file), platform: null, debug: null, debugLog: null, runsc: binaryName, binaryName: true } };
    }
    if (h.engine === 'docker') {
      const a = runscArgs(runtimeArgs);
      return { ...h, gvisor: { configFile: known(null, h.file), platform: a.platform ?? null, debug: a.debug ?? null, debugLog: a['debug-log'] ?? null, runsc: h.program } };
    }
    return { ...h, gvisor: gvisorFromShimConfig(host, configPath) };
  }
  if (h.kind === 'kata') return { ...h, kata: kataFromConfig(host, configPath) };
  return h;
}

export function probeRegistrations(host: Host): RegistrationFacts {
  const files: ConfigFileFact[] = [];
  const handlers: Handler[] = [];
  const add = (spec: (typeof CONFIG_FILES)[number] | { path: string; engine: Engine; format: 'toml'; reference: string; binDir?: string }) => {
    const loaded = loadConfig(host, spec.path, spec.format);
    const file: ConfigFileFact = {
      path: spec.path, engine: spec.engine, reference: spec.reference, handlers: [],
      state: loaded.known ? known(loaded.value ? 'parsed' : 'absent', spec.path) : unknown(loaded.reason, spec.path),
    };
    files.push(file);
    if (!loaded.known || !loaded.value) return;
    const data = loaded.value.data;
    if (spec.engine === 'containerd' || spec.engine === 'k3s') file.version = typeof data.version === 'number' ? data.version : 1;
    const pending = spec.format === 'toml-template';
    const push = (h: Handler) => {
      handlers.push(h);
      file.handlers.push(h.name);
    };
    if (spec.engine === 'containerd' || spec.engine === 'k3s') {
      const found = containerdRuntimes(data);
      for (const [name, rt] of Object.entries(found?.runtimes ?? {})) {
        if (!isTable(rt)) continue;
        const runtimeType = str(rt.runtime_type) ?? null;
        const options = isTable(rt.options) ? rt.options : {};
        // runtime_path (containerd ≥ 1.6) names the shim binary; else it follows from runtime_type
        const program = str(rt.runtime_path) ?? (runtimeType ? shimBinary(runtimeType) : null) ?? '(no runtime_type)';
        const binaryName = str(options.BinaryName) ?? null;
        const base = {
          name, engine: spec.engine, file: spec.path, pending, isDefault: name === found?.defaultName, runtimeType, program,
          programFound: program.startsWith('(') ? unknown<Binary | null>('no runtime_type or runtime_path', spec.path) : findShim(host, program, ('binDir' in spec ? spec.binDir : null) ?? null),
          kind: kindOf(program, runtimeType, binaryName),
        };
        push(detail(host, base, str(options.ConfigPath) ?? null, [], binaryName));
      }
    } else if (spec.engine === 'docker') {
      const runtimes = isTable(data.runtimes) ? data.runtimes : {};
      const def = str(data['default-runtime']) ?? 'runc';
      for (const [name, rt] of Object.entries(runtimes)) {
        if (!isTable(rt)) continue;
        const runtimeType = str(rt.runtimeType) ?? null;
        const program = str(rt.path) ?? (runtimeType ? (runtimeType.startsWith('/') ? runtimeType : shimBinary(runtimeType) ?? runtimeType) : name);
        const args = Array.isArray(rt.runtimeArgs) ? rt.runtimeArgs.map(String) : [];
        const options = isTable(rt.options) ? rt.options : {};
        const base = {
          name, engine: spec.engine, file: spec.path, pending: false, isDefault: name === def, runtimeType, program,
          programFound: findBinary(host, program), kind: kindOf(program, runtimeType, str(options.BinaryName) ?? null),
        };
        push(detail(host, base, str(options.ConfigPath) ?? null, args));
      }
    } else {
      // CRI-O: [crio.runtime.runtimes.NAME]; runtime_path defaults to NAME looked up in $PATH (crio.conf(5))
      const runtime = isTable(data.crio) && isTable(data.crio.runtime) ? data.crio.runtime : {};
      const runtimes = isTable(runtime.runtimes) ? runtime.runtimes : {};
      for (const [name, rt] of Object.entries(runtimes)) {
        if (!isTable(rt)) continue;
        const program = str(rt.runtime_path) ?? name;
        const runtimeType = str(rt.runtime_type) ?? 'oci';
        const base = {
          name, engine: spec.engine, file: spec.path, pending: false, isDefault: name === (str(runtime.default_runtime) ?? 'crun'), runtimeType, program,
          programFound: findBinary(host, program), kind: kindOf(program, null, null),
        };
        push(detail(host, base, str(rt.runtime_config_path) ?? null, []));
      }
    }
  };
  for (const spec of CONFIG_FILES) add(spec);
  for (const p of runningContainerdConfigs(host)) {
    if (CONFIG_FILES.some((c) => c.path === p.config)) continue;
    add({ path: p.config, engine: 'containerd', format: 'toml', reference: `the running containerd (pid ${p.pid}: ${p.binary} --config ${p.config}); containerd(8) --config`, binDir: p.binary.slice(0, p.binary.lastIndexOf('/')) });
  }
  const dropins = host.readDir(CRIO_DROPIN_DIR);
  if (dropins.ok) {
    for (const n of dropins.value.filter((n) => n.endsWith('.conf'))) {
      add({ path: `${CRIO_DROPIN_DIR}/${n}`, engine: 'cri-o', format: 'toml', reference: 'crio.conf.d(5): drop-ins, applied in lexical order' });
    }
  }
  // CRI-O: a later drop-in redefining a handler replaces the earlier one
  const seen = new Map<string, number>();
  const kept: Handler[] = [];
  for (const h of handlers) {
    const key = `${h.engine}/${h.name}/${h.pending}`;
    if (h.engine === 'cri-o' && seen.has(key)) kept[seen.get(key)!] = h;
    else {
      seen.set(key, kept.length);
      kept.push(h);
    }
  }
  return { files, handlers: kept };
}

/** A containerd whose command line names its config: `containerd --config FILE` (or `-c FILE`),
 *  as a service unit, K3s or a test harness starts it, with the binary it runs. Read from
 *  /proc/PID/cmdline (NUL-separated), so `--root /host` with the node's /proc reads the node's. */
export interface RunningContainerd { pid: number; binary: string; config: string }

export function parseContainerdCmdline(cmdline: string): { binary: string; config: string } | null {
  const argv = cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  const binary = argv[0] ?? '';
  if (basename(binary) !== 'containerd') return null;
  for (let i = 1; i < argv.length; i++) {
    const m = /^--?(?:config|c)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const value = m[1] ?? argv[i + 1];
    if (value && value.startsWith('/')) return { binary, config: value };
  }
  return null;
}

export function runningContainerdConfigs(host: Host): RunningContainerd[] {
  const procs = host.readDir('/proc');
  if (!procs.ok) return [];
  const out: RunningContainerd[] = [];
  for (const pid of procs.value.filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b))) {
    const r = host.readFile(`/proc/${pid}/cmdline`, 'latin1');
    const found = r.ok ? parseContainerdCmdline(r.value) : null;
    if (found && !out.some((o) => o.config === found.config)) out.push({ pid: Number(pid), ...found });
  }
  return out;
}

/** A shim by name in the service PATH, else beside the containerd binary that runs it
 *  (containerd runtime/v2/shim/util.go Command: when PATH has no such shim, the directory of the
 *  containerd executable itself). */
function findShim(host: Host, program: string, binDir: string | null): Fact<Binary | null> {
  const f = findBinary(host, program);
  if (!binDir || program.startsWith('/') || (f.known && f.value)) return f;
  const beside = findBinary(host, `${binDir}/${program}`);
  return beside.known && beside.value ? beside : f;
}

/** Kata's own configuration, when no handler names one (installed, not yet registered). */
export function probeKataDefaults(host: Host): KataSettings {
  return kataFromConfig(host, null);
}
