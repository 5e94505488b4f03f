// The audit loop: every pod collected, at most `parallel` at a time; one bad pod never stops
// the others (its result says why). Results are handed on in the listing's order, each as soon
// as it and every one before it are done, so JSON lines stream in a stable order.
import type { PodResult } from './collect.js';

export async function auditAll<T>(
  items: T[],
  parallel: number,
  collect: (item: T) => Promise<PodResult>,
  onResult: (r: PodResult, index: number) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<PodResult[]> {
  const results: (PodResult | undefined)[] = new Array(items.length);
  let next = 0;
  let flushed = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await collect(items[i]);
      done++;
      onProgress?.(done, items.length);
      while (flushed < items.length && results[flushed]) onResult(results[flushed]!, flushed++);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  return results as PodResult[];
}
