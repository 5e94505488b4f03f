// Proof of no harm (issue 8): a full run — syscall scan included — as root with every capability
// the host allows, under runc and under LXC (seccomp off, writable root: as much power as those
// runtimes give), and on the real host without any container (uid 0, full CapEff). Before and
// after, inside the container and on the host, the state a careless probe could change is
// recorded and required identical:
//   hostname, domainname; mode, owner and times of /dev/null, /dev/zero and of the files behind
//   the tool's fds 0, 1, 2 (test-created files the wrapper below opens and hands to the tool);
//   the clock offset (CLOCK_REALTIME - CLOCK_MONOTONIC, which a settimeofday would shift);
//   process accounting (/proc/sys/kernel/acct, and — in the container's pid namespace, where
//   accounting is per namespace — accounting switched on into a file of ours, which must still
//   be on after the tool: a record of a marker process run after it must land in that file);
//   /sys/kernel/kexec_loaded and kexec_crash_loaded (absent on kernels without CONFIG_KEXEC:
//   then "absent" before and after); the SysV IPC objects in /proc/sysvipc (with objects created
//   beforehand under the very key the tool's *get probes look up, and private ones, one queue
//   holding a message); the process group and session of the tool's parent; the file lists of
//   /tmp, /dev/shm and $TMPDIR; and signals: a sentinel process beside the tool and the tool's
//   parent log every catchable signal they get, and must get none.
//
// Exceptions, each argued where it is checked: the stdout file — the tool writes its report
// there, which sets its mtime and ctime: its mode, owner, inode and atime must not change, its
// size must be the report's, and mtime must equal ctime (a chmod, chown or utimes after the last
// write would leave ctime later than mtime); the clock offset may move by NTP slew only (within
// CLOCK_TOLERANCE_MS); the host's /tmp is shared with unrelated processes on this machine, so
// only the absence of anything the tool could leave there (its "sbx-detect-" directories) is
// required (a container's tool cannot reach it at all; the host run's private $TMPDIR is
// compared exactly).
import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseCase, capHex, capsToMask, hostBoundingCaps, runInRuntime, runtimeAvailability, type RunResult, type RuntimeName } from '../runtimes/index.js';
import { BUNDLE, PROJECT, SEA, SEA_POSSIBLE, ensureSeaBuilt } from '../support/built.js';
import { walkFacts } from '../support/facts.js';
import { schemaErrors } from '../support/schema.js';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const CLOCK_TOLERANCE_MS = 50;

const RUNTIMES_USED: RuntimeName[] = ['runc', 'lxc'];
const availability = new Map(await Promise.all(RUNTIMES_USED.map(async (rt) => [rt, await runtimeAvailability(rt)] as const)));

function itIn(rt: RuntimeName, title: string, fn: () => Promise<void>): void {
  const a = availability.get(rt)!;
  if (a.ok) it(title, fn, 180_000);
  else if (CI) it(title, () => { throw new Error(`runtime ${rt} cannot start on this machine: ${a.reason}`); });
  else it.skip(`${title} — SKIPPED: ${rt} cannot start here: ${a.reason}`, () => {});
}

// ---- the wrapper: runs where the tool runs (inside the container, or on the host) ----------
//
// node wrapper.cjs TOOL ARGS…   set up, snapshot, run the tool with files as its stdio, snapshot,
//                               print one JSON document
// node wrapper.cjs --snapshot   print a snapshot only (the host side of a container run)
// Environment: SBX_NH_WORK (its own directory, created), SBX_NH_TMPDIR (the tool's $TMPDIR,
// created), SBX_NH_ACCT=1 (switch process accounting on into a file of ours; only in a pid
// namespace of the test's own), SBX_NH_IPC_CLEANUP=1 (remove the SysV objects it created: on
// the host), SBX_NH_TREES / SBX_NH_TOPS (JSON lists of directories to list recursively / by
// top-level name).
const WRAPPER = String.raw`'use strict';
const fs = require('fs');
const cp = require('child_process');
const path = require('path');
const env = process.env;
const W = env.SBX_NH_WORK || '/tmp/sbx-nh';
const TMPDIR = env.SBX_NH_TMPDIR || '/tmp/sbx-nh-tmpdir';
const TREES = env.SBX_NH_TREES ? JSON.parse(env.SBX_NH_TREES) : ['/tmp', '/dev/shm', TMPDIR];
const TOPS = env.SBX_NH_TOPS ? JSON.parse(env.SBX_NH_TOPS) : [];
const NO_KEY = '0x5bdc0de5'; // the key the tool's shmget/semget/msgget probes look up (src/probes/syscalls/table.ts)
const OLD = new Date('2001-02-03T04:05:06Z');
const perl = (code, args = []) => cp.spawnSync('perl', ['-e', code, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function st(p) {
  try {
    const s = fs.statSync(p, { bigint: true });
    return { mode: s.mode.toString(8), uid: Number(s.uid), gid: Number(s.gid), ino: String(s.ino), rdev: String(s.rdev), nlink: Number(s.nlink), size: String(s.size), atimeNs: String(s.atimeNs), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
  } catch (e) { return { error: e.code }; }
}
const read = (p) => { try { return fs.readFileSync(p, 'utf8'); } catch (e) { return '!' + e.code; } };
function procStat() {
  const s = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { pid: process.pid, ppid: Number(f[1]), pgrp: Number(f[2]), session: Number(f[3]), ttyNr: Number(f[4]), tpgid: Number(f[5]) };
}
// CLOCK_REALTIME - CLOCK_MONOTONIC in ms, the median of 9 back-to-back readings
function clockOffsetMs() {
  const xs = [];
  for (let i = 0; i < 9; i++) xs.push(Date.now() - Number(process.hrtime.bigint() / 1000n) / 1000);
  xs.sort((a, b) => a - b);
  return xs[4];
}
function tree(dir) {
  const out = [];
  const walk = (d, rel) => {
    let names;
    try { names = fs.readdirSync(d).sort(); } catch (e) { out.push((rel || '.') + ' !' + e.code); return; }
    for (const n of names) {
      const p = path.join(d, n), r = rel ? rel + '/' + n : n;
      let s;
      try { s = fs.lstatSync(p); } catch (e) { out.push(r + ' !' + e.code); continue; }
      out.push(r + ' ' + (s.isDirectory() ? 'd' : s.isFile() ? 'f' : 'o') + (s.mode & 0o7777).toString(8) + ' ' + s.uid + ':' + s.gid);
      if (s.isDirectory()) walk(p, r);
    }
  };
  walk(dir, '');
  return out;
}
function tops(dir) { try { return fs.readdirSync(dir).sort(); } catch (e) { return ['!' + e.code]; } }
function snapshot() {
  return {
    hostname: read('/proc/sys/kernel/hostname'),
    domainname: read('/proc/sys/kernel/domainname'),
    devNull: st('/dev/null'),
    devZero: st('/dev/zero'),
    stdin: st(W + '/stdin'),
    stdout: st(W + '/stdout'),
    stderr: st(W + '/stderr'),
    clockOffsetMs: clockOffsetMs(),
    acctSysctl: read('/proc/sys/kernel/acct'),
    kexecLoaded: read('/sys/kernel/kexec_loaded'),
    kexecCrashLoaded: read('/sys/kernel/kexec_crash_loaded'),
    sysvipc: { msg: read('/proc/sysvipc/msg'), sem: read('/proc/sysvipc/sem'), shm: read('/proc/sysvipc/shm') },
    parent: procStat(),
    trees: Object.fromEntries(TREES.map((d) => [d, tree(d)])),
    tops: Object.fromEntries(TOPS.map((d) => [d, tops(d)])),
  };
}

if (process.argv[2] === '--snapshot') {
  process.stdout.write(JSON.stringify(snapshot()) + '\n');
  process.exit(0);
}

const [toolArgv0, ...toolArgs] = process.argv.slice(2);
const setup = [];
fs.mkdirSync(W, { mode: 0o755 });
fs.mkdirSync(TMPDIR, { mode: 0o700 });
for (const [n, mode, text] of [['stdin', 0o640, 'not a plan\n'], ['stdout', 0o620, ''], ['stderr', 0o604, ''], ['acct', 0o600, '']]) {
  fs.writeFileSync(W + '/' + n, text, { mode });
  fs.chmodSync(W + '/' + n, mode);
  fs.utimesSync(W + '/' + n, OLD, OLD);
}
fs.copyFileSync('/bin/true', W + '/sbx-acct-mark');
fs.chmodSync(W + '/sbx-acct-mark', 0o755);
const ipc = perl(
  'use IPC::SysV qw(IPC_CREAT IPC_PRIVATE); my @ids;' +
  'for my $k (' + NO_KEY + ', IPC_PRIVATE) {' +
  '  my $m = msgget($k, IPC_CREAT | 0640); defined $m or die "msgget: $!\n"; push @ids, "msg $m";' +
  '  my $s = semget($k, 2, IPC_CREAT | 0640); defined $s or die "semget: $!\n"; push @ids, "sem $s";' +
  '  my $h = shmget($k, 4096, IPC_CREAT | 0640); defined $h or die "shmget: $!\n"; push @ids, "shm $h"; }' +
  'my $q = msgget(' + NO_KEY + ', 0); msgsnd($q, pack("l! a*", 1, "sbx"), 0) or die "msgsnd: $!\n";' +
  'print "$_\n" for @ids;');
const ipcIds = ipc.stdout.split('\n').filter(Boolean);
setup.push({ step: 'sysv', status: ipc.status, ids: ipcIds, err: ipc.stderr.trim() });
if (env.SBX_NH_ACCT === '1') {
  // acct(2) is x86_64 163; its path must be a variable (perl's syscall may write into it)
  const on = perl('my $p = $ARGV[0]; syscall(163, $p) == 0 or die "acct: $!\n"; print "ok\n";', [W + '/acct']);
  setup.push({ step: 'acct-on', status: on.status, err: on.stderr.trim() });
}

// Signals: a sentinel process beside the tool (not its parent, not its child) logs every
// catchable signal it gets until its stdin closes; the wrapper (the tool's parent) logs its own.
const sleepMs = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const SENTINEL = 'use IO::Handle; open(my $log, ">>", $ARGV[0]) or die; $log->autoflush(1);' +
  'for my $s (keys %SIG) { next if $s =~ /^(KILL|STOP|ZERO|NUM3[23]|__\w+__)$/; $SIG{$s} = sub { print $log "$_[0]\n" }; }' +
  'print $log "ready\n"; while (1) { my $r = sysread(STDIN, my $b, 1); last if defined $r && $r == 0; } print $log "eof\n";';
fs.writeFileSync(W + '/sentinel.log', '');
const sentinel = cp.spawn('perl', ['-e', SENTINEL, W + '/sentinel.log'], { stdio: ['pipe', 'ignore', 'ignore'] });
for (let i = 0; i < 500 && !read(W + '/sentinel.log').includes('ready'); i++) sleepMs(10);
const parentGot = [];
const PARENT_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGCONT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGWINCH', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGIO', 'SIGPWR', 'SIGSYS', 'SIGTRAP'];
for (const sig of PARENT_SIGNALS) process.on(sig, () => parentGot.push(sig));

const before = snapshot();
const fds = [fs.openSync(W + '/stdin', 'r'), fs.openSync(W + '/stdout', 'a'), fs.openSync(W + '/stderr', 'a')];
const t0 = Date.now();
const tool = cp.spawnSync(toolArgv0, toolArgs, { stdio: fds, env: { ...env, TMPDIR }, timeout: 120000 });
const toolMs = Date.now() - t0;
for (const fd of fds) fs.closeSync(fd);
const mark = cp.spawnSync(W + '/sbx-acct-mark', [], { stdio: 'ignore' });
const after = snapshot();
sentinel.stdin.end();
sentinel.on('exit', (code, signal) => setImmediate(() => finish({ code, signal })));

function finish(sentinelExit) {
const result = {
  setup, before, after,
  tool: { status: tool.status, signal: tool.signal, error: tool.error ? String(tool.error) : null, ms: toolMs },
  markStatus: mark.status,
  report: read(W + '/stdout'),
  toolStderr: read(W + '/stderr'),
  signals: { sentinelExit, sentinelLog: read(W + '/sentinel.log').split('\n').filter(Boolean), parentGot },
};
if (env.SBX_NH_ACCT === '1') {
  const off = perl('syscall(163, 0) == 0 or die "acct off: $!\n"; print "ok\n";');
  const buf = fs.readFileSync(W + '/acct');
  // acct_v3 records are 64 bytes, version byte at 1, ac_comm (16 bytes) at 48
  const comms = [];
  for (let o = 0; o + 64 <= buf.length; o += 64) comms.push(buf.subarray(o + 48, o + 64).toString('latin1').replace(/\0[\s\S]*$/, ''));
  result.acct = { offStatus: off.status, offErr: off.stderr.trim(), bytes: buf.length, version: buf.length ? buf[1] : null, comms };
}
if (env.SBX_NH_IPC_CLEANUP === '1') {
  const rm = perl('use IPC::SysV qw(IPC_RMID); for (@ARGV) { my ($t, $id) = split / /;' +
    ' if ($t eq "msg") { msgctl($id, IPC_RMID, 0) or die "msgctl $id: $!\n" }' +
    ' elsif ($t eq "sem") { semctl($id, 0, IPC_RMID, 0) or die "semctl $id: $!\n" }' +
    ' else { shmctl($id, IPC_RMID, 0) or die "shmctl $id: $!\n" } }', ipcIds);
  result.ipcCleanup = { status: rm.status, err: rm.stderr.trim() };
}
// no process.exit(): a large document written to a pipe must drain first
for (const sig of PARENT_SIGNALS) process.removeAllListeners(sig);
process.stdout.write(JSON.stringify(result) + '\n');
}
`;

// ---- types and checks ------------------------------------------------------------------------

interface Stat { mode: string; uid: number; gid: number; ino: string; rdev: string; nlink: number; size: string; atimeNs: string; mtimeNs: string; ctimeNs: string; error?: string }
interface Snapshot {
  hostname: string; domainname: string; devNull: Stat; devZero: Stat; stdin: Stat; stdout: Stat; stderr: Stat;
  clockOffsetMs: number; acctSysctl: string; kexecLoaded: string; kexecCrashLoaded: string;
  sysvipc: { msg: string; sem: string; shm: string };
  parent: { pid: number; ppid: number; pgrp: number; session: number; ttyNr: number; tpgid: number };
  trees: Record<string, string[]>; tops: Record<string, string[]>;
}
interface WrapperResult {
  setup: { step: string; status: number | null; ids?: string[]; err: string }[];
  before: Snapshot; after: Snapshot;
  tool: { status: number | null; signal: string | null; error: string | null; ms: number };
  markStatus: number | null; report: string; toolStderr: string;
  signals: { sentinelExit: { code: number | null; signal: string | null }; sentinelLog: string[]; parentGot: string[] };
  acct?: { offStatus: number | null; offErr: string; bytes: number; version: number | null; comms: string[] };
  ipcCleanup?: { status: number | null; err: string };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let work = '';
let wrapper = '';
beforeAll(() => {
  ensureSeaBuilt();
  // inside the project, which every runtime binds read-only at the same path
  mkdirSync(join(PROJECT, '.cache'), { recursive: true });
  work = mkdtempSync(join(PROJECT, '.cache', 'no-harm-'));
  chmodSync(work, 0o755);
  wrapper = join(work, 'wrapper.cjs');
  writeFileSync(wrapper, WRAPPER, { mode: 0o644 });
}, 300_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function explain(r: RunResult): string {
  return `exit ${r.code} signal ${r.signal} in ${r.ms} ms\n--- stderr\n${r.stderr.slice(0, 3000)}\n--- stdout\n${r.stdout.slice(0, 1500)}`;
}

function parseWrapper(r: RunResult): WrapperResult {
  expect(r.skipped, r.skipped).toBeUndefined();
  expect(r.code, explain(r)).toBe(0);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as WrapperResult;
}

/** The host side: the same snapshot, taken by the wrapper on the host (never as the tool's parent). */
function hostSnapshot(): Snapshot {
  const r = spawnSync(process.execPath, [wrapper, '--snapshot'], {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SBX_NH_WORK: join(work, 'absent'), SBX_NH_TMPDIR: join(work, 'absent'), SBX_NH_TREES: JSON.stringify(['/dev/shm']), SBX_NH_TOPS: JSON.stringify(['/tmp']) },
  });
  if (r.status !== 0) throw new Error(`host snapshot failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Snapshot;
}

/** The tool's report: exit 0, nothing on stderr, schema-valid, every fact known or with a reason, the scan run. */
/** No signal reached the sentinel beside the tool or the tool's parent. */
function expectNoSignals(w: WrapperResult, where: string): void {
  expect(w.signals, `${where}: signals sent to other processes`).toEqual({ sentinelExit: { code: 0, signal: null }, sentinelLog: ['ready', 'eof'], parentGot: [] });
}

function checkReport(w: WrapperResult): Json {
  expect(w.tool, w.toolStderr).toEqual({ status: 0, signal: null, error: null, ms: expect.any(Number) });
  expect(w.toolStderr).toBe('');
  const report = JSON.parse(w.report) as Json;
  expect(schemaErrors(report)).toEqual([]);
  walkFacts(report.facts, (path, f) => {
    if (!f.known) expect(f.reason, `${path} unknown without a reason`).toMatch(/\S/);
  });
  return report;
}

function expectFullScan(report: Json): void {
  const scan = report.facts.native.syscalls;
  expect(scan.known, scan.reason).toBe(true);
  expect(scan.value.counts.allowed).toBeGreaterThan(300);
  expect(scan.value.helperProblems).toEqual([]);
  expect(report.facts.native.helper.value.exit).toEqual({ code: 0, signal: null });
}

/** Every field identical before and after, except the stdout file and the clock (see the header). */
function expectUnchanged(b: Snapshot, a: Snapshot, where: string, reportBytes: number | null): void {
  const strict = ['hostname', 'domainname', 'devNull', 'devZero', 'stdin', 'stderr', 'acctSysctl', 'kexecLoaded', 'kexecCrashLoaded', 'sysvipc', 'trees', 'tops'] as const;
  for (const k of strict) expect(a[k], `${where}: ${k} changed`).toEqual(b[k]);
  // the tool's parent (host snapshots are taken by a fresh process each time: no parent to compare)
  if (reportBytes !== null) expect(a.parent, `${where}: process group or session of the tool's parent changed`).toEqual(b.parent);
  expect(Math.abs(a.clockOffsetMs - b.clockOffsetMs), `${where}: CLOCK_REALTIME moved against CLOCK_MONOTONIC`).toBeLessThan(CLOCK_TOLERANCE_MS);
  if (reportBytes !== null) {
    const { mode, uid, gid, ino, nlink, atimeNs } = b.stdout;
    expect({ mode: a.stdout.mode, uid: a.stdout.uid, gid: a.stdout.gid, ino: a.stdout.ino, nlink: a.stdout.nlink, atimeNs: a.stdout.atimeNs }, `${where}: stdout file`).toEqual({ mode, uid, gid, ino, nlink, atimeNs });
    expect(a.stdout.size, `${where}: stdout holds the report and nothing else`).toBe(String(reportBytes));
    expect(a.stdout.mtimeNs, `${where}: stdout ctime later than its last write (chmod/chown/utimes)`).toBe(a.stdout.ctimeNs);
  }
}

/** What the tool could leave in a shared /tmp or /dev/shm: its private extraction directories. */
function toolLeftovers(s: Snapshot): string[] {
  return [...(s.tops['/tmp'] ?? []), ...(s.trees['/dev/shm'] ?? [])].filter((n) => /^sbx-detect-/.test(n));
}

// ---- in a container --------------------------------------------------------------------------

describe('proof of no harm: a full run as root with every capability the host allows', () => {
  for (const rt of ['runc', 'lxc'] as const) {
    itIn(rt, `${rt}: inside the container and on the host, everything recorded is identical after the run`, async () => {
      const hostBefore = hostSnapshot();
      const r = await runInRuntime(baseCase(rt, ['node', wrapper, 'node', BUNDLE, '--json'], {
        name: `no-harm-${rt}`, uid: 0, gid: 0, caps: 'all-host', seccomp: 'none', readOnlyRoot: false, noNewPrivileges: false,
        hostname: `sbx-nh-${rt}`, env: { SBX_NH_ACCT: '1' },
      }));
      const hostAfter = hostSnapshot();
      const w = parseWrapper(r);
      expect(w.setup, JSON.stringify(w.setup)).toEqual([
        { step: 'sysv', status: 0, ids: expect.any(Array), err: '' },
        { step: 'acct-on', status: 0, err: '' },
      ]);
      const report = checkReport(w);
      // the run really had every capability and no filter, and the scan ran in full
      expect(report.facts.process.uid.value.effective).toBe(0);
      expect(report.facts.process.capabilities.effective.value.hex).toBe(capHex(capsToMask(hostBoundingCaps())));
      expect(report.facts.process.seccomp.value).toBe('disabled');
      expectFullScan(report);

      // inside
      expectUnchanged(w.before, w.after, `${rt} inside`, Buffer.byteLength(w.report));
      expectNoSignals(w, `${rt} inside`);
      expect(w.before.hostname).toBe(`sbx-nh-${rt}\n`);
      expect(w.before.sysvipc.msg.trim().split('\n')).toHaveLength(3); // header + our two queues
      expect(w.before.sysvipc.sem.trim().split('\n')).toHaveLength(3);
      expect(w.before.sysvipc.shm.trim().split('\n')).toHaveLength(3);
      expect(w.before.trees['/tmp/sbx-nh-tmpdir']).toEqual([]);
      // accounting stayed on, into our file: the helper's and the tool's records are there, and
      // so is the record of the marker process that exited after the tool
      expect(w.acct, JSON.stringify(w.acct)).toMatchObject({ offStatus: 0, version: 3 });
      expect(w.markStatus).toBe(0);
      const comms = w.acct!.comms;
      expect(comms).toContain('sbx-helper');
      expect(comms).toContain('node');
      // (the last record is the perl that switched accounting off: acct(NULL) writes one for its caller)
      const mark = comms.lastIndexOf('sbx-acct-mark');
      expect(mark, `accounting records: …${comms.slice(-5).join(', ')}`).toBeGreaterThan(comms.lastIndexOf('node'));
      expect(mark).toBeGreaterThan(comms.lastIndexOf('sbx-helper'));
      // the container's clock is the host's
      expect(Math.abs(w.before.clockOffsetMs - hostBefore.clockOffsetMs)).toBeLessThan(CLOCK_TOLERANCE_MS);

      // on the host
      expectUnchanged(hostBefore, { ...hostAfter, tops: hostBefore.tops }, `${rt} host`, null);
      expect(toolLeftovers(hostAfter)).toEqual([]);
    });
  }
});

// ---- on the real host, no container ----------------------------------------------------------

const status = readFileSync('/proc/self/status', 'utf8');
const capLine = (k: string): string | undefined => new RegExp(`^${k}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1];
const isRootWithAll = process.getuid?.() === 0 && capLine('CapEff') !== undefined && capLine('CapEff') === capLine('CapBnd');
function hostIt(title: string, fn: () => void, timeout: number): void {
  if (isRootWithAll) it(title, fn, timeout);
  else if (CI) it(title, () => { throw new Error('the host run needs uid 0 with CapEff = CapBnd'); });
  else it.skip(`${title} — SKIPPED: not root with every capability`, () => {});
}

describe('proof of no harm on the real host: uid 0, full CapEff, no container', () => {
  function runOnHost(tool: string[], tag: string): { w: WrapperResult; dir: string } {
    const dir = mkdtempSync(join(tmpdir(), `sbx-nh-host-${tag}-`)); // 0700, ours
    try {
      const r = spawnSync(process.execPath, [wrapper, ...tool], {
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'], // pipes: never a host device or a shared file
        timeout: 150_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: dir,
          SBX_NH_WORK: join(dir, 'w'), SBX_NH_TMPDIR: join(dir, 'tmpdir'), SBX_NH_IPC_CLEANUP: '1',
          SBX_NH_TREES: JSON.stringify(['/dev/shm', join(dir, 'tmpdir')]), SBX_NH_TOPS: JSON.stringify(['/tmp']),
        },
      });
      expect(r.status, `${r.stderr}\n${r.stdout.slice(0, 2000)}`).toBe(0);
      return { w: JSON.parse(r.stdout.trim().split('\n').pop()!) as WrapperResult, dir };
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  function checkHost(w: WrapperResult, tmpdirPath: string): Json {
    expect(w.setup[0], JSON.stringify(w.setup)).toMatchObject({ step: 'sysv', status: 0, err: '' });
    expect(w.ipcCleanup, 'our SysV objects removed again').toEqual({ status: 0, err: '' });
    const report = checkReport(w);
    expect(report.facts.process.uid.value.effective).toBe(0);
    expect(report.facts.process.capabilities.effective.value.hex).toBe(capLine('CapEff'));
    expect(report.verdict.sandbox.class).toBe('none');
    expectUnchanged(w.before, { ...w.after, tops: w.before.tops }, 'host', Buffer.byteLength(w.report));
    expectNoSignals(w, 'host');
    expect(w.after.trees[tmpdirPath], 'the private $TMPDIR').toEqual([]);
    expect(toolLeftovers(w.after)).toEqual([]);
    return report;
  }

  hostIt('the bundle, helper beside it: hostname, domainname, /dev/null, /dev/zero, stdio files, SysV IPC, kexec, acct sysctl, clock, tmp dirs unchanged, no signal to anyone', () => {
    const { w, dir } = runOnHost(['node', BUNDLE, '--json'], 'bundle');
    try {
      const report = checkHost(w, join(dir, 'tmpdir'));
      expectFullScan(report);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  hostIt('the single executable without a helper beside it: extracts into the private $TMPDIR, runs the scan, and leaves $TMPDIR as it found it', () => {
    if (!SEA_POSSIBLE) return;
    const alone = mkdtempSync(join(work, 'sea-'));
    linkSync(SEA, join(alone, 'sbx-detect'));
    const { w, dir } = runOnHost([join(alone, 'sbx-detect'), '--json'], 'sea');
    try {
      const report = checkHost(w, join(dir, 'tmpdir'));
      expectFullScan(report);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(alone, { recursive: true, force: true });
    }
  }, 180_000);
});
