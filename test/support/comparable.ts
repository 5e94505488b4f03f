// Two reports of the same place, one collected inside it and one through --via, are the same
// report once what differs from process to process is set aside: the times, where and how it
// was collected, the collecting process's own pid, stack and heap addresses, a syslog that
// grows between the runs, and (under gVisor, which numbers them per process) namespace inodes.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function comparable(report: Json): Json {
  const r: Json = structuredClone(report);
  for (const k of ['generatedAt', 'root', 'elapsedMs', 'collection']) delete r[k];
  const f = r.facts;
  f.process.nspid = 'per process';
  f.process.pid = 'per process';
  // the collecting tool's own launcher, not the place's (not applicable through --via)
  delete f.launcher;
  if (f.maps?.known) f.maps.value = { ...f.maps.value, stackTop: 'per process', highestEnd: 'per process' };
  f.native.helper = f.native.helper?.known ? { known: true, exit: f.native.helper.value.exit, timedOut: f.native.helper.value.timedOut } : f.native.helper;
  f.native.syscallNs = 'timing';
  f.native.syslog = f.native.syslog?.known ? 'readable' : f.native.syslog;
  for (const row of f.native.syscalls?.value?.results ?? []) {
    if (typeof row.observed === 'string' && row.observed.startsWith('ret ')) {
      row.observed = 'ret N';
      row.ret = 'N';
    }
  }
  if (r.verdict?.sandbox?.class === 'gvisor') {
    for (const e of [...Object.values(f.namespaces?.entries ?? {}), ...Object.values(f.workload?.namespaces ?? {})] as Json[]) if (e?.known) e.value = { ...e.value, inode: 'per process' };
  }
  return r;
}
