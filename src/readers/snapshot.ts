// A host rooted at a snapshot directory laid out like the real paths (DIR/proc/self/status, ...).
// What a tree of files cannot hold lives in DIR/.sbx/host.json (format: fixtures/README.md):
// uname, the few environment variables the tool uses, stat results (sockets, devices),
// read errors to replay (EACCES, ...) and the helper's recorded answer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Host, type HelperAnswer, type Read, type StatInfo, type Uname, readError } from './host.js';
import { errnoRead, readCapped, statInfo } from './live.js';

export interface SnapshotManifest {
  uname?: Partial<Uname>;
  env?: Record<string, string>;
  /** path -> stat result, or an errno name */
  stat?: Record<string, StatInfo | string>;
  /** path -> errno name returned by any read of that path */
  errors?: Record<string, string>;
  helper?: HelperAnswer | { error: string };
}

export function loadManifest(root: string): SnapshotManifest {
  const file = path.join(root, '.sbx', 'host.json');
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as SnapshotManifest) : {};
  } catch {
    return {};
  }
}

export function createSnapshotHost(root: string, manifest: SnapshotManifest = loadManifest(root)): Host {
  const under = (p: string) => path.join(root, path.posix.normalize('/' + p));
  const recordedError = (p: string): Read<never> | null => {
    const code = manifest.errors?.[p];
    return code ? readError(code, p) : null;
  };
  // report the path as the tool asked for it, not the snapshot directory it was read from
  const withRealPath = <T>(p: string, r: Read<T>): Read<T> =>
    r.ok ? r : readError(r.error.code, p, r.error.message.split(under(p)).join(p));
  return {
    root,
    live: false,
    readFile: (p, encoding) => recordedError(p) ?? withRealPath(p, readCapped(under(p), encoding)),
    readDir(p) {
      const e = recordedError(p);
      if (e) return e;
      try {
        return { ok: true, value: fs.readdirSync(under(p)).filter((n) => !(p === '/' && n === '.sbx')).sort() };
      } catch (err) {
        return errnoRead(p, err);
      }
    },
    readLink(p) {
      const e = recordedError(p);
      if (e) return e;
      try {
        return { ok: true, value: fs.readlinkSync(under(p)) };
      } catch (err) {
        return errnoRead(p, err);
      }
    },
    stat(p) {
      const recorded = manifest.stat?.[p];
      if (typeof recorded === 'string') return readError(recorded, p);
      if (recorded) return { ok: true, value: recorded };
      const e = recordedError(p);
      if (e) return e;
      try {
        return { ok: true, value: statInfo(fs.lstatSync(under(p))) };
      } catch (err) {
        return errnoRead(p, err);
      }
    },
    env: (name) => manifest.env?.[name],
    uname: () => ({
      release: manifest.uname?.release ?? '',
      version: manifest.uname?.version ?? '',
      machine: manifest.uname?.machine ?? 'x86_64',
    }),
    async runHelper() {
      const h = manifest.helper;
      if (!h) return readError('NOT_RECORDED', 'sbx-helper', 'the snapshot holds no helper answers');
      if ('error' in h) return readError(String(h.error), 'sbx-helper', `recorded helper failure: ${String(h.error)}`);
      if (!Array.isArray(h.lines) || typeof h.exit !== 'object' || h.exit === null) {
        return readError('BAD_SNAPSHOT', 'sbx-helper', 'the recorded helper answer has no lines array or no exit status');
      }
      return { ok: true, value: { ...h, garbage: h.garbage ?? [], timedOut: h.timedOut ?? false, elapsedMs: h.elapsedMs ?? 0 } };
    },
  };
}
