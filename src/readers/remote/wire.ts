// The host questions of the helper's remote mode (src/helper/README.md, "Host questions"):
// request lines out, typed answers in. An answer is untrusted input — it came from inside the
// target, where the helper or its output may have been replaced — so every field is checked
// here and anything malformed becomes a read error with the reason, never an exception.
import { constants as osConstants } from 'node:os';
import { type FileType, MAX_READ_BYTES, type Read, readError, type StatInfo, type Uname } from '../host.js';

export type Question =
  | { kind: 'read'; path: string }
  | { kind: 'list'; path: string }
  | { kind: 'link'; path: string }
  | { kind: 'stat'; path: string }
  | { kind: 'env'; name: string }
  | { kind: 'uname' };

/** One cache key per question: a file read once serves both the utf8 and the latin1 reader. */
export function questionKey(q: Question): string {
  return q.kind === 'uname' ? 'uname' : q.kind === 'env' ? `env ${q.name}` : `${q.kind} ${q.path}`;
}

/** Why a question cannot be put on the wire, or null: a line holds no newline, and no NUL. */
export function unaskable(q: Question): string | null {
  const arg = q.kind === 'uname' ? '' : q.kind === 'env' ? q.name : q.path;
  if (/[\n\r\0]/.test(arg)) return 'the name holds a newline, carriage return or NUL, which the wire format cannot carry';
  if (q.kind !== 'uname' && arg.trim() === '') return 'empty name';
  if (Buffer.byteLength(arg) > 4000) return 'the name is longer than a helper request line allows';
  if (q.kind === 'env' && /\s/.test(arg)) return 'an environment variable name holds white space';
  return null;
}

export function questionLine(id: string, q: Question): string {
  switch (q.kind) {
    case 'uname': return `uname ${id}`;
    case 'env': return `env ${id} ${q.name}`;
    default: return `${q.kind} ${id} ${q.path}`;
  }
}

/** What an answer decodes to: file bytes as a latin1 string (one char per byte). */
export type AnswerValue = string | string[] | StatInfo | Uname | null;

const ERRNO_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(osConstants.errno).map(([name, n]) => [n, name]),
);

/** errno number -> name (ENOENT, ...); Linux numbers are the same on x86_64 and aarch64. */
export function errnoName(n: number): string {
  return ERRNO_NAMES[n] ?? `ERRNO_${n}`;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
/** How a question is named in a read error: its path, `$NAME`, or `uname`. */
export const questionName = (q: Question) => (q.kind === 'uname' ? 'uname' : q.kind === 'env' ? `$${q.name}` : q.path);
const bad = (q: Question, why: string): Read<never> =>
  readError('BAD_ANSWER', questionName(q), `BAD_ANSWER: the helper's answer for ${q.kind} ${questionName(q)} ${why}`);

/** Is every char a byte (the helper escapes every byte outside printable ASCII as \u00XX)? */
const isByteString = (s: unknown): s is string => typeof s === 'string' && !/[^\x00-\xff]/.test(s);

const S_IFMT = 0o170000;
const FILE_TYPES: Record<number, FileType> = {
  0o100000: 'file', 0o040000: 'dir', 0o120000: 'link', 0o140000: 'socket', 0o020000: 'char', 0o060000: 'block', 0o010000: 'fifo',
};

/** Decodes one answer object for question q. `line` has already passed JSON.parse. */
export function decodeAnswer(q: Question, line: Record<string, unknown>): Read<AnswerValue> {
  const path = questionName(q);
  if (line.req !== q.kind) return bad(q, `is a "${describeValue(line.req)}" answer`);
  if (line.refused !== undefined) {
    return readError('NOT_CAPTURED', path, `NOT_CAPTURED: ${path} holds secrets; the helper does not send their contents across the channel`);
  }
  if (line.errno !== undefined) {
    if (!isInt(line.errno)) return bad(q, 'has an errno that is not a number');
    return readError(errnoName(line.errno), path);
  }
  if (line.truncated === true) {
    return q.kind === 'read'
      ? readError('TRUNCATED', path, `TRUNCATED: ${path} is larger than ${MAX_READ_BYTES} bytes`)
      : readError('TRUNCATED', path, `TRUNCATED: ${path} has more entries than the helper lists`);
  }
  switch (q.kind) {
    case 'read':
      if (!isByteString(line.data)) return bad(q, 'has no byte string "data"');
      if (line.data.length > MAX_READ_BYTES) return readError('TRUNCATED', path, `TRUNCATED: ${path} is larger than ${MAX_READ_BYTES} bytes`);
      return { ok: true, value: line.data };
    case 'list':
      if (!Array.isArray(line.names) || !line.names.every(isByteString)) return bad(q, 'has no list of names');
      return { ok: true, value: (line.names as string[]).map(fromBytes).sort() }; // as the live host lists
    case 'link':
      if (!isByteString(line.target)) return bad(q, 'has no target');
      return { ok: true, value: fromBytes(line.target) };
    case 'stat': {
      const f = ['mode', 'uid', 'gid', 'size', 'ino', 'dev', 'rdev'] as const;
      for (const k of f) if (!isInt(line[k])) return bad(q, `has no number "${k}"`);
      const mode = line.mode as number;
      return {
        ok: true,
        value: {
          type: FILE_TYPES[mode & S_IFMT] ?? 'other', mode: mode & 0o7777,
          uid: line.uid as number, gid: line.gid as number, size: line.size as number,
          ino: line.ino as number, dev: line.dev as number, rdev: line.rdev as number,
        },
      };
    }
    case 'env':
      if (line.unset === true) return { ok: true, value: null };
      if (!isByteString(line.value)) return bad(q, 'has neither a value nor unset');
      return { ok: true, value: fromBytes(line.value) };
    case 'uname': {
      const { release, version, machine } = line;
      if (!isByteString(release) || !isByteString(version) || !isByteString(machine)) return bad(q, 'lacks release, version or machine');
      return { ok: true, value: { release: fromBytes(release), version: fromBytes(version), machine: fromBytes(machine) } };
    }
  }
}

/** A value from an answer, for a message: never throws (JSON.parse can give an object whose
 *  own toString is null, which String() cannot convert). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return v.slice(0, 20);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'array' : typeof v;
}

/** The helper sends bytes; names, link targets and text are read as UTF-8, as Node reads them. */
export function fromBytes(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}
