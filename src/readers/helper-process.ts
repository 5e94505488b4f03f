// Finds and runs the native helper (src/helper/sbx-helper.c). The helper executes the plan
// it is given on stdin and prints one JSON object per line; this module only moves bytes,
// bounds the time, and reports faults as data.
import { spawn } from 'node:child_process';
import { withHelper } from './helper-location.js';
import { type HelperAnswer, type HelperRunOptions, type Read, readError } from './host.js';

export function parseHelperOutput(stdout: string): { lines: Record<string, unknown>[]; garbage: string[] } {
  const lines: Record<string, unknown>[] = [];
  const garbage: string[] = [];
  for (const raw of stdout.split('\n')) {
    if (raw === '') continue;
    try {
      const v = JSON.parse(raw);
      if (v && typeof v === 'object' && !Array.isArray(v)) lines.push(v);
      else garbage.push(raw.slice(0, 200));
    } catch {
      garbage.push(raw.slice(0, 200));
    }
  }
  return { lines, garbage };
}

export function runHelperProcess(plan: string[], opts: HelperRunOptions & { helperPath?: string }): Promise<Read<HelperAnswer>> {
  // SBX_HELPER, beside the binary or bundle, or extracted from the single executable (then removed)
  if (!opts.helperPath) return withHelper((helperPath) => runHelperProcess(plan, { ...opts, helperPath }));
  const helper = opts.helperPath;
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(helper, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      resolve(readError((err as NodeJS.ErrnoException).code ?? 'EIO', helper, `cannot start helper ${helper}: ${String(err)}`));
      return;
    }
    const out: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL'); // our own child, nobody else's
    }, opts.timeoutMs);
    let answered = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < 16 * 1024 * 1024) out.push(b);
      outBytes += b.length;
      if (opts.onProgress) {
        for (const byte of b) if (byte === 10) answered++;
        opts.onProgress(answered);
      }
    });
    child.stderr.resume();
    child.stdin.on('error', () => {}); // EPIPE when the helper dies early: reported via exit status
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(readError(err.code ?? 'EIO', helper, `cannot run helper ${helper}: ${err.code ?? err.message}`));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const { lines, garbage } = parseHelperOutput(Buffer.concat(out).toString('utf8'));
      resolve({
        ok: true,
        value: {
          lines,
          garbage,
          exit: { code, signal },
          timedOut,
          elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
      });
    });
    child.stdin.end(plan.join('\n') + '\n');
  });
}
