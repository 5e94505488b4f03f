// Issue 8, "Temporary files": the single executable (dist/sbx-detect) with no helper beside it
// extracts its embedded helper into a private mkdtemp directory of mode 0700 under $TMPDIR, and
// removes it on every exit path: normal exit, SIGINT, SIGTERM (and SIGHUP), the process still
// dying of the signal. Observed from outside, on the real tool doing a real scan: the test
// watches a TMPDIR of its own until the helper's scan process appears in an sbx-detect-* directory
// there, stops that helper (SIGSTOP, so the tool is really mid-run, waiting for answers), looks
// at the directory, then lets the run end or signals the tool. TMPDIR's listing must be the same
// before and after.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEA, ensureSeaBuilt } from '../support/built.js';
import { linuxX64 } from '../ship/support.js';

const PATH = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';

let T: string;
let sea: string; // a link to dist/sbx-detect, alone in its directory (no sbx-helper beside it)

interface Extraction { dir: string; name: string; dirMode: number; dirUid: number; entries: string[]; helperMode: number; helperPid: number }

function ppidOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function aliveNotZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The tool's helper running a scan from an sbx-detect-* directory under `tmp`, or null. The exec
 *  test (stdout /dev/null) and probe children (stdout closed) are not it: its stdout is a pipe
 *  or socket to the tool. */
function findScanHelper(tmp: string, toolPid: number): { pid: number; exe: string } | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let exe: string;
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
      if (!exe.startsWith(join(tmp, 'sbx-detect-'))) continue;
      if (!/^(pipe|socket):/.test(readlinkSync(`/proc/${pid}/fd/1`))) continue; // libuv: a socketpair
    } catch {
      continue;
    }
    if (ppidOf(pid) === toolPid) return { pid, exe };
  }
  return null;
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

interface Run { child: ChildProcess; stdout: () => string; ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

function startSea(tmp: string): Run {
  const child = spawn(sea, ['--json'], { env: { PATH, TMPDIR: tmp, HOME: join(T, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.resume();
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, ended };
}

/**
 * Starts the tool and stops its helper mid-scan; returns what the extraction directory looked like
 * then. The helper's whole run takes a fraction of a second, so the poll may miss it: then the run
 * is finished and started again (a few times at most).
 */
async function startAndCatch(tmp: string): Promise<{ run: Run; seen: Extraction }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = startSea(tmp);
    let done = false;
    void run.ended.then(() => (done = true));
    const deadline = Date.now() + 30_000;
    while (!done && Date.now() < deadline) {
      const found = findScanHelper(tmp, run.child.pid!);
      if (found !== null) {
        const pid = found.pid;
        process.kill(pid, 'SIGSTOP'); // our tool's child: the tool now waits for its answers
        const dir = dirname(found.exe);
        const name = basename(dir);
        const st = statSync(dir);
        return {
          run,
          seen: { dir, name, dirMode: st.mode & 0o7777, dirUid: st.uid, entries: readdirSync(dir), helperMode: statSync(join(dir, 'sbx-helper')).mode & 0o7777, helperPid: pid },
        };
      }
      await new Promise((r) => setImmediate(r));
    }
    if (!done) run.child.kill('SIGKILL'); // our own child, hung: give up on this attempt
    await run.ended;
  }
  throw new Error('never saw the helper running from an extraction directory');
}

/** After the tool is gone, the helper (continued) must end by itself: its next answer meets a
 *  closed pipe. If it does not, it is killed (ours) and the test fails. */
async function expectHelperEnds(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGCONT');
  } catch { /* already gone */ }
  for (let i = 0; i < 100 && aliveNotZombie(pid); i++) await new Promise((r) => setTimeout(r, 50));
  const left = aliveNotZombie(pid);
  if (left) process.kill(pid, 'SIGKILL');
  expect(left, `helper ${pid} still running after the tool ended`).toBe(false);
}

function expectPrivate(seen: Extraction): void {
  expect(seen.name).toMatch(/^sbx-detect-[A-Za-z0-9]{6}$/); // mkdtemp's six random characters
  expect(seen.dirMode).toBe(0o700);
  expect(seen.dirUid).toBe(process.getuid!());
  expect(seen.entries).toEqual(['sbx-helper']);
  expect(seen.helperMode).toBe(0o700);
}

function freshTmpdir(): { tmp: string; before: string[] } {
  const tmp = mkdtempSync(join(T, 'tmpdir-'));
  // something already there, which must stay as it is
  writeFileSync(join(tmp, 'keep.txt'), 'not the tool\'s\n');
  mkdirSync(join(tmp, 'sbx-detect-not-ours'));
  return { tmp, before: listing(tmp) };
}

beforeAll(() => {
  if (!linuxX64) return;
  ensureSeaBuilt();
  T = mkdtempSync(join(tmpdir(), 'sbx-tempfiles-'));
  mkdirSync(join(T, 'home'));
  mkdirSync(join(T, 'exe'));
  sea = join(T, 'exe', 'sbx-detect');
  try {
    linkSync(SEA, sea); // 100 MB: no copy when the file system allows
  } catch {
    copyFileSync(SEA, sea);
    chmodSync(sea, 0o755);
  }
}, 600_000);

afterAll(() => {
  if (T) rmSync(T, { recursive: true, force: true });
});

describe.runIf(linuxX64)('the single executable\'s extracted helper', () => {
  it('lives in a private 0700 mkdtemp directory while it runs, and is removed on normal exit', async () => {
    const { tmp, before } = freshTmpdir();
    const { run, seen } = await startAndCatch(tmp);
    try {
      expectPrivate(seen);
      expect(listing(tmp)).toEqual([...before, seen.name, `${seen.name}/sbx-helper`].sort());
      process.kill(seen.helperPid, 'SIGCONT');
      expect(await run.ended).toEqual({ code: 0, signal: null });
      const doc = JSON.parse(run.stdout());
      expect(doc.facts.native.helper).toMatchObject({ known: true, value: { exit: { code: 0, signal: null }, timedOut: false } });
      expect(doc.facts.native.syscalls.known).toBe(true);
      expect(listing(tmp)).toEqual(before);
      expect(aliveNotZombie(seen.helperPid)).toBe(false);
    } finally {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      if (aliveNotZombie(seen.helperPid)) process.kill(seen.helperPid, 'SIGKILL');
    }
  }, 120_000);

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`is removed on ${signal} mid-run, and the tool still dies of ${signal}`, async () => {
      const { tmp, before } = freshTmpdir();
      const { run, seen } = await startAndCatch(tmp);
      try {
        expectPrivate(seen);
        expect(existsSync(join(seen.dir, 'sbx-helper'))).toBe(true);
        run.child.kill(signal);
        expect(await run.ended).toEqual({ code: null, signal });
        expect(listing(tmp)).toEqual(before);
        await expectHelperEnds(seen.helperPid);
      } finally {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
        if (aliveNotZombie(seen.helperPid)) process.kill(seen.helperPid, 'SIGKILL');
      }
    }, 120_000);
  }
});
