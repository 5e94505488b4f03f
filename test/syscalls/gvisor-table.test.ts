// The gVisor table as data (#17): its generated part is what scripts/gen-gvisor-table.mjs reads
// from linux64.go at each tag (when a clone of google/gvisor is at hand), every number names the
// same call as the Linux table, and every hand-read entry is a call that release implements.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GVISOR_TABLES } from '../../src/probes/syscalls/gvisor-table.js';
import { SYSCALL_TABLE, rowByName } from '../../src/probes/syscalls/table.js';
import { PROJECT } from '../support/built.js';

const GVISOR_GIT = process.env.SBX_GVISOR_GIT ?? '/work/.mirror/google+gvisor/repo';
const HAVE_GVISOR = existsSync(GVISOR_GIT);
/** gVisor's names that differ from the kernel's (gVisor: ours) */
const RENAMED: Record<string, string> = { sysctl: '_sysctl' };

describe('gVisor syscall tables', () => {
  for (const t of GVISOR_TABLES) {
    const title = `${t.release}: the generated part is linux64.go at that tag (scripts/gen-gvisor-table.mjs)`;
    if (!HAVE_GVISOR) it.skip(`${title} — SKIPPED: no gVisor clone at ${GVISOR_GIT} (set SBX_GVISOR_GIT)`, () => {});
    else it(title, () => {
      const generated = execFileSync(process.execPath, [join(PROJECT, 'scripts/gen-gvisor-table.mjs'), GVISOR_GIT, t.release], { encoding: 'utf8' });
      const source = readFileSync(join(PROJECT, 'src/probes/syscalls/gvisor-table.ts'), 'utf8');
      expect(source).toContain(generated.trimEnd());
    });

    it(`${t.release}: every stub's number is that call in the Linux table, and is registered`, () => {
      for (const [nr, stub] of Object.entries(t.stubs)) {
        const row = SYSCALL_TABLE.find((r) => r.nr.x86_64 === Number(nr) && !r.call);
        expect(row?.name, `${nr} ${stub.name}`).toBe(RENAMED[stub.name] ?? stub.name);
        expect(t.registered.some(([a, b]) => Number(nr) >= a && Number(nr) <= b), stub.name).toBe(true);
        expect(stub.how === 'cap-error' ? stub.cap : stub.errno, stub.name).toMatch(/^(CAP_|E)[A-Z_]+$/);
      }
    });

    it(`${t.release}: every hand-read entry is a probe row the release implements, with its source`, () => {
      for (const [name, impl] of Object.entries(t.implemented)) {
        const row = rowByName(name);
        expect(row, name).toBeDefined();
        const nr = row!.nr.x86_64!;
        expect(t.stubs[nr], `${name} is a stub in ${t.release}`).toBeUndefined();
        expect(t.registered.some(([a, b]) => nr >= a && nr <= b), name).toBe(true);
        expect(impl.src, name).toMatch(/^sys_\w+\.go:\d+(-\d+)?(,\d+(-\d+)?)*$/);
        expect(impl.answers.length, name).toBeGreaterThan(0);
      }
    });
  }
});
