// bin/kubectl-sbx against a recorded kubectl: a fake `kubectl` first on PATH logs every call
// (argv, and the size and hash of what was piped to it) and answers from a recording. The tests
// check the exact calls of each path: copy in (and on to the next directory when one is full),
// the ephemeral debug container fallback, --all / -A with the table and --json, and clean-up.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, makeTemp, removeTemp } from './support.js';

const PLUGIN = join(PROJECT, 'bin/kubectl-sbx');
const ANY = '*'; // matches one argument in a recording
const ID = 'T1'; // KUBECTL_SBX_ID: the run's name, normally from the clock
const IMAGE = 'ghcr.io/sbx-detect/sbx-detect:0.1.0';

interface Reply { stdout?: string; stderr?: string; code?: number; sleepMs?: number }
interface Entry extends Reply { argv: string[]; replies?: Reply[] }
interface Call { argv: string[]; stdin?: { bytes: number; sha256: string }; matched: boolean }

const FAKE = `#!${process.execPath}
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const argv = process.argv.slice(2);
const rec = JSON.parse(fs.readFileSync(process.env.FAKE_RECORDING, 'utf8'));
let stdin;
if (argv.includes('-i')) { const b = fs.readFileSync(0); stdin = { bytes: b.length, sha256: crypto.createHash('sha256').update(b).digest('hex') }; }
const idx = rec.findIndex((e) => e.argv.length === argv.length && e.argv.every((a, i) => a === '*' || a === argv[i]));
fs.appendFileSync(process.env.FAKE_LOG, JSON.stringify({ argv, stdin, matched: idx >= 0 }) + '\\n');
if (idx < 0) { process.stderr.write('fake kubectl: no recording for ' + JSON.stringify(argv) + '\\n'); process.exit(1); }
let r = rec[idx];
if (r.replies) {
  const f = path.join(process.env.FAKE_STATE, idx + '.n');
  const n = fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0;
  fs.writeFileSync(f, String(n + 1));
  r = r.replies[Math.min(n, r.replies.length - 1)];
}
if (r.sleepMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, r.sleepMs);
process.stdout.write(r.stdout || '');
process.stderr.write(r.stderr || '');
process.exitCode = r.code || 0;
`;

/** A minimal report with the fields the --all table reads. */
function report(cls: string, seccomp: string, uid: number, caps: string[]): string {
  return JSON.stringify({
    schemaVersion: 1,
    verdict: { headline: cls, sandbox: { class: cls, score: 9, evidence: [{ observed: 'a "quoted" \\ value' }] } },
    facts: { process: { uid: { known: true, value: { real: uid, effective: uid } }, seccomp: { known: true, value: seccomp },
      capabilities: { effective: { known: true, value: { hex: '0', names: caps } } } } },
  }, null, 2) + '\n';
}

let tmp: string;
let binary: string;
let binarySha: string;
let n = 0;
beforeAll(() => {
  tmp = makeTemp('kubectl');
  mkdirSync(join(tmp, 'bin'));
  writeFileSync(join(tmp, 'bin/kubectl'), FAKE, { mode: 0o755 });
  binary = join(tmp, 'sbx-detect');
  const bytes = Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(300_000, 7)]);
  writeFileSync(binary, bytes, { mode: 0o755 });
  binarySha = createHash('sha256').update(bytes).digest('hex');
});
afterAll(() => removeTemp(tmp));

function setup(recording: Entry[]) {
  const dir = join(tmp, `run${++n}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  writeFileSync(join(dir, 'recording.json'), JSON.stringify(recording));
  writeFileSync(join(dir, 'log'), '');
  const env = {
    PATH: `${join(tmp, 'bin')}:${process.env.PATH}`,
    HOME: dir, TMPDIR: dir, LANG: 'C',
    FAKE_RECORDING: join(dir, 'recording.json'), FAKE_LOG: join(dir, 'log'), FAKE_STATE: join(dir, 'state'),
    KUBECTL_SBX_ID: ID, KUBECTL_SBX_POLL: '0', SBX_DETECT_BINARY: binary,
  };
  const calls = (): Call[] => readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call);
  const leftovers = () => spawnSync('sh', ['-c', 'ls -A "$1" | grep kubectl-sbx || true', 'sh', dir], { encoding: 'utf8' }).stdout.trim();
  return { dir, env, calls, leftovers };
}

function plugin(env: NodeJS.ProcessEnv, args: string[]) {
  const r = spawnSync('bash', [PLUGIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PROBE_CALL = (ns: string, pod: string, c: string) => ['exec', pod, '-n', ns, '-c', c, '--', 'sh', '-c', ANY];
const COPY_CALL = (ns: string, pod: string, c: string, dir: string) => ['exec', '-i', pod, '-n', ns, '-c', c, '--', 'sh', '-c', ANY, 'sh', dir];
const RUN_CALL = (ns: string, pod: string, c: string, dir: string, args: string[]) => ['exec', pod, '-n', ns, '-c', c, '--', `${dir}/sbx-detect`, ...args];
const RM_CALL = (ns: string, pod: string, c: string, dir: string) => ['exec', pod, '-n', ns, '-c', c, '--', 'rm', '-rf', '--', dir];
const GET_POD = (ns: string, pod: string) => ['get', 'pod', pod, '-n', ns, '-o', 'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/default-container}{"\\t"}{.spec.containers[0].name}'];
const DEBUG_CALL = (ns: string, pod: string, c: string, args: string[]) => ['debug', pod, '-n', ns, `--image=${IMAGE}`, `--target=${c}`, '-c', `sbx-detect-${ID}`, '--profile=restricted', '--attach=false', '--quiet', '--', '/usr/local/bin/sbx-detect', ...args];
const POLL_CALL = (ns: string, pod: string) => ['get', 'pod', pod, '-n', ns, '-o', `jsonpath={range .status.ephemeralContainerStatuses[?(@.name=="sbx-detect-${ID}")]}{.state.terminated.exitCode}{"|"}{.state.waiting.reason}{end}`];
const LOGS_CALL = (ns: string, pod: string) => ['logs', pod, '-n', ns, '-c', `sbx-detect-${ID}`];

/** The argv with the shell script of `-- sh -c SCRIPT` replaced by ANY (checked separately). */
function masked(argv: string[]): string[] {
  const at = argv.indexOf('--');
  return argv.map((a, i) => (at >= 0 && argv[at + 1] === 'sh' && argv[at + 2] === '-c' && i === at + 3 ? ANY : a));
}
function expectCalls(calls: Call[], expected: string[][]): void {
  expect(calls.map((c) => masked(c.argv))).toEqual(expected);
  expect(calls.every((c) => c.matched)).toBe(true);
}
/** The script given to `sh -c` in a call. */
const script = (c: Call): string => c.argv[c.argv.indexOf('--') + 3]!;

describe('kubectl sbx POD', () => {
  it('copies the binary into the first exec-capable directory, runs it, removes it', () => {
    const dir = `/tmp/.sbx-detect.${ID}`;
    const { env, calls, leftovers } = setup([
      { argv: GET_POD('shop', 'web-0'), stdout: '\tapp' },
      { argv: PROBE_CALL('shop', 'web-0', 'app'), stdout: 'arch=x86_64\ndir=/tmp\ndir=/tmp\ndir=/dev/shm\n' },
      { argv: COPY_CALL('shop', 'web-0', 'app', dir) },
      { argv: RUN_CALL('shop', 'web-0', 'app', dir, ['--expect', 'sandbox=gvisor']), stdout: 'the report\n', stderr: 'expectation failed\n', code: 1 },
      { argv: RM_CALL('shop', 'web-0', 'app', dir) },
    ]);
    const r = plugin(env, ['web-0', '-n', 'shop', '--', '--expect', 'sandbox=gvisor']);
    expect(r.stdout).toBe('the report\n');
    expect(r.stderr).toBe('expectation failed\n');
    expect(r.code).toBe(1); // sbx-detect's own exit status
    const log = calls();
    expectCalls(log, [
      GET_POD('shop', 'web-0'),
      PROBE_CALL('shop', 'web-0', 'app'),
      COPY_CALL('shop', 'web-0', 'app', dir),
      RUN_CALL('shop', 'web-0', 'app', dir, ['--expect', 'sandbox=gvisor']),
      RM_CALL('shop', 'web-0', 'app', dir),
    ]);
    // the probe tries every place and proves exec; the copy streams exactly the binary
    const probe = script(log[1]!);
    for (const p of ['${TMPDIR:-}', '/tmp', '/dev/shm', '/run', '${HOME:-}', 'mkdir -m 700', '"$t/x"', 'rm -rf "$t"']) expect(probe).toContain(p);
    expect(script(log[2]!)).toBe('umask 077 && mkdir "$1" && cat >"$1/sbx-detect" && chmod 700 "$1/sbx-detect"');
    expect(log[2]!.stdin).toEqual({ bytes: 300_004, sha256: binarySha });
    expect(leftovers()).toBe('');
  });

  it('moves on to the next directory when the copy fails, removing the partial one', () => {
    const [d1, d2] = [`/dev/shm/.sbx-detect.${ID}`, `/home/app/.sbx-detect.${ID}`];
    const { env, calls } = setup([
      { argv: GET_POD('shop', 'web-0'), stdout: 'sidecar-aware\tapp' },
      { argv: PROBE_CALL('shop', 'web-0', 'app'), stdout: 'arch=x86_64\ndir=/dev/shm\ndir=/home/app/\n' },
      { argv: COPY_CALL('shop', 'web-0', 'app', d1), stderr: 'cat: write error: No space left on device\n', code: 1 },
      { argv: RM_CALL('shop', 'web-0', 'app', d1) },
      { argv: COPY_CALL('shop', 'web-0', 'app', d2) },
      { argv: RUN_CALL('shop', 'web-0', 'app', d2, ['--json']), stdout: '{}\n' },
      { argv: RM_CALL('shop', 'web-0', 'app', d2) },
    ]);
    // the default container is the annotation's, here one that the fake calls "sidecar-aware"
    const r = plugin(env, ['web-0', '-n', 'shop', '-c', 'app', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{}\n');
    expect(r.stderr).toContain('could not copy the binary into /dev/shm');
    expectCalls(calls(), [
      GET_POD('shop', 'web-0'), PROBE_CALL('shop', 'web-0', 'app'),
      COPY_CALL('shop', 'web-0', 'app', d1), RM_CALL('shop', 'web-0', 'app', d1),
      COPY_CALL('shop', 'web-0', 'app', d2), RUN_CALL('shop', 'web-0', 'app', d2, ['--json']), RM_CALL('shop', 'web-0', 'app', d2),
    ]);
  });

  it('falls back to an ephemeral debug container when the container has no shell, and says what that means', () => {
    const { env, calls } = setup([
      { argv: ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}'], stdout: '' },
      { argv: GET_POD('default', 'distroless-0'), stdout: 'main\tinit-first' },
      { argv: PROBE_CALL('default', 'distroless-0', 'main'), stderr: 'error: exec: "sh": executable file not found in $PATH\n', code: 126 },
      { argv: DEBUG_CALL('default', 'distroless-0', 'main', []) },
      { argv: POLL_CALL('default', 'distroless-0'), replies: [{ stdout: '' }, { stdout: '|ContainerCreating' }, { stdout: '|' }, { stdout: '3|' }] },
      { argv: LOGS_CALL('default', 'distroless-0'), stdout: 'undetermined report\n' },
    ]);
    const r = plugin(env, ['distroless-0']);
    expect(r.stdout).toBe('undetermined report\n');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no shell to copy the binary in with');
    expect(r.stderr).toContain(`ephemeral debug container sbx-detect-${ID} (image ${IMAGE}) targeting main`);
    expect(r.stderr).toContain("capabilities, seccomp, uid and no_new_privs are the debug container's");
    expectCalls(calls(), [
      ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}'],
      GET_POD('default', 'distroless-0'),
      PROBE_CALL('default', 'distroless-0', 'main'),
      DEBUG_CALL('default', 'distroless-0', 'main', []),
      POLL_CALL('default', 'distroless-0'), POLL_CALL('default', 'distroless-0'), POLL_CALL('default', 'distroless-0'), POLL_CALL('default', 'distroless-0'),
      LOGS_CALL('default', 'distroless-0'),
    ]);
  });

  it('--debug goes straight to the debug container and stops on an image pull error', () => {
    const { env, calls } = setup([
      { argv: GET_POD('ns1', 'p'), stdout: '\tc' },
      { argv: ['--context=prod', 'get', 'pod', 'p', '-n', 'ns1', '-o', GET_POD('ns1', 'p')[6]!], stdout: '\tc' },
      { argv: ['--context=prod', ...DEBUG_CALL('ns1', 'p', 'c', ['--json']).map((a) => (a === `--image=${IMAGE}` ? '--image=registry.local/sbx:1' : a))] },
      { argv: ['--context=prod', ...POLL_CALL('ns1', 'p')], stdout: '|ErrImagePull' },
    ]);
    const r = plugin(env, ['--context', 'prod', 'p', '-n', 'ns1', '--debug', '--image', 'registry.local/sbx:1', '--json']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('cannot start: ErrImagePull (image registry.local/sbx:1)');
    expect(calls().map((c) => c.argv[1])).toEqual(['get', 'debug', 'get']);
  });

  it('removes the copied binary when interrupted (SIGTERM) and dies of the signal', async () => {
    const dir = `/tmp/.sbx-detect.${ID}`;
    const { env, calls } = setup([
      { argv: GET_POD('shop', 'web-0'), stdout: '\tapp' },
      { argv: PROBE_CALL('shop', 'web-0', 'app'), stdout: 'arch=x86_64\ndir=/tmp\n' },
      { argv: COPY_CALL('shop', 'web-0', 'app', dir) },
      { argv: RUN_CALL('shop', 'web-0', 'app', dir, []), sleepMs: 1500, stdout: 'partial\n' },
      { argv: RM_CALL('shop', 'web-0', 'app', dir) },
    ]);
    const child = spawn('bash', [PLUGIN, 'web-0', '-n', 'shop'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // wait for the run call to start, then interrupt the plugin (not the fake kubectl)
    for (let i = 0; i < 200 && !calls().some((c) => c.argv.includes(`${dir}/sbx-detect`)); i++) await new Promise((r) => setTimeout(r, 25));
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    child.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    expect(calls().at(-1)!.argv).toEqual(RM_CALL('shop', 'web-0', 'app', dir));
  }, 30_000);

  it('refuses a non-x86_64 container for the copy and a binary-less --copy', () => {
    const { env } = setup([
      { argv: GET_POD('shop', 'arm-0'), stdout: '\tapp' },
      { argv: PROBE_CALL('shop', 'arm-0', 'app'), stdout: 'arch=aarch64\ndir=/tmp\n' },
    ]);
    const r = plugin(env, ['arm-0', '-n', 'shop', '--copy']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('is aarch64; the binary is linux-x64');
    expect(plugin({ ...env, SBX_DETECT_BINARY: join(tmp, 'none') }, ['x', '--copy']).code).toBe(5);
    expect(plugin(env, ['a', 'b']).code).toBe(2);
    expect(plugin(env, ['a', '--all']).code).toBe(2);
  });
});

describe('kubectl sbx --all', () => {
  const LIST = (scope: string[]) => ['get', 'pods', ...scope, '--field-selector=status.phase=Running', '-o',
    'jsonpath={range .items[*]}{.metadata.namespace}{"\\t"}{.metadata.name}{"\\t"}{.metadata.annotations.kubectl\\.kubernetes\\.io/default-container}{"\\t"}{.spec.containers[0].name}{"\\n"}{end}'];
  const recording = (scope: string[]): Entry[] => [
    { argv: LIST(scope), stdout: 'shop\tweb-0\t\tapp\nshop\tdistroless-0\tmain\tinit\nshop\tbroken-0\t\tx\n' },
    // web-0: copy path, runc-class, root with Docker's default capabilities
    { argv: PROBE_CALL('shop', 'web-0', 'app'), stdout: 'arch=x86_64\ndir=/tmp\n' },
    { argv: COPY_CALL('shop', 'web-0', 'app', `/tmp/.sbx-detect.${ID}`) },
    { argv: RUN_CALL('shop', 'web-0', 'app', `/tmp/.sbx-detect.${ID}`, ['--json']), stdout: report('runc-class', 'filter', 0, ['chown', 'dac_override', 'fowner', 'kill']) },
    { argv: RM_CALL('shop', 'web-0', 'app', `/tmp/.sbx-detect.${ID}`) },
    // distroless-0: nowhere to copy to: debug container, gVisor
    { argv: PROBE_CALL('shop', 'distroless-0', 'main'), stdout: 'arch=x86_64\n' },
    { argv: DEBUG_CALL('shop', 'distroless-0', 'main', ['--json']) },
    { argv: POLL_CALL('shop', 'distroless-0'), replies: [{ stdout: '|' }, { stdout: '0|' }] },
    { argv: LOGS_CALL('shop', 'distroless-0'), stdout: report('gvisor', 'disabled', 20000, []) },
    // broken-0: neither works
    { argv: PROBE_CALL('shop', 'broken-0', 'x'), code: 1, stderr: 'error: unable to upgrade connection\n' },
    { argv: DEBUG_CALL('shop', 'broken-0', 'x', ['--json']), code: 1, stderr: 'Error from server (Forbidden)\n' },
  ];

  it('audits every running pod in parallel and prints one table', () => {
    const { env, calls, leftovers } = setup(recording(['-n', 'shop']));
    const r = plugin(env, ['--all', '-n', 'shop']);
    expect(r.code).toBe(5); // broken-0 could not be audited
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['NAMESPACE', 'POD', 'CONTAINER', 'SANDBOX', 'SECCOMP', 'NON-ROOT', 'CAPS', 'VIA']);
    expect(lines[1]!.split(/\s{2,}/)).toEqual(['shop', 'web-0', 'app', 'runc-class', 'filter', 'no', '4 (chown,dac_override,fowner,...)', 'copy']);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['shop', 'distroless-0', 'main', 'gvisor', 'disabled*', 'yes*', 'none*', 'debug']);
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['shop', 'broken-0', 'x', 'error', '-', '-', '-', '-']);
    expect(r.stdout).toContain("* from an ephemeral debug container: seccomp, uid and capabilities are the debug container's; the sandbox class is the pod's");
    expect(r.stdout).toContain('shop/broken-0: kubectl-sbx: shop/broken-0: kubectl debug failed');
    // every recorded call made once (the poll twice), in any order: the pods run in parallel
    const made = calls().map((c) => JSON.stringify(masked(c.argv)));
    const want = recording(['-n', 'shop']).flatMap((e) => (e.replies ? [e.argv, e.argv] : [e.argv])).map((a) => JSON.stringify(a));
    expect(made.sort()).toEqual(want.sort());
    expect(calls().every((c) => c.matched)).toBe(true);
    expect(leftovers()).toBe('');
  });

  it('-A --json prints every report as one JSON document', () => {
    const { env } = setup(recording(['--all-namespaces']));
    const r = plugin(env, ['-A', '--json', '--parallel', '1']);
    const doc = JSON.parse(r.stdout);
    expect(doc.pods.map((p: { pod: string; via: string; exitCode: number }) => [p.pod, p.via, p.exitCode])).toEqual([
      ['web-0', 'copy', 0], ['distroless-0', 'debug', 0], ['broken-0', '-', 5],
    ]);
    expect(doc.pods[0].report.verdict.sandbox.class).toBe('runc-class');
    expect(doc.pods[1].report.facts.process.uid.value.effective).toBe(20000);
    expect(doc.pods[2]).toMatchObject({ report: null, error: expect.stringContaining('kubectl debug failed') });
  });
});

describe('kubectl-sbx itself', () => {
  it('is bash 3.2-clean where shellcheck is available, and executable', () => {
    expect(existsSync(PLUGIN)).toBe(true);
    expect(spawnSync('bash', ['-n', PLUGIN]).status).toBe(0);
    const sc = spawnSync('shellcheck', ['-s', 'bash', '-S', 'warning', PLUGIN], { encoding: 'utf8' });
    if (!sc.error) expect(sc.stdout).toBe('');
  });
});
