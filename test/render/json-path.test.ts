// A --json run of any command loads no `table` (#25), nor does the default first screen, and
// neither loads the JUnit library, which only --junit needs (#26):
// the terminal tables cost start-up, and a CI pipeline asking for JSON must not pay for them. The
// package is replaced here by a module that fails when it is loaded; each command then runs its
// --json path (and the pod check its first screen) for real, in process.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const { loaded } = vi.hoisted(() => ({ loaded: [] as string[] }));
vi.mock('table', () => {
  loaded.push('table');
  throw new Error('the table package was loaded on a --json path');
});
// the JUnit library is for --junit alone (#26)
vi.mock('junit-report-builder', () => {
  loaded.push('junit-report-builder');
  throw new Error('junit-report-builder was loaded without --junit');
});

const FIXTURES = join(__dirname, '../../fixtures');
let out = '';
let restore: (() => void)[] = [];

beforeEach(() => {
  out = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => { out += String(c); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  restore = [() => w.mockRestore(), () => e.mockRestore()];
});
afterEach(() => restore.forEach((r) => r()));

describe('--json loads no table, and only --junit loads the JUnit library', () => {
  it('the pod check, with --expect, --pss and --declared', async () => {
    const { podMain } = await import('../../src/cli.js');
    const pod = join(mkdtempSync(join(tmpdir(), 'sbx-json-path-')), 'pod.json');
    writeFileSync(pod, JSON.stringify({ kind: 'Pod', metadata: { name: 'p' }, spec: { runtimeClassName: 'gvisor', containers: [{ name: 'a' }] } }));
    const code = await podMain(['--json', '--replay', join(FIXTURES, 'captures/runsc-2024.json'), '--expect', 'sandbox=gvisor', '--pss', 'restricted', '--declared', pod], 'test');
    expect([0, 1, 3]).toContain(code);
    expect(JSON.parse(out).verdict.sandbox.class).toBe('gvisor');
    expect(loaded).toEqual([]);
  });

  it('sbx-detect node', async () => {
    const { nodeMain } = await import('../../src/node/main.js');
    const code = await nodeMain(['--json', '--root', join(FIXTURES, 'nodes/k3s-guide'), '--expect', 'ready=gvisor-systrap'], 'test');
    expect([0, 1, 3]).toContain(code);
    expect(JSON.parse(out)).toHaveProperty('verdict');
    expect(loaded).toEqual([]);
  });

  it('kubectl sbx, a fleet and one pod', async () => {
    // a kubectl that lists no pods and knows none: the --json paths run to their end
    const dir = mkdtempSync(join(tmpdir(), 'sbx-json-path-'));
    const kubectl = join(dir, 'kubectl');
    writeFileSync(kubectl, '#!/bin/sh\ncase "$*" in *"get pods"*) echo \'{"items":[]}\';; *"get pod "*) echo "pods not found" >&2; exit 1;; *) echo \'{"items":[]}\';; esac\n');
    chmodSync(kubectl, 0o755);
    vi.stubEnv('KUBECTL_SBX_KUBECTL', kubectl);
    const { kubectlMain } = await import('../../src/kubectl/main.js');
    expect(await kubectlMain(['-A', '--json', '--strict'], 'test')).toBe(0);
    expect(await kubectlMain(['web-0', '--json'], 'test')).toBe(5);
    vi.unstubAllEnvs();
    expect(loaded).toEqual([]);
  });

  it('the default first screen loads none either', async () => {
    const { podMain } = await import('../../src/cli.js');
    expect(await podMain(['--replay', join(FIXTURES, 'captures/runsc-2024.json')], 'test')).toBe(0);
    expect(out).toMatch(/^Sandbox: gVisor sandbox/);
    expect(out).toMatch(/^Findings: /m);
    expect(loaded).toEqual([]);
  });

  it('the guard works: the --full tables do load it', async () => {
    const { podMain } = await import('../../src/cli.js');
    await expect(podMain(['--full', '--replay', join(FIXTURES, 'captures/runsc-2024.json')], 'test')).rejects.toThrow();
    expect(loaded).toEqual(['table']);
  });

  it('the guard works: --junit does load the JUnit library', async () => {
    const { podMain } = await import('../../src/cli.js');
    const file = join(mkdtempSync(join(tmpdir(), 'sbx-json-path-')), 'j.xml');
    await expect(podMain(['--json', '--replay', join(FIXTURES, 'captures/runsc-2024.json'), '--expect', 'sandbox=gvisor', '--junit', file], 'test')).rejects.toThrow();
    expect(loaded).toContain('junit-report-builder');
  });
});
