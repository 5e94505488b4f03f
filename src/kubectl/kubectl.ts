// The kubectl calls of `kubectl sbx`, in one place: the user's kubectl with the global flags
// they gave (--context, --kubeconfig, --as), run without a shell; and the two --via commands a
// pod is collected through (`kubectl exec -i`, or `kubectl debug -i` for an ephemeral container).
import { spawn } from 'node:child_process';

export interface Kubectl {
  /** the kubectl program and the global flags, first in every call */
  base: string[];
}

export interface KubectlResult { code: number | null; stdout: string; stderr: string; error?: string }

/** Runs one kubectl call to its end (bounded in time and output). */
export function runKubectl(k: Kubectl, args: string[], timeoutMs = 60_000, maxBytes = 64 << 20): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const [cmd, ...pre] = k.base;
    let out = Buffer.alloc(0);
    let err = '';
    let overflow = false;
    const child = spawn(cmd, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      if (out.length + b.length > maxBytes) {
        overflow = true;
        child.kill('SIGKILL');
      } else out = Buffer.concat([out, b]);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 8192) err += b.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: '', stderr: err, error: `cannot run ${cmd}: ${e.code ?? e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const error = overflow ? `${cmd} ${args.slice(0, 2).join(' ')} printed more than ${maxBytes} bytes`
        : signal ? `${cmd} ${args.slice(0, 2).join(' ')} was killed (${signal}${signal === 'SIGKILL' ? `, after ${timeoutMs / 1000} s` : ''})` : undefined;
      resolve({ code, stdout: out.toString('utf8'), stderr: err, ...(error && { error }) });
    });
  });
}

/** The last meaningful line kubectl printed on stderr (its error), or why it failed to run. */
export function kubectlError(r: KubectlResult): string {
  if (r.error) return r.error;
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.at(-1) ?? `kubectl exited ${r.code}`).slice(0, 400);
}

/** Runs kubectl and parses its JSON output, or says why not. */
export async function kubectlJson(k: Kubectl, args: string[]): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const r = await runKubectl(k, args);
  if (r.code !== 0 || r.error) return { ok: false, error: kubectlError(r) };
  try {
    return { ok: true, value: JSON.parse(r.stdout) };
  } catch {
    return { ok: false, error: `kubectl ${args.join(' ')} did not print JSON` };
  }
}

/** `kubectl exec -i -n NS POD -c CTR --`: the helper's bootstrap (or --helper-path) follows. */
export function execVia(k: Kubectl, ns: string, pod: string, container: string): string[] {
  return [...k.base, 'exec', '-i', '-n', ns, pod, '-c', container, '--'];
}

export interface DebugSpec { image: string; profile: string; name: string }

/** What the debug container runs first: kubectl debug -i attaches only once the container runs,
 *  and what it printed before that may be lost (kubernetes/kubernetes#27264), so the bootstrap,
 *  which speaks first, starts a moment later. */
export const ATTACH_WAIT = 'sleep 2 2>/dev/null; exec "$@"';

/** `kubectl debug -i … --target=CTR -- sh -c WAIT`: an ephemeral container in the pod, in the
 *  target container's process namespace, with stdin and stdout attached; it ends when stdin
 *  closes. The helper's bootstrap follows as the arguments. */
export function debugVia(k: Kubectl, ns: string, pod: string, container: string, d: DebugSpec): string[] {
  return [...k.base, 'debug', '-i', '-n', ns, pod, `--image=${d.image}`, `--target=${container}`, '-c', d.name, `--profile=${d.profile}`, '--quiet', '--',
    'sh', '-c', ATTACH_WAIT, 'sbx-attach-wait'];
}

/** Words as a shell would need them, for the channel's label in the report. */
export function shellWords(words: string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
