// Kubernetes, as a pod sees it. The service-account token is only stat'ed, never read.
import type { Host } from '../readers/host.js';
import { type Fact, fromReadError, invalid, known, parseRead, unknown } from './fact.js';
import type { MountEntry } from './mounts.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubernetesFacts {
  /** null: the variable is not set (a known answer: the kubelet sets it in every pod unless
   *  enableServiceLinks is false) */
  serviceHost: Fact<string | null>;
  tokenMounted: Fact<boolean>;
  namespace: Fact<string>;
  /** first line of /etc/hosts: the kubelet writes "# Kubernetes-managed hosts file." */
  hostsHeader: Fact<string>;
  /** from kubelet paths in mountinfo (/var/lib/kubelet/pods/<uid>/...) */
  podUid: Fact<string>;
  hostname: Fact<string>;
}

const POD_UID = /\/kubelet\/pods\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//;

export function podUidFromMounts(entries: MountEntry[]): string | null {
  for (const e of entries) {
    const m = POD_UID.exec(e.root + '/') ?? POD_UID.exec(e.source + '/');
    if (m) return m[1];
  }
  return null;
}

export function probeKubernetes(host: Host, mounts: Fact<MountEntry[]>): KubernetesFacts {
  const svc = host.env('KUBERNETES_SERVICE_HOST');
  const token = host.stat(`${SERVICE_ACCOUNT_DIR}/token`);
  const uid = mounts.known ? podUidFromMounts(mounts.value) : null;
  return {
    serviceHost: serviceHostFact(host, svc),
    tokenMounted: token.ok
      ? known(true, `${SERVICE_ACCOUNT_DIR}/token`)
      : token.error.code === 'ENOENT' || token.error.code === 'ENOTDIR'
        ? known(false, `${SERVICE_ACCOUNT_DIR}/token`)
        : unknown(token.error.message, `${SERVICE_ACCOUNT_DIR}/token`),
    namespace: parseRead(host.readFile(`${SERVICE_ACCOUNT_DIR}/namespace`), `${SERVICE_ACCOUNT_DIR}/namespace`, (t) =>
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(t.trim()) ? t.trim() : invalid('not a namespace name'),
    ),
    hostsHeader: parseRead(host.readFile('/etc/hosts'), '/etc/hosts', (t) => t.split('\n')[0].trim()),
    podUid: uid ? known(uid, '/proc/self/mountinfo') : unknown(mounts.known ? 'no kubelet pod path in mountinfo' : mounts.reason, '/proc/self/mountinfo'),
    hostname: parseRead(host.readFile('/proc/sys/kernel/hostname'), '/proc/sys/kernel/hostname', trimmedLine),
  };
}

/** Not set is a known answer (null); an answer that could not be read (--via) is unknown. */
function serviceHostFact(host: Host, svc: string | undefined): Fact<string | null> {
  const err = svc === undefined ? host.envError?.('KUBERNETES_SERVICE_HOST') : null;
  return err ? fromReadError(err) : known(svc || null, 'env KUBERNETES_SERVICE_HOST');
}

const trimmedLine = (t: string) => t.trim() || invalid('empty');
