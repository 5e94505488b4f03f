// The run-time search for the helper (src/readers/helper-location.ts): the order, the reasons,
// and, in a real single executable, extraction, the exec test on noexec mounts and removal of the
// extracted copy on every exit path (cleanup(), plain exit, SIGTERM, SIGINT).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractionDirs, locateHelper } from '../../src/readers/helper-location.js';
import { buildSea } from '../../scripts/build-sea.mjs';
import { PROJECT, have, isRoot, linuxX64, makeTemp, removeTemp, staticHelper } from './support.js';

let tmp: string;
let helper: string | null;

beforeAll(() => {
  tmp = makeTemp('loc');
  helper = staticHelper(tmp);
});
afterAll(() => removeTemp(tmp));

describe('locateHelper, in process', () => {
  it('takes SBX_HELPER first', async () => {
    if (!helper) return;
    const r = await locateHelper({ env: { SBX_HELPER: helper }, execPath: join(tmp, 'nowhere/node'), bundleDir: null, embedded: async () => null });
    expect(r).toMatchObject({ ok: true, path: helper, how: 'SBX_HELPER' });
  });

  it('then the helper next to the executable, then next to the bundle', async () => {
    if (!helper) return;
    const a = join(tmp, 'exe'), b = join(tmp, 'bundle');
    mkdirSync(a);
    mkdirSync(b);
    copyFileSync(helper, join(b, 'sbx-helper'));
    const viaBundle = await locateHelper({ env: {}, execPath: join(a, 'node'), bundleDir: b, embedded: async () => null });
    expect(viaBundle).toMatchObject({ ok: true, path: join(b, 'sbx-helper'), how: 'next to the bundle' });
    copyFileSync(helper, join(a, 'sbx-helper'));
    const viaExe = await locateHelper({ env: { SBX_HELPER: join(tmp, 'missing') }, execPath: join(a, 'node'), bundleDir: b, embedded: async () => null });
    expect(viaExe).toMatchObject({ ok: true, path: join(a, 'sbx-helper'), how: 'next to the executable' });
  });

  it('names every place tried and why it failed', async () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    const r = await locateHelper({
      env: { SBX_HELPER: join(tmp, 'no-such-helper') },
      execPath: join(empty, 'node'),
      bundleDir: null,
      // not an executable: the exec test must refuse it
      embedded: async () => new TextEncoder().encode('\x7fELF but not really\n'),
      extractDirs: [join(tmp, 'no-such-dir'), empty],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain(`SBX_HELPER=${join(tmp, 'no-such-helper')} (ENOENT)`);
    expect(r.reason).toContain(`${join(empty, 'sbx-helper')} (ENOENT)`);
    expect(r.reason).toContain(`extract into ${join(tmp, 'no-such-dir')} (cannot create a directory: ENOENT)`);
    expect(r.reason).toMatch(new RegExp(`extract into ${empty} \\((exec failed|exec test exited)`));
    expect(readdirSync(empty)).toEqual([]); // the failed attempt left nothing behind
  });

  it('without an embedded copy says so', async () => {
    const r = await locateHelper({ env: {}, execPath: join(tmp, 'x/node'), bundleDir: null, embedded: async () => null });
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.reason).toContain('embedded copy (not running as a single executable');
  });

  it('extracts an embedded helper into a private 0700 directory and removes it on cleanup()', async () => {
    if (!helper) return;
    const base = mkdtempSync(join(tmp, 'base-'));
    const r = await locateHelper({ env: {}, execPath: join(tmp, 'y/node'), bundleDir: null, embedded: async () => readFileSync(helper!), extractDirs: [base] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.how).toMatch(new RegExp(`^extracted into ${base}/sbx-detect-`));
    expect(statSync(join(r.path, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(r.path).mode & 0o777).toBe(0o700);
    expect(spawnSync(r.path, [], { input: 'timeout_ms 500\n', encoding: 'utf8' }).stdout).toBe('{"req":"timeout_ms","value":500}\n');
    r.cleanup();
    r.cleanup(); // idempotent
    expect(readdirSync(base)).toEqual([]);
  });

  it('orders the extraction places TMPDIR, /tmp, /dev/shm, /run, HOME, the executable directory', () => {
    expect(extractionDirs({ TMPDIR: '/scratch/', HOME: '/home/u' }, '/opt/sbx/sbx-detect')).toEqual(['/scratch', '/tmp', '/dev/shm', '/run', '/home/u', '/opt/sbx']);
    expect(extractionDirs({ TMPDIR: '/tmp', HOME: 'relative' }, '/tmp/sbx-detect')).toEqual(['/tmp', '/dev/shm', '/run']);
  });
});

// ---- a real single executable whose main script only locates the helper ----

const ENTRY = `
const { spawnSync } = require('node:child_process');
const { locateHelper } = require(${JSON.stringify(join(PROJECT, 'src/readers/helper-location.ts'))});
locateHelper().then((r) => {
  const out = r.ok ? { ok: true, how: r.how, path: r.path } : { ok: false, reason: r.reason };
  if (r.ok) out.answer = spawnSync(r.path, [], { input: 'timeout_ms 500\\n', encoding: 'utf8' }).stdout;
  process.stdout.write(JSON.stringify(out) + '\\n');
  if (process.env.MODE === 'wait') setInterval(() => {}, 1000); // until a signal comes
  else if (process.env.MODE !== 'no-cleanup' && r.ok) r.cleanup();
});
`;

describe.runIf(linuxX64 && have('musl-gcc'))('locateHelper inside a single executable', () => {
  let seaDir: string; // not under /tmp: the noexec case mounts over /tmp
  let sea: string;
  beforeAll(async () => {
    if (!helper) throw new Error('no static helper');
    mkdirSync(join(PROJECT, '.cache'), { recursive: true });
    seaDir = mkdtempSync(join(PROJECT, '.cache', 'sbx-ship-sea-'));
    writeFileSync(join(seaDir, 'entry.cjs'), ENTRY);
    await build({ entryPoints: [join(seaDir, 'entry.cjs')], outfile: join(seaDir, 'main.cjs'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    sea = (await buildSea({ outDir: seaDir, bundle: join(seaDir, 'main.cjs'), helper, output: 'locate', quiet: true })).path;
  }, 120_000);
  afterAll(() => removeTemp(seaDir));

  function runSea(env: Record<string, string>, exe = sea) {
    const r = spawnSync(exe, [], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 30_000 });
    expect(r.stderr).toBe('');
    return { status: r.status, out: JSON.parse(r.stdout.trim().split('\n').pop()!) };
  }

  it('extracts into TMPDIR, the helper answers, and the directory is gone afterwards', () => {
    const t = mkdtempSync(join(tmp, 'tmpdir-'));
    const { status, out } = runSea({ TMPDIR: t });
    expect(status).toBe(0);
    expect(out.how).toMatch(new RegExp(`^extracted into ${t}/sbx-detect-`));
    expect(out.answer).toBe('{"req":"timeout_ms","value":500}\n');
    expect(readdirSync(t)).toEqual([]);
  });

  it('removes the directory at exit even when cleanup() is never called', () => {
    const t = mkdtempSync(join(tmp, 'tmpdir-'));
    const { out } = runSea({ TMPDIR: t, MODE: 'no-cleanup' });
    expect(out.ok).toBe(true);
    expect(readdirSync(t)).toEqual([]);
  });

  it('prefers SBX_HELPER and the helper next to the executable to extraction', () => {
    const t = mkdtempSync(join(tmp, 'tmpdir-'));
    expect(runSea({ TMPDIR: t, SBX_HELPER: helper! }).out).toMatchObject({ ok: true, how: 'SBX_HELPER', path: helper });
    const beside = mkdtempSync(join(seaDir, 'beside-'));
    linkSync(sea, join(beside, 'sbx-detect'));
    copyFileSync(helper!, join(beside, 'sbx-helper'));
    expect(runSea({ TMPDIR: t }, join(beside, 'sbx-detect')).out).toMatchObject({ ok: true, how: 'next to the executable', path: join(beside, 'sbx-helper') });
    expect(readdirSync(t)).toEqual([]);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`removes the directory on ${signal} and still dies of ${signal}`, async () => {
      const t = mkdtempSync(join(tmp, 'tmpdir-'));
      const child = spawn(sea, [], { env: { PATH: '/usr/bin:/bin', TMPDIR: t, MODE: 'wait' }, stdio: ['ignore', 'pipe', 'inherit'] });
      const first = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (b: Buffer) => {
          buf += b.toString();
          if (buf.includes('\n')) resolve(buf);
        });
        child.on('error', reject);
        setTimeout(() => reject(new Error('no output')), 20_000);
      });
      const out = JSON.parse(first);
      expect(out.ok).toBe(true);
      expect(existsSync(out.path)).toBe(true);
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
      child.kill(signal);
      expect(await ended).toEqual({ code: null, signal });
      expect(readdirSync(t)).toEqual([]);
    }, 30_000);
  }

  // The checkout (and so $2, the SEA's directory) may itself live under /tmp, as a CI clone can:
  // park it on /mnt before /tmp is covered, and bind it back at the same path afterwards. All of
  // this happens in the private mount namespace only.
  const KEEP_SEA_DIR_VISIBLE_BEFORE = ['mount --bind "$2" /mnt'];
  const KEEP_SEA_DIR_VISIBLE_AFTER = ['mkdir -p "$2"', 'mount --bind /mnt "$2"'];

  it.runIf(isRoot && have('unshare'))('skips noexec places (TMPDIR, /tmp, /dev/shm, /run, HOME) and lands beside the executable', () => {
    const script = [
      'set -e',
      ...KEEP_SEA_DIR_VISIBLE_BEFORE,
      'for d in /tmp /dev/shm /run; do mount -t tmpfs -o noexec,nosuid,nodev,mode=1777 sbx-noexec "$d"; done',
      ...KEEP_SEA_DIR_VISIBLE_AFTER,
      'exec env -i PATH=/usr/bin:/bin TMPDIR=/tmp HOME=/run "$1"',
    ].join('\n');
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', sea, seaDir], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim());
    expect(out.how).toMatch(new RegExp(`^extracted into ${seaDir}/sbx-detect-`));
    expect(out.answer).toBe('{"req":"timeout_ms","value":500}\n');
    expect(readdirSync(seaDir).filter((n) => n.startsWith('sbx-detect-'))).toEqual([]);
  });

  it.runIf(isRoot && have('unshare'))('names every place when none works (noexec tmpfs everywhere, read-only executable directory)', () => {
    const script = [
      'set -e',
      ...KEEP_SEA_DIR_VISIBLE_BEFORE,
      'for d in /tmp /dev/shm /run; do mount -t tmpfs -o noexec,nosuid,nodev,mode=1777 sbx-noexec "$d"; done',
      ...KEEP_SEA_DIR_VISIBLE_AFTER,
      'mount --bind "$2" "$2" && mount -o remount,bind,ro "$2"', // like an image's read-only root
      'exec env -i PATH=/usr/bin:/bin TMPDIR=/tmp HOME=/run "$1"',
    ].join('\n');
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', sea, seaDir], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim());
    expect(out.ok).toBe(false);
    expect(out.reason).toContain(`${seaDir}/sbx-helper (ENOENT)`);
    for (const d of ['/tmp', '/dev/shm', '/run']) expect(out.reason).toContain(`extract into ${d} (exec failed: EACCES)`);
    expect(out.reason).toContain(`extract into ${seaDir} (cannot create a directory: EROFS)`);
  });
});
