// The wire of --via, piece by piece: the helper's answers to host questions decode to exactly
// what the live host reads here; arbitrary (hostile) answers never throw; the --via string is
// split as a shell splits it; the bootstrap is valid sh for dash and busybox.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLiveHost } from '../../src/readers/live.js';
import { bootstrapScript } from '../../src/readers/remote/session.js';
import { splitCommand } from '../../src/readers/remote/split-command.js';
import { decodeAnswer, type Question, questionLine } from '../../src/readers/remote/wire.js';
import { ensureBuilt, HELPER } from '../support/built.js';

/** Asks the real helper, here, and returns its answer lines by id. */
function askHelper(questions: Question[]): Map<string, Record<string, unknown>> {
  ensureBuilt();
  const input = questions.map((q, i) => questionLine(`q${i}`, q)).join('\n') + '\nsync end\n';
  const r = spawnSync(HELPER, ['--remote'], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(lines[0]).toMatchObject({ req: 'hello', protocol: 1, arch: process.arch === 'x64' ? 'x86_64' : 'aarch64' });
  expect(lines.at(-1)).toEqual({ req: 'sync', id: 'end' });
  return new Map(lines.filter((l) => typeof l.id === 'string').map((l) => [l.id, l]));
}

describe('host questions answered by the real helper', () => {
  const live = createLiveHost();
  // files whose contents do not change between two reads (not /proc/self/*: that self differs)
  const files = ['/proc/version', '/proc/cmdline', '/proc/sys/kernel/osrelease', '/etc/hostname', '/proc/cpuinfo', '/nonexistent', '/root/.', '/etc/shadow'];
  const stats = ['/', '/dev/null', '/proc/self', '/etc/passwd', '/nonexistent', '/dev/shm'];
  const dirs = ['/', '/dev', '/proc/sys/kernel', '/nonexistent', '/etc/passwd'];
  const links = ['/proc/1/exe', '/proc/1/ns/pid', '/dev/stdin', '/etc/passwd', '/nonexistent'];

  it('decode to what the live host reads (contents, errno names, stat fields, sorted listings, link targets)', () => {
    const qs: Question[] = [
      ...files.map((path) => ({ kind: 'read', path }) as const),
      ...stats.map((path) => ({ kind: 'stat', path }) as const),
      ...dirs.map((path) => ({ kind: 'list', path }) as const),
      ...links.map((path) => ({ kind: 'link', path }) as const),
      { kind: 'uname' }, { kind: 'env', name: 'PATH' }, { kind: 'env', name: 'SBX_SURELY_UNSET' },
    ];
    const answers = askHelper(qs);
    qs.forEach((q, i) => {
      const got = decodeAnswer(q, answers.get(`q${i}`)!);
      const want = q.kind === 'read' ? live.readFile(q.path) : q.kind === 'stat' ? live.stat(q.path) : q.kind === 'list' ? live.readDir(q.path)
        : q.kind === 'link' ? live.readLink(q.path) : q.kind === 'uname' ? { ok: true, value: live.uname() } : { ok: true, value: live.env(q.name) ?? null };
      if (!want.ok) expect(got.ok ? got : got.error.code, JSON.stringify(q)).toBe((want as { error: { code: string } }).error.code);
      else expect(got, JSON.stringify(q)).toEqual(q.kind === 'read' ? { ok: true, value: Buffer.from(want.value as string).toString('latin1') } : want);
    });
  });

  it('keep every byte of a binary file, and cut at the readers\' cap', () => {
    const answers = askHelper([{ kind: 'read', path: '/proc/self/exe' }, { kind: 'read', path: '/dev/zero' }]);
    const exe = decodeAnswer({ kind: 'read', path: '/proc/self/exe' }, answers.get('q0')!);
    expect(exe.ok).toBe(true);
    if (exe.ok) expect(Buffer.from(exe.value as string, 'latin1').equals(fs.readFileSync(HELPER))).toBe(true);
    const zero = decodeAnswer({ kind: 'read', path: '/dev/zero' }, answers.get('q1')!);
    expect(zero.ok ? 'read all of /dev/zero' : zero.error.code).toBe('TRUNCATED');
  });

  it('refuse the contents of secrets (opened, so a missing one still says ENOENT) and keep only container= of environ', () => {
    // a process whose environment holds a secret beside container=
    const child = spawn('sleep', ['30'], { env: { container: 'sbx-test', API_TOKEN: 'TOPSECRET-ENV' }, stdio: 'ignore' });
    try {
      const answers = askHelper([
        { kind: 'read', path: '/run/secrets/surely-not-there' },
        { kind: 'read', path: `/proc/${child.pid}/environ` },
        { kind: 'read', path: '/proc/self/environ' },
      ]);
      expect(answers.get('q0')).toMatchObject({ errno: 2 });
      expect(answers.get('q1')).toEqual({ req: 'read', id: 'q1', filtered: 'environ', data: 'container=sbx-test' });
      expect(answers.get('q2')).toMatchObject({ filtered: 'environ' });
      expect(String(answers.get('q2')!.data).split('\u0000').filter(Boolean).every((kv) => kv.startsWith('container='))).toBe(true);
    } finally {
      child.kill();
    }
    // a secret that exists: made under /run/secrets for the test, removed afterwards
    const made = !fs.existsSync('/run/secrets');
    fs.mkdirSync('/run/secrets/sbx-test', { recursive: true });
    try {
      fs.writeFileSync('/run/secrets/sbx-test/token', 'TOPSECRET');
      const answers = askHelper([{ kind: 'read', path: '/run/secrets/sbx-test/token' }, { kind: 'read', path: '/run/../run/secrets/sbx-test/token' }, { kind: 'stat', path: '/run/secrets/sbx-test/token' }]);
      expect(answers.get('q0')).toEqual({ req: 'read', id: 'q0', refused: 'secret' });
      expect(answers.get('q1')).toEqual({ req: 'read', id: 'q1', refused: 'secret' });
      expect(answers.get('q2')).toMatchObject({ req: 'stat', size: 9 });
      expect(JSON.stringify([...answers.values()])).not.toMatch(/TOPSECRET/);
    } finally {
      fs.rmSync(made ? '/run/secrets' : '/run/secrets/sbx-test', { recursive: true, force: true });
    }
  });
});

describe('hostile answers', () => {
  const kinds: Question[] = [
    { kind: 'read', path: '/x' }, { kind: 'list', path: '/x' }, { kind: 'link', path: '/x' }, { kind: 'stat', path: '/x' },
    { kind: 'env', name: 'X' }, { kind: 'uname' },
  ];
  it('never throw on an object whose own toString is data (found by the property below)', () => {
    const evil = JSON.parse('{"req":{"toString":null},"errno":{"valueOf":null},"data":{"toString":1}}');
    for (const q of kinds) expect(decodeAnswer(q, evil).ok).toBe(false);
  });

  it('never throw, whatever the object (20,000 arbitrary answers)', () => {
    fc.assert(fc.property(fc.constantFrom(...kinds), fc.dictionary(fc.constantFrom('req', 'id', 'data', 'errno', 'names', 'target', 'mode', 'uid', 'gid', 'size', 'ino', 'dev', 'rdev', 'value', 'unset', 'refused', 'truncated', 'release', 'version', 'machine'), fc.jsonValue()), fc.boolean(),
      (q, obj, sameReq) => {
        const line = sameReq ? { ...obj, req: q.kind } : obj;
        const r = decodeAnswer(q, line);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(typeof r.error.code).toBe('string');
      }), { numRuns: 20_000 });
  }, 120_000); // ~3 s alone; a loaded 2-core machine has taken 24 s
});

describe('--via splitting', () => {
  it('splits as a POSIX shell does, without expanding anything', () => {
    expect(splitCommand('docker exec -i C')).toEqual(['docker', 'exec', '-i', 'C']);
    expect(splitCommand(`kubectl exec -i -n "my ns" 'pod x' -- `)).toEqual(['kubectl', 'exec', '-i', '-n', 'my ns', 'pod x', '--']);
    expect(splitCommand('a\\ b "c\\"d" \'e\\f\' $HOME `id`')).toEqual(['a b', 'c"d', 'e\\f', '$HOME', '`id`']);
    expect(splitCommand('""')).toEqual(['']);
    expect(splitCommand('  ')).toEqual({ error: 'no command' });
    expect(splitCommand('a "b')).toEqual({ error: 'an unterminated double quote' });
    expect(splitCommand("a 'b")).toEqual({ error: 'an unterminated single quote' });
  });
});

describe('the bootstrap script', () => {
  it('is valid sh for dash and for busybox ash', () => {
    const script = bootstrapScript('abc123');
    for (const sh of [['dash', '-n'], ['busybox', 'sh', '-n']]) {
      const r = spawnSync(sh[0], [...sh.slice(1), '-c', script], { encoding: 'utf8' });
      expect(r.status, `${sh.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });
});

describe('an arm64 target', () => {
  it('gets the aarch64 helper, which answers the host questions alike (run under qemu-aarch64-static)', async () => {
    const { helperBytesForArch } = await import('../../src/readers/helper-location.js');
    const bytes = await helperBytesForArch('aarch64', { bundleDir: join(HELPER, '..') });
    expect(typeof bytes).not.toBe('string');
    const elf = Buffer.from(bytes as Uint8Array);
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
    // built against musl (setup-runtimes installs musl-dev:arm64): with the bootstrap and the
    // questions, an arm64 target receives less than 200 KiB
    expect(elf.length).toBeLessThan(160 * 1024);
    expect(await helperBytesForArch('riscv64', { bundleDir: join(HELPER, '..') })).toMatch(/no helper is built for the target's architecture "riscv64"/);
    const arm = join(HELPER, '../sbx-helper-aarch64');
    const r = spawnSync('qemu-aarch64-static', [arm, '--remote', '--', 'read a /proc/version', 'stat b /etc/passwd', 'uname c', 'sync s'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ req: 'hello', arch: 'aarch64' });
    const live = createLiveHost();
    expect(decodeAnswer({ kind: 'read', path: '/proc/version' }, lines[1])).toEqual(live.readFile('/proc/version'));
    expect(decodeAnswer({ kind: 'stat', path: '/etc/passwd' }, lines[2])).toEqual(live.stat('/etc/passwd'));
    expect(lines[3]).toMatchObject({ req: 'uname', machine: 'aarch64' }); // qemu-user's own answer
  });
});
