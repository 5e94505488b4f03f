// The one door to the outside world. Every file, directory, link, stat, environment
// variable, uname field and helper answer the tool uses passes through a Host, so a run
// can be replayed from a snapshot directory laid out like the real paths.
//
// Nothing here interprets what it reads: that is the probes' job.

export type Read<T> = { ok: true; value: T } | { ok: false; error: ReadError };

export interface ReadError {
  /** errno name (ENOENT, EACCES, ...) or one of our own: TRUNCATED, NOT_RECORDED, HELPER */
  code: string;
  path: string;
  message: string;
}

export type FileType = 'file' | 'dir' | 'link' | 'socket' | 'char' | 'block' | 'fifo' | 'other';

export interface StatInfo {
  type: FileType;
  mode: number; // permission bits only (0o7777)
  uid: number;
  gid: number;
  size: number;
  ino: number;
  dev: number;
  rdev: number;
}

export interface Uname {
  release: string;
  version: string;
  machine: string;
}

/** What the C helper is asked to do; see src/helper/README.md for the wire format. */
export type HelperRequest = string;

export interface HelperAnswer {
  /** one parsed JSON object per line the helper printed */
  lines: Record<string, unknown>[];
  /** a few of the lines that were not JSON objects (garbage, partial writes), cut to 200 chars */
  garbage: string[];
  /** how many such lines there were in all (absent in older snapshots: garbage.length) */
  garbageCount?: number;
  exit: { code: number | null; signal: string | null };
  timedOut: boolean;
  elapsedMs: number;
}

export interface HelperRunOptions {
  timeoutMs: number;
  /** the rest of the plan, not known yet when the helper starts: the live host starts the
   *  helper on `plan` and writes these lines once they come; other hosts wait for them */
  more?: Promise<HelperRequest[]>;
  /** called with the number of answer lines so far, as they arrive */
  onProgress?: (answered: number) => void;
}

/** How the facts were collected, when not by reading this machine: said in the JSON report. */
export interface Collection {
  method: 'remote';
  /** the --via command as the user gave it */
  channel: string;
  helper?: {
    /** the helper's own architecture (the target's `uname -m` picked it) */
    arch: string;
    /** uploaded through the channel, or already in the target (--helper-path) */
    how: 'uploaded' | 'in place';
    /** the uploaded copy removed its own file and directory once it ran (null: not uploaded) */
    removedOwnCopy: boolean | null;
  };
  roundTrips?: number;
  bytesSent?: number;
  bytesReceived?: number;
  /** why the channel ended before every question was answered */
  broken?: string;
}

export interface Host {
  /** "/" for the live system, or the snapshot directory */
  readonly root: string;
  readonly live: boolean;
  /** latin1 keeps binary files (ACPI tables) byte-for-byte addressable */
  readFile(path: string, encoding?: 'utf8' | 'latin1'): Read<string>;
  readDir(path: string): Read<string[]>;
  readLink(path: string): Read<string>;
  /** lstat: does not follow the last symlink */
  stat(path: string): Read<StatInfo>;
  env(name: string): string | undefined;
  /** Why env(name) gave undefined when that is not "not set" (a --via answer that could not be
   *  read); null or absent: the variable is not set. */
  envError?(name: string): ReadError | null;
  uname(): Uname;
  /** Runs the native helper with a plan; never throws. */
  runHelper(plan: HelperRequest[], opts: HelperRunOptions): Promise<Read<HelperAnswer>>;
  /** Set by hosts whose answers come from elsewhere (--via). */
  collection?(): Collection;
}

/** Files larger than this are cut, and the read says so (a 1 MiB cmdline must not cost us). */
export const MAX_READ_BYTES = 4 * 1024 * 1024;

export function readError(code: string, path: string, message?: string): Read<never> {
  return { ok: false, error: { code, path, message: message ?? `${code}: ${path}` } };
}
