// Issue 8, "Helper faults": the built bundle (dist/sbx-detect.cjs, run with node, --json) with
// SBX_HELPER pointing at fault-injecting stand-ins, and the single executable with nowhere to
// extract its helper. Each case: exit 0, a report that parses and conforms to the schema, every
// file-derived section equal to a plain --no-helper run's (apart from run-dependent values), and
// facts.native.* unknown (or the affected rows marked) with a reason that says what happened.
//
// The bundle is run from a copy in a private temp dir, with no sbx-helper beside it: otherwise
// the helper next to dist/sbx-detect.cjs would stand in for a missing or broken SBX_HELPER.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, HELPER, SEA, ensureBuilt, ensureSeaBuilt } from '../support/built.js';
import { schemaErrors } from '../support/schema.js';
import { have, isRoot, linuxX64 } from '../ship/support.js';

/** A parsed report (its shape is checked by the schema; the cases read into it freely). */
type Json = any;
interface Run { code: number | null; signal: string | null; stdout: string; stderr: string }

const PATH = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
const NATIVE_KEYS = ['helper', 'cpuid', 'syslog', 'mmap', 'syscallNs', 'syscalls'] as const;
/** Sections read from files, stable between two runs (mounts and maps are not: other work on
 *  the machine mounts things, and the stack moves with ASLR). */
const FILE_SECTIONS = ['kernel', 'process', 'namespaces', 'lsm', 'cgroups', 'kubernetes', 'platform', 'markers', 'sysctls'] as const;

let T: string; // private root of everything this file creates
let bundle: string; // the copy of dist/sbx-detect.cjs, alone in its directory
let pub: string; // readable by uid 65534 (the fork case runs the helper as nobody)
let realHelper: string;
let baseline: Json;

function runTool(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', env: { PATH, ...env }, maxBuffer: 64 << 20, timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function report(r: Run): Json {
  expect(r.signal).toBeNull();
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe(''); // no internal error, no warning; the helper's own stderr is not passed on
  const doc = JSON.parse(r.stdout);
  expect(schemaErrors(doc)).toEqual([]);
  return doc;
}

/** The file-derived sections and the verdict class, minus values that change from run to run. */
function stable(doc: Json): Json {
  const out: Json = { sandboxClass: doc.verdict.sandbox.class };
  for (const k of FILE_SECTIONS) out[k] = structuredClone(doc.facts[k]);
  delete out.process.nspid; // our pid
  delete out.process.pid;
  return out;
}

function script(name: string, body: string, dir = T): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

function isZombieOrGone(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Live processes that are ours: executable or command line under `dir`, or one of `pids`. */
function processesUnder(dir: string, pids: number[] = []): { pid: number; what: string }[] {
  const found: { pid: number; what: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let exe = '';
    let cmd = '';
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch { /* gone, or a kernel thread */ }
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch { /* gone */ }
    if (exe.startsWith(dir + '/') || cmd.includes(dir + '/') || pids.includes(pid)) {
      if (!isZombieOrGone(pid)) found.push({ pid, what: `${pid} ${exe} ${cmd}` });
    }
  }
  return found;
}

/** Kills what processesUnder finds (only processes started from our own temp dir, or by our stand-ins). */
function killOurs(dir: string, pids: number[] = []): void {
  for (const p of processesUnder(dir, pids)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch { /* gone meanwhile */ }
  }
}

/** Waits (a few seconds at most: a probe child may take a moment to notice) until none is left;
 *  what is still there then is killed, and the test fails. */
async function expectNoLeftovers(dir: string, pids: number[] = []): Promise<void> {
  let left = processesUnder(dir, pids);
  for (let i = 0; i < 50 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesUnder(dir, pids);
  }
  killOurs(dir, pids);
  expect(left.map((p) => p.what)).toEqual([]);
}

function killIfOurs(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (pid > 1 && !isZombieOrGone(pid)) {
    try {
      process.kill(pid, 'SIGKILL'); // written by our own stand-in: our process
    } catch { /* already gone */ }
  }
}

function expectAllNativeUnknown(doc: Json, reason: RegExp | string): void {
  for (const k of NATIVE_KEYS) {
    const f = doc.facts.native[k];
    expect(f.known, k).toBe(false);
    if (typeof reason === 'string') expect(f.reason, k).toContain(reason);
    else expect(f.reason, k).toMatch(reason);
  }
}

/** Syscall rows the plan left out on purpose ("never called: …", "not called: …"). */
const plannedSkip = (r: Json): boolean => typeof r.reason === 'string' && /^(never|not) called: /.test(r.reason);

beforeAll(() => {
  ensureBuilt();
  T = mkdtempSync(join(tmpdir(), 'sbx-faults-'));
  chmodSync(T, 0o711); // nobody (the fork case) may pass through, not list
  mkdirSync(join(T, 'bundle'));
  bundle = join(T, 'bundle', 'sbx-detect.cjs');
  copyFileSync(BUNDLE, bundle);
  pub = join(T, 'pub');
  mkdirSync(pub, { mode: 0o755 });
  chmodSync(pub, 0o755);
  realHelper = join(pub, 'sbx-helper-real');
  copyFileSync(HELPER, realHelper);
  chmodSync(realHelper, 0o755);
  baseline = report(runTool(['--json', '--no-helper']));
  expect(baseline.facts.native.cpuid.reason).toBe('the native helper was not run (--no-helper)');
}, 180_000);

afterAll(() => {
  if (!T) return;
  killOurs(T); // after a failed case only: every case checks for leftovers itself
  rmSync(T, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('helper faults, against the built bundle', () => {
  it('a normal run with the real helper has every native fact known (the stand-ins below are compared to this)', async () => {
    const doc = report(runTool(['--json'], { SBX_HELPER: realHelper }));
    expect(stable(doc)).toEqual(stable(baseline));
    for (const k of NATIVE_KEYS) if (k !== 'syslog') expect(doc.facts.native[k].known, k).toBe(true);
    await expectNoLeftovers(T);
  }, 60_000);

  it('1. the helper is missing: the reason names every place tried', () => {
    const missing = join(T, 'no-such-helper');
    const doc = report(runTool(['--json'], { SBX_HELPER: missing }));
    expect(stable(doc)).toEqual(stable(baseline));
    expectAllNativeUnknown(doc, 'the native helper could not run: no usable sbx-helper; tried ');
    const reason: string = doc.facts.native.syscalls.reason;
    expect(reason).toContain(`SBX_HELPER=${missing} (ENOENT)`);
    expect(reason).toContain(`${join(dirname(process.execPath), 'sbx-helper')} (ENOENT)`); // next to node
    expect(reason).toContain(`${join(T, 'bundle', 'sbx-helper')} (ENOENT)`); // next to the bundle
    expect(reason).toContain('embedded copy (not running as a single executable with the helper asset)');
  });

  it('2. the helper is not executable (mode 0644)', () => {
    const file = join(T, 'helper-0644');
    copyFileSync(realHelper, file);
    chmodSync(file, 0o644);
    const doc = report(runTool(['--json'], { SBX_HELPER: file }));
    expect(stable(doc)).toEqual(stable(baseline));
    expectAllNativeUnknown(doc, `no usable sbx-helper; tried SBX_HELPER=${file} (EACCES)`);
  });

  it.runIf(isRoot && have('unshare'))('3. the helper is on a noexec mount (a real tmpfs -o noexec in a private mount namespace)', () => {
    const mnt = join(T, 'noexec-mnt');
    const out = join(T, 'noexec-out');
    mkdirSync(mnt);
    mkdirSync(out);
    const inside = [
      'set -e',
      'mount -t tmpfs -o noexec,nosuid,nodev,size=8m sbx-fault-noexec "$MNT"',
      'cp "$REAL" "$MNT/sbx-helper" && chmod 0755 "$MNT/sbx-helper"',
      'grep -q " $MNT .*noexec" /proc/self/mountinfo', // the mount really is noexec
      // both runs in the same namespace: the mount namespace is part of what is compared
      '"$NODE" "$BUNDLE" --json --no-helper >"$OUT/base.json"',
      'SBX_HELPER="$MNT/sbx-helper" "$NODE" "$BUNDLE" --json >"$OUT/fault.json"',
    ].join('\n');
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', inside], {
      encoding: 'utf8', timeout: 120_000,
      env: { PATH, MNT: mnt, OUT: out, REAL: realHelper, NODE: process.execPath, BUNDLE: bundle },
    });
    expect(r.status, r.stderr).toBe(0);
    const base = JSON.parse(readFileSync(join(out, 'base.json'), 'utf8'));
    const doc = JSON.parse(readFileSync(join(out, 'fault.json'), 'utf8'));
    expect(schemaErrors(doc)).toEqual([]);
    expect(stable(doc)).toEqual(stable(base));
    expectAllNativeUnknown(doc, `no usable sbx-helper; tried SBX_HELPER=${mnt}/sbx-helper (EACCES)`);
    expect(readdirSync(mnt)).toEqual([]); // the tmpfs went with the namespace
  }, 120_000);

  // A stand-in that runs the real helper, passes N answer lines on, then SIGKILLs the helper
  // and itself (the tool sees its helper die of SIGKILL mid-scan).
  const killer = (): string => script('killer', [
    'fifo="$(dirname "$0")/fifo.$$"',
    'mkfifo "$fifo"',
    'exec 3<&0', // the plan, for the real helper (an async list would get /dev/null)
    '"$REAL" <&3 >"$fifo" 3<&- &',
    'hp=$!',
    'exec 3<&-',
    'n=0',
    'while IFS= read -r line; do',
    '  printf "%s\\n" "$line"',
    '  n=$((n + 1))',
    '  if [ "$n" -ge "$LINES_BEFORE_KILL" ]; then kill -KILL "$hp"; rm -f "$fifo"; kill -KILL $$; fi',
    'done <"$fifo"',
    'rm -f "$fifo"',
  ].join('\n'));

  it('4a. killed mid-scan after the CPUID answers: CPUID is kept, every later answer is unknown and says "killed"', async () => {
    // plan (x86_64): timeout_ms, cpuid 0, cpuid 1, cpuid 0x40000000, syslog, mmap ×3, timing, sys …
    const doc = report(runTool(['--json'], { SBX_HELPER: killer(), REAL: realHelper, LINES_BEFORE_KILL: '4' }));
    expect(stable(doc)).toEqual(stable(baseline));
    const n = doc.facts.native;
    expect(n.helper.known).toBe(true);
    expect(n.helper.value.exit).toEqual({ code: null, signal: 'SIGKILL' });
    if (process.arch === 'x64') expect(n.cpuid).toMatchObject({ known: true, value: { hypervisorBit: expect.any(Boolean) } });
    for (const k of ['syslog', 'mmap', 'syscallNs'] as const) {
      expect(n[k].known, k).toBe(false);
      expect(n[k].reason, k).toMatch(/^the helper gave no answer for .*\(the helper was killed by SIGKILL; later answers are missing\)$/);
    }
    expect(n.syscalls.known).toBe(true);
    expect(n.syscalls.value.helperProblems).toContain('the helper died of SIGKILL');
    const probed = n.syscalls.value.results.filter((r: Json) => !plannedSkip(r));
    expect(probed.length).toBeGreaterThan(100);
    for (const r of probed) expect(r).toMatchObject({ disposition: 'not-probed', reason: 'no answer: the helper died of SIGKILL before reaching this call' });
    await expectNoLeftovers(T);
  }, 60_000);

  it('4b. killed in the middle of the syscall scan: answers before the kill are kept, the rest say SIGKILL', async () => {
    const doc = report(runTool(['--json'], { SBX_HELPER: killer(), REAL: realHelper, LINES_BEFORE_KILL: '40' }));
    expect(stable(doc)).toEqual(stable(baseline));
    const n = doc.facts.native;
    expect(n.helper.value.exit.signal).toBe('SIGKILL');
    for (const k of ['cpuid', 'mmap', 'syscallNs'] as const) expect(n[k].known, k).toBe(true);
    const probed = n.syscalls.value.results.filter((r: Json) => !plannedSkip(r));
    const missing = probed.filter((r: Json) => r.reason === 'no answer: the helper died of SIGKILL before reaching this call');
    const answered = probed.filter((r: Json) => r.observed !== undefined);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(40);
    expect(missing.length + answered.length).toBe(probed.length);
    await expectNoLeftovers(T);
  }, 60_000);

  it('5. it hangs: --timeout 2 ends the run, every answer says "timed out", and the hung process is gone', async () => {
    const pidFile = join(T, 'hang.pid');
    const hang = script('hang', `echo $$ >"${pidFile}"\ncat >/dev/null\nexec sleep 1000000`);
    try {
      const doc = report(runTool(['--json', '--timeout', '2'], { SBX_HELPER: hang }));
      expect(stable(doc)).toEqual(stable(baseline));
      const n = doc.facts.native;
      expect(n.helper.value).toMatchObject({ timedOut: true, exit: { signal: 'SIGKILL' } });
      for (const k of ['cpuid', 'syslog', 'mmap', 'syscallNs'] as const) {
        expect(n[k].known, k).toBe(false);
        expect(n[k].reason, k).toContain('(the helper timed out; later answers are missing)');
      }
      expect(n.syscalls.value.helperProblems.join('\n')).toMatch(/the helper ran past the scan timeout and was killed after \d+ ms/);
      for (const r of n.syscalls.value.results.filter((x: Json) => !plannedSkip(x))) {
        expect(r.reason).toBe('no answer: the helper was killed by the scan timeout before reaching this call');
      }
      await expectNoLeftovers(T, [Number(readFileSync(pidFile, 'utf8'))]);
    } finally {
      killIfOurs(pidFile);
    }
  }, 60_000);

  // Found by this test: the timeout used to SIGKILL only the direct child and wait for 'close',
  // i.e. for every holder of the helper's pipes, forever if a forked descendant kept them open.
  // The helper now runs in its own process group, killed whole on timeout, and the run settles
  // on 'exit' (src/readers/helper-process.ts).
  it('5b. a hung helper whose child keeps stdout open: --timeout still bounds the run, and the child is gone', async () => {
    const pidFile = join(T, 'grandchild.pid');
    const hang = script('hang-with-child', `cat >/dev/null\nsleep 1000000 &\necho $! >"${pidFile}"\nexec sleep 1000000`);
    const child = spawn(process.execPath, [bundle, '--json', '--timeout', '2'], { env: { PATH, SBX_HELPER: hang }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const ended = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const inTime = await Promise.race([ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 12_000))]);
      const leftover = existsSync(pidFile) && !isZombieOrGone(Number(readFileSync(pidFile, 'utf8')));
      killIfOurs(pidFile); // our stand-in's child: the run can now end
      expect(await ended).toBe(0);
      expect(JSON.parse(stdout).facts.native.helper.value.timedOut).toBe(true);
      expect(inTime, 'the run ended within 12 s of a 2 s timeout').toBe(true);
      expect(leftover, "the helper's child is gone").toBe(false);
    } finally {
      killIfOurs(pidFile);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('6a. garbage and partial JSON lines: the one valid answer is used, the rest are counted, nothing throws', () => {
    const junk = script('junk', [
      'cat >/dev/null',
      "printf '\\000\\001\\377\\376binary junk \\200\\201\\n'",
      'printf \'{"req":"sys",\\n\'', // truncated
      'printf \'{"req":"timeout_ms","value":250}\\n\'',
      'printf \'{"req":"cpuid","leaf":1,"eax":0,"ebx":0,"ecx":2147483648,"edx":0}\\n\'', // valid: hypervisor bit set
      'printf \'[1,2,3]\\nnull\\n42\\n"a string"\\n\'', // JSON, but not objects
      'printf \'{"req":"cpuid","leaf":0,"vendor_hex":{"toString":1},"__proto__":{"polluted":true}}\\n\'', // hostile shape
      'printf \'{"req":"mmap","addr":"0x1000","ok":tr\'', // cut short, no newline
    ].join('\n'));
    const doc = report(runTool(['--json'], { SBX_HELPER: junk }));
    expect(stable(doc)).toEqual(stable(baseline));
    const n = doc.facts.native;
    expect(n.helper.value).toMatchObject({ garbageLines: 7, exit: { code: 0, signal: null }, timedOut: false });
    if (process.arch === 'x64') expect(n.cpuid).toMatchObject({ known: true, value: { hypervisorBit: true, vendor: null } });
    expect(n.syslog).toMatchObject({ known: false, reason: 'the helper gave no answer for syslog' });
    expect(n.mmap).toMatchObject({ known: false, reason: 'the helper gave no answer for mmap 0x7f0000000000' });
    expect(n.syscalls.value.helperProblems.join('\n')).toMatch(/^7 unreadable line\(s\) from the helper, e\.g\. /m);
    for (const r of n.syscalls.value.results.filter((x: Json) => !plannedSkip(x))) expect(r.reason).toBe('no answer from the helper for this call');
  });

  it('6b. every answer of the real helper mixed with garbage: all answers are used, the garbage is counted', async () => {
    const mixed = script('mixed', [
      'exec 3<&0',
      '"$REAL" <&3 3<&- | {',
      "  printf '\\000\\001\\377junk before\\n'",
      '  n=0',
      '  while IFS= read -r line; do printf "%s\\n" "$line"; printf \'{"req":"sys",\\n\'; n=$((n + 1)); done',
      '  printf \'trailing {"req":"sys","id":"x"\'',
      '  echo "$n" >"$COUNT"',
      '}',
    ].join('\n'));
    const count = join(T, 'mixed.count');
    const doc = report(runTool(['--json'], { SBX_HELPER: mixed, REAL: realHelper, COUNT: count }));
    expect(stable(doc)).toEqual(stable(baseline));
    const n = doc.facts.native;
    const answers = Number(readFileSync(count, 'utf8'));
    expect(n.helper.value.garbageLines).toBe(answers + 2);
    for (const k of ['cpuid', 'mmap', 'syscallNs', 'syscalls'] as const) expect(n[k].known, k).toBe(true);
    expect(n.syscalls.value.results.filter((r: Json) => /^no answer/.test(r.reason ?? ''))).toEqual([]);
    expect(n.syscalls.value.helperProblems).toEqual([`${answers + 2} unreadable line(s) from the helper, e.g. ${JSON.stringify('\u0000\u0001\ufffdjunk before')}`]);
    await expectNoLeftovers(T);
  }, 60_000);

  it('6c. an endless flood of garbage: the timeout ends it, at most 4 MiB is kept, the report still comes', () => {
    // costs several seconds after the timeout: every kept line goes through JSON.parse (see the report)
    const flood = script('flood', 'cat >/dev/null\nexec yes "garbage line"');
    const doc = report(runTool(['--json', '--timeout', '1'], { SBX_HELPER: flood }));
    expect(stable(doc)).toEqual(stable(baseline));
    const n = doc.facts.native;
    expect(n.helper.value).toMatchObject({ timedOut: true, exit: { code: null, signal: 'SIGKILL' } });
    expect(n.helper.value.garbageLines).toBeGreaterThan(1000);
    expect(n.helper.value.garbageLines).toBeLessThanOrEqual(Math.ceil((4 << 20) / 'garbage line\n'.length) + 1); // the 4 MiB cap (MAX_HELPER_OUTPUT)
    expect(n.cpuid.reason ?? '').toMatch(/timed out/);
    expect(n.syscalls.value.helperProblems[0]).toMatch(/^\d+ unreadable line\(s\) from the helper, e\.g\. "garbage line"$/);
  }, 120_000);

  it.runIf(isRoot && have('setpriv') && have('prlimit'))('7. fork is refused (RLIMIT_NPROC 1 for a non-root helper): the syscall section says fork failed, nothing else is lost', async () => {
    // root ignores RLIMIT_NPROC, so only the helper drops to nobody; with a limit of one process
    // and itself running as nobody, every fork it tries fails with EAGAIN
    const nofork = script('nofork', 'exec setpriv --reuid=65534 --regid=65534 --clear-groups prlimit --nproc=1 -- "$REAL"', pub);
    const doc = report(runTool(['--json'], { SBX_HELPER: nofork, REAL: realHelper }));
    expect(stable(doc)).toEqual(stable(baseline));
    const n = doc.facts.native;
    expect(n.helper.value).toMatchObject({ exit: { code: 0, signal: null }, timedOut: false, garbageLines: 0 });
    if (process.arch === 'x64') expect(n.cpuid).toMatchObject({ known: false, reason: 'cpuid leaf 1: fork failed (errno 11)' });
    expect(n.syslog).toMatchObject({ known: false, reason: 'syslog: fork failed (errno 11)' });
    expect(n.mmap).toMatchObject({ known: false, reason: 'mmap 0x7f0000000000: fork failed (errno 11)' });
    expect(n.syscallNs).toMatchObject({ known: false, reason: 'timing: fork failed (errno 11)' });
    expect(n.syscalls.known).toBe(true);
    const probed = n.syscalls.value.results.filter((r: Json) => !plannedSkip(r));
    expect(probed.length).toBeGreaterThan(100);
    for (const r of probed) {
      expect(r).toMatchObject({ disposition: 'not-probed', observed: 'fork EAGAIN', reason: 'the helper could not fork (EAGAIN): the call was not made' });
    }
    await expectNoLeftovers(T);
  }, 60_000);
});

describe.runIf(linuxX64 && isRoot && have('unshare'))('the single executable with nowhere to extract its helper', () => {
  beforeAll(() => ensureSeaBuilt(), 600_000);

  it('reports everything but the helper facts, whose reason names every place tried', () => {
    const exe = join(T, 'sea');
    const scratch = join(T, 'sea-noexec'); // TMPDIR and HOME, on a noexec tmpfs
    const out = join(T, 'sea-out');
    for (const d of [exe, scratch, out]) mkdirSync(d);
    chmodSync(exe, 0o755);
    try {
      linkSync(SEA, join(exe, 'sbx-detect')); // 100 MB: no copy when the file system allows
    } catch {
      copyFileSync(SEA, join(exe, 'sbx-detect'));
      chmodSync(join(exe, 'sbx-detect'), 0o755);
    }
    const inside = [
      'set -e',
      // /tmp stays visible (this test lives under it) but loses exec; /dev/shm and /run become
      // empty noexec tmpfs; TMPDIR and HOME are on a noexec tmpfs; the executable's own
      // directory is read-only (exec allowed, or there would be nothing to run)
      'mount --bind /tmp /tmp && mount -o remount,bind,noexec,nosuid,nodev /tmp',
      'for d in "$SCRATCH" /dev/shm /run; do mount -t tmpfs -o noexec,nosuid,nodev,mode=1777,size=8m sbx-fault-noexec "$d"; done',
      'mkdir "$SCRATCH/tmpdir" "$SCRATCH/home"',
      'mount --bind "$EXE" "$EXE" && mount -o remount,bind,ro,exec "$EXE"',
      'export TMPDIR="$SCRATCH/tmpdir" HOME="$SCRATCH/home"',
      '"$EXE/sbx-detect" --json --no-helper >"$OUT/base.json"',
      '"$EXE/sbx-detect" --json >"$OUT/fault.json"',
      'ls -A "$TMPDIR" "$HOME" >"$OUT/left.txt"',
    ].join('\n');
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', inside], {
      encoding: 'utf8', timeout: 120_000, env: { PATH, EXE: exe, SCRATCH: scratch, OUT: out },
    });
    expect(r.status, r.stderr).toBe(0);
    const base = JSON.parse(readFileSync(join(out, 'base.json'), 'utf8'));
    const doc = JSON.parse(readFileSync(join(out, 'fault.json'), 'utf8'));
    expect(schemaErrors(doc)).toEqual([]);
    expect(stable(doc)).toEqual(stable(base));
    expectAllNativeUnknown(doc, 'the native helper could not run: no usable sbx-helper; tried ');
    const reason: string = doc.facts.native.syscalls.reason;
    expect(reason).toContain(`${exe}/sbx-helper (ENOENT)`);
    for (const d of [`${scratch}/tmpdir`, '/tmp', '/dev/shm', '/run', `${scratch}/home`]) expect(reason).toContain(`extract into ${d} (exec failed: EACCES)`);
    expect(reason).toContain(`extract into ${exe} (cannot create a directory: EROFS)`);
    expect(readFileSync(join(out, 'left.txt'), 'utf8').split('\n').filter((l) => l && !l.endsWith(':'))).toEqual([]); // nothing left in TMPDIR or HOME
    expect(readdirSync(exe)).toEqual(['sbx-detect']);
  }, 180_000);
});
