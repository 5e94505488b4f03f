// Marker files and variables that runtimes leave, plus files only some sandboxes have.
// Markers are cheap to read and easy to fake (images carry /.dockerenv); the classifier weighs
// them accordingly. Only the `container=` entry of /proc/1/environ is kept: the rest may hold
// secrets.
import type { Host } from '../readers/host.js';
import { type Fact, invalid, known, parseRead, unknown } from './fact.js';

export interface MarkerFacts {
  dockerenv: Fact<boolean>;
  /** /run/.containerenv key=value pairs (empty object when the file is empty) */
  containerenv: Fact<Record<string, string> | null>;
  containerManager: Fact<string>; // /run/host/container-manager
  systemdContainer: Fact<string>; // /run/systemd/container
  envContainer: Fact<string>; // $container of this process
  pid1Container: Fact<string>; // container= in /proc/1/environ
  pid1Comm: Fact<string>;
  openvz: Fact<boolean>;
  gvisorFiles: string[]; // which of the gVisor-only /proc files exist
  wslEnv: Fact<string>;
}

const exists = (host: Host, path: string): Fact<boolean> => {
  const st = host.stat(path);
  if (st.ok) return known(true, path);
  return st.error.code === 'ENOENT' || st.error.code === 'ENOTDIR' ? known(false, path) : unknown(st.error.message, path);
};

export function parseContainerenv(text: string): Record<string, string> {
  const pairs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)="?(.*?)"?$/s.exec(line.trim());
    if (m) pairs.set(m[1], m[2]);
  }
  // fromEntries defines own properties, so a "__proto__" key is kept, not swallowed
  return Object.fromEntries(pairs);
}

export function containerFromEnviron(text: string): string | null {
  for (const kv of text.split('\0')) if (kv.startsWith('container=')) return kv.slice('container='.length);
  return null;
}

const line = (t: string) => t.split('\n')[0].trim() || invalid('empty');

export const GVISOR_ONLY_FILES = ['/proc/sentry-meminfo', '/proc/gvisor', '/proc/gvisor/kernel_is_gvisor'];

export function probeMarkers(host: Host): MarkerFacts {
  const env = host.env('container');
  const wsl = host.env('WSL_DISTRO_NAME');
  const vz = exists(host, '/proc/vz'), bc = exists(host, '/proc/bc');
  return {
    dockerenv: exists(host, '/.dockerenv'),
    containerenv: parseRead(host.readFile('/run/.containerenv'), '/run/.containerenv', parseContainerenv),
    containerManager: parseRead(host.readFile('/run/host/container-manager'), '/run/host/container-manager', line),
    systemdContainer: parseRead(host.readFile('/run/systemd/container'), '/run/systemd/container', line),
    envContainer: env !== undefined ? known(env, 'env container') : unknown('$container is not set', 'env container'),
    pid1Container: parseRead(host.readFile('/proc/1/environ'), '/proc/1/environ', (t) => containerFromEnviron(t) ?? invalid('no container= entry')),
    pid1Comm: parseRead(host.readFile('/proc/1/comm'), '/proc/1/comm', line),
    openvz: vz.known && bc.known ? known(vz.value && !bc.value, '/proc/vz') : unknown('cannot tell whether /proc/vz exists', '/proc/vz'),
    gvisorFiles: GVISOR_ONLY_FILES.filter((p) => host.stat(p).ok),
    wslEnv: wsl ? known(wsl, 'env WSL_DISTRO_NAME') : unknown('not set', 'env WSL_DISTRO_NAME'),
  };
}
