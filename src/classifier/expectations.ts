// CI expectations (`--expect KEY=VALUE`): a table of keys, each with its value grammar, what it
// means, and how the observed value is read from the facts and the verdict. Checking is pure.
//
// Exit codes (README "Exit codes"): 0 every expectation holds; 1 at least one fails; 3 none
// fails but at least one could not be decided because a fact it needs is unknown. A definite
// failure wins over an undetermined one: the build is broken either way, and 1 names the
// expectation that is certainly wrong. 2 (usage) is the CLI's, for parseExpectation errors.
import { type CheckExitCode, type CheckStatus, exitCodeFor } from '../exit-codes.js';
import { CAPABILITY_NAMES } from '../probes/capabilities.js';
import type { Fact } from '../probes/fact.js';
import type { Facts } from '../probes/index.js';
import { NAMESPACE_TYPES, type NamespaceType } from '../probes/namespaces.js';
import type { Disposition, SyscallResult } from '../probes/syscalls/dispositions.js';
import { profileName, SYSCALL_TABLE } from '../probes/syscalls/table.js';
import { type Finding, SEVERITIES, type Severity, severityRank, worstRaised } from './findings.js';
import { ownUserNamespace } from './privileged.js';
import { SANDBOX_CLASSES } from './sandbox-signals.js';
import type { Verdict } from './verdict.js';
import { judgedFacts } from './workload.js';


export interface ExpectationResult {
  key: string;
  /** the expected value, normalised: "gvisor", "none", "⊆chown,net_bind_service" (a leading ⊆ replaces "=") */
  expected: string;
  observed: string;
  status: CheckStatus;
  reason: string;
}

export interface Expectation {
  key: string;
  /** "=" for most keys; "⊆" for caps⊆LIST (caps<=LIST is read as ⊆) */
  operator: '=' | '⊆';
  /** the raw value text after the operator */
  text: string;
  /** the parsed value, of the shape the key's spec expects */
  value: unknown;
}

export type ParsedExpectation = { ok: true; expectation: Expectation } | { ok: false; error: string };

/** What one key's check returns; the key and expected text are added by checkExpectations. */
interface Outcome { status: CheckStatus; observed: string; reason: string }

interface KeySpec<V> {
  key: string;
  operators: readonly ('=' | '⊆')[];
  /** the value grammar, as shown in usage errors */
  grammar: string;
  /** the closed value set, when there is one */
  values?: readonly string[];
  description: string;
  /** where the observed value comes from, in words (facts and verdict fields) */
  observes: string;
  parse(text: string, operator: '=' | '⊆'): V | ParseError;
  check(expected: V, f: Facts, v: Verdict): Outcome;
}

class ParseError {
  constructor(readonly message: string) {}
}

// ---- outcome builders: every status carries its reason ----

const pass = (observed: string, reason: string): Outcome => ({ status: 'pass', observed, reason });
const fail = (observed: string, reason: string): Outcome => ({ status: 'fail', observed, reason });
/** `fact` names what could not be determined; `why` is the unknown fact's own reason. */
const undetermined = (observed: string, fact: string, why: string): Outcome => ({
  status: 'undetermined', observed, reason: `${fact} could not be determined: ${why}`,
});
const unknownFact = (what: string, f: Extract<Fact<unknown>, { known: false }>): Outcome =>
  undetermined('unknown', `${what} (${f.source})`, f.reason);

/** Equality over an observed value, with a sentence about where it came from. */
function compare(expected: string, observed: string, source: string, note = ''): Outcome {
  const tail = note ? `; ${note}` : '';
  return observed === expected
    ? pass(observed, `${source}${tail}`)
    : fail(observed, `expected ${expected}, observed ${observed} (${source})${tail}`);
}

// ---- sandbox awareness ----

/** Said next to values that the sandbox's own kernel reports, not the host's. */
function sandboxNote(v: Verdict): string {
  if (v.sandbox.class === 'gvisor') return "gVisor's sentry reports this; its user-space kernel is the syscall boundary (signals.md §0.2)";
  if (v.sandbox.class === 'kata') return 'the Kata guest kernel reports this; the VM is the boundary to the host (signals.md §3.4)';
  return '';
}

/** Why the sandbox class is unknown: the best candidate and why it lost. */
function sandboxUnknownReason(v: Verdict): string {
  const best = v.sandbox.candidates[0];
  return best ? `the evidence is too weak (best candidate ${best.class}: ${best.lostBecause})` : 'no signal matched';
}

// ---- the syscall scan's facts, read in one place ----
//
// src/probes/syscalls/ may still reshape facts.native.syscalls. This section is the only code
// here that looks inside it: adapt readSyscallScan and DISPOSITION_STATE when the shape moves.
// (seccomp-profile= reads verdict.seccompProfile, the fingerprint made from the same scan.)
//
// blocked=X means X is refused here before doing its work: by the seccomp filter or the
// sandbox, by a capability or sysctl gate the kernel checks first, or because the running
// kernel lacks it. allowed=X means X reached the kernel and answered as an allowed call does.
// Argument-variant rows (clone.ns, ...) count towards their call's name.

export const SECCOMP_PROFILES = ['docker-default', 'containers-default', 'containerd-default', 'custom', 'none'] as const;

export type SyscallDisposition =
  | { state: 'blocked' | 'allowed' | 'mixed'; detail: string }
  | { state: 'undetermined'; reason: string };

export interface SyscallScanView {
  disposition(name: string): SyscallDisposition;
}

const DISPOSITION_STATE: Record<Disposition, 'blocked' | 'allowed' | 'undetermined' | ((r: SyscallResult) => 'blocked' | 'undetermined')> = {
  allowed: 'allowed',
  'blocked-errno': 'blocked',
  killed: 'blocked',
  trapped: 'blocked',
  'capability-denied': 'blocked',
  // the call ran in the host kernel, past the sandbox (gVisor systrap and uprobe): it reached a kernel
  'host-kernel': 'allowed',
  'not-implemented': (r) => (r.kernelHasCall === 'unknown' || r.kernelHasCall === undefined ? 'undetermined' : 'blocked'),
  ambiguous: 'undetermined',
  timeout: 'undetermined',
  'not-probed': 'undetermined',
};

/** The syscall names a blocked=/allowed= list may use: the scan table's profile names. */
export const SCANNED_SYSCALLS: readonly string[] = [...new Set(SYSCALL_TABLE.map(profileName))].sort();

export function readSyscallScan(f: Facts): { known: true; view: SyscallScanView } | { known: false; fact: string; reason: string } {
  const scan = f.native.syscalls;
  if (!scan.known) return { known: false, fact: `the syscall scan (${scan.source})`, reason: scan.reason };
  const { results } = scan.value;
  return {
    known: true,
    view: {
      disposition(name) {
        const rows = results.filter((r) => r.call === name || r.name === name);
        if (rows.length === 0) return { state: 'undetermined', reason: `the scan has no result for ${name} on ${scan.value.arch}` };
        const judged = rows.map((r) => {
          const rule = DISPOSITION_STATE[r.disposition];
          const state = typeof rule === 'function' ? rule(r) : rule;
          const what = `${r.name === name ? '' : `${r.name} `}${r.disposition}${r.observed ? ` ${r.observed}` : ''}${r.gate ? ` (${r.gate})` : ''}`;
          return { state, what, reason: r.reason ?? r.disposition };
        });
        const open = judged.filter((j) => j.state === 'undetermined');
        if (open.length) return { state: 'undetermined', reason: `${name}: ${open.map((j) => `${j.what}: ${j.reason}`).join('; ')}` };
        const states = new Set(judged.map((j) => j.state));
        const detail = judged.map((j) => j.what).join(', ');
        return { state: states.size > 1 ? 'mixed' : (judged[0].state as 'blocked' | 'allowed'), detail };
      },
    },
  };
}

// ---- value grammars ----

function oneOf(values: readonly string[], key: string) {
  return (text: string): string | ParseError =>
    values.includes(text) ? text : new ParseError(`unknown value "${text}" for ${key}; valid: ${values.join(', ')}`);
}

function commaList(text: string, key: string, item: (s: string) => string | ParseError): string[] | ParseError {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) return new ParseError(`${key}: empty item in "${text}"`);
  const out: string[] = [];
  for (const p of parts) {
    const r = item(p);
    if (r instanceof ParseError) return r;
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

function capabilityItem(s: string): string | ParseError {
  const n = s.toLowerCase().replace(/^cap_/, '');
  return CAPABILITY_NAMES.includes(n) ? n : new ParseError(`unknown capability "${s}"; valid (with or without cap_, any case): ${CAPABILITY_NAMES.join(', ')}`);
}

const BOOLEAN = ['true', 'false'] as const;

// ---- the keys ----

function define<V>(spec: KeySpec<V>): KeySpec<unknown> {
  return spec as unknown as KeySpec<unknown>;
}

/** A key with a closed set of values compared for equality against one observation. */
function enumKey(spec: Omit<KeySpec<string>, 'operators' | 'grammar' | 'parse'> & { values: readonly string[] }): KeySpec<unknown> {
  return define<string>({ ...spec, operators: ['='], grammar: spec.values.join('|'), parse: oneOf(spec.values, spec.key) });
}

/** A true|false key over one boolean fact. */
function booleanKey(spec: {
  key: string; description: string; observes: string;
  read: (f: Facts, v: Verdict) => { fact: Fact<boolean>; what: string; unknownNote?: string; note?: string };
}): KeySpec<unknown> {
  return enumKey({
    key: spec.key, values: BOOLEAN, description: spec.description, observes: spec.observes,
    check(expected, f, v) {
      const r = spec.read(f, v);
      if (!r.fact.known) {
        return undetermined('unknown', `${r.what} (${r.fact.source})`, r.fact.reason + (r.unknownNote ? `; ${r.unknownNote}` : ''));
      }
      return compare(expected as string, String(r.fact.value), r.fact.source, r.note);
    },
  });
}

const SANDBOX_VALUES = [...SANDBOX_CLASSES, 'container', 'unknown', 'vm'] as const;

function checkSandbox(expected: string, _f: Facts, v: Verdict): Outcome {
  const cls = v.sandbox.class;
  const observed = cls === 'none' && v.vm.kind !== 'none' && v.vm.kind !== 'unknown' ? `none (${v.vm.label})` : cls;
  if (expected === 'unknown') {
    return cls === 'unknown' ? pass(cls, `the classifier could not decide: ${sandboxUnknownReason(v)}`) : fail(observed, `expected no decision, the classifier says ${v.headline}`);
  }
  if (cls === 'unknown') return undetermined('unknown', 'the sandbox class', sandboxUnknownReason(v));
  if (expected === 'vm') {
    if (cls !== 'none') return fail(observed, `expected no container on a VM, the classifier says ${v.headline}`);
    if (v.vm.kind === 'unknown') return undetermined('none (machine unknown)', 'the machine underneath', v.vm.label);
    return v.vm.kind === 'none' ? fail('none (bare metal)', `no container, but on bare metal: ${v.vm.label}`) : pass(observed, `no container; ${v.vm.label}`);
  }
  return cls === expected ? pass(observed, v.headline) : fail(observed, `expected ${expected}, the classifier says ${v.headline}`);
}

function checkPlatform(expected: string, f: Facts, v: Verdict): Outcome {
  const cls = v.sandbox.class;
  if (cls === 'unknown') return undetermined('unknown', 'the sandbox class', sandboxUnknownReason(v));
  if (cls !== 'gvisor') return fail(`none (sandbox ${cls})`, `a gVisor platform only exists under gVisor; the classifier says ${v.headline}`);
  const p = v.platform;
  if (!p || p.value === 'unknown') return undetermined('unknown', 'the gVisor platform', p ? p.evidence.join('; ') : 'no platform reading');
  if (p.inferred) return undetermined(`${p.value} (inferred)`, 'the gVisor platform', `only inferred: ${p.evidence.join('; ')}`);
  return compare(expected, p.value, p.evidence.join('; '));
}

/** Kata's hypervisor under Kata; elsewhere the machine underneath, when it names one of these VMMs. */
const HYPERVISORS = ['qemu', 'cloud-hypervisor', 'firecracker', 'dragonball', 'acrn'] as const;
/** VM kinds that name a hypervisor family but not which VMM drives it. */
const VMM_AMBIGUOUS = new Set(['kvm', 'vm-other', 'amazon', 'google']);

function checkHypervisor(expected: string, _f: Facts, v: Verdict): Outcome {
  const cls = v.sandbox.class;
  if (cls === 'kata') {
    const h = v.hypervisor;
    if (!h) return undetermined('unknown', 'the Kata hypervisor', 'no DMI, CPUID or guest command-line pattern matched');
    return compare(expected, h.value, `Kata hypervisor: ${h.evidence.join('; ')}`);
  }
  if (cls === 'unknown') return undetermined('unknown', 'the sandbox class', sandboxUnknownReason(v));
  const kind = v.vm.kind;
  const where = `not Kata (${cls}); the machine underneath is ${v.vm.label}`;
  if (kind === 'unknown') return undetermined('unknown', 'the machine underneath', v.vm.label);
  if (kind === expected) return pass(kind, where);
  if (VMM_AMBIGUOUS.has(kind)) return undetermined(kind, 'the hypervisor', `${v.vm.label} does not say which VMM drives it`);
  return fail(kind === 'none' ? 'none (bare metal)' : kind, `expected ${expected}; ${where}`);
}

function checkSeccompProfile(expected: string, f: Facts, v: Verdict): Outcome {
  const mode = f.process.seccomp;
  if (!mode.known) return unknownFact('the seccomp mode', mode);
  if (mode.value === 'disabled') return compare(expected, 'none', `${mode.source} (Seccomp: 0, no filter)`, sandboxNote(v));
  if (mode.value === 'strict') return fail('strict mode', `strict seccomp (${mode.source}) runs no filter profile`);
  // a filter is in force, so "none" is certainly wrong whatever the scan says
  if (expected === 'none') return fail('a filter', `expected no filter, ${mode.source} says filtering`);
  // the fingerprint (seccomp-profile.ts) compares the scan's blocked set with the known profiles
  const fp = v.seccompProfile;
  if (!fp) {
    const scan = readSyscallScan(f);
    return undetermined('a filter (profile unknown)', scan.known ? 'the seccomp profile' : scan.fact, scan.known ? 'no fingerprint was made' : scan.reason);
  }
  if (fp.verdict === 'unknown') return undetermined('a filter (profile unknown)', 'the seccomp profile', fp.reason);
  const observed = fp.verdict === 'custom' && fp.closest ? `custom (closest: ${fp.closest})` : fp.verdict;
  return fp.verdict === expected ? pass(observed, fp.reason) : fail(observed, `expected ${expected}: ${fp.reason}`);
}

function checkCaps(allowed: string[], f: Facts, v: Verdict): Outcome {
  const sets = (['effective', 'bounding'] as const).map((set) => ({ set, fact: f.process.capabilities[set] }));
  const label = allowed.length ? `⊆ {${allowed.join(', ')}}` : 'none';
  const parts: string[] = [];
  const beyond: string[] = [];
  const unknownSets: string[] = [];
  for (const { set, fact } of sets) {
    if (!fact.known) {
      parts.push(`${set}: unknown`);
      unknownSets.push(`${set} (${fact.source}): ${fact.reason}`);
      continue;
    }
    const extra = fact.value.names.filter((n) => !allowed.includes(n));
    parts.push(`${set}: ${fact.value.names.join(' ') || 'none'}`);
    if (extra.length) beyond.push(`${set} holds ${extra.join(' ')}`);
  }
  const observed = parts.join('; ');
  // root of a user namespace of its own holds them, but only over what the namespace owns
  const ns = ownUserNamespace(f, v.sandbox.class);
  if (beyond.length) return fail(observed, `expected ${label}; ${beyond.join('; ')}${ns ? ` (held in ${ns}: they act only on what it owns, not on the host)` : ''}`);
  if (unknownSets.length) return undetermined(observed, 'the capability sets', unknownSets.join('; '));
  return pass(observed, `effective and bounding sets are ${label}`);
}

function checkSyscalls(names: string[], want: 'blocked' | 'allowed', f: Facts): Outcome {
  const scan = readSyscallScan(f);
  if (!scan.known) return undetermined('unknown', scan.fact, scan.reason);
  const seen = names.map((n) => ({ name: n, d: scan.view.disposition(n) }));
  const observed = seen.map(({ name, d }) => `${name}: ${d.state === 'undetermined' ? 'undetermined' : d.detail}`).join('; ');
  // a call with some variants blocked and some allowed is neither wholly blocked nor allowed
  const wrong = seen.filter(({ d }) => d.state !== 'undetermined' && d.state !== want);
  if (wrong.length) return fail(observed, `expected ${want}: ${wrong.map(({ name, d }) => `${name} is ${d.state}`).join(', ')}`);
  const open = seen.filter(({ d }) => d.state === 'undetermined');
  if (open.length) return undetermined(observed, 'the syscall scan', open.map(({ d }) => (d as { reason: string }).reason).join('; '));
  return pass(observed, `every listed syscall is ${want}`);
}

function checkHostNamespaces(allowed: string[], f: Facts, v: Verdict): Outcome {
  const label = allowed.length ? `at most ${allowed.join(', ')}` : 'none';
  const hn = v.hostNamespaces;
  if (!hn.judged) return pass('not applicable', hn.reason);
  const undecided = NAMESPACE_TYPES.filter((t) => {
    const e = f.namespaces.entries[t];
    return !e.known || e.value.isInitial === null;
  });
  const observed = `shared: ${hn.shared.join(', ') || 'none'}${undecided.length ? `; undecidable: ${undecided.join(', ')}` : ''}`;
  const extra = hn.shared.filter((t) => !allowed.includes(t));
  if (extra.length) return fail(observed, `expected ${label} shared with the host; ${extra.join(', ')} ${extra.length > 1 ? 'are' : 'is'} the host's (${hn.reason})`);
  const open = undecided.filter((t) => !allowed.includes(t));
  if (open.length) {
    const why = open.map((t) => {
      const e = f.namespaces.entries[t];
      return e.known ? `${t}: this kernel gives no fixed initial inode for it` : `${t}: ${e.reason}`;
    });
    return undetermined(observed, 'whether these namespaces are the host\'s', why.join('; '));
  }
  return pass(observed, `${label} shared with the host (${hn.reason})`);
}

const ENGINE_VALUES = ['docker', 'podman', 'containerd', 'cri-o', 'none'] as const;
/** Classes that are made without any of the four engines when no engine evidence shows. */
const ENGINELESS_CLASSES = new Set(['none', 'namespace-sandbox', 'lxc', 'nspawn']);

function checkEngine(expected: string, _f: Facts, v: Verdict): Outcome {
  const e = v.engine;
  const cls = v.sandbox.class;
  if (e.engine !== 'unknown') {
    const where = e.evidence.slice(0, 2).map((x) => x.observed).join('; ');
    return compare(expected, e.engine, where || 'the engine signals');
  }
  if (ENGINELESS_CLASSES.has(cls)) return compare(expected, 'none', `no engine evidence, and ${cls === 'none' ? 'no container' : `a ${cls} container`} needs none`);
  if (cls === 'unknown') return undetermined('unknown', 'the engine', `no engine evidence and ${sandboxUnknownReason(v)}`);
  return undetermined('unknown', 'the engine', `a ${cls} container, but no mount source, cgroup path or marker names its engine`);
}

const MAX_SEVERITY_VALUES = ['none', ...SEVERITIES] as const;

/** No raised finding is worse than `expected` (none: no finding raised at all). */
function checkMaxSeverity(expected: string, _f: Facts, v: Verdict): Outcome {
  const limit = expected === 'none' ? 0 : severityRank(expected as Severity);
  const above = (x: Finding) => severityRank(x.severity) > limit;
  const list = (xs: Finding[]) => xs.map((x) => `${x.id} (${x.severity})`).join(', ');
  const raised = v.findings.filter((x) => x.status === 'raised');
  const observed = raised.length ? `${worstRaised(raised)}: ${list(raised)}` : 'none raised';
  const worse = raised.filter(above);
  const moot = v.findings.filter((x) => x.status === 'moot');
  const mootNote = moot.length ? `; moot under the sandbox's own kernel: ${moot.map((x) => x.id).join(', ')}` : '';
  if (worse.length) return fail(observed, `expected nothing worse than ${expected}; raised: ${worse.map((x) => `${x.id} (${x.severity}: ${x.seen} [${x.source}])`).join('; ')}${mootNote}`);
  const open = v.findings.filter((x) => x.status === 'undetermined' && above(x));
  if (open.length) return undetermined(observed, `whether ${list(open)} ${open.length > 1 ? 'hold' : 'holds'}`, open.map((x) => x.seen).join('; '));
  return pass(observed, `no raised finding is worse than ${expected}${mootNote}`);
}

const noneOrList = (text: string, key: string, item: (s: string) => string | ParseError) =>
  text === 'none' ? [] : commaList(text, key, item);

export const EXPECTATION_KEYS: readonly KeySpec<unknown>[] = [
  define<string>({
    key: 'sandbox', operators: ['='], values: SANDBOX_VALUES, grammar: SANDBOX_VALUES.join('|'),
    description: 'the sandbox class; vm means no container, on a virtual machine',
    observes: 'verdict.sandbox.class (and verdict.vm.kind for vm)',
    parse: oneOf(SANDBOX_VALUES, 'sandbox'), check: checkSandbox,
  }),
  enumKey({
    key: 'platform', values: ['systrap', 'ptrace', 'kvm'], description: 'the gVisor platform',
    observes: 'verdict.platform (maps [usertrap], mmap boundary probes)', check: checkPlatform,
  }),
  enumKey({
    key: 'hypervisor', values: HYPERVISORS, description: 'the Kata hypervisor, or else the VMM of the machine underneath',
    observes: 'verdict.hypervisor under Kata, else verdict.vm.kind', check: checkHypervisor,
  }),
  enumKey({
    key: 'seccomp', values: ['disabled', 'strict', 'filtering'], description: 'the seccomp mode of this process',
    observes: 'facts.process.seccomp (/proc/self/status Seccomp)',
    check: (expected, f, v) => {
      const m = f.process.seccomp;
      return m.known ? compare(expected as string, m.value, m.source, sandboxNote(v)) : unknownFact('the seccomp mode', m);
    },
  }),
  enumKey({
    key: 'seccomp-profile', values: SECCOMP_PROFILES, description: 'which seccomp profile the filter matches',
    observes: 'facts.process.seccomp, then verdict.seccompProfile (the fingerprint of the syscall scan)', check: checkSeccompProfile,
  }),
  define<string[]>({
    key: 'caps', operators: ['=', '⊆'], grammar: 'none | caps⊆LIST (or caps<=LIST), LIST = capability names, comma-separated, with or without cap_, any case',
    description: 'the effective and bounding capability sets hold nothing beyond LIST',
    observes: 'facts.process.capabilities.effective and .bounding (/proc/self/status CapEff, CapBnd)',
    parse(text, op) {
      if (op === '=') return text === 'none' ? [] : new ParseError(`caps= takes only "none"; for a list write caps⊆${text} or caps<=${text}`);
      if (text === 'none') return [];
      return commaList(text, 'caps', capabilityItem);
    },
    check: (allowed, f, v) => checkCaps(allowed, f, v),
  }),
  booleanKey({
    key: 'no-new-privs', description: 'no_new_privs is set (allowPrivilegeEscalation: false)',
    observes: 'facts.process.noNewPrivs (/proc/self/status NoNewPrivs)',
    read: (f, v) => ({
      fact: f.process.noNewPrivs, what: 'no_new_privs',
      unknownNote: v.sandbox.class === 'gvisor' ? "gVisor's sentry prints no NoNewPrivs line, so the flag cannot be seen from inside (signals.md §0.2)" : undefined,
      note: sandboxNote(v),
    }),
  }),
  booleanKey({
    key: 'non-root', description: 'the effective uid is not 0',
    observes: 'facts.process.uid.effective (/proc/self/status Uid)',
    read: (f, v) => {
      const uid = f.process.uid;
      // under gVisor and Kata the user-namespace inode is the sandbox's own and says nothing
      const ownUserns = v.sandbox.class !== 'gvisor' && v.sandbox.class !== 'kata' &&
        f.namespaces.inUserNamespace.known && f.namespaces.inUserNamespace.value;
      return {
        fact: uid.known ? { known: true, value: uid.value.effective !== 0, source: `${uid.source}: effective uid ${uid.value.effective}` } : uid,
        what: 'the uid', note: ownUserns ? 'the uid as seen inside its own user namespace' : undefined,
      };
    },
  }),
  booleanKey({
    key: 'read-only-root', description: 'the root filesystem is mounted read-only',
    observes: 'facts.mounts.readOnlyRoot (/proc/self/mountinfo)', read: (f) => ({ fact: f.mounts.readOnlyRoot, what: 'the root mount' }),
  }),
  ...(['blocked', 'allowed'] as const).map((want) => define<string[]>({
    key: want, operators: ['='], grammar: 'SYSCALL[,SYSCALL…] (names from the scan\'s syscall table, e.g. mount,unshare)',
    description: `every listed syscall is ${want} (by the seccomp filter or the sandbox)`,
    observes: 'facts.native.syscalls (the syscall scan)',
    parse: (text) => commaList(text, want, (s) => (SCANNED_SYSCALLS.includes(s) ? s
      : new ParseError(`unknown syscall "${s}" (the scan knows these names: ${SCANNED_SYSCALLS.join(', ')})`))),
    check: (names, f) => checkSyscalls(names, want, f),
  })),
  define<string[]>({
    key: 'host-namespaces', operators: ['='], grammar: `none | LIST of ${NAMESPACE_TYPES.join(', ')}`,
    values: ['none', ...NAMESPACE_TYPES],
    description: 'at most these namespaces are shared with the host (none: not one); not applicable, so holding, under a sandbox with its own kernel',
    observes: 'verdict.hostNamespaces and facts.namespaces.entries (fixed initial inode numbers)',
    parse: (text) => noneOrList(text, 'host-namespaces', (s) => (NAMESPACE_TYPES.includes(s as NamespaceType) ? s : new ParseError(`unknown namespace "${s}"; valid: none, or a list of ${NAMESPACE_TYPES.join(', ')}`))),
    check: checkHostNamespaces,
  }),
  enumKey({
    key: 'sa-token', values: ['absent', 'present'], description: 'a Kubernetes service-account token is mounted',
    observes: 'facts.kubernetes.tokenMounted (stat of the token; never read)',
    check: (expected, f) => {
      const t = f.kubernetes.tokenMounted;
      return t.known ? compare(expected as string, t.value ? 'present' : 'absent', t.source) : unknownFact('the service-account token', t);
    },
  }),
  enumKey({
    key: 'engine', values: ENGINE_VALUES, description: 'the container engine; none when no engine made this',
    observes: 'verdict.engine.engine, with verdict.sandbox.class for none', check: checkEngine,
  }),
  enumKey({
    key: 'privileged', values: BOOLEAN,
    description: 'a privileged container: every capability in the bounding set, no seccomp filter, nothing masked, the host\'s devices in /dev',
    observes: 'verdict.privileged (facts.process capabilities and seccomp, facts.mounts entries and sensitive)',
    check: (expected, _f, v) => {
      const p = v.privileged;
      const seen = p.criteria.map((c) => `${c.id}: ${c.observed}`).join('; ');
      if (p.privileged === null) return undetermined('unknown', 'whether the container is privileged', p.reason);
      return compare(expected as string, String(p.privileged), seen, p.reason);
    },
  }),
  enumKey({
    key: 'max-severity', values: MAX_SEVERITY_VALUES,
    description: 'no finding worse than this is raised (none: not one); moot findings do not count',
    observes: 'verdict.findings (status raised; an undetermined one above the limit makes the check undetermined)', check: checkMaxSeverity,
  }),
  enumKey({
    key: 'kubernetes', values: BOOLEAN, description: 'this runs in a Kubernetes pod',
    observes: 'verdict.kubernetes.pod (kubelet hosts header, service env, pod paths, kubepods cgroup)',
    check: (expected, _f, v) => compare(expected as string, String(v.kubernetes.pod), v.kubernetes.evidence.join('; ') || 'no kubelet-written signal'),
  }),
];

const KEY_NAMES = EXPECTATION_KEYS.map((k) => k.key);

/** One line per key, for --help and usage errors. */
export function describeExpectationKeys(): string[] {
  return EXPECTATION_KEYS.map((k) => (k.key === 'caps' ? `caps=${k.grammar}` : `${k.key}=${k.grammar}`));
}

const usageKeys = () => `valid keys: ${KEY_NAMES.join(', ')} (see --help)`;

/** Parses "KEY=VALUE", "caps⊆LIST" or "caps<=LIST". Every failure is a usage error with the valid choices. */
export function parseExpectation(text: string): ParsedExpectation {
  const m = /^([a-z][a-z-]*)\s*(<=|⊆|=)\s*(.*)$/s.exec(text.trim());
  if (!m) return { ok: false, error: `"${text}" is not KEY=VALUE; ${usageKeys()}` };
  const [, key, rawOp, rawValue] = m;
  const spec = EXPECTATION_KEYS.find((k) => k.key === key);
  if (!spec) return { ok: false, error: `unknown expectation key "${key}"; ${usageKeys()}` };
  const operator = rawOp === '=' ? '=' : '⊆';
  if (!spec.operators.includes(operator)) return { ok: false, error: `${key} takes "=", not "${rawOp}"; ${key}=${spec.grammar}` };
  const value = rawValue.trim();
  if (value === '') return { ok: false, error: `${key} needs a value: ${key}=${spec.grammar}` };
  const parsed = spec.parse(value, operator);
  if (parsed instanceof ParseError) return { ok: false, error: parsed.message };
  return { ok: true, expectation: { key, operator, text: value, value: parsed } };
}


function expectedText(e: Expectation): string {
  if (!Array.isArray(e.value)) return String(e.value);
  if (e.value.length === 0) return 'none';
  return `${e.operator === '⊆' ? '⊆' : ''}${e.value.join(',')}`;
}

export interface ExpectationCheck { results: ExpectationResult[]; exitCode: CheckExitCode }

/** Every --expect of a command line, or the first that cannot be read (a usage error). */
export function parseExpectations(texts: readonly string[]): { ok: true; list: Expectation[] } | { ok: false; error: string } {
  const list: Expectation[] = [];
  for (const text of texts) {
    const p = parseExpectation(text);
    if (!p.ok) return { ok: false, error: `--expect ${text}: ${p.error}` };
    list.push(p.expectation);
  }
  return { ok: true, list };
}

export function checkExpectations(list: readonly Expectation[], all: Facts, verdict: Verdict): ExpectationCheck {
  // the workload's process where it can be read, the probe's otherwise (classifier/workload.ts)
  const facts = judgedFacts(all, verdict);
  const results = list.map((e): ExpectationResult => {
    const spec = EXPECTATION_KEYS.find((k) => k.key === e.key);
    // parseExpectation only makes expectations with known keys; a hand-made one is a caller bug
    if (!spec) throw new Error(`checkExpectations: unknown key "${e.key}"`);
    const o = spec.check(e.value, facts, verdict);
    return { key: e.key, expected: expectedText(e), observed: o.observed, status: o.status, reason: o.reason };
  });
  return { results, exitCode: exitCodeFor(results.map((r) => r.status)) };
}
