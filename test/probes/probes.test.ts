// One unit test per probe, against fixture files (each fixture's ORIGIN.md says where its
// contents came from: mirrored upstream sources under fixtures/snapshots/, real captures under
// fixtures/captures/). Values asserted are the ones those files hold.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCapabilityMask } from '../../src/probes/capabilities.js';
import { probeCgroups } from '../../src/probes/cgroups.js';
import type { Fact } from '../../src/probes/fact.js';
import { probeKernel } from '../../src/probes/kernel.js';
import { probeKubernetes } from '../../src/probes/kubernetes.js';
import { probeLsm } from '../../src/probes/lsm.js';
import { probeMaps } from '../../src/probes/maps.js';
import { probeMarkers } from '../../src/probes/markers.js';
import { probeMounts } from '../../src/probes/mounts.js';
import { probeNamespaces } from '../../src/probes/namespaces.js';
import { probePlatform } from '../../src/probes/platform.js';
import { probeProcess } from '../../src/probes/process.js';
import { probeSysctls } from '../../src/probes/sysctls.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';
import { captureHost as capture } from '../support/seen.js';

const FIXTURES = join(__dirname, '../../fixtures');
const snapshot = (name: string) => createSnapshotHost(join(FIXTURES, 'snapshots', name));
const value = <T>(f: Fact<T>): T => {
  if (!f.known) throw new Error(`unknown: ${f.reason}`);
  return f.value;
};

describe('probes against fixtures', () => {
  it('kernel: gVisor\'s fixed identity and its cmdline', () => {
    const k = probeKernel(snapshot('gvisor-systrap-k8s'));
    expect(value(k.uname)).toMatchObject({ release: '4.4.0', version: '#1 SMP Sun Jan 10 15:06:54 PST 2016' });
    expect(value(k.cmdline).tokens).toEqual(['BOOT_IMAGE=/vmlinuz-4.4.0-gvisor', 'quiet']);
    expect(value(k.releaseNumbers)).toEqual([4, 4, 0]);
    const fc = probeKernel(snapshot('kata-fc'));
    expect(value(fc.cmdline).tokens).toContain('agent.log_vport=1025');
    expect(value(fc.cmdline).tokens.filter((t) => t.startsWith('virtio_mmio.device='))).toHaveLength(11);
  });

  it('process: Docker\'s default capabilities and one seccomp filter; gVisor\'s missing lines', () => {
    const p = probeProcess(snapshot('docker-cgroupv2'));
    expect(value(p.uid)).toEqual({ real: 0, effective: 0, saved: 0, filesystem: 0 });
    expect(value(p.seccomp)).toBe('filtering');
    expect(value(p.seccompFilters)).toBe(1);
    expect(value(p.noNewPrivs)).toBe(false);
    expect(value(p.capabilities.effective).names).toEqual(decodeCapabilityMask('00000000a80425fb')!.names);
    expect(value(p.capabilities.effective).names).toEqual(
      ['chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'net_bind_service', 'net_raw', 'sys_chroot', 'mknod', 'audit_write', 'setfcap'],
    );
    const g = probeProcess(snapshot('gvisor-systrap-k8s'));
    expect(value(g.missingLines)).toEqual(expect.arrayContaining(['NoNewPrivs', 'Seccomp_filters', 'NSpid']));
    expect(g.noNewPrivs.known).toBe(false);
  });

  it('namespaces: Kata\'s container shares the guest\'s initial user namespace but has its own uts', () => {
    const n = probeNamespaces(snapshot('kata-qemu-k8s'));
    expect(value(n.entries.user)).toEqual({ inode: 4026531837, isInitial: true });
    expect(value(n.entries.uts)).toEqual({ inode: 4026532198, isInitial: false });
    const podman = probeNamespaces(snapshot('podman-rootless'));
    expect(value(podman.uidMap)).toEqual([{ inside: 0, outside: 1000, count: 1 }, { inside: 1, outside: 100000, count: 65536 }]);
    expect(value(podman.inUserNamespace)).toBe(true);
  });

  it('lsm: AppArmor profiles of Docker and LXC', () => {
    expect(value(probeLsm(snapshot('docker-cgroupv2')).apparmor)).toEqual({ profile: 'docker-default', mode: 'enforce' });
    expect(value(probeLsm(snapshot('lxc-lxcfs')).apparmor)).toEqual({ profile: 'lxc-container-default-cgns', mode: 'enforce' });
  });

  it('mounts: an overlay root with image layers under Docker; the read-only root declared for the LXC capture', () => {
    const d = probeMounts(snapshot('docker-cgroupv2'));
    expect(value(d.root)).toMatchObject({ mountPoint: '/', fsType: 'overlay' });
    expect(value(d.root).superOptions.some((o) => o.startsWith('lowerdir=/var/lib/docker/overlay2/'))).toBe(true);
    const r = probeMounts(capture('runc'));
    expect(value(r.entries).length).toBeGreaterThan(10);
    const noSeccomp = probeMounts(capture('lxc'));
    expect(value(noSeccomp.readOnlyRoot)).toBe(true); // the lxc case declared a read-only root
  });

  it('cgroups: a cgroup-v2 pod with 512 MiB and half a CPU', () => {
    const host = snapshot('containerd-k8s-cgroupv2');
    const c = probeCgroups(host, probeMounts(host).entries);
    expect(value(c.mode)).toBe('v2');
    expect(value(c.lines)).toEqual([{ id: '0', controllers: [], path: '/' }]);
    expect(value(c.memoryLimit)).toBe(536870912);
    expect(value(c.cpuLimit)).toBe(0.5);
  });

  it('kubernetes: namespace, token (stat only), kubelet hosts header, pod uid from mountinfo', () => {
    const host = snapshot('containerd-k8s-cgroupv2');
    const k = probeKubernetes(host, probeMounts(host).entries);
    expect(value(k.namespace)).toBe('shop');
    expect(value(k.tokenMounted)).toBe(true);
    expect(value(k.hostsHeader)).toBe('# Kubernetes-managed hosts file.');
    expect(k.podUid.known).toBe(true);
  });

  it('platform: Cloud Hypervisor\'s DMI; gVisor\'s cpuinfo', () => {
    expect(value(probePlatform(snapshot('kata-clh')).dmi.sys_vendor)).toBe('Cloud Hypervisor');
    const g = value(probePlatform(snapshot('gvisor-systrap-k8s')).cpuinfo);
    expect(g.modelName).toBe('unknown');
    expect(g.hypervisorFlag).toBe(true);
  });

  it('markers: CRI-O\'s empty /run/.containerenv, Podman\'s container=, LXC\'s container=', () => {
    expect(value(probeMarkers(snapshot('crio-k8s-cgroupv2')).containerenv)).toEqual({});
    expect(value(probeMarkers(snapshot('podman-rootless')).envContainer)).toBe('podman');
    const lxc = probeMarkers(snapshot('lxc-lxcfs'));
    expect(lxc.envContainer.known ? lxc.envContainer.value : value(lxc.systemdContainer)).toBe('lxc');
    expect(probeMarkers(snapshot('gvisor-systrap-k8s')).gvisorFiles).toContain('/proc/sentry-meminfo');
  });

  it('maps: systrap\'s [usertrap] and a stack below 0x7f0000000000', () => {
    const m = value(probeMaps(snapshot('gvisor-systrap-k8s')));
    expect(m.usertrap).toBe(true);
    expect(BigInt(m.stackTop!)).toBeLessThan(0x7f0000000000n);
    expect(m.vsyscallPerms).toBe('r-xp');
  });

  it('sysctls: read from a real capture (runc), each known or unknown with a reason', () => {
    const s = probeSysctls(capture('runc'));
    expect(value(s['kernel.dmesg_restrict'])).toBe(1);
    for (const f of Object.values(s)) expect(f.known || f.reason.length > 0).toBe(true);
  });
});
