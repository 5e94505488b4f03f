// Every manifest in deploy/ parses (strict YAML subset, cross-checked with PyYAML when the host
// has it) and has the fields issue 7 asks for: the RuntimeClasses and their handlers, a hardened
// recon StatefulSet, and Jobs that assert the sandbox with --expect and fail when it does not hold.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT } from './support.js';
import { parseYamlDocuments, type YamlValue } from './yaml-subset.js';

type Obj = { [k: string]: any };
const DEPLOY = join(PROJECT, 'deploy');
const files = readdirSync(DEPLOY).filter((f) => /\.ya?ml$/.test(f)).sort();
const docs: { file: string; doc: Obj }[] = files.flatMap((file) =>
  parseYamlDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map((doc) => ({ file, doc: doc as Obj })),
);
const ofKind = (kind: string) => docs.filter((d) => d.doc.kind === kind);

const RUNTIME_CLASSES: Record<string, string> = { gvisor: 'runsc', kata: 'kata', 'kata-qemu': 'kata-qemu', 'kata-clh': 'kata-clh', 'kata-fc': 'kata-fc' };
const UID = 20000;

/** Kubernetes quantities: "200m" -> 0.2, "160Mi" -> bytes. */
function quantity(q: unknown): number {
  const m = /^([0-9.]+)(m|Ki|Mi|Gi|k|M|G)?$/.exec(String(q));
  if (!m) throw new Error(`bad quantity ${String(q)}`);
  const n = Number(m[1]);
  const mult: Record<string, number> = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 };
  return n * (m[2] ? mult[m[2]]! : 1);
}

function checkHardenedPod(spec: Obj, where: string): void {
  expect(Object.keys(RUNTIME_CLASSES), `${where}: runtimeClassName`).toContain(spec.runtimeClassName);
  expect(spec.automountServiceAccountToken, `${where}: automountServiceAccountToken`).toBe(false);
  for (const k of ['hostPID', 'hostIPC', 'hostNetwork', 'shareProcessNamespace']) expect(spec[k], `${where}: ${k}`).toBeUndefined();
  expect(spec.volumes ?? [], `${where}: no volumes`).toEqual([]);
  const pod = spec.securityContext ?? {};
  expect(pod, `${where}: pod securityContext`).toMatchObject({ runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } });
  const containers: Obj[] = [...(spec.initContainers ?? []), ...spec.containers];
  expect(containers.length).toBeGreaterThan(0);
  for (const c of containers) {
    const w = `${where}: container ${c.name}`;
    const sc = c.securityContext ?? {};
    // the container's own settings, or the pod's where the container says nothing
    expect(sc.runAsNonRoot ?? pod.runAsNonRoot, `${w}: runAsNonRoot`).toBe(true);
    expect(sc.runAsUser ?? pod.runAsUser, `${w}: runAsUser`).toBe(UID);
    expect(sc.runAsGroup ?? pod.runAsGroup, `${w}: runAsGroup`).toBe(UID);
    expect((sc.seccompProfile ?? pod.seccompProfile)?.type, `${w}: seccompProfile`).toBe('RuntimeDefault');
    expect(sc.allowPrivilegeEscalation, `${w}: allowPrivilegeEscalation`).toBe(false);
    expect(sc.readOnlyRootFilesystem, `${w}: readOnlyRootFilesystem`).toBe(true);
    expect(sc.privileged, `${w}: privileged`).toBeUndefined();
    expect(sc.capabilities, `${w}: capabilities`).toEqual({ drop: ['ALL'] });
    const { requests, limits } = c.resources ?? {};
    expect(limits, `${w}: limits`).toBeDefined();
    expect(quantity(limits.cpu), `${w}: cpu limit`).toBeLessThanOrEqual(0.5);
    expect(quantity(limits.memory), `${w}: memory limit`).toBeLessThanOrEqual(256 * 1024 ** 2);
    expect(quantity(limits.memory), `${w}: memory limit fits the ~62 MiB the tool needs`).toBeGreaterThanOrEqual(128 * 1024 ** 2);
    expect(quantity(requests.cpu)).toBeLessThanOrEqual(quantity(limits.cpu));
    expect(quantity(requests.memory)).toBeLessThanOrEqual(quantity(limits.memory));
    expect(c.image, `${w}: image`).toMatch(/^[a-z0-9./-]+\/sbx-detect:[0-9][0-9A-Za-z.-]*$/);
    for (const p of c.command ?? []) expect(['/usr/local/bin/sbx-detect', '/usr/local/bin/sbx-helper']).toContain(p);
  }
}

describe('deploy/ manifests', () => {
  it('are all parsed (and PyYAML, when present, reads them the same)', () => {
    expect(files).toEqual(expect.arrayContaining(['runtimeclasses.yaml', 'recon-statefulset.yaml', 'expect-gvisor-job.yaml', 'expect-kata-job.yaml']));
    for (const { file, doc } of docs) {
      expect(doc.apiVersion, file).toMatch(/^[a-z.0-9]*\/?v1$/);
      expect(typeof doc.kind, file).toBe('string');
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9-]+$/);
    }
    const py = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
    if (py.error || py.status !== 0) return; // no PyYAML here: the subset parser alone
    for (const file of files) {
      const r = spawnSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]))', join(DEPLOY, file)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(parseYamlDocuments(readFileSync(join(DEPLOY, file), 'utf8')), file).toEqual(JSON.parse(r.stdout));
    }
  });

  it('the subset parser refuses what it does not understand', () => {
    for (const bad of ['a: yes', 'a: &x 1', 'a: |\n  text', 'a:\n\tb: 1', 'a: 1\na: 2', 'a: 1\n  b: 2', 'a: {b: 1}', 'a: "unterminated']) {
      expect(() => parseYamlDocuments(bad), bad).toThrow();
    }
    expect(parseYamlDocuments('a:\n- 1\n- "x" # c\nb: [1, "two", three]\nc: \'it\'\'s\'\n---\nd: []')).toEqual([{ a: [1, 'x'], b: [1, 'two', 'three'], c: "it's" }, { d: [] }] as YamlValue[]);
  });

  it('define the RuntimeClasses gvisor (runsc), kata, kata-qemu, kata-clh, kata-fc', () => {
    const rcs = ofKind('RuntimeClass').map((d) => d.doc);
    expect(Object.fromEntries(rcs.map((r) => [r.metadata.name, r.handler]))).toEqual(RUNTIME_CLASSES);
    for (const r of rcs) expect(r.apiVersion).toBe('node.k8s.io/v1');
    for (const r of rcs.filter((x) => x.metadata.name.startsWith('kata'))) {
      expect(quantity(r.overhead.podFixed.memory)).toBeGreaterThan(0); // the guest VM costs memory
    }
  });

  it('define a hardened recon StatefulSet', () => {
    const sts = ofKind('StatefulSet');
    expect(sts).toHaveLength(1);
    const s = sts[0]!.doc;
    expect(s.apiVersion).toBe('apps/v1');
    expect(s.spec.replicas).toBe(1);
    expect(s.spec.template.metadata.labels).toMatchObject(s.spec.selector.matchLabels);
    const svc = ofKind('Service').find((d) => d.doc.metadata.name === s.spec.serviceName);
    expect(svc?.doc.spec.clusterIP, 'headless service named by serviceName').toBe('None');
    checkHardenedPod(s.spec.template.spec, 'StatefulSet');
    expect(s.spec.template.spec.runtimeClassName).toBe('gvisor');
    // the report at start, then an idle container to exec into
    expect(s.spec.template.spec.initContainers.map((c: Obj) => c.args)).toEqual([['--json']]);
    const idle = s.spec.template.spec.containers[0];
    expect(idle).toMatchObject({ command: ['/usr/local/bin/sbx-helper'], stdin: true });
    expect(idle.tty).toBeUndefined();
  });

  it('define Jobs that fail when the sandbox is not the expected one', () => {
    const jobs = ofKind('Job').map((d) => d.doc);
    const byName = Object.fromEntries(jobs.map((j) => [j.metadata.name, j]));
    for (const rc of ['gvisor', 'kata']) {
      const j = byName[`sbx-expect-${rc}`];
      expect(j, rc).toBeDefined();
      expect(j.apiVersion).toBe('batch/v1');
      const pod = j.spec.template.spec;
      checkHardenedPod(pod, `Job ${rc}`);
      expect(pod.runtimeClassName).toBe(rc);
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.containers).toHaveLength(1);
      expect(pod.containers[0].args).toEqual(['--expect', `sandbox=${rc}`]);
      expect(pod.containers[0].command).toBeUndefined(); // the image's entrypoint: sbx-detect
      // any non-zero exit (1 failed, 2 usage, 3 undetermined, 4 internal) fails the Job at once
      const failJob = j.spec.podFailurePolicy.rules.find((r: Obj) => r.action === 'FailJob');
      expect(failJob.onExitCodes).toEqual({ containerName: 'sbx-detect', operator: 'In', values: [1, 2, 3, 4] });
      expect(j.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    }
  });

  it('use one image', () => {
    const images = new Set(
      docs.flatMap(({ doc }) => {
        const spec = doc.spec?.template?.spec;
        return spec ? [...(spec.initContainers ?? []), ...spec.containers].map((c: Obj) => c.image as string) : [];
      }),
    );
    expect(images.size).toBe(1);
  });
});
