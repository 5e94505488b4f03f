// Generates src/classifier/seccomp-profiles.ts: every seccomp profile the fingerprint knows, by
// release, converted from the files Debian ships (each profile says which package and path):
//   docker-default      Docker's profiles/seccomp/default.json  (golang-github-docker-docker-dev)
//   containers-default  containers-common's seccomp.json          (golang-github-containers-common)
//   containerd-default  containerd's contrib/seccomp/seccomp_default.go: the profile containerd
//                       applies for RuntimeDefault in a CRI pod, built in Go code by DefaultProfile
//                       (golang-github-containerd-containerd-dev); read here by its structure:
//                       the base list, the amd64/arm64 arch blocks, the ptrace ≥ 4.8 block, one
//                       block per capability of the bounding set, and the blocks for !admin
// Usage: node scripts/gen-seccomp-profiles.mjs ID:RELEASE:PACKAGE_VERSION:FILE … > src/classifier/seccomp-profiles.ts
// The packages (bookworm's and trixie's) are fetched with apt-get download and unpacked with
// dpkg-deb -x (trixie's through the private apt state of scripts/setup-runtimes.sh); the files
// are data and source text only, nothing is built or run. Names outside the probe's syscall
// table (32-bit, mips, s390, ppc calls) and rules for other arches are left out; nothing else
// changes: the first matching rule wins, as in the engines' filters.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';

const tableModule = await build({ entryPoints: ['src/probes/syscalls/table.ts'], bundle: true, write: false, format: 'esm', platform: 'node' });
const { rowByName } = await import(`data:text/javascript;base64,${Buffer.from(tableModule.outputFiles[0].text).toString('base64')}`);
const known = (n) => !!rowByName(n);
const ARCHES = new Set(['amd64', 'x32', 'x86', 'arm64', 'arm']);
const ARCH_OF = { SCMP_ARCH_X86_64: 'amd64', SCMP_ARCH_X32: 'x32', SCMP_ARCH_X86: 'x86', SCMP_ARCH_AARCH64: 'arm64', SCMP_ARCH_ARM: 'arm' };
const OPS = { SCMP_CMP_EQ: 'EQ', SCMP_CMP_NE: 'NE', SCMP_CMP_LT: 'LT', SCMP_CMP_LE: 'LE', SCMP_CMP_GT: 'GT', SCMP_CMP_GE: 'GE', SCMP_CMP_MASKED_EQ: 'MASKED_EQ' };

function jsonOp(op) {
  if (!(op in OPS)) throw new Error(`an argument op this generator does not know: ${op}`);
  return OPS[op];
}

/** Docker's and containers-common's JSON format. */
function fromJson(text) {
  const p = JSON.parse(text);
  const defaultErrno = p.defaultErrnoRet ?? 1;
  const rules = [];
  for (const s of p.syscalls ?? []) {
    const arches = s.includes?.arches?.filter((a) => ARCHES.has(a));
    if (s.includes?.arches && !arches.length) continue;
    const names = s.names.filter(known);
    if (!names.length) continue;
    const action = s.action === 'SCMP_ACT_ALLOW' ? 'allow' : s.action === 'SCMP_ACT_ERRNO' ? 'errno' : null;
    if (!action) continue;
    rules.push(clean({
      names, action, errno: action === 'errno' ? s.errnoRet ?? defaultErrno : undefined,
      includesCaps: s.includes?.caps, excludesCaps: s.excludes?.caps, arches, excludesArches: s.excludes?.arches,
      minKernel: s.includes?.minKernel, args: s.args?.map((a) => ({ index: a.index, value: a.value, op: jsonOp(a.op) })),
    }));
  }
  return { defaultErrno, rules };
}

// What the Go source may name, with its value (Linux include/uapi). Anything else stops the
// generator: a guessed value would make a profile the engine does not apply.
const GO_VALUES = {
  'unix.AF_VSOCK': 40,
  'unix.CLONE_NEWNS': 0x20000, 'unix.CLONE_NEWCGROUP': 0x2000000, 'unix.CLONE_NEWUTS': 0x4000000, 'unix.CLONE_NEWIPC': 0x8000000,
  'unix.CLONE_NEWUSER': 0x10000000, 'unix.CLONE_NEWPID': 0x20000000, 'unix.CLONE_NEWNET': 0x40000000,
};
const ERRNOS = { EPERM: 1, ENOSYS: 38 };
const GO_OPS = { OpEqualTo: 'EQ', OpNotEqual: 'NE', OpMaskedEqual: 'MASKED_EQ', OpLessThan: 'LT', OpGreaterThan: 'GT' };

/** An argument's Value: a number, a known constant, or known constants or'ed together. */
function goValue(v) {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
  const terms = v.split('|').map((t) => t.trim());
  const unknown = terms.filter((t) => !(t in GO_VALUES));
  if (unknown.length) throw new Error(`an argument value this generator does not know: ${unknown.join(', ')} (in "${v}")`);
  return terms.reduce((m, t) => m | GO_VALUES[t], 0);
}

/** The errno of `ErrnoRet: &name`, from its declaration `name := uint(unix.EXXX)`. */
function goErrno(text, name) {
  const m = new RegExp(`\\b${name}\\s*:=\\s*uint\\(unix\\.(E[A-Z]+)\\)`).exec(text);
  if (!m) throw new Error(`ErrnoRet: &${name}, whose declaration this generator cannot find`);
  if (!(m[1] in ERRNOS)) throw new Error(`ErrnoRet: &${name} is unix.${m[1]}, an errno this generator does not know`);
  return ERRNOS[m[1]];
}

/** The kernel release of the one kernelversion.GreaterEqualThan block, as "major.minor". */
function goMinKernel(body, at) {
  if (body.indexOf('kernelversion.GreaterEqualThan', at + 1) !== -1) throw new Error('more than one kernelversion.GreaterEqualThan block');
  const m = /^kernelversion\.GreaterEqualThan\(\s*kernelversion\.KernelVersion\{Kernel:\s*(\d+),\s*Major:\s*(\d+)\}\)/.exec(body.slice(at));
  if (!m) throw new Error('a kernelversion.GreaterEqualThan block whose version this generator cannot read');
  return `${m[1]}.${m[2]}`;
}

/** containerd's seccomp_default.go, by its structure. */
function fromGo(text) {
  const body = text.slice(text.indexOf('func DefaultProfile'));
  const rules = [];
  // every LinuxSyscall literal: Names, Action, ErrnoRet, Args; its context from what precedes it
  const re = /Names:\s*\[\]string\{([^}]*)\},\s*Action:\s*specs\.(\w+),(\s*ErrnoRet:\s*&(\w+),)?(\s*Args:\s*\[\]specs\.LinuxSeccompArg\{((?:\s*\{[^}]*\},?)*)\s*\})?/g;
  const at = (marker, from = 0) => body.indexOf(marker, from);
  const posS = at('s := &specs.LinuxSeccomp{'), posKernel = at('kernelversion.GreaterEqualThan'), posArch = at('switch runtime.GOARCH', posS);
  const posAdminVar = at('admin := false'), posCaps = at('range sp.Process.Capabilities.Bounding'), posNotAdmin = at('if !admin');
  const minKernel = posKernel === -1 ? null : goMinKernel(body, posKernel);
  for (const m of body.matchAll(re)) {
    const i = m.index;
    const names = [...m[1].matchAll(/"([\w]+)"/g)].map((x) => x[1]).filter(known);
    if (!names.length) continue;
    const lastCase = (from) => [...body.slice(from, i).matchAll(/case ("[^:]*"):/g)].pop();
    const section = i < posS ? 'base' : i < posArch ? 'kernel' : i < posAdminVar ? 'arch' : i > posCaps && i < posNotAdmin ? 'caps' : i > posNotAdmin ? 'not-admin' : 'other';
    const rule = { names, action: m[2] === 'ActAllow' ? 'allow' : 'errno' };
    if (m[4]) rule.errno = goErrno(text, m[4]);
    if (m[6]) {
      rule.args = [...m[6].matchAll(/\{([^}]*)\}/g)].map((a) => {
        const field = (k) => new RegExp(`${k}:\\s*([^,\\n]+)`).exec(a[1])?.[1]?.trim();
        const v = field('Value');
        const op = GO_OPS[field('Op').replace('specs.', '')];
        if (!op) throw new Error(`an argument op this generator does not know: ${field('Op')}`);
        return { index: Number(field('Index')), value: goValue(v), op };
      });
    }
    if (section === 'other') throw new Error(`a rule outside the known blocks: ${names.join(',')}`);
    if (section === 'kernel') {
      if (!minKernel) throw new Error(`a rule between the base list and the arch blocks, with no kernel version check: ${names.join(',')}`);
      rule.minKernel = minKernel;
    }
    if (section === 'arch') {
      const arches = lastCase(posArch)[1].split(',').map((x) => JSON.parse(x.trim())).filter((a) => ARCHES.has(a));
      if (!arches.length) continue;
      rule.arches = arches;
    }
    if (section === 'caps') rule.includesCaps = [JSON.parse(lastCase(posCaps)[1])];
    if (section === 'not-admin') {
      const c = lastCase(posNotAdmin);
      if (c && /s390/.test(c[1]) && at('default:', posNotAdmin) > i) continue;
      rule.excludesCaps = ['CAP_SYS_ADMIN'];
    }
    rules.push(rule);
  }
  return { defaultErrno: 1, rules };
}

function clean(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length)));
}

const out = [];
for (const arg of process.argv.slice(2)) {
  const [id, release, pkg, file] = arg.split(':');
  const text = readFileSync(file, 'utf8');
  const p = file.endsWith('.go') ? fromGo(text) : fromJson(text);
  out.push({ id, release, source: `Debian ${basename(pkg.split('=')[0])} ${pkg.split('=')[1]}: ${file.replace(/^.*?\/usr\//, '/usr/')}`, ...p });
}
process.stdout.write(`// GENERATED by scripts/gen-seccomp-profiles.mjs from the files each profile's source names:
// do not edit by hand. The seccomp profiles the fingerprint knows (src/classifier/seccomp-profile.ts),
// each by release.
import type { KnownProfile } from './seccomp-profile.js';

export const PROFILE_RELEASES: readonly KnownProfile[] = ${JSON.stringify(out, null, 1).replace(/\n\s*/g, ' ')};
`);
