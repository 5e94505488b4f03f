// AppArmor and SELinux as the process sees them. Since Linux 5.8 stacked LSMs have their own
// attr directory; the old attr/current belongs to whichever major LSM came first.
import type { Host } from '../readers/host.js';
import { type Fact, known, unknown } from './fact.js';

export interface LsmFacts {
  /** e.g. "docker-default (enforce)", "unconfined"; unknown when AppArmor is absent */
  apparmor: Fact<{ profile: string; mode: string | null }>;
  /** e.g. "system_u:system_r:container_t:s0:c1,c2" */
  selinux: Fact<string>;
  /** the LSMs the kernel has enabled, when /sys/kernel/security/lsm is readable */
  enabled: Fact<string[]>;
}

const clean = (t: string) => t.replace(/\0/g, '').trim();

export function parseAppArmorLabel(text: string): { profile: string; mode: string | null } | null {
  const t = clean(text);
  if (!t) return null;
  const m = /^(.*?)(?: \((\w+)\))?$/.exec(t);
  return m ? { profile: m[1], mode: m[2] ?? null } : null;
}

export function probeLsm(host: Host): LsmFacts {
  const lsmList = host.readFile('/sys/kernel/security/lsm');
  const enabled: Fact<string[]> = lsmList.ok
    ? known(clean(lsmList.value).split(',').filter(Boolean), '/sys/kernel/security/lsm')
    : unknown(lsmList.error.message, '/sys/kernel/security/lsm');

  let apparmor: LsmFacts['apparmor'] = unknown('no AppArmor attribute file', '/proc/self/attr/apparmor/current');
  for (const path of ['/proc/self/attr/apparmor/current', '/proc/self/attr/current']) {
    const r = host.readFile(path);
    if (!r.ok) {
      apparmor = unknown(r.error.message, path);
      continue;
    }
    const label = parseAppArmorLabel(r.value);
    // attr/current holds an SELinux context when SELinux is the major LSM: "a:b:c:d"
    if (label && !(path === '/proc/self/attr/current' && /^\w+:\w+:\w+/.test(label.profile))) {
      apparmor = known(label, path);
      break;
    }
    apparmor = unknown(`${path} holds no AppArmor label`, path);
  }

  let selinux: LsmFacts['selinux'] = unknown('no SELinux context', '/proc/self/attr/current');
  const cur = host.readFile('/proc/self/attr/current');
  if (cur.ok && /^\w+:\w+:\w+/.test(clean(cur.value))) selinux = known(clean(cur.value), '/proc/self/attr/current');
  else if (!cur.ok) selinux = unknown(cur.error.message, '/proc/self/attr/current');
  return { apparmor, selinux, enabled };
}
