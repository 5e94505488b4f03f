// The launcher's own filter and no_new_privs are set aside: the probe's flags are reported as the
// place gave them (src/helper/launcher.c adds one filter, clone3 → ENOSYS, and sets
// no_new_privs). The facts are a real runc capture's, with the launcher's note laid over them as
// it would read there (the note's format: src/probes/launcher.ts).
import { describe, expect, it } from 'vitest';
import { probeSideProcess } from '../../src/classifier/workload.js';
import { known } from '../../src/probes/fact.js';
import type { Facts } from '../../src/probes/index.js';
import { seen } from '../support/seen.js';

const SOURCE = 'env SBX_LAUNCHER (src/helper/launcher.c)';

function withLauncher(f: Facts, filters: number, nnpBefore: boolean): Facts {
  return {
    ...f,
    launcher: known({ clone3Errno: 1, filter: 'clone3-enosys', noNewPrivsBefore: nnpBefore }, SOURCE),
    process: { ...f.process, seccomp: known('filtering', '/proc/self/status Seccomp'), noNewPrivs: known(true, '/proc/self/status NoNewPrivs'), seccompFilters: known(filters, '/proc/self/status Seccomp_filters') },
  };
}

describe('the launcher\'s own doing, set aside', () => {
  it('one filter more than the place gave, and no_new_privs as it was before', async () => {
    const { facts } = await seen('capture:runc');
    const p = probeSideProcess(withLauncher(facts, 2, false));
    expect(p.seccompFilters).toMatchObject({ known: true, value: 1 });
    expect(p.seccomp).toMatchObject({ known: true, value: 'filtering' });
    expect(p.noNewPrivs).toMatchObject({ known: true, value: false });
  });

  it('where its filter is the only one, the place gave none: seccomp disabled, said so', async () => {
    const { facts } = await seen('capture:runc');
    const p = probeSideProcess(withLauncher(facts, 1, true));
    expect(p.seccompFilters).toMatchObject({ known: true, value: 0 });
    expect(p.seccomp).toMatchObject({ known: true, value: 'disabled', source: expect.stringMatching(/the only filter is the launcher's own/) });
    expect(p.noNewPrivs).toMatchObject({ known: true, value: true });
  });
});
