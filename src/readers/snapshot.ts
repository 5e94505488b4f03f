// A host rooted at a snapshot directory laid out like the real paths (DIR/proc/self/status, ...).
// What a tree of files cannot hold lives in DIR/.sbx/host.json (format: fixtures/README.md):
// uname, the few environment variables the tool uses, stat results (sockets, devices),
// read errors to replay (EACCES, ...) and the helper's recorded answer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import manifestSchema from '../../schema/snapshot-manifest.schema.json' with { type: 'json' };
import { type Host, type Read, type StatInfo, readError } from './host.js';
import { errnoRead, readCapped, statInfo } from './live.js';
import { formatViolations, type JsonSchema, schemaViolations } from './schema-check.js';

/** The helper's answer as a manifest holds it: its lines and exit status; the rest may be left out. */
export interface ManifestHelperAnswer {
  lines: Record<string, unknown>[];
  garbage?: string[];
  garbageCount?: number;
  exit: { code: number | null; signal: string | null };
  timedOut?: boolean;
  elapsedMs?: number;
}

export interface ManifestUname {
  release?: string;
  version?: string;
  machine?: string;
}

/** DIR/.sbx/host.json; checked against schema/snapshot-manifest.schema.json, generated from this. */
export interface SnapshotManifest {
  uname?: ManifestUname;
  env?: Record<string, string>;
  /** path -> stat result, or an errno name */
  stat?: Record<string, StatInfo | string>;
  /** path -> errno name returned by any read of that path */
  errors?: Record<string, string>;
  helper?: ManifestHelperAnswer | { error: string };
}

const MANIFEST = path.join('.sbx', 'host.json');

/** DIR/.sbx/host.json, checked; none at all is an empty manifest. A string says why it is refused. */
export function loadManifest(root: string): SnapshotManifest | string {
  const file = path.join(root, MANIFEST);
  const read = readCapped(file);
  if (!read.ok) return read.error.code === 'ENOENT' ? {} : `${file}: cannot read it: ${read.error.message}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.value);
  } catch (err) {
    return `${file}: not JSON (${(err as Error).message})`;
  }
  const wrong = schemaViolations(parsed, manifestSchema as JsonSchema, 11);
  if (wrong.length) return `${file} does not follow schema/snapshot-manifest.schema.json:\n${formatViolations(wrong, 10)}`;
  return parsed as SnapshotManifest;
}

/** The host for --root DIR: DIR must be a directory, and its manifest (if any) well formed. */
export function openSnapshotRoot(root: string): Host | string {
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such directory' : `cannot use it as a snapshot directory: ${code ?? String(err)}`;
  }
  if (!st.isDirectory()) return 'not a directory (a snapshot directory is laid out like /; --replay reads an archive file)';
  const manifest = loadManifest(root);
  return typeof manifest === 'string' ? manifest : createSnapshotHost(root, manifest);
}

function manifestOrThrow(root: string): SnapshotManifest {
  const m = loadManifest(root);
  if (typeof m === 'string') throw new Error(m); // tests and benches only: the CLI uses openSnapshotRoot
  return m;
}

export function createSnapshotHost(root: string, manifest: SnapshotManifest = manifestOrThrow(root)): Host {
  const own = <T>(table: Record<string, T> | undefined, key: string): T | undefined => (table && Object.hasOwn(table, key) ? table[key] : undefined);
  const under = (p: string) => path.join(root, path.posix.normalize('/' + p));
  const recordedError = (p: string): Read<never> | null => {
    const code = own(manifest.errors, p);
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
      const recorded = own(manifest.stat, p);
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
    env: (name) => own(manifest.env, name),
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
