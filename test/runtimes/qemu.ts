// QEMU guest harness: boots Debian's kernel under TCG with a Kata-Containers-style
// kernel command line and the host's `/` as the read-only 9p root share
// `kataShared`, runs every requested command inside that ONE boot, and returns
// each command's stdout, stderr and exit code.
//
// How results get out: a second 9p share (`sbxjob`, a private writable temp dir on
// the host) is mounted in the guest OUTSIDE the commands' root. The guest's /init
// (scripts/qemu-guest/init.sh) redirects each command's stdout/stderr into files
// there and writes its exit code next to them, so outputs never pass through the
// serial console (no mixing with kernel messages, no size limit). The console only
// carries `SBX-` progress markers, which the host timestamps.
//
// Never uses KVM: on this machine /dev/kvm belongs to a nested PVM module and any
// KVM guest hangs (shared/lab-notes.md). TCG only.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  buildInitramfs,
  findGuestKernel,
  isStaticElf,
  resolveModules,
  type InitramfsInfo,
} from '../../scripts/qemu-guest/build-initramfs.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_PROJECT_DIR = path.resolve(HERE, '..', '..');

export const QEMU_BINARY = 'qemu-system-x86_64';
const BUSYBOX = '/bin/busybox';

/**
 * The guest kernel command line, after Kata Containers' QEMU defaults
 * (kata-containers/kata-containers at 7c6ba40c; see shared/reference/signals.md §3.1).
 */
export const KATA_KERNEL_PARAMS: readonly string[] = [
  // src/runtime/virtcontainers/qemu_amd64.go `kernelParams` (x86-64 QEMU, machine q35)
  'tsc=reliable',
  'no_timer_check',
  'rcupdate.rcu_expedited=1',
  'i8042.direct=1',
  'i8042.dumbkbd=1',
  'i8042.nopnp=1',
  'i8042.noaux=1',
  'noreplace-smp',
  'reboot=k',
  'cryptomgr.notests',
  'net.ifnames=0',
  'pci=lastbus=0',
  // src/runtime/virtcontainers/qemu.go `defaultKernelParameters`
  'panic=1',
  // hypervisor debug off (the default): `quiet systemd.show_status=false`
  'quiet',
  'systemd.show_status=false',
  // src/runtime/pkg/katautils/create.go: systemd-based guest image (Kata's default
  // QEMU configuration boots kata-containers.img, whose init is systemd)
  'systemd.unit=kata-containers.target',
  'systemd.mask=systemd-networkd.service',
  'systemd.mask=systemd-networkd.socket',
  // qemu.go / Makefile DEFDISABLEGUESTSELINUX := true
  'selinux=0',
  // src/runtime/virtcontainers/kata_agent.go, agent debug enabled ([agent.kata] enable_debug)
  'agent.log=debug',
  // NOT Kata's: Kata uses `console=hvc0 console=hvc1` (qemu_arch_base.go) on a
  // virtio console; this harness reads its markers from the first UART.
  'console=ttyS0',
];

export const KATA_KERNEL_CMDLINE = KATA_KERNEL_PARAMS.join(' ');

export interface GuestCommand {
  /** Key of this command in `results`; unique within one boot. */
  name: string;
  /** argv[0] is looked up in the guest's PATH (the host's /usr/bin etc.). */
  argv: string[];
  /** Working directory inside the guest root; default: projectDir. */
  cwd?: string;
  /** Extra environment; the base is PATH, HOME=/root, LANG=C.UTF-8 (nothing else is inherited). */
  env?: Record<string, string>;
}

export interface GuestCommandResult {
  stdout: string;
  stderr: string;
  /** Exit status as the guest shell saw it (128+N: killed by signal N). */
  code: number;
  /** Wall time between the command's start and end markers, seen from the host (approximate). */
  ms: number | null;
}

export interface BootGuestOptions {
  /** The project checkout; the cache lives in <projectDir>/.cache/qemu-guest. Must be under the host's `/` (it is: everything is). */
  projectDir?: string;
  commands: GuestCommand[];
  /** Appended to KATA_KERNEL_CMDLINE. */
  kernelCmdlineExtra?: string;
  /** Whole run: initramfs build + boot + every command + power-off. QEMU is SIGKILLed past it. */
  timeoutMs: number;
  /** Guest RAM in MiB (default 1024). */
  memoryMiB?: number;
  /**
   * 'container' (default): each command runs in fresh PID/mount/UTS/IPC namespaces
   * (PID 1 = the command, hostname GUEST_HOSTNAME), chrooted into the kataShared root,
   * as a Kata container would. 'chroot': only chrooted; it then sees the guest's
   * /init as PID 1.
   */
  isolation?: Isolation;
}

export type Isolation = 'container' | 'chroot';

export interface BootGuestResult {
  results: Record<string, GuestCommandResult>;
  /** QEMU start -> the guest's init announcing it is ready to run commands. */
  bootMs: number;
  /** Call start -> QEMU exited (includes the initramfs cache check/build). */
  totalMs: number;
  /** Everything QEMU wrote to the serial console (SeaBIOS, kernel, markers). */
  console: string;
  /** QEMU's own stderr (warnings). */
  qemuStderr: string;
  /** The exact QEMU argv used (argv[0] is the binary). */
  qemuArgv: string[];
  kernelCmdline: string;
  initramfs: InitramfsInfo;
}

/** Can this machine boot the guest? Cheap, synchronous; never boots anything. */
export function qemuAvailable(): { ok: boolean; why?: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { ok: false, why: `QEMU guest: needs linux/x64, this is ${process.platform}/${process.arch}` };
  }
  const v = spawnSync(QEMU_BINARY, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (v.error || v.status !== 0) {
    return {
      ok: false,
      why: `QEMU guest: ${QEMU_BINARY} does not run (${v.error?.message ?? `exit ${v.status}`}); apt-get install qemu-system-x86`,
    };
  }
  const k = findGuestKernel();
  if (k.kernel === null) return { ok: false, why: `QEMU guest: ${k.why}` };
  try {
    resolveModules(k.modulesDir);
  } catch (e) {
    return { ok: false, why: `QEMU guest: ${(e as Error).message}` };
  }
  if (!fs.existsSync(BUSYBOX)) return { ok: false, why: `QEMU guest: ${BUSYBOX} missing; apt-get install busybox-static` };
  if (!isStaticElf(BUSYBOX)) {
    return { ok: false, why: `QEMU guest: ${BUSYBOX} is not statically linked; apt-get install busybox-static` };
  }
  return { ok: true };
}

/** POSIX-shell single quoting. */
function sq(s: string): string {
  if (s.includes('\0')) throw new Error(`argument contains a NUL byte: ${JSON.stringify(s)}`);
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const BASE_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
};

/** UTS hostname the commands see in 'container' isolation (the guest's own is "(none)"). */
export const GUEST_HOSTNAME = 'sbx-qemu-guest';

/**
 * One line of /job/run.sh:
 *   sbx_run I [unshare -p -f -m -u -i busybox sh -c 'fresh /proc; hostname' ...]
 *             env -i VARS busybox chroot /newroot /bin/sh -c 'cd "$1"; exec "$@"' sh CWD ARGV...
 */
function runLine(index: number, cmd: GuestCommand, defaultCwd: string, isolation: Isolation): string {
  const env = { ...BASE_ENV, ...cmd.env };
  for (const k of Object.keys(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`command ${cmd.name}: bad environment name ${JSON.stringify(k)}`);
  }
  const container =
    isolation === 'container'
      ? [
          // Like the Kata agent does for a container: own PID, mount, UTS and IPC
          // namespaces, so the command is PID 1 and sees a /proc of its own.
          ...['unshare', '--pid', '--fork', '--mount', '--uts', '--ipc', '--propagation', 'private'],
          ...['/bin/busybox', 'sh', '-c', 'umount -l /newroot/proc && mount -t proc proc /newroot/proc && hostname "$0" && exec "$@"'],
          GUEST_HOSTNAME,
        ]
      : [];
  const words = [
    ...container,
    'env',
    '-i',
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    '/bin/busybox',
    'chroot',
    '/newroot',
    // the host's /bin/sh, only to chdir (busybox chroot always chdirs to /); exec keeps no shell around
    '/bin/sh',
    '-c',
    'cd "$1" || exit 127; shift; exec "$@"',
    'sh',
    cmd.cwd ?? defaultCwd,
    ...cmd.argv,
  ];
  return `sbx_run ${index} ${words.map(sq).join(' ')}`;
}

export function qemuArgv(o: { kernel: string; initramfs: string; cmdline: string; jobDir: string; memoryMiB: number }): string[] {
  for (const p of [o.jobDir]) {
    if (p.includes(',')) throw new Error(`path ${p} contains a comma, which QEMU's option syntax cannot take`);
  }
  return [
    QEMU_BINARY,
    ...['-machine', 'q35,accel=tcg'], // Kata's default machine type is q35 (with accel=kvm there; KVM hangs here)
    ...['-cpu', 'max'],
    ...['-m', String(o.memoryMiB)],
    ...['-smp', '2'],
    '-nographic',
    '-no-reboot', // panic=1 -> reboot -> QEMU exits instead of looping
    ...['-nic', 'none'],
    ...['-kernel', o.kernel],
    ...['-initrd', o.initramfs],
    ...['-append', o.cmdline],
    // The host's `/`, read-only, under Kata's root-share tag. multidevs=remap: the
    // export spans several host filesystems (/, /proc, /sys, ...) whose inode
    // numbers collide; without it the guest confused /newroot/proc with /newroot/sys.
    ...['-fsdev', 'local,id=fs0,path=/,security_model=none,readonly=on,multidevs=remap'],
    ...['-device', 'virtio-9p-pci,fsdev=fs0,mount_tag=kataShared'],
    // Private writable job dir: run.sh in, outputs out.
    ...['-fsdev', `local,id=fs1,path=${o.jobDir},security_model=none`],
    ...['-device', 'virtio-9p-pci,fsdev=fs1,mount_tag=sbxjob'],
  ];
}

function tail(s: string, n = 3000): string {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

/** Boot the guest once, run every command in it, power off. */
export async function bootGuestAndRun(opts: BootGuestOptions): Promise<BootGuestResult> {
  const t0 = performance.now();
  const projectDir = path.resolve(opts.projectDir ?? DEFAULT_PROJECT_DIR);
  if (opts.commands.length === 0) throw new Error('bootGuestAndRun: no commands');
  const names = new Set<string>();
  for (const c of opts.commands) {
    if (!c.name || names.has(c.name)) throw new Error(`bootGuestAndRun: command names must be unique and non-empty (${JSON.stringify(c.name)})`);
    if (c.argv.length === 0) throw new Error(`bootGuestAndRun: command ${c.name} has an empty argv`);
    names.add(c.name);
  }
  const avail = qemuAvailable();
  if (!avail.ok) throw new Error(avail.why);

  const initramfs = buildInitramfs({ cacheDir: path.join(projectDir, '.cache', 'qemu-guest') });
  const cmdline = opts.kernelCmdlineExtra?.trim() ? `${KATA_KERNEL_CMDLINE} ${opts.kernelCmdlineExtra.trim()}` : KATA_KERNEL_CMDLINE;

  const jobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-qemu-'));
  try {
    // init.sh keeps this directory visible even when it lies under the guest's fresh /tmp or /run
    fs.writeFileSync(path.join(jobDir, 'project-dir'), projectDir);
    fs.writeFileSync(
      path.join(jobDir, 'run.sh'),
      opts.commands.map((c, i) => runLine(i, c, projectDir, opts.isolation ?? 'container')).join('\n') + '\n',
    );
    const argv = qemuArgv({
      kernel: initramfs.kernel,
      initramfs: initramfs.initramfs,
      cmdline,
      jobDir,
      memoryMiB: opts.memoryMiB ?? 1024,
    });

    const remaining = opts.timeoutMs - (performance.now() - t0);
    const run = await runQemu(argv, Math.max(remaining, 1));
    const totalMs = Math.round(performance.now() - t0);
    const where = `\n--- console (tail) ---\n${tail(run.console)}\n--- qemu stderr ---\n${tail(run.stderr, 1000)}`;
    if (run.timedOut) {
      throw new Error(`QEMU guest: timed out after ${opts.timeoutMs} ms; QEMU killed.${where}`);
    }
    const fail = /SBX-GUEST-FAIL (.*)/.exec(run.console);
    if (fail) throw new Error(`QEMU guest: init failed: ${fail[1]!.trim()}${where}`);
    if (!fs.existsSync(path.join(jobDir, 'done'))) {
      throw new Error(`QEMU guest: exited (code ${run.code}, signal ${run.signal}) before finishing its commands${where}`);
    }
    if (run.bootMs === null) throw new Error(`QEMU guest: no ready marker on the console${where}`);

    const results: Record<string, GuestCommandResult> = {};
    opts.commands.forEach((c, i) => {
      const f = (ext: string) => path.join(jobDir, 'out', `${i}.${ext}`);
      if (!fs.existsSync(f('code'))) throw new Error(`QEMU guest: command ${c.name} left no exit code${where}`);
      const code = Number(fs.readFileSync(f('code'), 'utf8').trim());
      const start = run.marks.get(`START ${i}`);
      const end = run.marks.get(`END ${i}`);
      results[c.name] = {
        stdout: fs.readFileSync(f('stdout'), 'utf8'),
        stderr: fs.readFileSync(f('stderr'), 'utf8'),
        code,
        ms: start !== undefined && end !== undefined ? Math.round(end - start) : null,
      };
    });
    return {
      results,
      bootMs: Math.round(run.bootMs),
      totalMs,
      console: run.console,
      qemuStderr: run.stderr,
      qemuArgv: argv,
      kernelCmdline: cmdline,
      initramfs,
    };
  } finally {
    fs.rmSync(jobDir, { recursive: true, force: true });
  }
}

interface QemuRun {
  console: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** ms from spawn to the READY marker */
  bootMs: number | null;
  /** `START i` / `END i` -> ms since spawn */
  marks: Map<string, number>;
}

/** QEMU processes still running; killed if this Node process exits first (no orphaned guests). */
const live = new Set<ChildProcess>();
let exitHook = false;

function runQemu(argv: string[], timeoutMs: number): Promise<QemuRun> {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const marks = new Map<string, number>();
    let bootMs: number | null = null;
    let timedOut = false;
    let partial = '';
    child.stdout.on('data', (b: Buffer) => {
      const now = performance.now() - t;
      out.push(b);
      partial += b.toString('latin1');
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /SBX-(GUEST-READY|CMD-START|CMD-END)(?: (\S+))?/.exec(line);
        if (!m) continue;
        if (m[1] === 'GUEST-READY') bootMs ??= now;
        else marks.set(`${m[1] === 'CMD-START' ? 'START' : 'END'} ${m[2]}`, now);
      }
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({
        console: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        signal,
        timedOut,
        bootMs,
        marks,
      });
    });
  });
}
