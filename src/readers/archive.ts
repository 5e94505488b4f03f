// Snapshot archives: a recording Host that keeps every answer it passes on, and a replay Host
// that gives them back. `sbx-detect snapshot` writes one; `--replay FILE` reads it.
//
// What is never captured: the contents of anything under /var/run/secrets (the token is only
// ever stat'ed anyway), and of /proc/1/environ anything but its container= entry.
// Environment variables: only those the tool asks the Host for (a fixed, short list).
import type { HelperAnswer, Host, Read, StatInfo, Uname } from './host.js';
import { readError } from './host.js';

export const ARCHIVE_FORMAT = 'sbx-detect-snapshot';
export const ARCHIVE_VERSION = 1;

type Recorded<T> = { value: T } | { error: string };

export interface SnapshotArchive {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  captured: { at: string; toolVersion: string };
  uname: Uname;
  env: Record<string, string | null>;
  files: Record<string, Recorded<string>>;
  binaryFiles: Record<string, Recorded<string>>; // latin1 reads
  links: Record<string, Recorded<string>>;
  dirs: Record<string, Recorded<string[]>>;
  stat: Record<string, Recorded<StatInfo>>;
  helper: Recorded<HelperAnswer> | null;
}

const SECRET_DIRS = ['/var/run/secrets/', '/run/secrets/'];
const isSecret = (p: string) => SECRET_DIRS.some((d) => p.startsWith(d));

/** Redaction rules applied to file text before it is stored. */
export function redact(path: string, text: string): string | null {
  if (isSecret(path)) return null;
  if (/^\/proc\/[^/]+\/environ$/.test(path)) return text.split('\0').filter((kv) => kv.startsWith('container=')).join('\0');
  return text;
}

const keep = <T>(r: Read<T>): Recorded<T> => (r.ok ? { value: r.value } : { error: r.error.code });

export function createRecordingHost(inner: Host, toolVersion: string): { host: Host; archive: SnapshotArchive } {
  const archive: SnapshotArchive = {
    format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION,
    captured: { at: new Date().toISOString(), toolVersion },
    uname: inner.uname(), env: {}, files: {}, binaryFiles: {}, links: {}, dirs: {}, stat: {}, helper: null,
  };
  const host: Host = {
    root: inner.root,
    live: inner.live,
    readFile(path, encoding) {
      const r = inner.readFile(path, encoding);
      const store = encoding === 'latin1' ? archive.binaryFiles : archive.files;
      if (r.ok) {
        const kept = redact(path, r.value);
        store[path] = kept === null ? { error: 'NOT_CAPTURED' } : { value: kept };
      } else store[path] = { error: r.error.code };
      return r;
    },
    readDir(path) { const r = inner.readDir(path); archive.dirs[path] = keep(r); return r; },
    readLink(path) { const r = inner.readLink(path); archive.links[path] = keep(r); return r; },
    stat(path) { const r = inner.stat(path); archive.stat[path] = keep(r); return r; },
    env(name) { const v = inner.env(name); archive.env[name] = v ?? null; return v; },
    uname: () => archive.uname,
    async runHelper(plan, opts) {
      const r = await inner.runHelper(plan, opts);
      archive.helper = keep(r);
      return r;
    },
  };
  return { host, archive };
}

export function parseArchive(text: string): SnapshotArchive | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  const a = v as SnapshotArchive;
  if (!a || a.format !== ARCHIVE_FORMAT) return `not an ${ARCHIVE_FORMAT} archive`;
  if (a.version !== ARCHIVE_VERSION) return `archive version ${a.version} is not ${ARCHIVE_VERSION}`;
  for (const k of ['files', 'binaryFiles', 'links', 'dirs', 'stat', 'env'] as const) if (typeof a[k] !== 'object' || a[k] === null) a[k] = {};
  return a;
}

export function createReplayHost(a: SnapshotArchive, label: string): Host {
  const give = <T>(rec: Recorded<T> | undefined, path: string): Read<T> =>
    !rec ? readError('NOT_RECORDED', path, `NOT_RECORDED: ${path} was not read when the snapshot was taken`)
      : 'error' in rec ? readError(rec.error, path) : { ok: true, value: rec.value };
  return {
    root: label,
    live: false,
    readFile: (p, enc) => give(enc === 'latin1' ? a.binaryFiles[p] : a.files[p], p),
    readDir: (p) => give(a.dirs[p], p),
    readLink: (p) => give(a.links[p], p),
    stat: (p) => give(a.stat[p], p),
    env: (name) => a.env[name] ?? undefined,
    uname: () => a.uname,
    async runHelper() {
      return a.helper ? give(a.helper, 'sbx-helper') : readError('NOT_RECORDED', 'sbx-helper', 'the snapshot holds no helper answers');
    },
  };
}
