// #23: the workload's confinement, not the probe's. Every way in (docker exec, --via, kubectl
// exec) runs a probe exec'd beside the workload, and an exec'd process can be confined otherwise.
// Real containers under a private dockerd: the workload is each container's first process (a
// sleep), the probe the helper --via sends or the tool exec'd inside; what each must come out as
// follows from the docker flags alone.
import { spawnSync } from 'node:child_process';
import { describe, expect } from 'vitest';
import { useEngines, viaJson } from '../support/engine-suite.js';
import type { Engine } from '../support/engines.js';
import { itWith } from '../support/runtime-it.js';

const engines = useEngines('sbx-workload-test-');

/* eslint-disable @typescript-eslint/no-explicit-any */
const field = (report: any, name: string) => report.verdict.workload.differences.find((d: any) => d.field === name);

const itWithDocker = (title: string, fn: (e: Engine) => Promise<void>) => itWith(engines.docker, 'Docker', title, fn);

describe('the workload versus the probe (#23)', () => {

  for (const [runtime, release] of [['runsc-seccomp', '20221219'], ['runsc-systrap-seccomp', '20240729']] as const) {
    itWithDocker(`gVisor ${release} --oci-seccomp through --via: the workload filters, the scan ran unfiltered and says why; seccomp=filtering holds for the workload`, async (e) => {
      const c = await e.start(`sbx-wl-${runtime}`, 'sbx-recon-sh', ['--runtime', runtime, '--user', '20000:20000']);
      const { code, report } = viaJson(e.via(c), ['--expect', 'seccomp=filtering', '--expect', 'seccomp-profile=docker-default', '--expect', 'no-new-privs=true']);
      const w = report.verdict.workload;
      expect(w).toMatchObject({ subject: 'workload', pid: 1, sameProcess: false, scan: { describesWorkload: false } });
      expect(w.scan.reason).toMatch(/workload's seccomp mode is filtering.*the probe's disabled: runsc does not apply the container's OCI seccomp filter to a process exec'd beside it/);
      expect(w.scan.reason).toMatch(/CAP_SYS_ADMIN/);
      expect(field(report, 'seccomp')).toMatchObject({ workload: 'filtering', probe: 'disabled' });
      // the probe's own flags, as gVisor's sentry answers prctl (its status file has no NoNewPrivs line)
      expect(report.facts.process.noNewPrivs.known).toBe(false);
      expect(report.facts.native.ownFlags).toMatchObject({ noNewPrivs: { known: true, value: true }, seccomp: { known: true, value: 'disabled' } });
      expect(report.verdict.seccompProfile).toMatchObject({ verdict: 'unknown' });
      const results = Object.fromEntries(report.checks.expectations.results.map((r: any) => [r.key, r]));
      expect(results.seccomp).toMatchObject({ status: 'pass', observed: 'filtering' });
      expect(results['seccomp-profile'].status).toBe('undetermined');
      // gVisor sets no_new_privs on every task: the workload's is known although its status has no line for it
      expect(results['no-new-privs']).toMatchObject({ status: 'pass', observed: 'true' });
      expect(code).toBe(3); // the profile cannot be told from here: undetermined, named
    });
  }

  itWithDocker('docker exec -u 0 into a uid-20000 workload: non-root=true holds for the workload, and the difference is named', async (e) => {
    const c = await e.start('sbx-wl-root-exec', 'sbx-recon-sh', ['--user', '20000:20000']);
    const via = `${e.cli.join(' ')} exec -i -u 0 ${c}`;
    const { code, report } = viaJson(via, ['--expect', 'non-root=true']);
    expect(report.facts.process.uid.value.effective).toBe(0); // the probe runs as root
    expect(report.verdict.workload.subject).toBe('workload');
    expect(field(report, 'uid')).toMatchObject({ workload: '20000', probe: '0' });
    expect(report.checks.expectations.results[0]).toMatchObject({ key: 'non-root', status: 'pass' });
    expect(code).toBe(0);
  });

  // `docker exec --privileged` cannot start on this machine: its bounding set lacks
  // CAP_SYS_RESOURCE, so runc refuses every privileged exec ("unable to apply caps"). A root exec
  // into a uid-20000 workload is the same question — a probe holding capabilities the workload
  // lacks — and the answer must list them.
  itWithDocker('a probe with more privilege than the workload (docker exec -u 0): what the probe holds and the workload lacks is listed', async (e) => {
    const c = await e.start('sbx-wl-priv-exec', 'sbx-recon-sh', ['--user', '20000:20000']);
    const { report } = viaJson(`${e.cli.join(' ')} exec -i -u 0 ${c}`, ['--no-syscalls', '--expect', 'caps=none']);
    expect(report.verdict.workload.subject).toBe('workload');
    const eff = field(report, 'capabilities.effective');
    expect(eff.probe).toMatch(/^also .*chown.*setuid/);
    expect(eff.workload).toBe('0 (a subset)');
    expect(field(report, 'capabilities.bounding')).toBeUndefined(); // the container's bounding set, on both sides
    // caps= judges the workload: nothing effective (the probe's 14 are not counted), the default bounding set
    expect(report.checks.expectations.results[0]).toMatchObject({ key: 'caps', status: 'fail', observed: expect.stringMatching(/^effective: none; bounding: .*chown/) });
    expect(report.verdict.privileged.privileged).toBe(false);
  });

  // Podman's privileged exec does start here (Podman grants what the host's bounding set holds):
  // the probe gets every capability the workload lacks, in all three sets, and root; the
  // container's filter and masked paths stay, so the privileged verdict (the workload's) is no.
  itWith(engines.podman, 'Podman', 'podman exec --privileged -u 0 into a uid-20000 workload: every capability the probe holds and the workload lacks is listed, the verdicts stay the workload\'s', async (e) => {
    const c = await e.start('sbx-wl-podman-priv', 'sbx-recon-sh', ['--user', '20000:20000']);
    const { report, code } = viaJson([...e.cli, 'exec', '-i', '--privileged', '-u', '0', c].join(' '), ['--no-syscalls', '--expect', 'non-root=true', '--expect', 'privileged=false']);
    expect(report.verdict.workload).toMatchObject({ subject: 'workload', pid: 1, sameProcess: false });
    for (const set of ['effective', 'permitted']) {
      expect(field(report, `capabilities.${set}`)).toMatchObject({ workload: '0 (a subset)', probe: expect.stringMatching(/^also chown .*sys_admin.*bpf/) });
    }
    const bounding = field(report, 'capabilities.bounding');
    expect(bounding.probe).toMatch(/^also .*sys_admin/);
    expect(bounding.probe).not.toMatch(/\bchown\b/); // the workload's bounding set has it too
    expect(field(report, 'uid')).toMatchObject({ workload: '20000', probe: '0' });
    expect(field(report, 'seccomp')).toBeUndefined(); // the exec keeps the container's filter
    expect(report.verdict.privileged.privileged).toBe(false);
    expect(report.checks.expectations.results.map((r: any) => r.status)).toEqual(['pass', 'pass']);
    expect(code).toBe(0);
  });

  itWithDocker('the tool exec\'d inside the container (docker exec) judges the workload too, and in the entrypoint run it is the workload itself', async (e) => {
    const c = await e.start('sbx-wl-inside', 'sbx-recon-sh', ['--user', '20000:20000', '--cap-drop', 'ALL']);
    const inside = await e.exec(c, ['/usr/local/bin/sbx-detect', '--json', '--no-syscalls']);
    expect(inside.code, inside.stderr).toBe(0);
    const r = JSON.parse(inside.stdout);
    expect(r.verdict.workload).toMatchObject({ subject: 'workload', pid: 1, sameProcess: false, differences: [] });
    const run = spawnSync(e.cli[0], [...e.cli.slice(1), 'run', '--rm', '-i', '--network', 'none', '--user', '20000:20000', 'sbx-recon', '/usr/local/bin/sbx-detect', '--json', '--no-syscalls'], { encoding: 'utf8', input: '', maxBuffer: 64 << 20 });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).verdict.workload).toMatchObject({ subject: 'workload', sameProcess: true });
  });
});
