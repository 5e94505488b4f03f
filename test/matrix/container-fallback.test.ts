// Below every class's threshold, a process in a pid namespace of its own is "container (runtime
// not identified)", not "unknown" (#12). Real: the built bundle as root under plain
// `unshare --pid --mount --fork --mount-proc` — no OCI runtime, no user namespace, the host's root,
// /dev and capabilities — where no class reaches its threshold. Root with every capability, no
// seccomp, nothing masked and the host's /dev/vda is privileged by the four criteria.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { THRESHOLD } from '../../src/classifier/sandbox.js';
import { BUNDLE, ensureBuilt } from '../support/built.js';
import { schemaErrors } from '../support/schema.js';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const why = process.getuid?.() !== 0 ? 'needs root' : !existsSync('/usr/bin/unshare') ? 'unshare (util-linux) is missing' : null;

describe('no class reaches its threshold: container (runtime not identified)', () => {
  it(`unshare --pid --mount as root: class container, headline says so, privileged${why ? ` — ${CI ? 'FAILS' : 'SKIPPED'}: ${why}` : ''}`, (ctx) => {
    if (why) {
      if (CI) throw new Error(why);
      ctx.skip();
      return;
    }
    ensureBuilt();
    const r = spawnSync('unshare', ['--pid', '--mount', '--fork', '--mount-proc', process.execPath, BUNDLE, '--json'], { input: '', encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(report)).toEqual([]);
    const v = report.verdict;
    expect(v.sandbox.class).toBe('container');
    expect(v.sandbox.candidates.every((c: { score: number }) => c.score < THRESHOLD)).toBe(true);
    expect(v.sandbox.evidence.map((e: { signal: string }) => e.signal)).toContain('private-pid-ns');
    expect(v.headline).toBe('privileged container (runtime not identified)');
    expect(v.privileged.privileged).toBe(true);
    expect(v.privileged.criteria.map((c: { holds: boolean }) => c.holds)).toEqual([true, true, true, true]);
  }, 180_000);
});
