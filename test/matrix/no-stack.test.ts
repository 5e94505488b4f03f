// `npm run matrix` on a machine without an engine: each case that cannot run is a row of the
// table saying what to install, and nothing prints a stack trace (issue #26: before the engines
// were installed, the matrix stopped with a raw ENOENT for /usr/share/containers/containers.conf).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineCase, MatrixCase } from './cases.js';
import { renderTable, runMatrix } from './table.js';

const PROJECT = join(__dirname, '../..');
const STACK = /^\s+at .+[:(]\d+/m;

describe('npm run matrix never prints a stack trace', () => {
  it('a missing engine file: the row names the package to install', () => {
    const r = spawnSync(process.execPath, [join(PROJECT, 'scripts/matrix.mjs'), '--only', 'podman-default'], {
      cwd: PROJECT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, SBX_CONTAINERS_CONF: '/nonexistent/containers.conf' },
    });
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(r.stdout + r.stderr).not.toContain('ENOENT');
    expect(r.stdout).toMatch(/^\| podman \(podman-default\) \| sea \| \*\*cannot start: podman: \/nonexistent\/containers\.conf is missing \(apt-get install golang-github-containers-common/m);
    expect(r.status).toBe(1); // the row differs from its declaration
  }, 120_000);

  it('a case that throws: its row says why, the other cases still run', async () => {
    // an engine case without its declaration: runCase throws a TypeError reading it
    const broken = { kind: 'engine', id: 'broken', runtime: 'docker', artifacts: ['via'], expect: {}, flags: '' } as unknown as EngineCase;
    const fine = { ...broken, id: 'fine', unavailable: 'docker: /usr/bin/docker is missing (apt-get install docker.io)' } as EngineCase;
    const m = await runMatrix({ cases: [broken, fine] as MatrixCase[] });
    expect(m.rows.map((r) => r.c.id)).toEqual(['broken', 'fine']);
    const table = renderTable(m.rows);
    expect(table).toMatch(/\| docker \(broken\) \| via \| \*\*cannot start: docker: Cannot read properties of undefined/);
    expect(table).toContain('**cannot start: docker: /usr/bin/docker is missing (apt-get install docker.io)**');
    expect(table).not.toMatch(STACK);
  });
});
