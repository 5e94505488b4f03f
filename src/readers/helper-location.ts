// Where the native helper is at run time (issue 7), in this order:
//   1. $SBX_HELPER;
//   2. next to the executable (dirname(process.execPath)/sbx-helper: the single executable in an
//      image with a read-only root ships it there) or next to the bundle (__dirname/sbx-helper:
//      the npm package, dist/sbx-detect.cjs beside dist/sbx-helper);
//   3. inside the single executable (sea-config.json asset "sbx-helper"): extracted into a private
//      mkdtemp directory (0700) in the first place that allows exec — $TMPDIR, /tmp, /dev/shm,
//      /run, $HOME, the executable's own directory — proved by running the copy with an empty
//      plan (a noexec mount only shows at exec time), and removed afterwards: by cleanup(), at
//      process exit, and on SIGINT/SIGTERM/SIGHUP (then the signal is raised again, so that the
//      exit status still says which signal ended the process).
// Every failure is data: { ok: false, reason } names each place tried and why it did not work.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Read, readError } from './host.js';

export const HELPER_NAME = 'sbx-helper';
/** Key of the helper in the single executable's assets (sea-config.json "assets"). */
export const SEA_ASSET_KEY = 'sbx-helper';

export type HelperLocation =
  | { ok: true; path: string; cleanup(): void; how: string }
  | { ok: false; reason: string };

/** What the search looks at; every field has a live default, tests replace them. */
export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  execPath?: string;
  /** Directory of the running bundle (__dirname); null when there is none. */
  bundleDir?: string | null;
  /** The helper embedded in the single executable, or null when not running as one. */
  embedded?: () => Promise<Uint8Array | null>;
  /** Places to try for extraction, in order (default: extractionDirs(env, execPath)). */
  extractDirs?: string[];
  /** Time allowed for the exec test of an extracted copy. */
  execTestMs?: number;
}

/** `__dirname` exists in the CommonJS bundle (and under vitest); not in plain ESM. */
function defaultBundleDir(): string | null {
  return typeof __dirname === 'string' ? __dirname : null;
}

/** The helper asset when running as a single executable, else null. Never throws. */
export function embeddedHelper(): Promise<Uint8Array | null> {
  return embeddedAsset(SEA_ASSET_KEY);
}

/** An asset of the single executable by key, or null (not a single executable, no such asset). */
async function embeddedAsset(key: string): Promise<Uint8Array | null> {
  try {
    // node:sea exists from Node 20.12. The single executable's main script has a require() for
    // built-in modules but no import() (esbuild keeps import() of externals as it is), so
    // require() when there is one (the CommonJS bundle), import() otherwise (ESM, tests).
    const sea: typeof import('node:sea') = typeof require === 'function' ? require('node:sea') : await import('node:sea');
    if (!sea.isSea()) return null;
    return new Uint8Array(sea.getAsset(key));
  } catch {
    return null;
  }
}

/** The helper file name for a target's `uname -m`, or null when none is built for it. */
export function helperNameForArch(machine: string): string | null {
  if (machine === 'x86_64' || machine === 'amd64') return HELPER_NAME;
  if (machine === 'aarch64' || machine === 'arm64') return `${HELPER_NAME}-aarch64`;
  return null;
}

/**
 * The helper's bytes for another machine's architecture (--via uploads them): beside the
 * executable, beside the bundle, or embedded in the single executable. The bytes, or why not.
 */
export async function helperBytesForArch(machine: string, opts: Pick<LocateOptions, 'execPath' | 'bundleDir'> & {
  embeddedAsset?: (key: string) => Promise<Uint8Array | null>;
} = {}): Promise<Uint8Array | string> {
  const name = helperNameForArch(machine);
  if (!name) return `no helper is built for the target's architecture "${machine.slice(0, 40)}" (x86_64 and aarch64 are)`;
  const execPath = opts.execPath ?? process.execPath;
  const bundleDir = opts.bundleDir === undefined ? defaultBundleDir() : opts.bundleDir;
  const tried: string[] = [];
  for (const dir of [path.dirname(execPath), ...(bundleDir ? [bundleDir] : [])]) {
    const file = path.join(dir, name);
    try {
      return new Uint8Array(fs.readFileSync(file));
    } catch (err) {
      tried.push(`${file} (${errCode(err)})`);
    }
  }
  const bytes = await (opts.embeddedAsset ?? embeddedAsset)(name);
  if (bytes) return bytes;
  tried.push(`the single executable's asset ${name}`);
  return `no ${name} for the target's ${machine} architecture; tried ${tried.join(', ')}`;
}

/** $TMPDIR, /tmp, /dev/shm, /run, $HOME, the executable's directory; no duplicates. */
export function extractionDirs(env: NodeJS.ProcessEnv, execPath: string): string[] {
  const dirs = [env.TMPDIR, '/tmp', '/dev/shm', '/run', env.HOME, path.dirname(execPath)];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of dirs) {
    if (!d || !path.isAbsolute(d)) continue;
    const norm = path.resolve(d);
    if (seen.has(norm)) continue;
    seen.add(norm);
    out.push(norm);
  }
  return out;
}

const errCode = (err: unknown): string => (err as NodeJS.ErrnoException)?.code ?? String((err as Error)?.message ?? err);

/** Runs the helper with an empty plan: it must exit 0. Resolves null on success, else why not. */
export function execTest(file: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (why: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(why);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, [], { stdio: ['pipe', 'ignore', 'ignore'] });
    } catch (err) {
      resolve(`exec failed: ${errCode(err)}`);
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // our own child
      finish(`exec test timed out after ${timeoutMs} ms`);
    }, timeoutMs);
    child.on('error', (err) => finish(`exec failed: ${errCode(err)}`));
    child.on('close', (code, signal) => {
      if (code === 0) finish(null);
      else finish(signal ? `exec test died of ${signal}` : `exec test exited ${code}`);
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(); // empty plan
  });
}

function executable(file: string): string | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return 'not a regular file';
    fs.accessSync(file, fs.constants.X_OK);
    return null;
  } catch (err) {
    return errCode(err);
  }
}

const CLEANUP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Removes `dir` on cleanup(), at exit and on SIGINT/SIGTERM/SIGHUP (re-raised afterwards when
 * nobody else listens for it). cleanup() is idempotent and unregisters everything.
 */
export function removeOnExit(dir: string): () => void {
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.removeListener('exit', remove);
    for (const s of CLEANUP_SIGNALS) process.removeListener(s, onSignal);
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      /* nothing more can be done; the directory is 0700 and ours */
    }
  };
  function onSignal(signal: NodeJS.Signals): void {
    remove();
    // With our listener gone and no other one, the default action ends the process with the
    // same signal, so the parent sees "killed by SIGTERM", not a plain exit.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }
  process.on('exit', remove);
  for (const s of CLEANUP_SIGNALS) process.on(s, onSignal);
  return remove;
}

async function extractInto(base: string, bytes: Uint8Array, execTestMs: number): Promise<{ ok: true; path: string; cleanup(): void } | { ok: false; why: string }> {
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(base, 'sbx-detect-'));
  } catch (err) {
    return { ok: false, why: `cannot create a directory: ${errCode(err)}` };
  }
  const cleanup = removeOnExit(dir); // registered before anything else can fail or be interrupted
  try {
    fs.chmodSync(dir, 0o700); // mkdtemp already makes it 0700; say so whatever the umask
    const file = path.join(dir, HELPER_NAME);
    fs.writeFileSync(file, bytes, { mode: 0o700, flag: 'wx' });
    let why = await execTest(file, execTestMs);
    // ETXTBSY: a fork elsewhere in the process may briefly hold the write descriptor
    for (let i = 0; why === 'exec failed: ETXTBSY' && i < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      why = await execTest(file, execTestMs);
    }
    if (why === null) return { ok: true, path: file, cleanup };
    cleanup();
    return { ok: false, why };
  } catch (err) {
    cleanup();
    return { ok: false, why: `cannot write the helper: ${errCode(err)}` };
  }
}

/** Finds (or extracts) the helper. The caller must call cleanup() once it is done with it. */
export async function locateHelper(opts: LocateOptions = {}): Promise<HelperLocation> {
  const env = opts.env ?? process.env;
  const execPath = opts.execPath ?? process.execPath;
  const bundleDir = opts.bundleDir === undefined ? defaultBundleDir() : opts.bundleDir;
  const tried: string[] = [];
  const noop = (): void => {};

  if (env.SBX_HELPER) {
    // absolute: spawn() would search PATH for a bare name that access() found in the cwd
    const given = path.resolve(env.SBX_HELPER);
    const why = executable(given);
    if (why === null) return { ok: true, path: given, cleanup: noop, how: 'SBX_HELPER' };
    tried.push(`SBX_HELPER=${env.SBX_HELPER} (${why})`);
  }

  // build.mjs names the x86_64 helper sbx-helper and the aarch64 one sbx-helper-aarch64
  const name = process.arch === 'arm64' ? `${HELPER_NAME}-aarch64` : HELPER_NAME;
  const beside: [string, string][] = [[path.join(path.dirname(execPath), name), 'next to the executable']];
  if (bundleDir) beside.push([path.join(bundleDir, name), 'next to the bundle']);
  const seen = new Set<string>();
  for (const [candidate, how] of beside) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    const why = executable(candidate);
    if (why === null) return { ok: true, path: candidate, cleanup: noop, how };
    tried.push(`${candidate} (${why})`);
  }

  const bytes = await (opts.embedded ?? embeddedHelper)();
  if (!bytes) {
    tried.push('embedded copy (not running as a single executable with the helper asset)');
    return { ok: false, reason: `no usable sbx-helper; tried ${tried.join(', ')}` };
  }
  for (const base of opts.extractDirs ?? extractionDirs(env, execPath)) {
    const r = await extractInto(base, bytes, opts.execTestMs ?? 10_000);
    if (r.ok) return { ok: true, path: r.path, cleanup: r.cleanup, how: `extracted into ${path.dirname(r.path)}` };
    tried.push(`extract into ${base} (${r.why})`);
  }
  return { ok: false, reason: `no usable sbx-helper; tried ${tried.join(', ')}` };
}

/**
 * Locates the helper, hands its path to `run`, and cleans up after `run` settles. For
 * helper-process.ts: `if (!opts.helperPath) return withHelper((helperPath) => runHelperProcess(plan, { ...opts, helperPath }));`
 */
export async function withHelper<T>(run: (helperPath: string) => Promise<Read<T>>, opts?: LocateOptions): Promise<Read<T>> {
  const located = await locateHelper(opts);
  if (!located.ok) return readError('HELPER_MISSING', HELPER_NAME, located.reason);
  try {
    return await run(located.path);
  } finally {
    located.cleanup();
  }
}
