// `it` for a test that needs a real runtime: in CI (CI=true) a runtime that cannot start FAILS,
// naming it; elsewhere the test is skipped with the reason in its title. Never a silent pass.
import { it } from 'vitest';
import { runtimeAvailability, type RuntimeName } from '../runtimes/index.js';
import type { Engine } from './engines.js';

export const CI = process.env.CI === 'true' || process.env.CI === '1';

export async function itInRuntime(rt: RuntimeName, title: string, fn: () => Promise<void>, timeout = 180_000): Promise<void> {
  const a = await runtimeAvailability(rt);
  if (a.ok) it(title, fn, timeout);
  else if (CI) it(title, () => { throw new Error(`runtime ${rt} cannot start on this machine: ${a.reason}`); });
  else it.skip(`${title} — SKIPPED: ${rt} cannot start here: ${a.reason}`, () => {});
}

/** `it` for a test that needs something started in beforeAll (an engine, the CRI lab): `get()` is
 *  that thing, or why it could not start — then, as above, a failure in CI naming `what`, and a
 *  skip with the reason elsewhere. */
export function itWith<T>(get: () => T | string, what: string, title: string, fn: (t: T) => Promise<void>, timeout = 240_000): void {
  it(title, async (ctx) => {
    const t = get();
    if (typeof t === 'string') {
      const why = `${what} cannot start here: ${t}`;
      if (CI) throw new Error(why);
      ctx.skip(why);
      return;
    }
    await fn(t);
  }, timeout);
}

/** itWith for an engine. */
export function itWithEngine(engine: () => Engine | string, title: string, fn: (e: Engine) => Promise<void>, timeout = 240_000): void {
  itWith(engine, 'the engine', title, fn, timeout);
}
