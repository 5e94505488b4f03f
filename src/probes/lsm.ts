// AppArmor and SELinux as a process sees them: the tool's own, or the workload's. Since Linux 5.8 stacked LSMs have their own
// attr directory; the old attr/current belongs to whichever major LSM came first.
import type { Host } from '../readers/host.js';
import { type Fact, known, unknown } from './fact.js';

export interface AppArmorLabel { profile: string; mode: string | null }

export interface LsmFacts {
  /** e.g. "docker-default (enforce)", "unconfined"; unknown when AppArmor is absent */
  apparmor: Fact<AppArmorLabel>;
  /** e.g. "system_u:system_r:container_t:s0:c1,c2" */
  selinux: Fact<string>;
  /** the LSMs the kernel has enabled, when /sys/kernel/security/lsm is readable */
  enabled: Fact<string[]>;
  /** AppArmor built in and on (/sys/module/apparmor/parameters/enabled: Y), where securityfs is
   *  not mounted; false when the kernel has no AppArmor at all (the directory is missing) */
  apparmorEnabled: Fact<boolean>;
}

const clean = (t: string) => t.replace(/\0/g, '').trim();

export function parseAppArmorLabel(text: string): AppArmorLabel | null {
  const t = clean(text);
  if (!t) return null;
  const m = /^(.*?)(?: \((\w+)\))?$/.exec(t);
  return m ? { profile: m[1], mode: m[2] ?? null } : null;
}

/** The label as the kernel writes it in attr/current ("docker-default (enforce)"): the inverse
 *  of parseAppArmorLabel. */
export const appArmorLabelText = (l: AppArmorLabel): string => `${l.profile}${l.mode ? ` (${l.mode})` : ''}`;

export function probeLsm(host: Host): LsmFacts {
  const lsmList = host.readFile('/sys/kernel/security/lsm');
  const enabled: Fact<string[]> = lsmList.ok
    ? known(clean(lsmList.value).split(',').filter(Boolean), '/sys/kernel/security/lsm')
    : unknown(lsmList.error.message, '/sys/kernel/security/lsm');
  const AA = '/sys/module/apparmor/parameters/enabled';
  const aa = host.readFile(AA);
  const apparmorEnabled: Fact<boolean> = aa.ok ? known(aa.value.trim() === 'Y', AA)
    : aa.error.code === 'ENOENT' && host.readDir('/sys/module').ok ? known(false, `${AA} (absent: the kernel has no AppArmor)`)
      : unknown(aa.error.message, AA);
  return { ...probeLsmLabels(host), enabled, apparmorEnabled };
}

export type LsmLabels = Omit<LsmFacts, 'enabled' | 'apparmorEnabled'>;

/** The AppArmor and SELinux labels of the process `proc` names: /proc/self or /proc/PID. */
export function probeLsmLabels(host: Host, proc = '/proc/self'): LsmLabels {
  // Read each attribute file once: attr/apparmor/current is AppArmor's own (5.8+ stacking);
  // attr/current belongs to the major LSM, an SELinux context ("a:b:c…") or an AppArmor label.
  const STACKED = `${proc}/attr/apparmor/current`;
  const CURRENT = `${proc}/attr/current`;
  const stacked = host.readFile(STACKED);
  const current = host.readFile(CURRENT);
  const isSelinuxContext = (t: string) => /^\w+:\w+:\w+/.test(t);

  const fromStacked = stacked.ok ? parseAppArmorLabel(stacked.value) : null;
  const fromCurrent = current.ok && !isSelinuxContext(clean(current.value)) ? parseAppArmorLabel(current.value) : null;
  const apparmor: LsmFacts['apparmor'] = fromStacked ? known(fromStacked, STACKED)
    : fromCurrent ? known(fromCurrent, CURRENT)
      : current.ok ? unknown(`${CURRENT} holds no AppArmor label`, CURRENT)
        : unknown(current.error.message, CURRENT);

  const selinux: LsmFacts['selinux'] = !current.ok ? unknown(current.error.message, CURRENT)
    : isSelinuxContext(clean(current.value)) ? known(clean(current.value), CURRENT)
      : unknown('no SELinux context', CURRENT);
  return { apparmor, selinux };
}
