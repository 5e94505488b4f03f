// --declared FILE: a pod's JSON as `kubectl get pod POD -o json` prints it (or a List with the
// Pod and its RuntimeClasses). Untrusted input: capped at 16 MiB and parsed here; what the
// document declares is read field by field by the classifier (declared-enforced.ts).
import { readFileSync, statSync } from 'node:fs';

export function readPodFile(path: string): { doc: unknown } | { error: string } {
  let text: string;
  try {
    if (statSync(path).size > 16 << 20) return { error: 'larger than 16 MiB: not a pod' };
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  try {
    return { doc: JSON.parse(text) };
  } catch {
    return { error: 'not JSON (kubectl get pod POD -o json)' };
  }
}
