// `sbx-detect --replay SNAP --declared pod.json` (#15): the declared ⇄ enforced comparison
// offline, through the built bundle, against snapshots captured inside real runtimes
// (fixtures/captures: runc as root with Docker's defaults, runsc hardened).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, ensureBuilt, PROJECT } from '../support/built.js';
import { schemaErrors } from '../support/schema.js';
import { parseYamlDocuments } from '../ship/yaml-subset.js';
import { spawnSync } from 'node:child_process';

type Obj = Record<string, any>;
const work = mkdtempSync(join(tmpdir(), 'sbx-declared-cli-'));
const capture = (name: string) => join(PROJECT, 'fixtures/captures', `${name}.json`);
const run = (args: string[]) => spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
const file = (name: string, doc: unknown) => {
  const p = join(work, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
};

// the seed's StatefulSet, rendered to the pod its controller would create
const deploy = (f: string) => parseYamlDocuments(readFileSync(join(PROJECT, 'deploy', f), 'utf8')) as Obj[];
const sts = deploy('recon-statefulset.yaml').find((d) => d.kind === 'StatefulSet')!;
const SEED_POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${sts.metadata.name}-0`, namespace: 'recon', labels: sts.spec.template.metadata.labels }, spec: sts.spec.template.spec };
const GVISOR_CLASS = deploy('runtimeclasses.yaml').find((d) => d.metadata?.name === 'gvisor')!;

describe('sbx-detect --declared', () => {
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the seed\'s pod, as kubectl get pod gives it, matches the snapshot taken inside runsc (exit 0) and not the one inside runc (exit 1, each field named on stderr)', () => {
    const pod = file('seed-pod.json', SEED_POD);
    const gv = run(['--replay', capture('runsc'), '--declared', pod, '--json']);
    expect(gv.status, gv.stderr).toBe(0);
    const g = JSON.parse(gv.stdout);
    expect(schemaErrors(g)).toEqual([]);
    expect(g.declared).toMatchObject({ status: 'match', exitCode: 0, spec: { pod: 'sbx-recon-0', container: 'sbx-detect', sandbox: { runtimeClassName: 'gvisor', handler: null } } });
    expect(g.declared.rows.filter((r: Obj) => r.status !== 'match')).toEqual([]);
    expect(gv.stderr).toBe('');

    const rc = run(['--replay', capture('runc'), '--declared', pod, '--json']);
    expect(rc.status).toBe(1);
    const r = JSON.parse(rc.stdout);
    expect(r.declared.mismatches).toEqual(['runtimeClassName', 'capabilities', 'allowPrivilegeEscalation', 'runAsNonRoot', 'runAsUser', 'runAsGroup', 'readOnlyRootFilesystem']);
    const lines = rc.stderr.trim().split('\n');
    expect(lines.map((l) => /^sbx-detect: --declared ✗ (\w+): declared /.exec(l)?.[1])).toEqual(r.declared.mismatches);
    expect(lines[0]).toContain('✗ runtimeClassName: declared gvisor → handler unknown → gvisor, enforced runc-class (runc)');
  });

  it('a List with the Pod and its RuntimeClass gives the handler; as tables, the comparison is its own section', () => {
    const list = file('list.json', { apiVersion: 'v1', kind: 'List', items: [SEED_POD, GVISOR_CLASS] });
    const r = run(['--replay', capture('runsc'), '--declared', list]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Declared ⇄ enforced \(recon\/sbx-recon-0, container sbx-detect\) ✓ every field matches/);
    expect(r.stdout).toMatch(/│ ✓ +│ runtimeClassName +│ gvisor → handler runsc → +│ gvisor \(ptrace\)/);
  });

  it('a file that is not a pod is a usage error naming what is wrong (exit 2); snapshot takes no --declared', () => {
    const cases: [string, RegExp][] = [
      [join(work, 'absent.json'), /--declared \S+absent\.json: ENOENT/],
      [file('text.json', 'apiVersion: v1'), /not JSON/],
      [file('deploy.json', { kind: 'Deployment', spec: {} }), /a Deployment, not a Pod/],
      [file('two.json', { kind: 'List', items: [SEED_POD, SEED_POD] }), /a List with 2 Pods: give one/],
    ];
    for (const [path, message] of cases) {
      const r = run(['--replay', capture('runc'), '--declared', path]);
      expect(r.status, path).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const snap = run(['snapshot', '-o', join(work, 's.json'), '--declared', file('p.json', SEED_POD)]);
    expect(snap.status).toBe(2);
    expect(snap.stderr).toContain('--declared applies to a report');
  }, 60_000); // six runs of the bundle, each replaying a capture: past the 5 s default under load
});
