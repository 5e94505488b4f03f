// createRemoteHost's selfPid: every /proc/self/… question is asked about another process, as an
// ephemeral debug container asks about its target. Over a real channel (`env` runs the bootstrap
// here) with the real helper uploaded: the answers are that process's, /proc/thread-self stays
// the helper's own, and a path that only starts with the letters "/proc/self" is left alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/readers/host.js';
import { createRemoteHost } from '../../src/readers/remote/remote-host.js';
import { ensureBuilt, HELPER } from '../support/built.js';

let target: ChildProcess;
beforeAll(() => {
  ensureBuilt();
  // a process unlike the helper: its own name, and its own mount namespace is not needed
  target = spawn('sleep', ['60'], { stdio: 'ignore' });
});
afterAll(() => {
  target.kill('SIGKILL');
});

async function collect(selfPid: number | undefined, ask: (h: Host) => void) {
  const host = createRemoteHost({
    via: ['env'], label: 'env', timeoutMs: 20_000, selfPid,
    helperFor: async () => new Uint8Array(readFileSync(HELPER)),
  });
  const r = await host.prefetch((h) => {
    ask(h);
    return null;
  });
  expect(r).toEqual({ ok: true });
  return host;
}

const line = (status: string, key: string) => status.split('\n').find((l) => l.startsWith(`${key}:`))?.split(/\s+/)[1];

describe('createRemoteHost selfPid', () => {
  it('answers /proc/self/… for that pid; /proc/thread-self/… and other paths stay as asked', async () => {
    const pid = target.pid!;
    const paths = ['/proc/self/status', '/proc/thread-self/status', '/proc/selfish'];
    const host = await collect(pid, (h) => {
      for (const p of paths) h.readFile(p);
      h.readLink('/proc/self/ns/mnt');
      h.readDir('/proc/self/ns');
      h.stat('/proc/self');
    });
    const status = host.readFile('/proc/self/status');
    expect(status.ok).toBe(true);
    if (!status.ok) return;
    expect(line(status.value, 'Name')).toBe('sleep');
    expect(line(status.value, 'Pid')).toBe(String(pid));
    const own = host.readFile('/proc/thread-self/status');
    expect(own.ok && line(own.value, 'Name')).toBe('sbx-helper');
    expect(own.ok && line(own.value, 'Pid')).not.toBe(String(pid));
    const selfish = host.readFile('/proc/selfish');
    expect(selfish.ok).toBe(false);
    if (!selfish.ok) expect(selfish.error).toMatchObject({ code: 'ENOENT', path: '/proc/selfish' });
    expect(host.readLink('/proc/self/ns/mnt')).toEqual({ ok: true, value: readlinkSync(`/proc/${pid}/ns/mnt`) });
    const ns = host.readDir('/proc/self/ns');
    expect(ns.ok && ns.value).toContain('pid');
    const st = host.stat('/proc/self');
    expect(st.ok && st.value.type).toBe('dir'); // /proc/PID itself, not the magic link
  }, 30_000);

  it('without it, /proc/self/… is the helper itself', async () => {
    const host = await collect(undefined, (h) => h.readFile('/proc/self/status'));
    const status = host.readFile('/proc/self/status');
    expect(status.ok && line(status.value, 'Name')).toBe('sbx-helper');
  }, 30_000);

  it('says which path failed when the process is gone', async () => {
    const host = await collect(2 ** 22 + 7, (h) => h.readFile('/proc/self/status'));
    const r = host.readFile('/proc/self/status');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'ENOENT', path: `/proc/${2 ** 22 + 7}/status` });
  }, 30_000);
});
