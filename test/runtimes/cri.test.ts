// The CRI pod harness itself (test/runtimes/cri.ts), checked with plain tools inside the pods
// (busybox's cat, id), not with sbx-detect: a pod is what a kubelet would make, under runc and
// under runsc; the runsc wrapper's two open gaps of the lab recipe (the app's output in the CRI
// log, the exit code) are closed; everything goes away with stop(), and /dev/null stays root's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { guardHostDevNull } from '../support/engine-suite.js';
import { buildImageRoots } from '../support/engines.js';
import { itWith } from '../support/runtime-it.js';
import { run } from './common.js';
import { type CriLab, criStaticCheck, importPause, KUBERNETES_SERVICE_ENV, leftovers, SERVICE_ACCOUNT_PATH, startCri } from './cri.js';
import { RUNSC_2024 } from './runsc.js';

const BUSYBOX = 'localhost/sbx-busybox:test';
const why = criStaticCheck();
let lab: CriLab | string = why ?? 'not started';
let images = '';
const devNullUnchanged = guardHostDevNull();

const itLab = (title: string, fn: (l: CriLab) => Promise<void>, timeout = 180_000) => itWith(() => lab, 'CRI pods', title, fn, timeout);

const status = (text: string, key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();

describe('CRI pods through containerd 1.7 (the harness)', () => {
  beforeAll(async () => {
    if (why) return;
    lab = await startCri();
    if (typeof lab === 'string') return;
    await importPause(lab);
    images = mkdtempSync('/var/tmp/sbx-cri-images-');
    await lab.importImage(BUSYBOX, buildImageRoots(images)['sbx-busybox'], {});
  }, 300_000);

  afterAll(async () => {
    if (typeof lab !== 'string') {
      await lab.stop();
      expect(leftovers(lab), 'left behind by stop()').toEqual([]);
    }
    if (images) rmSync(images, { recursive: true, force: true });
    devNullUnchanged();
  }, 120_000);

  for (const handler of ['runc', 'runsc']) {
    itLab(`${handler}: the app's stdout and stderr reach the CRI log, and its exit code is the container's`, async (l) => {
      const pod = await l.runPod({
        name: `exit-${handler}`, namespace: 'harness', handler,
        containers: [{ name: 'app', image: BUSYBOX, command: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'], runAsUser: 20000 }],
      });
      expect(await l.waitExit(pod.containers.app, 60_000)).toBe(3);
      expect(l.logs(pod, 'app')).toEqual({ stdout: 'out\n', stderr: 'err\n' });
      await l.removePod(pod);
    });

    itLab(`${handler}: a pod as a kubelet makes it — securityContext, Service env, token, termination log, /etc/hosts, cgroup parent, PID namespace`, async (l) => {
      const pod = await l.runPod({
        name: `kubelet-${handler}`, namespace: 'harness', handler, shareProcessNamespace: true,
        containers: [{
          name: 'app', image: BUSYBOX, command: ['/bin/sleep', '600'], runAsUser: 20000, runAsGroup: 20000,
          capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, seccompProfile: 'RuntimeDefault',
        }],
      });
      const id = pod.containers.app;
      const sh = async (cmd: string, stdin?: string) => {
        const r = await l.exec(id, ['/bin/sh', '-c', cmd], stdin);
        expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
        return r.stdout;
      };
      // ctr task exec with stdin: the --via channel
      expect(await sh('cat', 'through stdin\n')).toBe('through stdin\n');
      const st = await sh('cat /proc/self/status');
      expect(status(st, 'Uid')).toBe('20000\t20000\t20000\t20000');
      expect(status(st, 'Gid')).toBe('20000\t20000\t20000\t20000');
      expect(status(st, 'CapBnd')).toBe('0000000000000000');
      if (handler === 'runc') {
        expect(status(st, 'NoNewPrivs')).toBe('1');
        expect(status(st, 'Seccomp')).toBe('2'); // containerd's RuntimeDefault profile
      } else {
        expect(status(st, 'NoNewPrivs')).toBeUndefined(); // gVisor prints no such line, and ignores seccomp without --oci-seccomp
        expect(status(st, 'Seccomp')).toBe('0');
      }
      const root = (await sh('cat /proc/self/mountinfo')).split('\n').map((x) => x.split(' ')).find((f) => f[4] === '/');
      expect(root?.[5]?.split(',')).toContain('ro');
      const env = await sh('env');
      for (const [k, v] of Object.entries(KUBERNETES_SERVICE_ENV)) expect(env).toContain(`${k}=${v}\n`);
      expect(await sh(`cat ${SERVICE_ACCOUNT_PATH}/namespace`)).toBe('harness');
      expect(await sh('head -1 /etc/hosts')).toBe('# Kubernetes-managed hosts file (host network).\n');
      expect(await sh('test -f /dev/termination-log && echo yes')).toBe('yes\n');
      // shareProcessNamespace: the pause process is PID 1 of the pod
      expect((await sh('cat /proc/1/cmdline')).replace(/\0/g, ' ').trim()).toBe('/pause');
      // cgroupfs layout of a kubelet's pod; under gVisor the sandbox sits there on the host
      const cg = l.cgroupParent(pod.uid);
      expect(cg).toMatch(/^\/kubepods\/besteffort\/pod[0-9a-f-]{36}$/);
      if (handler === 'runc') expect(await sh('cat /proc/self/cgroup')).toContain(`:${cg}/${id}\n`);
      else expect(readFileSync(`/sys/fs/cgroup/memory${cg}/${pod.podId}/cgroup.procs`, 'utf8').trim()).not.toBe('');
      await l.removePod(pod);
    });
  }

  itLab('runsc: one gVisor sandbox per pod, and a container added to the pod (kubectl debug) joins it', async (l) => {
    const pod = await l.runPod({ name: 'one-sandbox', namespace: 'harness', handler: 'runsc', containers: [{ name: 'app', image: BUSYBOX, command: ['/bin/sleep', '600'] }] });
    const dbg = await l.addContainer(pod, { name: 'debugger', image: BUSYBOX, command: ['/bin/sleep', '600'], targetContainer: 'app' });
    // runsc's own list: the pause, the app and the debug container share the sandbox's pid
    const r = await run([RUNSC_2024, '--root', join(l.state, 'runsc', 'k8s.io'), 'list', '--format=json'], {});
    expect(r.code, r.stderr).toBe(0);
    const list = (JSON.parse(r.stdout) as { id: string; pid: number }[]).filter((c) => [pod.podId, pod.containers.app, dbg].includes(c.id));
    expect(list.length).toBe(3);
    expect(new Set(list.map((c) => c.pid)).size).toBe(1);
    expect((await l.exec(dbg, ['/bin/sh', '-c', 'dmesg | head -1'])).stdout).toMatch(/Starting gVisor/);
    await l.removePod(pod);
  });
});

