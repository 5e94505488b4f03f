// The helper starts before the file probes (probes/index.ts gatherFacts): it gets the lines
// that need no file fact first, and the syscall plan — built from the file facts — later on
// the same run. Checked on a recorded capture (runc) with a host that notes the order of events.
import { describe, expect, it } from 'vitest';
import { gatherFacts } from '../../src/probes/index.js';
import { nativeHead, nativePlan } from '../../src/probes/native.js';
import type { Host } from '../../src/readers/host.js';
import { captureHost as capture } from '../support/seen.js';

describe('the native helper starts beside the file probes', () => {
  it('runHelper comes first with the head; the rest of the plan follows once the files are read, and the whole is the plan', async () => {
    const inner = capture('runc');
    const events: string[] = [];
    let head: string[] = [];
    let rest: string[] | null = null;
    const host: Host = {
      ...inner,
      readFile: (p, e) => (events.push('file'), inner.readFile(p, e)),
      async runHelper(plan, opts) {
        events.push('helper');
        head = plan;
        rest = opts.more ? await opts.more : [];
        events.push('rest');
        return inner.runHelper([...plan, ...rest], opts);
      },
    };
    const facts = await gatherFacts(host, { helper: true, syscalls: true });
    expect(events[0]).toBe('helper');
    expect(events.indexOf('rest')).toBeGreaterThan(events.lastIndexOf('file'));
    const machine = inner.uname().machine;
    expect(head).toEqual(nativeHead(machine));
    const { plan } = nativePlan(machine, facts, { helper: true, syscalls: true });
    expect([...head, ...(rest ?? [])]).toEqual(plan);
    expect(rest!.length).toBeGreaterThan(300);
    expect(facts.native.syscalls.known).toBe(true);
  });

  it('a host that waits for the rest before it answers anything still gets it (no wait that nothing ends)', async () => {
    const inner = capture('runc');
    const host: Host = {
      ...inner,
      async runHelper(plan, opts) {
        const rest = opts.more ? await opts.more : [];
        return inner.runHelper([...plan, ...rest], opts);
      },
    };
    // gatherFacts must hand over the rest without waiting for anything from the helper first
    const facts = await Promise.race([
      gatherFacts(host, { helper: true, syscalls: true }),
      new Promise<null>((r) => setTimeout(() => r(null), 5000)),
    ]);
    expect(facts, 'gatherFacts hung on a host that does not say it started').not.toBeNull();
  });

  it('a file probe that throws ends the helper\'s plan where it is (it does not wait on its stdin) and the error goes up', async () => {
    const inner = capture('runc');
    let rest: string[] | null = null;
    const host: Host = {
      ...inner,
      readFile: () => { throw new Error('a reader bug'); },
      async runHelper(plan, opts) {
        rest = opts.more ? await opts.more : [];
        return inner.runHelper([...plan, ...rest], opts);
      },
    };
    await expect(gatherFacts(host, { helper: true, syscalls: true })).rejects.toThrow('a reader bug');
    await new Promise((r) => setImmediate(r));
    expect(rest).toEqual([]);
  });
});
