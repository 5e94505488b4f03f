// Issue #21: gVisor's uname is the same in every release, so the release whose syscall table the
// answers are read against is inferred from the answers themselves. Tested on captures of both
// real releases this machine runs (fixtures/captures/runsc.json: 20221219 on ptrace;
// runsc-2024.json: 20240729 on systrap; ORIGIN.md there), each read against every recorded table
// and against sets that leave its own release out — as a release between two recorded ones, or
// newer or older than all of them, would be read. With no seccomp filter in force, no answer may
// then read as a filter's or as ambiguous: it degrades to gVisor's own "not implemented" or
// "refused", or to an implemented call, with the reason.
import { describe, expect, it } from 'vitest';
import { gatherFileFacts } from '../../src/probes/index.js';
import { buildSyscallScan } from '../../src/probes/syscalls/scan.js';
import { type SyscallScan, syscallDispositions } from '../../src/probes/syscalls/dispositions.js';
import { GVISOR_TABLES, type GvisorRelease } from '../../src/probes/syscalls/gvisor-table.js';
import { captureHost } from '../support/seen.js';

async function readCapture(file: string, releases: GvisorRelease[]): Promise<SyscallScan> {
  const host = captureHost(file.replace(/\.json$/, ''));
  const plan = buildSyscallScan('x86_64', gatherFileFacts(host));
  if (!plan) throw new Error('no plan');
  const answer = await host.runHelper([], { timeoutMs: 1000 });
  return syscallDispositions(plan, answer, GVISOR_TABLES.filter((t) => releases.includes(t.release)));
}

const ALL: GvisorRelease[] = ['release-20221219.0', 'release-20240729.0', 'release-20260817.0'];
const names = (scan: SyscallScan, pick: (r: SyscallScan['results'][number]) => boolean) => scan.results.filter(pick).map((r) => r.name).sort();
const filterOrAmbiguous = (scan: SyscallScan) =>
  names(scan, (r) => r.disposition === 'ambiguous' || r.answeredBy === 'filter' || r.answeredBy === 'sandbox-or-filter');

describe('gVisor release inference on captures of both real releases (#21)', () => {
  it('every recorded table: each capture reads as its own release, exactly', async () => {
    const old = await readCapture('runsc.json', ALL);
    const now = await readCapture('runsc-2024.json', ALL);
    expect(old.gvisor).toMatchObject({ release: 'release-20221219.0', match: 'exact', seccomp: 'disabled' });
    expect(now.gvisor).toMatchObject({ release: 'release-20240729.0', match: 'exact', seccomp: 'disabled' });
    expect(filterOrAmbiguous(old)).toEqual([]);
    expect(filterOrAmbiguous(now)).toEqual([]);
  });

  it('20240729 answers, its own table left out (a release between 20221219 and 20260817): the closest, and nothing a filter\'s or ambiguous', async () => {
    const scan = await readCapture('runsc-2024.json', ['release-20221219.0', 'release-20260817.0']);
    expect(scan.gvisor?.match).toBe('closest');
    expect(scan.gvisor?.basis).toMatch(/none of the recorded ones/);
    expect(filterOrAmbiguous(scan)).toEqual([]);
    const r = new Map(scan.results.map((x) => [x.name, x]));
    // setns, clone3 and process_vm_readv are implemented in 20240729 (linux64.go at the tag has no stub
    // for them): their argument checks answered, so they are allowed whichever neighbour is closest
    for (const name of ['setns', 'clone3', 'process_vm_readv', 'process_vm_writev']) expect(r.get(name)?.disposition, name).toBe('allowed');
    // io_uring is off by default from 20230118 on: ENOSYS, gVisor's own "not implemented"
    for (const name of ['io_uring_setup', 'io_uring_enter']) expect(r.get(name), name).toMatchObject({ disposition: 'not-implemented', errno: 'ENOSYS', answeredBy: 'sandbox' });
  });

  it('20240729 answers read against 20221219 alone (newer than every recorded release): still nothing a filter\'s or ambiguous', async () => {
    const scan = await readCapture('runsc-2024.json', ['release-20221219.0']);
    expect(scan.gvisor).toMatchObject({ release: 'release-20221219.0', match: 'closest' });
    expect(filterOrAmbiguous(scan)).toEqual([]);
    // where 20240729 differs from 20221219's table: the stubs it dropped (keyctl, setns, clone3,
    // process_vm_readv/writev; linux64.go at both tags) and io_uring, off by default since 20230118
    const differs = scan.results.filter((x) => x.reason?.includes('this release differs'));
    expect(differs.map((x) => x.name).sort()).toEqual(['clone3', 'io_uring_enter', 'io_uring_setup', 'keyctl', 'process_vm_readv', 'process_vm_writev', 'setns']);
    for (const r of differs) expect(r.reason, r.name).toMatch(/No seccomp filter is in force, so the answer is gVisor's own/);
  });

  it('20221219 answers read against the two newer tables (older than every recorded release): nothing a filter\'s or ambiguous', async () => {
    const scan = await readCapture('runsc.json', ['release-20240729.0', 'release-20260817.0']);
    expect(scan.gvisor?.match).toBe('closest');
    expect(filterOrAmbiguous(scan)).toEqual([]);
  });

  it('uprobe and uretprobe reached the host kernel under systrap (its seccomp interception lets them past), never under ptrace', async () => {
    const now = await readCapture('runsc-2024.json', ALL);
    const old = await readCapture('runsc.json', ALL);
    // the capture's host kernel was not recorded (ORIGIN.md); these are the answers of one that runs
    // both calls before seccomp (uretprobe from 6.11, uprobe from 6.18), as recorded in the archive
    expect(names(now, (r) => r.disposition === 'host-kernel')).toEqual(['uprobe', 'uretprobe']);
    const uprobe = now.results.find((r) => r.name === 'uprobe')!;
    expect(uprobe).toMatchObject({ errno: 'ENXIO', answeredBy: 'host-kernel' });
    expect(uprobe.reason).toMatch(/reached the host kernel.*systrap platform intercepts syscalls with a seccomp filter/);
    expect(names(old, (r) => r.disposition === 'host-kernel')).toEqual([]);
    expect(old.results.find((r) => r.name === 'uprobe')).toMatchObject({ disposition: 'not-implemented', errno: 'ENOSYS' });
  });
});
