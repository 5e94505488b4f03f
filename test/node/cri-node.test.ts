// `sbx-detect node` against a live containerd: the CRI harness's containerd 1.7 (test/runtimes/
// cri.ts) runs with its own --config, where gVisor is registered as it is really written — runsc
// behind the runc v2 shim's BinaryName (a wrapper named runsc), and the runsc shim v1 as gVisor's
// documentation writes it, which Debian does not ship. The node check finds that config on the
// running containerd's command line and names the handlers from it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeNode, type SandboxReadiness } from '../../src/classifier/node-readiness.js';
import { parseContainerdCmdline } from '../../src/probes/node/configs.js';
import { gatherNodeFacts } from '../../src/probes/node/index.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';
import type { NodeReport } from '../../src/render/node-json.js';
import { type CriLab, criStaticCheck, startCri } from '../runtimes/cri.js';
import { RUNSC_2024 } from '../runtimes/runsc.js';
import { BUNDLE, ensureBuilt } from '../support/built.js';
import { itWith } from '../support/runtime-it.js';
import { spawnSync } from 'node:child_process';

const why = criStaticCheck();
let lab: CriLab | string = why ?? 'not started';
const sandbox = (r: { sandboxes: SandboxReadiness[] }, id: string) => r.sandboxes.find((s) => s.id === id)!;

describe('sbx-detect node against the CRI harness\'s live containerd', () => {
  beforeAll(async () => {
    ensureBuilt();
    if (!why) lab = await startCri();
  }, 120_000);
  afterAll(async () => {
    if (typeof lab !== 'string') await lab.stop();
  }, 120_000);

  itWith(() => lab, 'CRI pods', 'reads the config from containerd\'s command line and names the gVisor handler (runc v2 shim + BinaryName), and the runsc shim v1 it cannot start', async (l) => {
    const r = spawnSync(process.execPath, [BUNDLE, 'node', '--json', '--expect', 'handler=runsc'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as NodeReport;
    const file = rep.facts.registrations.files.find((f) => f.path === l.config);
    expect(file, 'the harness config, found on containerd\'s command line').toMatchObject({ engine: 'containerd', version: 2, state: { known: true, value: 'parsed' } });
    expect(file!.reference).toContain(`pid ${l.pid}`);
    expect(file!.handlers).toEqual(['runc', 'runsc', 'runsc-shim']);
    const mine = rep.facts.registrations.handlers.filter((h) => h.file === l.config);
    const runsc = mine.find((h) => h.name === 'runsc')!;
    expect(runsc).toMatchObject({ kind: 'gvisor', runtimeType: 'io.containerd.runc.v2', program: 'containerd-shim-runc-v2', programFound: { known: true } });
    expect(runsc.gvisor).toMatchObject({ runsc: join(l.work, 'bin/runsc'), binaryName: true });
    const shim = mine.find((h) => h.name === 'runsc-shim')!;
    expect(shim).toMatchObject({ kind: 'gvisor', program: 'containerd-shim-runsc-v1', programFound: { known: true, value: null } });
    // every gVisor platform names the handler (its platform is unknown with its version): its
    // runsc is found (the wrapper), and the version says how to learn it
    for (const id of ['gvisor-ptrace', 'gvisor-systrap', 'gvisor-kvm']) {
      const u = sandbox(rep.verdict, id).handlers.find((h) => h.file === l.config && h.name === 'runsc');
      expect(u, id).toBeDefined();
      expect(u!.problems.join('; ')).not.toContain('not found');
      expect(u!.problems.join('; ')).toContain(`${join(l.work, 'bin/runsc')} --version\` tells its version`);
    }
    // the runsc shim's handler runs the runsc on PATH by default: its platform is that runsc's default
    const shimUses = ['gvisor-ptrace', 'gvisor-systrap'].flatMap((id) => sandbox(rep.verdict, id).handlers.filter((h) => h.file === l.config && h.name === 'runsc-shim'));
    expect(shimUses.length).toBeGreaterThan(0);
    for (const u of shimUses) expect(u.problems).toContain('shim containerd-shim-runsc-v1 not found');
  }, 120_000);
});

describe('runsc as the runc shim\'s BinaryName, by absolute path (#24 a)', () => {
  it('is the program checked, found in the root, and its version said to be learnable with --version', async () => {
    const root = mkdtempSync('/var/tmp/sbx-node-binaryname-');
    try {
      mkdirSync(join(root, 'etc/containerd'), { recursive: true });
      writeFileSync(join(root, 'etc/containerd/config.toml'), `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc.options]
    BinaryName = "${RUNSC_2024}"
`);
      // placeholders where the files are on this machine (only their presence and mode are read)
      for (const p of [RUNSC_2024, '/usr/bin/containerd-shim-runc-v2']) {
        mkdirSync(join(root, p.slice(0, p.lastIndexOf('/'))), { recursive: true });
        writeFileSync(join(root, p), '');
        chmodSync(join(root, p), 0o755);
      }
      const f = await gatherNodeFacts(createSnapshotHost(root), { helper: false, timeoutMs: 1000 });
      const h = f.registrations.handlers.find((x) => x.name === 'runsc')!;
      expect(h.gvisor).toMatchObject({ runsc: RUNSC_2024, binaryName: true });
      expect(f.programs[RUNSC_2024]).toMatchObject({ known: true, value: { path: RUNSC_2024 } });
      const use = sandbox(judgeNode(f), 'gvisor-systrap').handlers.find((x) => x.name === 'runsc')!;
      expect(use.problems.join('; ')).not.toMatch(/not found/);
      expect(use.problems.join('; ')).toContain(`\`${RUNSC_2024} --version\` tells its version`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('parses containerd command lines: --config, -c, =, and nothing else', () => {
    expect(parseContainerdCmdline('/opt/containerd17/usr/bin/containerd\0--config\0/x/config.toml\0')).toEqual({ binary: '/opt/containerd17/usr/bin/containerd', config: '/x/config.toml' });
    expect(parseContainerdCmdline('containerd\0-c\0/var/lib/rancher/k3s/agent/etc/containerd/config.toml\0-a\0/run/k3s/containerd/containerd.sock\0')?.config).toBe('/var/lib/rancher/k3s/agent/etc/containerd/config.toml');
    expect(parseContainerdCmdline('/usr/bin/containerd\0--config=/etc/c.toml\0')?.config).toBe('/etc/c.toml');
    expect(parseContainerdCmdline('/usr/bin/containerd\0')).toBeNull();
    expect(parseContainerdCmdline('/usr/bin/containerd-shim-runc-v2\0-namespace\0k8s.io\0')).toBeNull();
    expect(parseContainerdCmdline('/usr/bin/containerd\0--config\0relative.toml\0')).toBeNull();
  });
});
