// What the file probes find, as one type: everything but the native helper's answers. Its own
// module so that the native plan (native.ts, syscalls/scan.ts), which is built from these facts,
// and the gathering (index.ts), which runs both, need not import each other.
import type { CgroupFacts } from './cgroups.js';
import type { Fact } from './fact.js';
import type { KernelFacts } from './kernel.js';
import type { KubernetesFacts } from './kubernetes.js';
import type { LauncherNote } from './launcher.js';
import type { LsmFacts } from './lsm.js';
import type { MapsFacts } from './maps.js';
import type { MarkerFacts } from './markers.js';
import type { MountFacts } from './mounts.js';
import type { NamespaceFacts } from './namespaces.js';
import type { PlatformFacts } from './platform.js';
import type { ProcessFacts } from './process.js';
import type { SysctlName } from './syscalls/table.js';
import type { WorkloadFacts } from './workload.js';

export interface FileFacts {
  kernel: KernelFacts;
  /** the probe's own process (/proc/self): the tool, or the helper --via sends */
  process: ProcessFacts;
  namespaces: NamespaceFacts;
  lsm: LsmFacts;
  mounts: MountFacts;
  cgroups: CgroupFacts;
  kubernetes: KubernetesFacts;
  platform: PlatformFacts;
  markers: MarkerFacts;
  maps: Fact<MapsFacts>;
  /** sysctls that gate syscalls before seccomp (null: unreadable) */
  sysctls: Record<SysctlName, Fact<number>>;
  /** the workload's own process (/proc/PID: PID 1, or the one the caller names) */
  workload: WorkloadFacts;
  /** what the launcher changed in the probe's own process so that Node could start (null: nothing) */
  launcher: Fact<LauncherNote | null>;
}
