// Captures from real runtimes (fixtures/captures/, made by `npm run matrix -- --capture`, see
// ORIGIN.md there): each archive, replayed offline, must give the verdict the live run gave on
// the machine it was captured on (recorded in INDEX.json at capture time).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seen } from '../support/seen.js';

const DIR = join(__dirname, '../../fixtures/captures');

interface Live { class: string; platform: string | null; hypervisor: string | null; tool: string | null; headline: string; seccompProfile: string | null }
const index = JSON.parse(readFileSync(join(DIR, 'INDEX.json'), 'utf8')) as Record<string, { case: string; live: Live }>;

/** The runtimes issue 4 asks real runs for; each must have a capture. */
const REAL_RUNTIMES = ['runc', 'crun', 'runsc', 'runsc-2024', 'bwrap', 'unshare', 'nspawn', 'lxc', 'qemu', 'runc-userns', 'crun-userns'];

describe('captures from real runtimes replay to the live verdict', () => {
  it('has a capture, with its ORIGIN.md, for every real runtime', () => {
    expect(existsSync(join(DIR, 'ORIGIN.md'))).toBe(true);
    expect(Object.keys(index).sort()).toEqual([...REAL_RUNTIMES].sort());
    for (const rt of REAL_RUNTIMES) expect(existsSync(join(DIR, `${rt}.json`)), `${rt}.json`).toBe(true);
  });

  it('every archive in the directory is in INDEX.json and named in ORIGIN.md; nothing else is', () => {
    const archives = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'INDEX.json').map((f) => f.slice(0, -'.json'.length)).sort();
    expect(archives).toEqual(Object.keys(index).sort());
    const origin = readFileSync(join(DIR, 'ORIGIN.md'), 'utf8');
    for (const rt of archives) expect(origin, `${rt}.json in ORIGIN.md`).toContain(`\`${rt}.json\``);
    // and ORIGIN.md's table names the matrix case INDEX.json records for each
    for (const [rt, entry] of Object.entries(index)) expect(origin, rt).toContain(`| \`${rt}.json\` | \`${entry.case}\` |`);
  });

  for (const [rt, entry] of Object.entries(index)) {
    it(`${rt} (${entry.case}): ${entry.live.headline}`, async () => {
      const v = (await seen(`capture:${rt}`, { syscalls: true })).verdict;
      expect({
        class: v.sandbox.class, platform: v.platform?.value ?? null, hypervisor: v.hypervisor?.value ?? null,
        tool: v.tool?.value ?? null, headline: v.headline, seccompProfile: v.seccompProfile?.verdict ?? null,
      }).toEqual(entry.live);
    });
  }
});
