// Finds and runs the native helper (src/helper/, static C). The helper executes the plan
// it is given on stdin and prints one JSON object per line; this module only moves bytes,
// bounds the time, and reports faults as data.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { withHelper } from './helper-location.js';
import { type HelperAnswer, type HelperRunOptions, type Read, readError } from './host.js';

/** The real answer is ~40 KB; anything past this is a runaway helper, not data. */
export const MAX_HELPER_OUTPUT = 4 * 1024 * 1024;
const GARBAGE_SAMPLES = 10;

export function parseHelperOutput(stdout: string): { lines: Record<string, unknown>[]; garbage: string[]; garbageCount: number } {
  const lines: Record<string, unknown>[] = [];
  const garbage: string[] = [];
  let garbageCount = 0;
  const junk = (raw: string) => {
    garbageCount++;
    if (garbage.length < GARBAGE_SAMPLES) garbage.push(raw.slice(0, 200));
  };
  for (const raw of stdout.split('\n')) {
    if (raw === '') continue;
    // only an object can be an answer: skip JSON.parse (and its exception) for anything else
    if (raw[0] !== '{') {
      junk(raw);
      continue;
    }
    try {
      const v = JSON.parse(raw);
      if (v && typeof v === 'object' && !Array.isArray(v)) lines.push(v);
      else junk(raw);
    } catch {
      junk(raw);
    }
  }
  return { lines, garbage, garbageCount };
}

export function runHelperProcess(plan: string[], opts: HelperRunOptions & { helperPath?: string }): Promise<Read<HelperAnswer>> {
  // SBX_HELPER, beside the binary or bundle, or extracted from the single executable (then removed)
  if (!opts.helperPath) return withHelper((helperPath) => runHelperProcess(plan, { ...opts, helperPath }));
  const helper = opts.helperPath;
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      // its own process group: on timeout the helper and every probe child it forked go together
      child = spawn(helper, [], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      resolve(readError((err as NodeJS.ErrnoException).code ?? 'EIO', helper, `cannot start helper ${helper}: ${String(err)}`));
      return;
    }
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL'); // our own descendants only
      } catch {
        child.kill('SIGKILL');
      }
    };
    const out: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    let settled = false;
    let exit: HelperAnswer['exit'] | null = null;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    let answered = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < MAX_HELPER_OUTPUT) out.push(b);
      outBytes += b.length;
      if (opts.onProgress) {
        for (const byte of b) if (byte === 10) answered++;
        opts.onProgress(answered);
      }
    });
    child.stderr.resume();
    child.stdin.on('error', () => {}); // EPIPE when the helper dies early: reported via exit status
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6; // before parsing
      child.stdout.destroy();
      child.stderr.destroy();
      const text = Buffer.concat(out).toString('utf8').slice(0, MAX_HELPER_OUTPUT);
      const { lines, garbage, garbageCount } = parseHelperOutput(text);
      resolve({ ok: true, value: { lines, garbage, garbageCount, exit: exit ?? { code: null, signal: null }, timedOut, elapsedMs } });
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(readError(err.code ?? 'EIO', helper, `cannot run helper ${helper}: ${err.code ?? err.message}`));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // a stray grandchild may still hold the pipes open: give the output a moment, then stop
      if (timedOut) killGroup();
      setTimeout(finish, 100).unref();
    });
    child.on('close', finish);
    if (!opts.more) return void child.stdin.end(plan.join('\n') + '\n');
    // the helper works on the first lines while the caller builds the rest (probes/native.ts)
    child.stdin.write(plan.join('\n') + '\n');
    void opts.more.then((rest) => child.stdin.end(rest.length ? rest.join('\n') + '\n' : undefined));
  });
}
