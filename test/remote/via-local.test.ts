// --via with this machine itself as the target (`env` runs a command with stdin and stdout
// attached, like `docker exec -i` does inside a container): the report equals the local one,
// and the single executable alone, with no helper beside it, uploads the one it carries.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE, ensureSeaBuilt, SEA, SEA_POSSIBLE } from '../support/built.js';
import { comparable } from '../support/comparable.js';
import { schemaErrors } from '../support/schema.js';

function json(argv: string[]) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20, cwd: tmpdir() });
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.status, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(schemaErrors(report)).toEqual([]);
  return report;
}

describe('--via env: this machine as the target', () => {
  it('gives the report the tool gives when run here', () => {
    ensureSeaBuilt();
    const local = json([process.execPath, BUNDLE, '--json']);
    const via = json([process.execPath, BUNDLE, '--json', '--via', 'env']);
    expect(comparable(via)).toEqual(comparable(local));
    expect(via.root).toBe('via:env');
    expect(via.collection.roundTrips).toBeLessThanOrEqual(4);
  }, 60_000);

  it.runIf(SEA_POSSIBLE)('the single executable alone uploads its embedded helper, and leaves no copy behind', () => {
    ensureSeaBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'sbx-sea-alone-'));
    try {
      copyFileSync(SEA, join(dir, 'sbx-detect'));
      const via = json([join(dir, 'sbx-detect'), '--json', '--via', 'env']);
      expect(via.collection.helper).toEqual({ arch: 'x86_64', how: 'uploaded', removedOwnCopy: true });
      expect(via.facts.native.syscalls.known).toBe(true);
      expect(readdirSync(dir)).toEqual(['sbx-detect']);
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith('sbx-via.'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('sbx-detect node --via gives the node check the tool gives here, the KVM answer included', () => {
    ensureSeaBuilt();
    const strip = (r: Record<string, unknown>) => {
      for (const k of ['generatedAt', 'root', 'elapsedMs', 'collection']) delete r[k];
      return r;
    };
    const local = spawnSync(process.execPath, [BUNDLE, 'node', '--json'], { encoding: 'utf8', cwd: tmpdir() });
    const via = spawnSync(process.execPath, [BUNDLE, 'node', '--json', '--via', 'env'], { encoding: 'utf8', cwd: tmpdir() });
    expect(local.status, local.stderr).toBe(0);
    expect(via.status, via.stderr).toBe(0);
    const v = JSON.parse(via.stdout);
    expect(v.collection).toMatchObject({ method: 'remote', channel: 'env', helper: { how: 'uploaded', removedOwnCopy: true } });
    expect(strip(v)).toEqual(strip(JSON.parse(local.stdout)));
    const unreachable = spawnSync(process.execPath, [BUNDLE, 'node', '--via', '/nonexistent/ssh node1'], { encoding: 'utf8' });
    expect(unreachable.status).toBe(5);
    expect(unreachable.stderr).toMatch(/cannot collect through --via/);
  }, 60_000);

  it('usage errors: --helper-path without --via, a --via that does not split, --via with --root', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8' });
    expect(run(['--helper-path', '/x']).stderr).toMatch(/--helper-path applies to --via only/);
    const bad = run(['--via', 'docker exec "C']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unterminated double quote/);
    expect(run(['--via', 'env', '--root', '/']).status).toBe(2);
    const missing = run(['--via', '/nonexistent/kubectl exec -i p --']);
    expect(missing.status).toBe(5);
    expect(missing.stderr).toMatch(/cannot (start|run) \/nonexistent\/kubectl: ENOENT/);
  }, 60_000);
});
