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

/** `it` for a test that needs an engine started in beforeAll: `engine()` is the Engine, or why it
 *  could not start; then, as above, a failure in CI and a named skip elsewhere. */
export function itWithEngine(engine: () => Engine | string, title: string, fn: (e: Engine) => Promise<void>, timeout = 240_000): void {
  it(title, async (ctx) => {
    const e = engine();
    if (typeof e === 'string') {
      if (CI) throw new Error(`the engine cannot start here: ${e}`);
      ctx.skip(`the engine cannot start here: ${e}`);
      return;
    }
    await fn(e);
  }, timeout);
}
