// Snapshot archives: a recording Host that keeps every answer it passes on, and a replay Host
// that gives them back. `sbx-detect snapshot` writes one; `--replay FILE` reads it.
//
// What is never captured: the contents of anything under /var/run/secrets (the token is only
// ever stat'ed anyway), and of /proc/1/environ anything but its container= entry.
// Environment variables: only those the tool asks the Host for (a fixed, short list); one that
// could not be read (through --via) is kept as its error, not as "not set". An archive taken
// through --via keeps how (`captured.collection`), so its replay reads as that run did.
//
// An archive is untrusted input (it may come from anyone, be cut short or edited): --replay reads
// at most MAX_ARCHIVE_BYTES of it and checks it against schema/snapshot.schema.json, which is
// generated from `SnapshotArchive` below, before anything looks inside. What breaks the schema
// rejects the whole archive (a usage error naming the JSON path); what the schema lets through
// is what a live system could also answer, and costs at most the one fact that reads it.
import * as fs from 'node:fs';
import snapshotSchema from '../../schema/snapshot.schema.json' with { type: 'json' };
import type { Collection, HelperAnswer, Host, Read, ReadError, StatInfo, Uname } from './host.js';
import { MAX_READ_BYTES, readError } from './host.js';
import { readCapped } from './live.js';
import { formatViolations, type JsonSchema, schemaViolations } from './schema-check.js';

export const ARCHIVE_FORMAT = 'sbx-detect-snapshot';
export const ARCHIVE_VERSION = 1;
/** An archive larger than this is refused unread. Real ones are ~60 KiB; each file in one is at
 *  most MAX_READ_BYTES (4 MiB), and JSON escaping can double that. */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

type Recorded<T> = { value: T } | { error: string };

export interface SnapshotArchive {
  format: typeof ARCHIVE_FORMAT;
  version: typeof ARCHIVE_VERSION;
  /** `collection`: the archive was taken through --via (the channel, the helper) */
  captured: { at: string; toolVersion: string; collection?: Collection };
  uname: Uname;
  env: Record<string, string | null>;
  /** variables whose reading failed (an error code), which `env` then lists as null */
  envErrors?: Record<string, string>;
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

/** `finish()` gives the archive once gathering is over: a --via collection's account (round
 *  trips, the helper's removal of itself) is complete only then. */
export function createRecordingHost(inner: Host, toolVersion: string): { host: Host; archive: SnapshotArchive; finish(): SnapshotArchive } {
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
    env(name) {
      const v = inner.env(name);
      archive.env[name] = v ?? null;
      const err = v === undefined ? inner.envError?.(name) : null;
      if (err) (archive.envErrors ??= {})[name] = err.code;
      return v;
    },
    ...(inner.envError && { envError: (name: string) => inner.envError!(name) }),
    ...(inner.collection && { collection: () => inner.collection!() }),
    uname: () => archive.uname,
    async runHelper(plan, opts) {
      const r = await inner.runHelper(plan, opts);
      archive.helper = keep(r);
      return r;
    },
  };
  const finish = () => {
    const collection = inner.collection?.();
    if (collection) archive.captured.collection = collection;
    return archive;
  };
  return { host, archive, finish };
}

/** Reads an archive file without ever holding more than MAX_ARCHIVE_BYTES + 1 bytes of it. */
export function readArchiveFile(file: string): { ok: true; text: string } | { ok: false; error: string } {
  const tooBig = (size: string) => ({ ok: false as const, error: `it is ${size}larger than the ${MAX_ARCHIVE_BYTES / 1048576} MiB an archive may be` });
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    return { ok: false, error: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  if (st.isDirectory()) return { ok: false, error: 'is a directory, not an archive (--root reads a snapshot directory)' };
  if (st.isFile() && st.size > MAX_ARCHIVE_BYTES) return tooBig(`${(st.size / 1048576).toFixed(1)} MiB, `);
  // a pipe or a device says nothing of its size: read until EOF or one byte past the cap
  const read = readCapped(file, 'utf8', { max: MAX_ARCHIVE_BYTES, block: true });
  if (!read.ok) return read.error.code === 'TRUNCATED' ? tooBig('') : { ok: false, error: `cannot read it: ${read.error.code}` };
  return { ok: true, text: read.value };
}

/** The text of an archive, checked: the archive, or why it is refused (one line, or a few
 *  lines naming each JSON path that is wrong). */
export function parseArchive(text: string): SnapshotArchive | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  // the two questions that tell an archive of another kind or version from a broken one
  const o = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  if (!o || o.format !== ARCHIVE_FORMAT) return `not an ${ARCHIVE_FORMAT} archive ($.format is not "${ARCHIVE_FORMAT}")`;
  if (o.version !== ARCHIVE_VERSION) return `archive version ${JSON.stringify(o.version) ?? 'missing'} is not ${ARCHIVE_VERSION} ($.version)`;
  const wrong = schemaViolations(v, snapshotSchema as JsonSchema, 11);
  if (wrong.length) return `not a valid ${ARCHIVE_FORMAT} archive (schema/snapshot.schema.json):\n${formatViolations(wrong, 10)}`;
  return v as SnapshotArchive;
}

/** Reads and checks an archive file: the archive, or a usage error. */
export function loadArchiveFile(file: string): SnapshotArchive | string {
  const read = readArchiveFile(file);
  return read.ok ? parseArchive(read.text) : read.error;
}

export function createReplayHost(a: SnapshotArchive, label: string): Host {
  const give = <T>(rec: Recorded<T> | undefined, path: string): Read<T> =>
    !rec ? readError('NOT_RECORDED', path, `NOT_RECORDED: ${path} was not read when the snapshot was taken`)
      : 'error' in rec ? readError(rec.error, path) : { ok: true, value: rec.value };
  // own keys only: an archive's "constructor" or "__proto__" entry is data, and a path the
  // archive lacks must not find Object.prototype's
  const at = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);
  // a live read cuts a file past MAX_READ_BYTES and says so; a recorded text that long cannot
  // come from sbx-detect, and is cut the same way
  const file = (rec: Recorded<string> | undefined, path: string, encoding: 'utf8' | 'latin1'): Read<string> =>
    rec && 'value' in rec && Buffer.byteLength(rec.value, encoding) > MAX_READ_BYTES
      ? readError('TRUNCATED', path, `TRUNCATED: ${path} is larger than ${MAX_READ_BYTES} bytes`)
      : give(rec, path);
  return {
    root: label,
    live: false,
    readFile: (p, enc) => (enc === 'latin1' ? file(at(a.binaryFiles, p), p, 'latin1') : file(at(a.files, p), p, 'utf8')),
    readDir: (p) => give(at(a.dirs, p), p),
    readLink: (p) => give(at(a.links, p), p),
    stat: (p) => give(at(a.stat, p), p),
    env: (name) => at(a.env, name) ?? undefined,
    envError: (name) => {
      const code = a.envErrors && at(a.envErrors, name);
      return code ? (readError(code, `$${name}`) as { ok: false; error: ReadError }).error : null;
    },
    ...(a.captured.collection && { collection: () => a.captured.collection! }),
    uname: () => a.uname,
    async runHelper() {
      return a.helper ? give(a.helper, 'sbx-helper') : readError('NOT_RECORDED', 'sbx-helper', 'the snapshot holds no helper answers');
    },
  };
}
